//! The timeline: install sessions assembled from every source, on one clock.
//!
//! A session starts from an MSI log session or, when no log covers it, from an event log
//! transaction (1040…1042) or an msiexec process tree in a Procmon capture. Event log groups
//! are matched to log sessions by product and status, which also gives the log's UTC offset
//! (`align`); Procmon operations join a session by PID (full, or the low byte the MSI log
//! shows) inside its time window. Machine-wide records (the Windows Installer service, msiexec
//! crashes) join the sessions whose window holds them. Bundle runs (WiX Burn) keep their own
//! entries, their packages linked to the sessions of their MSI logs (`bundles`). This module
//! must not diagnose.

pub(crate) mod align;
pub(crate) mod bundles;
pub(crate) mod clock;
pub(crate) mod evtx_groups;
pub(crate) mod facts;
mod matching;
mod procmon_join;
mod session;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

pub use align::ClockAlignment;
pub use bundles::Bundle;
pub use clock::{CitedTime, ClockKind, Placed, SessionClock};
pub use facts::{Outcome, SessionFacts, Sourced};
pub use session::{InstallSession, SessionSummary};

use crate::model::{BundleLog, Event, EventKind, LogSession, Timestamp};
use crate::tz::TzSpec;
use evtx_groups::EvtxGroup;

/// The sessions of one MSI log file: as read, or already built alone (and diagnosed, their
/// events dropped) by [`session_alone`] while the file was read.
pub enum LogSessions {
    Read(Vec<LogSession>),
    Built(Vec<InstallSession>),
}

impl LogSessions {
    pub fn is_empty(&self) -> bool {
        match self {
            LogSessions::Read(s) => s.is_empty(),
            LogSessions::Built(s) => s.is_empty(),
        }
    }
}

/// Everything the sources read, handed to [`build`].
#[derive(Default)]
pub struct SourceData {
    /// Per MSI log file, in input order. Built sessions already carry their ids (`S1`, … in
    /// this order) and must come from a run without event log and Procmon events.
    pub logs: Vec<(Arc<str>, LogSessions)>,
    /// Kept event log records per file.
    pub evtx: Vec<(Arc<str>, Vec<Event>)>,
    /// Kept Procmon operations per file, and whether the file's times carry dates.
    pub procmon: Vec<(Arc<str>, Vec<Event>, bool)>,
    /// Bundle runs read from WiX Burn logs, in input order.
    pub bundles: Vec<BundleLog>,
}

/// The merged result.
#[derive(Debug, Default)]
pub struct Timeline {
    pub sessions: Vec<InstallSession>,
    /// Machine-wide records no session's window holds (service, crashes), in time order.
    pub machine_events: Vec<Event>,
    pub clocks: Vec<ClockAlignment>,
    pub notes: Vec<String>,
    /// Bundle runs (WiX Burn), their packages linked to the sessions of their MSI logs.
    pub bundles: Vec<Bundle>,
}

pub(crate) fn utc_of(e: &Event) -> Option<DateTime<Utc>> {
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
        match sessions {
            LogSessions::Read(sessions) => {
                for s in sessions {
                    let id = format!("S{}", t.sessions.len() + 1);
                    t.sessions
                        .push(InstallSession::from_log_session(id, &path, s));
                }
            }
            LogSessions::Built(sessions) => t.sessions.extend(sessions),
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
    let unmatched = matching::match_groups(&mut t, groups, &log_files, tz);
    for g in unmatched.into_iter().filter(EvtxGroup::is_install) {
        let id = format!("S{}", t.sessions.len() + 1);
        t.sessions.push(InstallSession::from_evtx_group(id, g));
    }
    for (path, events, has_dates) in data.procmon {
        procmon_join::join_procmon(&mut t, &path, events, has_dates);
    }
    machine.sort_by_key(utc_of);
    // Records a session's window holds join it, one batch per session and file (the batch
    // names its record range); the rest stay machine-wide.
    let mut joined: Vec<(usize, Arc<str>, Vec<Event>)> = Vec::new();
    for e in machine {
        let holder = utc_of(&e).and_then(|at| {
            t.sessions.iter().position(|s| {
                s.utc_window(Duration::minutes(5))
                    .is_some_and(|(a, b)| a <= at && at <= b)
            })
        });
        match holder {
            Some(i) => match joined
                .iter_mut()
                .find(|(s, path, _)| *s == i && *path == e.origin.path)
            {
                Some((_, _, events)) => events.push(e),
                None => joined.push((i, e.origin.path.clone(), vec![e])),
            },
            None => t.machine_events.push(e),
        }
    }
    for (i, path, events) in joined {
        let records = events.iter().filter_map(|e| e.origin.record);
        let label = match (records.clone().min(), records.max()) {
            (Some(a), Some(b)) if a == b => format!("{path}#{a}"),
            (Some(a), Some(b)) => format!("{path}#{a}-{b}"),
            _ => format!("{path}#records"),
        };
        t.sessions[i].add_related(events, label);
    }
    for s in &mut t.sessions {
        let clock = SessionClock::of(s);
        if let Some(related) = s.events.get_mut(s.log_events..) {
            related.sort_by_key(|e| e.time.map(|t| clock.sort_key(&t)));
        }
    }
    t.bundles = bundles::link(data.bundles, &t.sessions);
    t
}

/// One MSI log session built as [`build`] builds it in a run that has no event log records and
/// no Procmon operations (nothing can join it, and its clock is the log's own, or `--tz`'s):
/// `id` is the id `build` would give it, `file_start` the start of the first session of the
/// same file (its `--tz` offset is the file's). The caller may diagnose it at once, drop its
/// events and hand it to `build` as [`LogSessions::Built`].
pub fn session_alone(
    id: String,
    path: &Arc<str>,
    log: LogSession,
    tz: Option<&TzSpec>,
    file_start: Option<chrono::NaiveDateTime>,
) -> InstallSession {
    let mut s = InstallSession::from_log_session(id, path, log);
    if let Some(tz) = tz {
        // What `matching::match_groups` does without event log groups.
        if let Some(offset) = file_start.and_then(|l| align::tz_offset_at(tz, l)) {
            let own = s.started.and_then(|l| align::tz_offset_at(tz, l));
            s.apply_offset(own.unwrap_or(offset));
        }
    }
    s
}
