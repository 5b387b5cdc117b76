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

/// Everything the sources read, handed to [`build`].
#[derive(Default)]
pub struct SourceData {
    pub logs: Vec<(Arc<str>, Vec<LogSession>)>,
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
        let related = &mut s.events[s.log_events..];
        related.sort_by_key(|e| e.time.map(|t| clock.sort_key(&t)));
    }
    t.bundles = bundles::link(data.bundles, &t.sessions);
    t
}
