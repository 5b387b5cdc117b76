//! The HTML report (`--html FILE`): one self-contained page for a support ticket.
//!
//! Verdict first (one card per install session: product, operation, outcome, most likely
//! cause), then every finding (plain-words explanation, evidence in time order with file and
//! line/record and the exact text, fixes as commands with a copy button), an SVG timeline of
//! the sessions across sources, the inventory of inputs and how their clocks were aligned.
//!
//! Rules this renderer must keep:
//! - Self-contained: CSS, JavaScript and SVG are inline; the page makes no request (a
//!   Content-Security-Policy forbids any, and only the one script whose hash it names may run).
//! - Everything taken from the inputs is escaped (maud escapes every interpolation; control
//!   and bidi characters are made visible): a product name containing `<script>` is text.
//! - Readable without JavaScript and printable: the script only reveals the copy buttons.
//! - It reads an [`Analysis`] and must not change it or decide anything.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::diagnose::{Confidence, Evidence, Finding};
use crate::model::{EventKind, Timestamp};
use crate::timeline::align::format_offset;
use crate::timeline::{InstallSession, Outcome};
use crate::Analysis;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/copy.js");

/// The SHA-256 of the inline script, computed at compile time for the Content-Security-Policy.
const SCRIPT_SHA256: [u8; 32] = sha256(SCRIPT.as_bytes());

/// Renders the whole analysis as one HTML page.
pub fn render(a: &Analysis) -> String {
    let names = PathNames::new(a);
    let failed = a.sessions.iter().filter(|s| s.outcome.is_failure()).count();
    let title = page_title(a);
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{}'; base-uri 'none'; form-action 'none'",
        base64(&SCRIPT_SHA256)
    );
    let mut cmd_ids = 0usize;
    let machine: Vec<&Finding> = a.findings.iter().filter(|f| f.session.is_none()).collect();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(csp);
                meta name="referrer" content="no-referrer";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={"msidiag " (env!("CARGO_PKG_VERSION"))};
                link rel="icon" href="data:,";
                title { (clean(&title)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header.top {
                    div {
                        div.brand { "msidiag · Windows Installer diagnosis" }
                        h1 { (clean(&title)) }
                    }
                    div.counts {
                        (a.inputs.len()) " input(s) · " (a.sessions.len()) " install session(s), "
                        (failed) " failed · " (a.findings.len()) " finding(s)"
                    }
                }
                section #verdict aria-label="Verdict" {
                    @if a.sessions.is_empty() {
                        div.verdict.out-unknown {
                            p.product { "No install session found" }
                            p { "None of the inputs holds a Windows Installer session msidiag can read. "
                                "See the inputs and notes below." }
                        }
                    }
                    div.verdicts {
                        @for s in &a.sessions {
                            (verdict_card(a, s))
                        }
                        @if !machine.is_empty() {
                            article.verdict.out-unknown #verdict-machine {
                                div.line1 { span.product { "Machine-wide" } span.muted { "outside every session" } }
                                div.cause {
                                    @for (n, f) in machine.iter().enumerate() {
                                        div.cause-title {
                                            a href={"#machine-" (n + 1)} { (clean(&f.title)) }
                                            " " span class={"badge conf-" (f.confidence.as_str())} { (f.confidence.as_str()) " confidence" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                section #findings {
                    h2 { "Findings" }
                    @if a.findings.is_empty() {
                        p.muted { "No finding: nothing in these inputs points at a failure." }
                    }
                    @for s in &a.sessions {
                        @let fs = session_findings(a, s);
                        @if !fs.is_empty() {
                            div.session-group {
                                h3 { (session_heading(s)) }
                                @for (n, f) in fs.iter().enumerate() {
                                    (finding_block(f, Some(s), &anchor(s, n), &names, &mut cmd_ids))
                                }
                            }
                        }
                    }
                    @if !machine.is_empty() {
                        div.session-group {
                            h3 { "Machine-wide (outside every session)" }
                            @for (n, f) in machine.iter().enumerate() {
                                (finding_block(f, None, &format!("machine-{}", n + 1), &names, &mut cmd_ids))
                            }
                        }
                    }
                }
                @if !a.sessions.is_empty() {
                    section #timeline {
                        h2 { "Timeline" }
                        (timeline(a, &names))
                    }
                }
                section #inputs {
                    h2 { "Inputs" }
                    (inventory(a))
                }
                @if !a.clocks.is_empty() {
                    section #clocks {
                        h2 { "Clocks" }
                        p.small.muted { "How each source's times were put on one clock. "
                            "MSI logs and Procmon CSV exports carry the machine's local time; event logs and PML captures carry UTC." }
                        (clocks(a, &names))
                    }
                }
                @if !a.notes.is_empty() {
                    section #notes {
                        h2 { "Notes" }
                        ul.notes { @for n in &a.notes { li { (prose(n)) } } }
                    }
                }
                footer {
                    "Generated by msidiag " (env!("CARGO_PKG_VERSION")) " (JSON schema "
                    (super::json::SCHEMA) "). Read-only analysis: the inputs were not modified. "
                    @if let Some(tz) = &a.tz { "Time zone given: " (tz.to_string()) ". " }
                    "Times are shown as written in each source; local = the machine's wall clock."
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string()
}

// ---------------------------------------------------------------------------------------------
// Verdict

fn page_title(a: &Analysis) -> String {
    let name = |s: &InstallSession| {
        format!(
            "{} {}",
            s.product.as_deref().unwrap_or("Unknown product"),
            s.operation.as_str()
        )
    };
    let failed: Vec<&InstallSession> = a
        .sessions
        .iter()
        .filter(|s| s.outcome.is_failure())
        .collect();
    let unknown: Vec<&InstallSession> = a
        .sessions
        .iter()
        .filter(|s| s.outcome == Outcome::Unknown)
        .collect();
    match (failed.as_slice(), unknown.as_slice(), a.sessions.as_slice()) {
        (_, _, []) => "No install session found".to_string(),
        ([one], [], _) if one.outcome == Outcome::Cancelled => {
            format!("{} cancelled", name(one))
        }
        ([one], [], _) => format!("{} failed", name(one)),
        ([], [one], _) => format!("{}: outcome unknown", name(one)),
        ([], [], [one]) => format!(
            "{} {}",
            name(one),
            outcome_label(one.outcome).to_lowercase()
        ),
        ([], [], all) => format!("{} install sessions, none failed", all.len()),
        (f, [], all) => {
            format!("{} of {} install sessions failed", f.len(), all.len())
        }
        (f, u, all) => format!(
            "{} of {} install sessions failed, {} with unknown outcome",
            f.len(),
            all.len(),
            u.len()
        ),
    }
}

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Success => "Succeeded",
        Outcome::SuccessRebootRequired => "Succeeded, reboot required",
        Outcome::Failure => "Failed",
        Outcome::Cancelled => "Cancelled",
        Outcome::Unknown => "Outcome unknown",
    }
}

fn session_findings<'a>(a: &'a Analysis, s: &InstallSession) -> Vec<&'a Finding> {
    a.findings
        .iter()
        .filter(|f| f.session.as_deref() == Some(s.id.as_str()))
        .collect()
}

fn anchor(s: &InstallSession, n: usize) -> String {
    format!("finding-{}-{}", s.id, n + 1)
}

fn product_label(s: &InstallSession) -> String {
    let mut p = s
        .product
        .clone()
        .unwrap_or_else(|| "(unknown product)".into());
    if let Some(v) = &s.version {
        p.push(' ');
        p.push_str(v);
    }
    p
}

fn session_heading(s: &InstallSession) -> String {
    format!(
        "{} · {} · {} · {}",
        s.id,
        product_label(s),
        s.operation.as_str(),
        outcome_label(s.outcome).to_lowercase()
    )
}

/// `2025-03-14 08:31:55 → 08:32:09 (local)` in the clock the session knows best.
fn session_when(s: &InstallSession) -> String {
    let range = |b: NaiveDateTime, e: Option<NaiveDateTime>| match e {
        Some(e) if e.date() == b.date() => {
            format!(
                "{} → {}",
                b.format("%Y-%m-%d %H:%M:%S"),
                e.format("%H:%M:%S")
            )
        }
        Some(e) => format!(
            "{} → {}",
            b.format("%Y-%m-%d %H:%M:%S"),
            e.format("%Y-%m-%d %H:%M:%S")
        ),
        None => b.format("%Y-%m-%d %H:%M:%S").to_string(),
    };
    match (s.started, s.started_utc) {
        (Some(b), _) => {
            let zone = s
                .utc_offset_minutes
                .map(|o| format!("local, UTC{}", format_offset(o)))
                .unwrap_or_else(|| "local".into());
            format!("{} ({zone})", range(b, s.ended))
        }
        (None, Some(b)) => format!(
            "{} (UTC)",
            range(b.naive_utc(), s.ended_utc.map(|e| e.naive_utc()))
        ),
        _ => "time unknown".into(),
    }
}

fn verdict_card(a: &Analysis, s: &InstallSession) -> Markup {
    let fs = session_findings(a, s);
    let out = s.outcome.as_str();
    html! {
        article class={"verdict out-" (out)} id={"verdict-" (s.id)} {
            div.line1 {
                span class={"badge out-" (out)} { (outcome_label(s.outcome)) }
                span.product { (clean(&product_label(s))) }
                span.muted { (s.operation.as_str()) }
            }
            div.facts {
                (s.id) " · " (session_when(s))
                @if let Some(c) = s.exit_code { " · exit code " (c) }
                @if let Some(code) = &s.product_code { " · " span.mono { (clean(code)) } }
            }
            @if let Some(top) = fs.first() {
                div.cause {
                    div.cause-label { "Most likely cause" }
                    div.cause-title {
                        a href={"#" (anchor(s, 0))} { (clean(&top.title)) }
                        " " span class={"badge conf-" (top.confidence.as_str())} { (top.confidence.as_str()) " confidence" }
                    }
                    p { (prose(&first_sentence(&top.summary))) }
                    @if let Some(fix) = top.fixes.first() {
                        p.first-fix { span.cause-label { "First step " } (prose(&fix.description)) }
                    }
                    @if fs.len() > 1 {
                        p.also {
                            "Also: "
                            @for (n, f) in fs.iter().enumerate().skip(1) {
                                @if n > 1 { ", " }
                                a href={"#" (anchor(s, n))} { (f.id) }
                                " (" (f.confidence.as_str()) ")"
                            }
                        }
                    }
                }
            } @else if s.outcome.is_failure() {
                div.cause {
                    div.cause-label { "Most likely cause" }
                    p { "No cause found in these inputs. See the notes below for what to collect next." }
                }
            } @else if s.outcome == Outcome::Unknown {
                div.cause { p.muted { "The log ends without an outcome (truncated?): no failure found in what was read." } }
            } @else {
                div.cause { p.muted { "Completed: nothing to fix in this session." } }
            }
        }
    }
}

/// Prose written by the rules, where `backticks` mark a command or a name: those parts are
/// set as code (all of it stays plain text when the backticks do not pair up).
fn prose(s: &str) -> Markup {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return html! { (clean(s)) };
    }
    html! {
        @for (i, part) in parts.iter().enumerate() {
            @if i % 2 == 1 { code.inline { (clean(part)) } } @else { (clean(part)) }
        }
    }
}

/// The first sentence of a summary: up to the first `. ` after some words that is not inside
/// quotes or parentheses (quoted messages have sentences of their own).
fn first_sentence(s: &str) -> String {
    let mut from = 0;
    while let Some(i) = s[from..].find(". ") {
        let end = from + i + 1;
        let head = &s[..end];
        let quotes = head.matches('"').count();
        let open = head.matches('(').count();
        let close = head.matches(')').count();
        if end >= 40 && quotes.is_multiple_of(2) && open == close {
            return head.to_string();
        }
        from = end + 1;
    }
    s.to_string()
}

// ---------------------------------------------------------------------------------------------
// Findings

fn finding_block(
    f: &Finding,
    session: Option<&InstallSession>,
    id: &str,
    names: &PathNames,
    cmd_ids: &mut usize,
) -> Markup {
    let conf = f.confidence.as_str();
    let evidence = ordered_evidence(f, session);
    let fixes: Vec<(Option<String>, &crate::diagnose::Fix)> = f
        .fixes
        .iter()
        .map(|fix| {
            let cid = fix.command.as_ref().map(|_| {
                *cmd_ids += 1;
                format!("cmd-{}", *cmd_ids)
            });
            (cid, fix)
        })
        .collect();
    html! {
        article class={"finding conf-" (conf)} id=(id) {
            header {
                span class={"badge conf-" (conf)} { (conf) " confidence" }
                h3 { (clean(&f.title)) }
                code.fid { (f.id) }
            }
            p.summary { (prose(&f.summary)) }
            @if !evidence.is_empty() {
                h4 { "Evidence" }
                table.evidence {
                    thead { tr { th { "Time" } th { "Source" } th { "Exact text" } } }
                    tbody {
                        @for e in &evidence {
                            tr {
                                td.time title=[e.time.as_deref().map(clean)] {
                                    (evidence_time(e, session))
                                }
                                td.src title=(clean(&e.path)) { (clean(&place(e, names))) }
                                td { pre { (clean(&e.text)) } }
                            }
                        }
                    }
                }
            }
            @if !fixes.is_empty() {
                h4 { "Fix" }
                ol.fixes {
                    @for (cid, fix) in &fixes {
                        li {
                            p { (prose(&fix.description)) }
                            @if let (Some(cid), Some(cmd)) = (cid, &fix.command) {
                                div.cmd {
                                    pre { code id=(cid) { (clean(cmd)) } }
                                    button.copy type="button" data-target=(cid) hidden
                                        aria-label="Copy the command" { "Copy" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `install.log:382` or `Application.evtx#1234`.
fn place(e: &Evidence, names: &PathNames) -> String {
    let file = names.short(&e.path);
    match (e.line, e.record) {
        (Some(l), _) => format!("{file}:{l}"),
        (None, Some(r)) => format!("{file}#{r}"),
        _ => file.to_string(),
    }
}

/// The evidence time as written, without the date when it is the session's day.
fn evidence_time(e: &Evidence, session: Option<&InstallSession>) -> Markup {
    let Some(t) = e.time.as_deref().and_then(parse_time) else {
        return html! { span.muted { "—" } };
    };
    let day = session.and_then(|s| {
        s.started
            .map(|t| t.date())
            .or(s.started_utc.map(|t| t.date_naive()))
    });
    // Whole-second sources (`Action ended 9:14:05`) are shown without a fraction.
    let time_format = if e.time.as_deref().is_some_and(|t| t.contains('.')) {
        "%H:%M:%S%.3f"
    } else {
        "%H:%M:%S"
    };
    let show = |n: NaiveDateTime| {
        if Some(n.date()) == day {
            n.format(time_format).to_string()
        } else {
            n.format(&format!("%Y-%m-%d {time_format}")).to_string()
        }
    };
    match t {
        Timestamp::Utc(u) => html! { (show(u.naive_utc())) span.clock-tag { "UTC" } },
        Timestamp::Local(n) => html! { (show(n)) },
        Timestamp::LocalTimeOfDay(tod) => html! { (tod.format(time_format).to_string()) },
    }
}

/// One file's evidence items with the time each sorts by.
type Timed<'a> = Vec<(Option<NaiveDateTime>, &'a Evidence)>;

/// Evidence in time order across sources: each file's items stay in file order (line or
/// record), and the files are merged by time on the session's axis. Lines without a time of
/// their own take the time of the last timed line before them in the same file; items that
/// cannot be placed at all keep their place in their file's order.
fn ordered_evidence<'a>(f: &'a Finding, session: Option<&InstallSession>) -> Vec<&'a Evidence> {
    let axis = session.map(Axis::of);
    let time_of = |e: &Evidence| -> Option<NaiveDateTime> {
        let own = e.time.as_deref().and_then(parse_time);
        match (&axis, own) {
            (Some(ax), Some(t)) => ax.place(&t),
            (None, Some(t)) => t.naive(),
            (Some(ax), None) => session.and_then(|s| inferred_time(s, e, ax)),
            (None, None) => None,
        }
    };
    // Per file, in file order, each with the time it sorts by (the last known time so far).
    let mut files: Vec<(&str, Timed<'a>)> = Vec::new();
    for e in &f.evidence {
        let i = match files.iter().position(|(p, _)| *p == e.path) {
            Some(i) => i,
            None => {
                files.push((e.path.as_str(), Vec::new()));
                files.len() - 1
            }
        };
        files[i].1.push((None, e));
    }
    for (_, items) in &mut files {
        items.sort_by_key(|(_, e)| e.line.or(e.record).unwrap_or(u64::MAX));
        let mut last = None;
        for item in items.iter_mut() {
            last = time_of(item.1).or(last);
            item.0 = last;
        }
    }
    let mut heads = vec![0usize; files.len()];
    let mut out = Vec::with_capacity(f.evidence.len());
    loop {
        let mut best: Option<(usize, Option<NaiveDateTime>)> = None;
        for (k, (_, items)) in files.iter().enumerate() {
            let Some(&(t, _)) = items.get(heads[k]) else {
                continue;
            };
            let better = match (best, t) {
                (None, _) => true,
                (Some((_, Some(b))), Some(t)) => t < b,
                (Some((_, None)), Some(_)) => true,
                _ => false,
            };
            if better {
                best = Some((k, t));
            }
        }
        let Some((k, _)) = best else { break };
        out.push(files[k].1[heads[k]].1);
        heads[k] += 1;
    }
    out
}

fn inferred_time(s: &InstallSession, e: &Evidence, axis: &Axis) -> Option<NaiveDateTime> {
    let line = e.line?;
    s.events
        .iter()
        .filter(|ev| ev.origin.path.as_ref() == e.path && ev.origin.line.is_some_and(|l| l <= line))
        .filter_map(|ev| ev.time.as_ref().and_then(|t| axis.place(t)))
        .next_back()
}

/// Parses an evidence time: `…Z` (UTC), local ISO date-time, or a bare time of day.
fn parse_time(s: &str) -> Option<Timestamp> {
    if let Some(utc) = s.strip_suffix('Z') {
        let n = NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
        return Some(Timestamp::Utc(n.and_utc()));
    }
    if s.contains('T') {
        return NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(Timestamp::Local);
    }
    NaiveTime::parse_from_str(s, "%H:%M:%S%.f")
        .ok()
        .map(Timestamp::LocalTimeOfDay)
}

// ---------------------------------------------------------------------------------------------
// Time axis of a session

/// The clock one session's timeline is drawn on: UTC when the session has UTC times, else the
/// machine's local time; other sources are converted when the offset is known.
struct Axis {
    utc: bool,
    offset: Option<i32>,
    /// Local date and start, for sources that carry a time of day only.
    local_start: Option<NaiveDateTime>,
}

impl Axis {
    fn of(s: &InstallSession) -> Axis {
        let offset = s.utc_offset_minutes;
        let local_start = s.started.or_else(|| {
            s.started_utc
                .zip(offset)
                .map(|(u, o)| u.naive_utc() + Duration::minutes(o as i64))
        });
        Axis {
            utc: s.started_utc.is_some(),
            offset,
            local_start,
        }
    }

    fn label(&self) -> String {
        match (self.utc, self.offset) {
            (true, Some(o)) => format!("UTC (local = UTC{})", format_offset(o)),
            (true, None) => "UTC".into(),
            (false, Some(o)) => format!("local time (UTC{})", format_offset(o)),
            (false, None) => "local time, offset to UTC unknown".into(),
        }
    }

    /// A timestamp on this axis (naive: UTC or local according to `utc`).
    fn place(&self, t: &Timestamp) -> Option<NaiveDateTime> {
        let shift = |o: i32| Duration::minutes(o as i64);
        match *t {
            Timestamp::Utc(u) => {
                if self.utc {
                    Some(u.naive_utc())
                } else {
                    self.offset.map(|o| u.naive_utc() + shift(o))
                }
            }
            Timestamp::Local(n) => {
                if self.utc {
                    self.offset.map(|o| n - shift(o))
                } else {
                    Some(n)
                }
            }
            Timestamp::LocalTimeOfDay(tod) => {
                let start = self.local_start?;
                let mut n = start.date().and_time(tod);
                if n < start - Duration::hours(12) {
                    n += Duration::days(1);
                }
                self.place(&Timestamp::Local(n))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Timeline (SVG)

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum SourceKind {
    MsiLog,
    EventLog,
    Procmon,
}

impl SourceKind {
    fn of(kind: &EventKind) -> SourceKind {
        match kind {
            EventKind::WinEvent(_) => SourceKind::EventLog,
            EventKind::Procmon(_) => SourceKind::Procmon,
            _ => SourceKind::MsiLog,
        }
    }

    fn label(self) -> &'static str {
        match self {
            SourceKind::MsiLog => "MSI log",
            SourceKind::EventLog => "Event log",
            SourceKind::Procmon => "Procmon",
        }
    }

    fn color(self) -> &'static str {
        match self {
            SourceKind::MsiLog => "#2e90fa",
            SourceKind::EventLog => "#7a5af8",
            SourceKind::Procmon => "#16b364",
        }
    }
}

struct Lane {
    kind: SourceKind,
    path: String,
    first: Option<NaiveDateTime>,
    last: Option<NaiveDateTime>,
    events: usize,
    unplaced: usize,
}

struct Mark {
    lane: usize,
    at: NaiveDateTime,
    confidence: Confidence,
    tip: String,
}

/// `path: 08:31:55 → 08:32:09 (532 events, 12 without a time)`.
fn lane_tip(lane: &Lane, first: &str, last: &str) -> String {
    let untimed = match lane.unplaced {
        0 => String::new(),
        n => format!(", {n} without a time on this clock"),
    };
    format!(
        "{}: {first} → {last} ({} events{untimed})",
        lane.path, lane.events
    )
}

fn confidence_color(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "#d92d20",
        Confidence::Medium => "#f79009",
        Confidence::Low => "#98a2b3",
    }
}

const SVG_W: f64 = 1000.0;
const PLOT_X: f64 = 230.0;
const PLOT_W: f64 = SVG_W - PLOT_X - 20.0;
const LANE_H: f64 = 24.0;

fn timeline(a: &Analysis, names: &PathNames) -> Markup {
    struct Row<'a> {
        s: &'a InstallSession,
        axis: Axis,
        lanes: Vec<Lane>,
        marks: Vec<Mark>,
        from: Option<NaiveDateTime>,
        to: Option<NaiveDateTime>,
    }
    let mut rows = Vec::new();
    for s in &a.sessions {
        let axis = Axis::of(s);
        let mut lanes: Vec<Lane> = Vec::new();
        let mut index: HashMap<(SourceKind, &str), usize> = HashMap::new();
        for e in &s.events {
            let kind = SourceKind::of(&e.kind);
            let i = *index
                .entry((kind, e.origin.path.as_ref()))
                .or_insert_with(|| {
                    lanes.push(Lane {
                        kind,
                        path: e.origin.path.to_string(),
                        first: None,
                        last: None,
                        events: 0,
                        unplaced: 0,
                    });
                    lanes.len() - 1
                });
            let lane = &mut lanes[i];
            lane.events += 1;
            match e.time.as_ref().and_then(|t| axis.place(t)) {
                Some(t) => {
                    lane.first = Some(lane.first.map_or(t, |f| f.min(t)));
                    lane.last = Some(lane.last.map_or(t, |l| l.max(t)));
                }
                None => lane.unplaced += 1,
            }
        }
        lanes.sort_by_key(|l| l.kind);
        let mut marks = Vec::new();
        for f in session_findings(a, s) {
            for e in &f.evidence {
                let Some(lane) = lanes.iter().position(|l| l.path == e.path) else {
                    continue;
                };
                let at = match e.time.as_deref().and_then(parse_time) {
                    Some(t) => axis.place(&t),
                    None => inferred_time(s, e, &axis),
                };
                if let Some(at) = at {
                    marks.push(Mark {
                        lane,
                        at,
                        confidence: f.confidence,
                        tip: format!("{}: {}  {}", f.id, place(e, names), first_line(&e.text)),
                    });
                }
            }
        }
        marks.sort_by_key(|m| m.confidence);
        let (mut from, mut to) = (None::<NaiveDateTime>, None::<NaiveDateTime>);
        let session_bounds = if axis.utc {
            [
                s.started_utc.map(|t| t.naive_utc()),
                s.ended_utc.map(|t| t.naive_utc()),
            ]
        } else {
            [s.started, s.ended]
        };
        for t in lanes
            .iter()
            .flat_map(|l| [l.first, l.last])
            .chain(session_bounds)
            .flatten()
        {
            from = Some(from.map_or(t, |f| f.min(t)));
            to = Some(to.map_or(t, |x| x.max(t)));
        }
        rows.push(Row {
            s,
            axis,
            lanes,
            marks,
            from,
            to,
        });
    }

    let mut y = 0.0;
    let mut parts: Vec<Markup> = Vec::new();
    for row in &rows {
        let top = y;
        let lanes_top = top + 34.0;
        let axis_y = lanes_top + row.lanes.len().max(1) as f64 * LANE_H + 4.0;
        let (from, to) = match (row.from, row.to) {
            (Some(f), Some(t)) => {
                let span = (t - f).max(Duration::seconds(1));
                let pad = span / 50;
                (Some(f - pad), Some(t + pad))
            }
            _ => (None, None),
        };
        let x_of = |t: NaiveDateTime| -> f64 {
            let (f, to) = (from.unwrap_or(t), to.unwrap_or(t));
            let total = (to - f).num_milliseconds().max(1) as f64;
            PLOT_X + PLOT_W * ((t - f).num_milliseconds() as f64 / total)
        };
        let s = row.s;
        let out = s.outcome;
        let out_color = match out {
            Outcome::Failure => "#b42318",
            Outcome::Cancelled => "#b54708",
            Outcome::Success | Outcome::SuccessRebootRequired => "#067647",
            Outcome::Unknown => "#475467",
        };
        let same_day = from.zip(to).is_some_and(|(f, t)| f.date() == t.date());
        let fmt = |t: NaiveDateTime| {
            if same_day {
                t.format("%H:%M:%S").to_string()
            } else {
                t.format("%m-%d %H:%M:%S").to_string()
            }
        };
        let g = html! {
            g.session {
                text x="0" y=(top + 16.0) font-size="14" font-weight="700" fill="#1d2939" {
                    (s.id) " · " (clean(&truncate(&product_label(s), 48))) " · " (s.operation.as_str())
                }
                text x=(SVG_W - 20.0) y=(top + 16.0) font-size="12" text-anchor="end" fill=(out_color) font-weight="700" {
                    (outcome_label(out))
                }
                text x="0" y=(top + 30.0) font-size="11" fill="#667085" {
                    "clock: " (row.axis.label())
                    @if let (Some(f), Some(_)) = (from, to) { " · " (f.date().format("%Y-%m-%d").to_string()) }
                }
                @if row.lanes.is_empty() {
                    text x=(PLOT_X) y=(lanes_top + 16.0) font-size="12" fill="#667085" { "no events" }
                }
                @for (i, lane) in row.lanes.iter().enumerate() {
                    @let ly = lanes_top + i as f64 * LANE_H;
                    text x="0" y=(ly + 16.0) font-size="12" fill="#344054" {
                        title { (clean(&lane.path)) }
                        (lane.kind.label()) ": " (clean(&truncate(names.short(&lane.path), 26)))
                    }
                    rect x=(PLOT_X) y=(ly + 4.0) width=(PLOT_W) height=(LANE_H - 8.0) fill="#f2f4f7" rx="3" {}
                    @match (lane.first, lane.last, from.is_some()) {
                        (Some(f), Some(l), true) => {
                            @let x1 = x_of(f);
                            @let w = (x_of(l) - x1).max(3.0);
                            rect x=(fmt_f(x1)) y=(ly + 5.0) width=(fmt_f(w)) height=(LANE_H - 10.0) fill=(lane.kind.color()) rx="2" {
                                title { (clean(&lane_tip(lane, &fmt(f), &fmt(l)))) }
                            }
                        }
                        _ => {
                            text x=(PLOT_X + 8.0) y=(ly + 16.0) font-size="11" fill="#667085" {
                                (lane.events) " events, not placed on this clock (offset unknown)"
                            }
                        }
                    }
                }
                @for m in &row.marks {
                    @let x = x_of(m.at);
                    @let cy = lanes_top + m.lane as f64 * LANE_H + LANE_H / 2.0;
                    path d=(format!("M{:.1} {:.1} l5 -7 l5 7 l-5 7 z", x - 5.0, cy)) fill=(confidence_color(m.confidence)) stroke="#fff" stroke-width="1" {
                        title { (clean(&m.tip)) }
                    }
                }
                line x1=(PLOT_X) x2=(PLOT_X + PLOT_W) y1=(axis_y) y2=(axis_y) stroke="#d0d5dd" {}
                @if let (Some(f), Some(t)) = (from, to) {
                    @let (marks, step) = ticks(f, t);
                    @for at in marks {
                        @let x = x_of(at);
                        @let label = match (step < 1000, same_day) {
                            (true, true) => at.format("%H:%M:%S%.3f").to_string(),
                            (true, false) => at.format("%m-%d %H:%M:%S%.3f").to_string(),
                            (false, _) => fmt(at),
                        };
                        line x1=(fmt_f(x)) x2=(fmt_f(x)) y1=(axis_y) y2=(axis_y + 4.0) stroke="#98a2b3" {}
                        text x=(fmt_f(x)) y=(axis_y + 16.0) font-size="11" fill="#667085" text-anchor="middle" { (label) }
                    }
                }
            }
        };
        parts.push(g);
        y = axis_y + 34.0;
    }
    let height = y.max(40.0);
    let kinds: Vec<SourceKind> = {
        let mut k: Vec<SourceKind> = rows
            .iter()
            .flat_map(|r| r.lanes.iter().map(|l| l.kind))
            .collect();
        k.sort();
        k.dedup();
        k
    };
    html! {
        figure.timeline {
            svg viewBox=(format!("0 0 {SVG_W} {}", fmt_f(height))) role="img" aria-label="Timeline of the install sessions by source" font-family="DejaVu Sans, Segoe UI, Arial, sans-serif" {
                @for p in parts { (p) }
            }
            figcaption {
                span.legend {
                    @for k in &kinds {
                        span class=(match k { SourceKind::MsiLog => "l-msilog", SourceKind::EventLog => "l-evtx", SourceKind::Procmon => "l-procmon" }) { (k.label()) }
                    }
                    span.m-high { "evidence, high" }
                    span.m-medium { "medium" }
                    span.m-low { "low" }
                }
                " — one row per session, one bar per source, on the clock named in the row; hover a mark for its evidence."
            }
        }
    }
}

/// Axis ticks at a round step (100 ms … 1 day), at most seven of them, and the step in ms.
fn ticks(from: NaiveDateTime, to: NaiveDateTime) -> (Vec<NaiveDateTime>, i64) {
    const STEPS_MS: &[i64] = &[
        100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
        600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
        86_400_000,
    ];
    let ms = |t: NaiveDateTime| t.and_utc().timestamp_millis();
    let span = (ms(to) - ms(from)).max(1);
    let step = STEPS_MS
        .iter()
        .copied()
        .find(|s| span / s <= 7)
        .unwrap_or_else(|| (span / 7).max(1));
    let start = ms(from).div_euclid(step) * step + step;
    let marks = (0..)
        .map(|k| start + k * step)
        .take_while(|&t| t <= ms(to))
        .filter_map(|t| DateTime::from_timestamp_millis(t).map(|d| d.naive_utc()))
        .collect();
    (marks, step)
}

fn fmt_f(x: f64) -> String {
    format!("{x:.1}")
}

fn first_line(s: &str) -> String {
    truncate(s.lines().next().unwrap_or(""), 160)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

// ---------------------------------------------------------------------------------------------
// Inventory and clocks

fn inventory(a: &Analysis) -> Markup {
    let ranges = time_ranges(a);
    html! {
        div.card {
            table.inventory {
                thead { tr { th { "Path" } th { "Kind" } th { "Encoding" } th { "Status" } th { "Time range (as written)" } th { "Clock" } } }
                tbody {
                    @for i in &a.inputs {
                        tr {
                            td.path {
                                (clean(&i.path))
                                @if !i.problems.is_empty() {
                                    ul.problems { @for p in &i.problems { li { (clean(p)) } } }
                                }
                            }
                            td.mono { (i.kind) }
                            td.mono { (i.encoding.unwrap_or("—")) }
                            td class={"mono status-" (i.status)} { (i.status) }
                            td.small {
                                @match ranges.get(i.path.as_str()) {
                                    Some(r) => { (r) }
                                    None => { span.muted { "—" } }
                                }
                            }
                            td.small {
                                @match a.clocks.iter().find(|c| c.source == i.path) {
                                    Some(c) => {
                                        (c.clock)
                                        @if let Some(o) = c.utc_offset_minutes { ", UTC" (format_offset(o)) }
                                        " (" (c.method) ")"
                                    }
                                    None if matches!(i.kind, "evtx" | "procmon-pml") && i.usable() => { "utc (native)" }
                                    None => { span.muted { "—" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn clocks(a: &Analysis, names: &PathNames) -> Markup {
    html! {
        div.card {
            table.clocks {
                thead { tr { th { "Source" } th { "Clock" } th { "Offset" } th { "Method" } th { "Detail" } } }
                tbody {
                    @for c in &a.clocks {
                        tr {
                            td.path title=(clean(&c.source)) { (clean(names.short(&c.source))) }
                            td.mono { (c.clock) }
                            td.mono { @match c.utc_offset_minutes { Some(o) => { "UTC" (format_offset(o)) } None => { "unknown" } } }
                            td.mono { (c.method) }
                            td.small { (clean(&c.detail)) }
                        }
                    }
                }
            }
        }
    }
}

/// Per input path: the first and last time of the records the analysis used, as written.
fn time_ranges(a: &Analysis) -> HashMap<&str, String> {
    #[derive(Default)]
    struct Span {
        utc: Option<(DateTime<Utc>, DateTime<Utc>)>,
        local: Option<(NaiveDateTime, NaiveDateTime)>,
        tod: Option<(NaiveTime, NaiveTime)>,
    }
    fn widen<T: Ord + Copy>(r: &mut Option<(T, T)>, t: T) {
        *r = Some(match *r {
            Some((a, b)) => (a.min(t), b.max(t)),
            None => (t, t),
        });
    }
    let mut spans: BTreeMap<&str, Span> = BTreeMap::new();
    let events = a
        .sessions
        .iter()
        .flat_map(|s| s.events.iter())
        .chain(a.machine_events.iter());
    for e in events {
        let Some(t) = e.time else { continue };
        let span = spans.entry(e.origin.path.as_ref()).or_default();
        match t {
            Timestamp::Utc(u) => widen(&mut span.utc, u),
            Timestamp::Local(n) => widen(&mut span.local, n),
            Timestamp::LocalTimeOfDay(d) => widen(&mut span.tod, d),
        }
    }
    let range = |a: NaiveDateTime, b: NaiveDateTime| {
        if a.date() == b.date() {
            format!(
                "{} → {}",
                a.format("%Y-%m-%d %H:%M:%S"),
                b.format("%H:%M:%S")
            )
        } else {
            format!(
                "{} → {}",
                a.format("%Y-%m-%d %H:%M:%S"),
                b.format("%Y-%m-%d %H:%M:%S")
            )
        }
    };
    spans
        .into_iter()
        .filter_map(|(path, s)| {
            let text = if let Some((a, b)) = s.local {
                format!("{} local", range(a, b))
            } else if let Some((a, b)) = s.utc {
                format!("{} UTC", range(a.naive_utc(), b.naive_utc()))
            } else if let Some((a, b)) = s.tod {
                format!(
                    "{} → {} local (no date)",
                    a.format("%H:%M:%S"),
                    b.format("%H:%M:%S")
                )
            } else {
                return None;
            };
            Some((path, text))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Paths and text

/// Short names for paths: the file name when it is unique among the inputs, else the path.
struct PathNames {
    unique: HashMap<String, usize>,
}

impl PathNames {
    fn new(a: &Analysis) -> PathNames {
        let mut unique: HashMap<String, usize> = HashMap::new();
        for i in &a.inputs {
            *unique.entry(file_name(&i.path).to_string()).or_default() += 1;
        }
        PathNames { unique }
    }

    fn short<'p>(&self, path: &'p str) -> &'p str {
        let name = file_name(path);
        if self.unique.get(name).copied().unwrap_or(0) <= 1 {
            name
        } else {
            path
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\', '!']).next().unwrap_or(path)
}

/// Makes control characters and bidirectional overrides visible (`\x1b`, `\u{202e}`), so text
/// from the inputs can neither break the layout nor reorder what the reader sees. HTML
/// escaping itself is maud's job.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4) at compile time, for the script hash in the Content-Security-Policy

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256 of `data`, usable in constants.
pub const fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    // Message + 0x80 + zero padding + 8-byte length, in 64-byte blocks.
    let total = (data.len() + 9).div_ceil(64) * 64;
    let mut block = 0;
    while block < total {
        let mut w = [0u32; 64];
        let mut t = 0;
        while t < 16 {
            let mut word = 0u32;
            let mut b = 0;
            while b < 4 {
                let i = block + t * 4 + b;
                let byte = if i < data.len() {
                    data[i]
                } else if i == data.len() {
                    0x80
                } else if i >= total - 8 {
                    (bit_len >> ((total - 1 - i) * 8)) as u8
                } else {
                    0
                };
                word = (word << 8) | byte as u32;
                b += 1;
            }
            w[t] = word;
            t += 1;
        }
        while t < 64 {
            let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
            let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16]
                .wrapping_add(s0)
                .wrapping_add(w[t - 7])
                .wrapping_add(s1);
            t += 1;
        }
        let (mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh) =
            (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
        let mut t = 0;
        while t < 64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[t])
                .wrapping_add(w[t]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
            t += 1;
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
        h[4] = h[4].wrapping_add(e);
        h[5] = h[5].wrapping_add(f);
        h[6] = h[6].wrapping_add(g);
        h[7] = h[7].wrapping_add(hh);
        block += 64;
    }
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 8 {
        let bytes = h[i].to_be_bytes();
        out[i * 4] = bytes[0];
        out[i * 4 + 1] = bytes[1];
        out[i * 4 + 2] = bytes[2];
        out[i * 4 + 3] = bytes[3];
        i += 1;
    }
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn sha256_matches_the_standard_vectors() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // Two blocks, and a length that puts the padding across a block edge.
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            hex(&sha256(&[b'a'; 1000])),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn control_and_bidi_characters_are_made_visible() {
        assert_eq!(clean("a\x1b[31m\u{202e}b\r\n"), "a\\x1b[31m\\u{202e}b\n");
    }

    #[test]
    fn backticks_in_prose_become_code_and_stay_escaped() {
        assert_eq!(
            prose("run `gpupdate /force`, then <retry>").into_string(),
            "run <code class=\"inline\">gpupdate /force</code>, then &lt;retry&gt;"
        );
        assert_eq!(
            prose("`<script>` x").into_string(),
            "<code class=\"inline\">&lt;script&gt;</code> x"
        );
        // Unpaired: plain text.
        assert_eq!(prose("it's `odd").into_string(), "it's `odd");
    }

    #[test]
    fn first_sentence_skips_short_abbreviations() {
        assert_eq!(
            first_sentence("The install of X was started by y without rights. Neither A nor B."),
            "The install of X was started by y without rights."
        );
        assert_eq!(first_sentence("No dot here"), "No dot here");
    }

    #[test]
    fn evidence_times_parse_in_every_clock() {
        assert!(matches!(
            parse_time("2025-03-14T08:32:02.081Z"),
            Some(Timestamp::Utc(_))
        ));
        assert!(matches!(
            parse_time("2025-03-14T08:32:02.081"),
            Some(Timestamp::Local(_))
        ));
        assert!(matches!(
            parse_time("08:32:02.081"),
            Some(Timestamp::LocalTimeOfDay(_))
        ));
        assert_eq!(parse_time("garbage"), None);
    }
}
