//! The timeline: install sessions assembled from every source, on one clock.
//!
//! A session starts from an MSI log session or, when no log covers it, from an event log
//! transaction (1040…1042) or an msiexec process tree in a Procmon capture. Event log groups
//! are matched to log sessions by product and status, which also gives the log's UTC offset
//! (`align`); Procmon operations join a session by PID (full, or the low byte the MSI log
//! shows) inside its time window. Machine-wide records (the Windows Installer service, msiexec
//! crashes) join the sessions whose window holds them. This module must not diagnose.

pub mod align;
pub mod evtx_groups;
pub mod facts;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};
use serde::Serialize;

pub use align::ClockAlignment;
pub use facts::{Outcome, SessionFacts, Sourced};

use crate::model::{Event, EventKind, Operation, Side, Timestamp};
use crate::sources::msilog::LogSession;
use crate::TzSpec;
use evtx_groups::EvtxGroup;

/// One msiexec transaction as far as the inputs show it.
#[derive(Debug, Clone)]
pub struct InstallSession {
    /// Stable id within one run: `S1`, `S2`, … (log sessions first, in input order).
    pub id: String,
    /// The file the session was first read from, and its line (or record) range.
    pub path: Arc<str>,
    pub first_line: u64,
    pub last_line: u64,
    pub product: Option<String>,
    pub product_code: Option<String>,
    pub version: Option<String>,
    pub operation: Operation,
    /// Local wall-clock start and end (the machine's time), when known.
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    /// The same instants in UTC, when the clock could be aligned.
    pub started_utc: Option<DateTime<Utc>>,
    pub ended_utc: Option<DateTime<Utc>>,
    /// Local minus UTC, in minutes, for this session's local times.
    pub utc_offset_minutes: Option<i32>,
    pub outcome: Outcome,
    pub exit_code: Option<i64>,
    pub truncated: bool,
    pub verbose: bool,
    /// MSI log events first (in file order), then events joined from other sources.
    pub events: Vec<Event>,
    /// How many of `events` come from the MSI log.
    pub log_events: usize,
    pub facts: SessionFacts,
    /// Every source that contributed, as `path:lines` or `path#records`.
    pub sources: Vec<String>,
    /// msiexec client PID (full, from 1040/1042 or Procmon) when known.
    pub client_pid: Option<u32>,
    /// Low bytes of the client and server PIDs as the MSI log shows them.
    pub client_pid_low: Option<u8>,
    pub server_pid_low: Option<u8>,
    /// Security identifier of the requesting user (event logs).
    pub user_sid: Option<String>,
}

/// The JSON view of a session (`sessions[]` in the output contract).
#[derive(Debug, Clone, Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub source: String,
    pub sources: Vec<String>,
    pub product: Option<String>,
    pub product_code: Option<String>,
    pub version: Option<String>,
    pub operation: Operation,
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_utc: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_utc: Option<DateTime<Utc>>,
    pub outcome: Outcome,
    pub exit_code: Option<i64>,
    pub client_pid: Option<u32>,
    pub user_sid: Option<String>,
}

impl InstallSession {
    pub fn from_log_session(id: String, path: &Arc<str>, log: LogSession) -> InstallSession {
        let facts = SessionFacts::from_events(&log.events);
        let exit_code = facts.exit_code.as_ref().map(|s| s.value);
        let status = facts.status;
        let outcome = match (exit_code.or(status), log.truncated) {
            (Some(code), _) => Outcome::from_code(code),
            (None, true) => Outcome::Unknown,
            (None, false) => outcome_from_actions(&log.events),
        };
        let product = facts
            .product_name
            .as_ref()
            .map(|s| s.value.clone())
            .or_else(|| facts.property("ProductName").map(|s| s.value))
            .or_else(|| product_from_messages(&log.events));
        let version = facts
            .version
            .clone()
            .or_else(|| facts.property("ProductVersion").map(|s| s.value));
        let pid_low = |side: Side| {
            log.events.iter().find_map(|e| {
                e.thread
                    .filter(|t| t.side == side && !t.custom_action_thread)
                    .map(|t| t.pid_low)
            })
        };
        InstallSession {
            id,
            path: path.clone(),
            first_line: log.first_line,
            last_line: log.last_line,
            product,
            product_code: facts
                .property("ProductCode")
                .or_else(|| facts.engine_product_code.clone())
                .map(|s| s.value),
            version,
            operation: facts.operation(),
            started: log.started,
            ended: log.ended,
            started_utc: None,
            ended_utc: None,
            utc_offset_minutes: None,
            outcome,
            exit_code,
            truncated: log.truncated,
            verbose: log.verbose,
            log_events: log.events.len(),
            client_pid_low: pid_low(Side::Client),
            server_pid_low: pid_low(Side::Server),
            events: log.events,
            facts,
            sources: vec![format!("{path}:{}-{}", log.first_line, log.last_line)],
            client_pid: None,
            user_sid: None,
        }
    }

    fn from_evtx_group(id: String, mut g: EvtxGroup) -> InstallSession {
        g.events.append(&mut g.concurrent);
        let path = g
            .events
            .first()
            .map(|e| e.origin.path.clone())
            .unwrap_or_else(|| Arc::from(""));
        let records: Vec<u64> = g.events.iter().filter_map(|e| e.origin.record).collect();
        let (first, last) = (
            records.iter().min().copied().unwrap_or(0),
            records.iter().max().copied().unwrap_or(0),
        );
        InstallSession {
            id,
            path: path.clone(),
            first_line: first,
            last_line: last,
            product: g.product.clone(),
            product_code: g.product_code.clone(),
            version: g.version.clone(),
            operation: g.operation,
            started: None,
            ended: None,
            started_utc: g.begin,
            ended_utc: g.end,
            utc_offset_minutes: None,
            outcome: g.status.map_or(Outcome::Unknown, Outcome::from_code),
            exit_code: g.status,
            truncated: false,
            verbose: false,
            log_events: 0,
            facts: SessionFacts::default(),
            sources: vec![format!("{path}#{first}-{last}")],
            client_pid: g.client_pid,
            client_pid_low: None,
            server_pid_low: None,
            user_sid: g.user_sid.clone(),
            events: g.events,
        }
    }

    pub fn summary(&self) -> SessionSummary {
        SessionSummary {
            id: self.id.clone(),
            source: self.sources.first().cloned().unwrap_or_default(),
            sources: self.sources.clone(),
            product: self.product.clone(),
            product_code: self.product_code.clone(),
            version: self.version.clone(),
            operation: self.operation,
            started: self.started,
            ended: self.ended,
            started_utc: self.started_utc,
            ended_utc: self.ended_utc,
            outcome: self.outcome,
            exit_code: self.exit_code,
            client_pid: self.client_pid,
            user_sid: self.user_sid.clone(),
        }
    }

    /// The related (non-log) events.
    pub fn related(&self) -> &[Event] {
        &self.events[self.log_events..]
    }

    /// When the engine reported the outcome (log time), the best anchor for alignment.
    fn outcome_local(&self) -> Option<NaiveDateTime> {
        let at = self
            .facts
            .outcome_line
            .and_then(|i| self.events.get(i))
            .and_then(|e| e.time);
        match at {
            Some(Timestamp::Local(t)) => Some(t),
            _ => self.ended,
        }
    }

    fn status(&self) -> Option<i64> {
        self.facts.status.or(self.exit_code)
    }

    /// The session's window in UTC, widened by `margin`.
    fn utc_window(&self, margin: Duration) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some((
            self.started_utc? - margin,
            self.ended_utc.or(self.started_utc)? + margin,
        ))
    }

    fn add_related(&mut self, events: Vec<Event>, source: String) {
        if events.is_empty() {
            return;
        }
        if !self.sources.contains(&source) {
            self.sources.push(source);
        }
        self.events.extend(events);
    }

    fn apply_offset(&mut self, offset: i32) {
        self.utc_offset_minutes = Some(offset);
        self.started_utc = self.started.map(|t| align::to_utc(t, offset));
        self.ended_utc = self.ended.map(|t| align::to_utc(t, offset));
    }
}

/// Without an exit code: `INSTALL` (or the top action) returning 3 is a failure.
fn outcome_from_actions(events: &[Event]) -> Outcome {
    let top = events.iter().rev().find_map(|e| match &e.kind {
        EventKind::ActionEnded {
            action,
            return_value,
        } if action.chars().all(|c| c.is_ascii_uppercase()) => Some(*return_value),
        _ => None,
    });
    match top {
        Some(1) => Outcome::Success,
        Some(2) => Outcome::Cancelled,
        Some(3) => Outcome::Failure,
        _ => Outcome::Unknown,
    }
}

fn product_from_messages(events: &[Event]) -> Option<String> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::ProductMessage { product, .. } => Some(product.clone()),
        _ => None,
    })
}

/// Everything the sources read, handed to [`build`].
#[derive(Default)]
pub struct SourceData {
    pub logs: Vec<(Arc<str>, Vec<LogSession>)>,
    /// Kept event log records per file.
    pub evtx: Vec<(Arc<str>, Vec<Event>)>,
    /// Kept Procmon operations per file, and whether the file's times carry dates.
    pub procmon: Vec<(Arc<str>, Vec<Event>, bool)>,
}

/// The merged result.
#[derive(Debug, Default)]
pub struct Timeline {
    pub sessions: Vec<InstallSession>,
    /// Machine-wide records no session's window holds (service, crashes), in time order.
    pub machine_events: Vec<Event>,
    pub clocks: Vec<ClockAlignment>,
    pub notes: Vec<String>,
}

fn utc_of(e: &Event) -> Option<DateTime<Utc>> {
    match e.time {
        Some(Timestamp::Utc(t)) => Some(t),
        _ => None,
    }
}

fn is_msi_installer(e: &Event) -> bool {
    matches!(&e.kind, EventKind::WinEvent(w) if w.provider == "MsiInstaller")
}

/// Builds the sessions from every source and aligns their clocks.
pub fn build(data: SourceData, tz: Option<&TzSpec>) -> Timeline {
    let mut t = Timeline::default();
    let mut log_files: Vec<Arc<str>> = Vec::new();
    for (path, sessions) in data.logs {
        log_files.push(path.clone());
        for s in sessions {
            let id = format!("S{}", t.sessions.len() + 1);
            t.sessions
                .push(InstallSession::from_log_session(id, &path, s));
        }
    }
    let mut installer_events = Vec::new();
    let mut machine = Vec::new();
    for (_, events) in data.evtx {
        for e in events {
            if is_msi_installer(&e) {
                installer_events.push(e);
            } else {
                machine.push(e);
            }
        }
    }
    let groups = evtx_groups::group(installer_events);
    let unmatched = match_groups(&mut t, groups, &log_files, tz);
    for g in unmatched.into_iter().filter(EvtxGroup::is_install) {
        let id = format!("S{}", t.sessions.len() + 1);
        t.sessions.push(InstallSession::from_evtx_group(id, g));
    }
    for (path, events, has_dates) in data.procmon {
        join_procmon(&mut t, &path, events, has_dates);
    }
    machine.sort_by_key(utc_of);
    for e in machine {
        let holder = utc_of(&e).and_then(|at| {
            t.sessions.iter_mut().find(|s| {
                s.utc_window(Duration::minutes(5))
                    .is_some_and(|(a, b)| a <= at && at <= b)
            })
        });
        match holder {
            Some(s) => {
                let source = format!("{}#records", e.origin.path);
                s.add_related(vec![e], source);
            }
            None => t.machine_events.push(e),
        }
    }
    for s in &mut t.sessions {
        let (log, related) = s.events.split_at_mut(s.log_events);
        let _ = log;
        related.sort_by_key(|e| sort_key(e, s.utc_offset_minutes));
    }
    t
}

/// A local-clock sort key for related events (UTC shifted by the offset when known).
fn sort_key(e: &Event, offset: Option<i32>) -> Option<NaiveDateTime> {
    match e.time? {
        Timestamp::Utc(u) => Some(offset.map_or(u.naive_utc(), |o| align::to_local(u, o))),
        Timestamp::Local(l) => Some(l),
        Timestamp::LocalTimeOfDay(t) => Some(NaiveDateTime::new(chrono::NaiveDate::MIN, t)),
    }
}

/// Matches event log groups to log sessions (same product, same status, a real UTC offset),
/// aligns each log file's clock, and returns the groups no log session claimed.
fn match_groups(
    t: &mut Timeline,
    groups: Vec<EvtxGroup>,
    log_files: &[Arc<str>],
    tz: Option<&TzSpec>,
) -> Vec<EvtxGroup> {
    // Candidate pairs: (residual seconds, session index, group index, offset).
    let mut candidates: Vec<(i64, usize, usize, i32)> = Vec::new();
    for (si, s) in t.sessions.iter().enumerate() {
        let (Some(local), Some(product)) = (s.outcome_local(), s.product.as_deref()) else {
            continue;
        };
        for (gi, g) in groups.iter().enumerate() {
            let (Some(at), Some(gp)) = (g.outcome_at, g.product.as_deref()) else {
                continue;
            };
            if !gp.trim().eq_ignore_ascii_case(product.trim()) || g.status != s.status() {
                continue;
            }
            let snapped = match tz {
                Some(tz) => align::tz_offset_at(tz, local)
                    .filter(|o| {
                        let expected = align::to_utc(local, *o);
                        (expected - at).abs() <= align::MAX_RESIDUAL
                    })
                    .map(|o| (o, (align::to_utc(local, o) - at).abs())),
                None => align::snap_offset(local, at),
            };
            if let Some((offset, residual)) = snapped {
                let pid_bonus = match (g.client_pid, s.client_pid_low) {
                    (Some(full), Some(low)) if (full & 0xFF) as u8 == low => 0,
                    (Some(_), Some(_)) => 30,
                    _ => 5,
                };
                candidates.push((residual.num_seconds() + pid_bonus, si, gi, offset));
            }
        }
    }
    candidates.sort();
    let mut used_sessions = vec![false; t.sessions.len()];
    let mut used_groups = vec![false; groups.len()];
    let mut votes: BTreeMap<Arc<str>, BTreeMap<i32, Vec<String>>> = BTreeMap::new();
    let mut pairs = Vec::new();
    for (_, si, gi, offset) in candidates {
        if used_sessions[si] || used_groups[gi] {
            continue;
        }
        used_sessions[si] = true;
        used_groups[gi] = true;
        pairs.push((si, gi));
        let s = &t.sessions[si];
        votes
            .entry(s.path.clone())
            .or_default()
            .entry(offset)
            .or_default()
            .push(format!(
                "{} {} status {} in the log and in {}",
                s.id,
                s.product.as_deref().unwrap_or("?"),
                s.status().map_or("?".into(), |c| c.to_string()),
                groups[gi]
                    .events
                    .first()
                    .map_or(String::new(), |e| e.origin.display())
            ));
    }
    // One offset per log file: the one most matches agree on (or --tz).
    for path in log_files {
        let file_votes = votes.get(path);
        let best = file_votes.and_then(|v| {
            v.iter()
                .max_by_key(|(_, who)| who.len())
                .map(|(o, who)| (*o, who.clone()))
        });
        let alignment = match (tz, best) {
            (Some(tz), best) => {
                let offset = t
                    .sessions
                    .iter()
                    .find(|s| &s.path == path)
                    .and_then(|s| s.started)
                    .and_then(|l| align::tz_offset_at(tz, l));
                ClockAlignment {
                    source: path.to_string(),
                    clock: "local",
                    utc_offset_minutes: offset,
                    method: "given",
                    detail: match best {
                        Some((_, who)) => format!("--tz {tz}; confirmed by {}", who.join("; ")),
                        None => format!("--tz {tz}"),
                    },
                }
            }
            (None, Some((offset, who))) => ClockAlignment {
                source: path.to_string(),
                clock: "local",
                utc_offset_minutes: Some(offset),
                method: "matched",
                detail: format!(
                    "UTC{} inferred from the same install outcome in both sources: {}{}",
                    align::format_offset(offset),
                    who.join("; "),
                    if file_votes.is_some_and(|v| v.len() > 1) {
                        " (other matches disagreed; the majority was used)"
                    } else {
                        ""
                    }
                ),
            },
            (None, None) => ClockAlignment {
                source: path.to_string(),
                clock: "local",
                utc_offset_minutes: None,
                method: "unknown",
                detail: if groups.is_empty() {
                    "local time as written; no event log was given to align it with (use --tz)"
                        .into()
                } else {
                    "local time as written; no event log record matches an install in this log, so its UTC offset is unknown (use --tz)".into()
                },
            },
        };
        if let Some(offset) = alignment.utc_offset_minutes {
            let tz_per_session = tz.is_some();
            for s in t.sessions.iter_mut().filter(|s| &s.path == path) {
                let o = match (tz_per_session, tz, s.started) {
                    (true, Some(tz), Some(l)) => align::tz_offset_at(tz, l).unwrap_or(offset),
                    _ => offset,
                };
                s.apply_offset(o);
            }
        }
        t.clocks.push(alignment);
    }
    let mut groups: Vec<Option<EvtxGroup>> = groups.into_iter().map(Some).collect();
    for (si, gi) in pairs {
        let Some(mut g) = groups[gi].take() else {
            continue;
        };
        g.events.append(&mut g.concurrent);
        let s = &mut t.sessions[si];
        s.client_pid = s.client_pid.or(g.client_pid);
        s.user_sid = s.user_sid.clone().or(g.user_sid.clone());
        s.product_code = s.product_code.clone().or(g.product_code.clone());
        if s.outcome == Outcome::Unknown {
            if let Some(status) = g.status {
                s.outcome = Outcome::from_code(status);
            }
        }
        let source = g
            .events
            .first()
            .map(|e| {
                let recs: Vec<u64> = g.events.iter().filter_map(|e| e.origin.record).collect();
                format!(
                    "{}#{}-{}",
                    e.origin.path,
                    recs.iter().min().unwrap_or(&0),
                    recs.iter().max().unwrap_or(&0)
                )
            })
            .unwrap_or_default();
        s.add_related(g.events, source);
    }
    groups.into_iter().flatten().collect()
}

/// A UTC capture can align a log nobody else aligned: the msiexec client process (same PID low
/// byte as the log's `(c)` lines) starts when the log starts.
fn align_from_capture(t: &mut Timeline, capture: &Arc<str>, events: &[Event]) {
    let mut found: Vec<(Arc<str>, i32, String)> = Vec::new();
    for s in t.sessions.iter().filter(|s| s.utc_offset_minutes.is_none()) {
        let (Some(started), Some(low)) = (s.started, s.client_pid_low) else {
            continue;
        };
        let first = events.iter().find_map(|e| match (&e.kind, e.time) {
            (EventKind::Procmon(op), Some(Timestamp::Utc(at)))
                if op.process_name.eq_ignore_ascii_case("msiexec.exe")
                    && (op.pid & 0xFF) as u8 == low =>
            {
                Some((op.pid, at))
            }
            _ => None,
        });
        if let Some((pid, at)) = first {
            if let Some((offset, _)) = align::snap_offset(started, at) {
                found.push((s.path.clone(), offset, format!(
                    "UTC{} inferred from the msiexec client (PID {pid}, low byte {low:02X} as in the log) starting in {capture} when {} starts",
                    align::format_offset(offset),
                    s.id
                )));
            }
        }
    }
    for (path, offset, detail) in found {
        for s in t
            .sessions
            .iter_mut()
            .filter(|s| s.path == path && s.utc_offset_minutes.is_none())
        {
            s.apply_offset(offset);
        }
        if let Some(c) = t
            .clocks
            .iter_mut()
            .find(|c| c.source == path.as_ref() && c.utc_offset_minutes.is_none())
        {
            c.utc_offset_minutes = Some(offset);
            c.method = "matched";
            c.detail = detail;
        }
    }
}

/// Joins a Procmon capture's msiexec operations to the sessions they belong to.
fn join_procmon(t: &mut Timeline, path: &Arc<str>, events: Vec<Event>, has_dates: bool) {
    align_from_capture(t, path, &events);
    let mut leftover = Vec::new();
    let mut joined: Vec<(usize, Event)> = Vec::new();
    let mut how: Vec<String> = Vec::new();
    // Offsets a PML capture (UTC) gets from each session it overlaps.
    for e in events {
        let Some(si) = session_for_op(t, &e) else {
            leftover.push(e);
            continue;
        };
        joined.push((si, e));
    }
    let mut per_session: BTreeMap<usize, Vec<Event>> = BTreeMap::new();
    for (si, e) in joined {
        per_session.entry(si).or_default().push(e);
    }
    for (si, events) in per_session {
        let s = &mut t.sessions[si];
        how.push(format!("{} ({} operations)", s.id, events.len()));
        s.add_related(events, path.to_string());
    }
    let first_time = leftover.first().and_then(|e| e.time).or_else(|| {
        t.sessions
            .iter()
            .flat_map(|s| s.related())
            .find(|e| &e.origin.path == path)
            .and_then(|e| e.time)
    });
    let clock = match first_time {
        Some(Timestamp::Utc(_)) => "utc",
        Some(Timestamp::Local(_)) => "local",
        _ => "local-time-of-day",
    };
    let detail = match (clock, how.is_empty()) {
        ("utc", false) => format!("UTC capture; joined to {} by msiexec PID inside the session window", how.join(", ")),
        ("utc", true) => "UTC capture; no msiexec process in it matches a session's PID and time window".to_string(),
        (_, false) => format!(
            "local time of the capturing machine, read on the MSI log's clock{}; joined to {} by msiexec PID",
            if has_dates { "" } else { " (the export has no dates: the date is the log's)" },
            how.join(", ")
        ),
        (_, true) => format!(
            "local time{}; no msiexec process in it matches another source's session, and no UTC reference exists, so its times are shown as written",
            if has_dates { " with dates" } else { " without dates" }
        ),
    };
    t.clocks.push(ClockAlignment {
        source: path.to_string(),
        clock,
        utc_offset_minutes: if clock == "utc" { Some(0) } else { None },
        method: if clock == "utc" {
            "native"
        } else if how.is_empty() {
            "unknown"
        } else {
            "borrowed"
        },
        detail,
    });
    if !leftover.is_empty() {
        // A capture of an install no log or event log describes: one session of its own.
        let id = format!("S{}", t.sessions.len() + 1);
        let mut s = InstallSession::from_evtx_group(id, EvtxGroup::empty());
        s.path = path.clone();
        s.sources = vec![path.to_string()];
        s.client_pid = leftover.iter().find_map(|e| match &e.kind {
            EventKind::Procmon(op)
                if op.process_name.eq_ignore_ascii_case("msiexec.exe")
                    && op.command_line.as_deref().is_none_or(|c| !c.contains("/V")) =>
            {
                Some(op.pid)
            }
            _ => None,
        });
        let utcs: Vec<DateTime<Utc>> = leftover.iter().filter_map(utc_of).collect();
        s.started_utc = utcs.iter().min().copied();
        s.ended_utc = utcs.iter().max().copied();
        let locals: Vec<NaiveDateTime> = leftover
            .iter()
            .filter_map(|e| match e.time {
                Some(Timestamp::Local(l)) => Some(l),
                _ => None,
            })
            .collect();
        s.started = locals.iter().min().copied();
        s.ended = locals.iter().max().copied();
        s.first_line = leftover
            .first()
            .and_then(|e| e.origin.line.or(e.origin.record))
            .unwrap_or(0);
        s.last_line = leftover
            .last()
            .and_then(|e| e.origin.line.or(e.origin.record))
            .unwrap_or(0);
        s.events = leftover;
        t.sessions.push(s);
    }
}

/// The session whose msiexec PID and time window hold a Procmon operation.
fn session_for_op(t: &Timeline, e: &Event) -> Option<usize> {
    let EventKind::Procmon(op) = &e.kind else {
        return None;
    };
    let pids = [Some(op.pid), op.parent_pid];
    t.sessions.iter().position(|s| {
        let pid_match = pids.iter().flatten().any(|&p| {
            s.client_pid == Some(p)
                || s.client_pid_low == Some((p & 0xFF) as u8)
                || s.server_pid_low == Some((p & 0xFF) as u8)
        });
        pid_match && within_window(s, e)
    })
}

fn within_window(s: &InstallSession, e: &Event) -> bool {
    let margin = Duration::minutes(2);
    match e.time {
        Some(Timestamp::Utc(u)) => s.utc_window(margin).is_some_and(|(a, b)| a <= u && u <= b),
        Some(Timestamp::Local(l)) => match (s.started, s.ended) {
            (Some(a), Some(b)) => a - margin <= l && l <= b + margin,
            _ => false,
        },
        Some(Timestamp::LocalTimeOfDay(tod)) => match (s.started, s.ended) {
            (Some(a), Some(b)) => time_of_day_within(tod, a.time(), b.time(), margin),
            _ => false,
        },
        None => false,
    }
}

/// `tod` inside `[a − margin, b + margin]` on a 24-hour circle (sessions can cross midnight).
fn time_of_day_within(tod: NaiveTime, a: NaiveTime, b: NaiveTime, margin: Duration) -> bool {
    let secs = |t: NaiveTime| chrono::Timelike::num_seconds_from_midnight(&t) as i64;
    let day = 86_400;
    let (x, lo, hi) = (
        secs(tod),
        secs(a) - margin.num_seconds(),
        secs(b) + margin.num_seconds(),
    );
    let span = (hi - lo).rem_euclid(day);
    (x - lo).rem_euclid(day) <= span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_window_wraps_midnight() {
        let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M:%S").unwrap();
        let m = Duration::minutes(2);
        assert!(time_of_day_within(
            t("00:00:05"),
            t("23:59:41"),
            t("00:00:19"),
            m
        ));
        assert!(!time_of_day_within(
            t("12:00:00"),
            t("23:59:41"),
            t("00:00:19"),
            m
        ));
        assert!(time_of_day_within(
            t("10:00:00"),
            t("09:59:00"),
            t("10:30:00"),
            m
        ));
    }
}
