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

use crate::diagnose::{Confidence, Evidence, Finding, FindingsBySession};
use crate::model::{EventKind, Timestamp};
use crate::report::Analysis;
use crate::timeline::align::format_offset;
use crate::timeline::{InstallSession, Outcome};

mod csp;
pub mod fleet_index;
mod log_context;
mod svg_timeline;

use log_context::ContextView;

use svg_timeline::timeline;

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("copy.js");

/// Renders the whole analysis as one HTML page.
pub fn render(a: &Analysis) -> String {
    let names = PathNames::new(a);
    let title = page_title(a);
    let csp = csp::policy(SCRIPT);
    let mut cmd_ids = 0usize;
    let ctx = ContextView::new(a);
    let by_session = FindingsBySession::new(&a.findings);
    let machine: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| f.session.is_none() && bundle_of(a, f).is_none())
        .collect();
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
                        (super::outcome_counts(&a.sessions)) " · " (a.findings.len()) " finding(s)"
                    }
                }
                section #verdict aria-label="Verdict" {
                    @if a.sessions.is_empty() && a.bundles.is_empty() {
                        div.verdict.out-unknown {
                            p.product { "No install session found" }
                            p { "None of the inputs holds a Windows Installer session msidiag can read. "
                                "See the inputs and notes below." }
                        }
                    }
                    div.verdicts {
                        @for s in &a.sessions {
                            (verdict_card(a, s, &by_session))
                        }
                        @for ab in &a.bundles {
                            (bundle_card(a, ab))
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
                    @if let Some(c) = &a.context {
                        @if c.capped {
                            p.ctx-cap { "The log lines around the evidence stop after "
                                (thousands(c.cap)) " lines (the limit for one report): later evidence is shown without them." }
                        }
                        @for p in &c.problems { p.ctx-cap { (clean(p)) } }
                    }
                    @if a.findings.is_empty() {
                        p.muted { "No finding: nothing in these inputs points at a failure." }
                    }
                    @for s in &a.sessions {
                        @let fs = by_session.of(&s.id);
                        @if !fs.is_empty() {
                            div.session-group {
                                h3 { (session_heading(s)) }
                                @for (n, f) in fs.iter().enumerate() {
                                    (finding_block(f, &a.findings, Some(s), &anchor(s, n), &names, &ctx, &mut cmd_ids))
                                }
                            }
                        }
                    }
                    @for ab in &a.bundles {
                        @let fs = bundle_findings(a, ab);
                        @if !fs.is_empty() {
                            div.session-group {
                                h3 { (clean(&bundle_heading(ab))) }
                                @for (n, f) in fs.iter().enumerate() {
                                    (finding_block(f, &a.findings, None, &format!("finding-{}-{}", ab.bundle.id, n + 1), &names, &ctx, &mut cmd_ids))
                                }
                            }
                        }
                    }
                    @if !machine.is_empty() {
                        div.session-group {
                            h3 { "Machine-wide (outside every session)" }
                            @for (n, f) in machine.iter().enumerate() {
                                (finding_block(f, &a.findings, None, &format!("machine-{}", n + 1), &names, &ctx, &mut cmd_ids))
                            }
                        }
                    }
                }
                (action_tables(a))
                @if !a.sessions.is_empty() {
                    section #timeline {
                        h2 { "Timeline" }
                        (timeline(a, &by_session, &names))
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
                    "Evidence times are on each session's clock: the machine's wall clock (UTC records shifted by the session's offset when it is known), or UTC where tagged so; hover a time to see it as written."
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
    let count = |o: Outcome| a.sessions.iter().filter(|s| s.outcome == o).count();
    match a.sessions.as_slice() {
        [] => match a.bundles.as_slice() {
            [one] => format!(
                "{} bundle: {}",
                one.bundle.log.name.as_deref().unwrap_or("(unnamed)"),
                outcome_label(one.bundle.outcome()).to_lowercase()
            ),
            [_, ..] => format!("{} bundle runs", a.bundles.len()),
            [] => "No install session found".to_string(),
        },
        [one] => match one.outcome {
            Outcome::Failure => format!("{} failed", name(one)),
            Outcome::Cancelled => format!("{} cancelled", name(one)),
            Outcome::Unknown => format!("{}: outcome unknown", name(one)),
            o => format!("{} {}", name(one), outcome_label(o).to_lowercase()),
        },
        all => {
            // Each session is counted under its own outcome: "failed" counts failures only.
            let mut title = match count(Outcome::Failure) {
                0 => format!("{} install sessions, none failed", all.len()),
                f => format!("{f} of {} install sessions failed", all.len()),
            };
            let cancelled = count(Outcome::Cancelled);
            if cancelled > 0 {
                title.push_str(&format!(", {cancelled} cancelled"));
            }
            let unknown = count(Outcome::Unknown);
            if unknown > 0 {
                title.push_str(&format!(", {unknown} with unknown outcome"));
            }
            title
        }
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

fn anchor(s: &InstallSession, n: usize) -> String {
    format!("finding-{}-{}", s.id, n + 1)
}

fn product_label(s: &InstallSession) -> String {
    let mut p = s
        .display_name()
        .unwrap_or_else(|| "(unknown product)".into());
    if let Some(v) = super::shown_version(s) {
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

/// The bundle run whose own findings include `f` (bundle findings have no session).
fn bundle_of<'a>(a: &'a Analysis, f: &Finding) -> Option<&'a crate::report::AnalyzedBundle> {
    if f.session.is_some() {
        return None;
    }
    a.bundles.iter().find(|ab| {
        ab.findings.contains(&f.id)
            && f.evidence
                .first()
                .is_some_and(|e| *e.path == *ab.bundle.log.path)
    })
}

/// The own findings of a bundle run.
fn bundle_findings<'a>(a: &'a Analysis, ab: &crate::report::AnalyzedBundle) -> Vec<&'a Finding> {
    a.findings
        .iter()
        .filter(|f| bundle_of(a, f).is_some_and(|b| b.bundle.id == ab.bundle.id))
        .collect()
}

fn bundle_heading(ab: &crate::report::AnalyzedBundle) -> String {
    let log = &ab.bundle.log;
    format!(
        "{} · {} · bundle (Burn v{}) · {}",
        ab.bundle.id,
        log.name.as_deref().unwrap_or("(unnamed bundle)"),
        log.engine_version,
        outcome_label(ab.bundle.outcome()).to_lowercase()
    )
}

/// A bundle run: its outcome, exit code and packages (each failed package points at the
/// session of its MSI log, or says that log is missing), then its own findings' titles.
fn bundle_card(a: &Analysis, ab: &crate::report::AnalyzedBundle) -> Markup {
    let b = &ab.bundle;
    let log = &b.log;
    let out = b.outcome().as_str();
    let fs = bundle_findings(a, ab);
    html! {
        article class={"verdict out-" (out)} id={"verdict-" (b.id)} {
            div.line1 {
                span class={"badge out-" (out)} { (outcome_label(b.outcome())) }
                span.product { (clean(log.name.as_deref().unwrap_or("(unnamed bundle)"))) }
                span.muted { "bundle (Burn v" (clean(&log.engine_version)) ")" }
            }
            div.facts {
                (b.id)
                @if let Some(t) = log.started { " · " (t.format("%Y-%m-%d %H:%M:%S")) }
                @if let Some(c) = log.exit_code { " · exit code " span.mono { (format!("0x{c:08X}")) } }
                @if let Some(r) = &log.restart { " · restart: " (clean(r)) }
            }
            div.cause {
                @for (i, p) in log.packages.iter().enumerate() {
                    @if let Some(r) = p.result {
                        div {
                            "Package " span.mono { (clean(&p.id)) } ": " span.mono { (format!("0x{r:08X}")) }
                            @if let Some(sid) = b.session_of(i) {
                                " → " a href={"#verdict-" (sid)} { (sid) } " (its MSI log)"
                            } @else if r & 0x8000_0000 != 0 {
                                " (its MSI log is not among the inputs)"
                            }
                        }
                    }
                }
                @for (n, f) in fs.iter().enumerate() {
                    div.cause-title {
                        a href={"#finding-" (b.id) "-" (n + 1)} { (clean(&f.title)) }
                        " " span class={"badge conf-" (f.confidence.as_str())} { (f.confidence.as_str()) " confidence" }
                    }
                }
            }
        }
    }
}

fn verdict_card(a: &Analysis, s: &InstallSession, by_session: &FindingsBySession) -> Markup {
    let fs = by_session.of(&s.id);
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
                    p { (prose(&first_sentence(&crate::report::relations::summary(top, &a.findings)))) }
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
    all: &[Finding],
    session: Option<&InstallSession>,
    id: &str,
    names: &PathNames,
    ctx: &ContextView,
    cmd_ids: &mut usize,
) -> Markup {
    let evidence = &f.evidence;
    let blocks = ctx.blocks(all.iter().position(|x| std::ptr::eq(x, f)));
    let cited = |b: &crate::report::log_context::ContextBlock| -> Vec<u64> {
        b.evidence
            .iter()
            .filter_map(|&i| evidence.get(i).and_then(|e| e.line))
            .collect()
    };
    let conf = f.confidence.as_str();
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
            p.summary { (prose(&crate::report::relations::summary(f, all))) }
            @if !evidence.is_empty() {
                h4 { "Evidence" }
                table.evidence {
                    thead { tr { th { "Time" } th { "Source" } th { "Exact text" } } }
                    tbody {
                        @for (i, e) in evidence.iter().enumerate() {
                            tr {
                                td.time title=[e.time.map(|t| t.to_string())] {
                                    (evidence_time(e, session))
                                }
                                td.src title=(clean(&e.path)) { (clean(&place(e, names))) }
                                td {
                                    pre { (clean(&e.text)) }
                                    @if let Some(b) = blocks.iter().find(|b| b.evidence.first() == Some(&i)) {
                                        (ctx.block(b, &cited(b)))
                                    } @else if let Some(b) = blocks.iter().find(|b| b.evidence.contains(&i)) {
                                        @if let Some(first) = cited(b).first() {
                                            p.ctx-note { "Its log lines are under line " (first) " above." }
                                        }
                                    }
                                }
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

/// `5,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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

/// The evidence time on its session's clock (see [`super::shown_time`]), tagged when UTC.
fn evidence_time(e: &Evidence, session: Option<&InstallSession>) -> Markup {
    let Some(t) = &e.time else {
        return html! { span.muted { "—" } };
    };
    let (text, utc) = super::shown_time(t, session.and_then(super::session_day));
    html! {
        (text)
        @if utc { span.clock-tag { "UTC" } }
    }
}

// ---------------------------------------------------------------------------------------------
// Actions

/// Per session, its actions (`src/report/actions.rs`): start, end, duration, return value;
/// the failing ones marked, the slow ones shaded, custom actions labelled with their type.
fn action_tables(a: &Analysis) -> Markup {
    let tables: Vec<(&InstallSession, Vec<crate::report::actions::ActionRow>)> = a
        .sessions
        .iter()
        .map(|s| (s, crate::report::actions::actions(s)))
        .filter(|(_, rows)| !rows.is_empty())
        .collect();
    if tables.is_empty() {
        return html! {};
    }
    html! {
        section #actions {
            h2 { "Actions" }
            p.small.muted { "Each action the MSI log started and ended, nested ones indented. Shaded: slow (2 s, 10 s, 60 s and more); "
                "start and end to the second, as the log wrote them." }
            @for (s, rows) in &tables {
                @let innermost = crate::report::actions::failed_innermost(rows);
                @let (kept, left_out) = crate::report::actions::shown(rows, crate::report::actions::MAX_SHOWN);
                @let failed: Vec<&str> = innermost.iter().map(|&i| rows[i].name.as_str()).collect();
                details.actions open id={"actions-" (s.id)} {
                    summary {
                        (clean(&session_heading(s))) " · " (rows.len()) " action(s)"
                        @if !failed.is_empty() { " · failed: " (clean(&failed.join(", "))) }
                    }
                    div.card {
                        table.actions {
                            thead { tr { th { "Action" } th { "Start" } th { "End" } th.num { "Duration" } th { "Return value" } th { "Line" } } }
                            tbody {
                                @for &i in &kept {
                                    @let r = &rows[i];
                                    @let class = action_class(r, innermost.contains(&i));
                                    tr class=[class] {
                                        td style={"padding-left:" (8 + 16 * r.depth.min(8)) "px"} {
                                            span.mono { (clean(&r.name)) }
                                            @if innermost.contains(&i) { " " span.badge.out-failure { "failed here" } }
                                            @if let Some(kind) = r.kind_label() { br; span.small.muted { (kind) } }
                                        }
                                        td.mono { @match r.started { Some(t) => { (t.format("%H:%M:%S")) } None => { "—" } } }
                                        td.mono { @match r.ended { Some(t) => { (t.format("%H:%M:%S")) } None => { "—" } } }
                                        td.mono.num { @match r.seconds() { Some(d) => { (duration(d)) } None => { span.muted { "not ended" } } } }
                                        td.mono { @match r.return_value { Some(v) => { (v) " (" (crate::report::actions::return_label(v)) ")" } None => { "—" } } }
                                        td.mono.small { @if let Some(l) = r.line { (l) } }
                                    }
                                }
                            }
                        }
                        @if left_out > 0 {
                            p.ctx-cap { (thousands(left_out)) " more action(s) are not listed: the table keeps "
                                (crate::report::actions::MAX_SHOWN) " rows, every failed and slow action first, then the earliest." }
                        }
                    }
                }
            }
        }
    }
}

/// The row classes of an action: where the failure started or one around it, and how slow.
fn action_class(r: &crate::report::actions::ActionRow, innermost: bool) -> Option<String> {
    let mut classes = Vec::new();
    if innermost {
        classes.push("act-failed".to_string());
    } else if r.failed() {
        classes.push("act-failed-around".to_string());
    }
    match r.slowness() {
        0 => {}
        n => classes.push(format!("slow-{n}")),
    }
    (!classes.is_empty()).then(|| classes.join(" "))
}

/// `0 s`, `12 s`, `1 min 11 s`, `2 h 03 min`.
fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
