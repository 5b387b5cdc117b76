//! Joins Process Monitor operations to install sessions by msiexec PID (full, or the low byte
//! the MSI log shows) inside the session's time window, and aligns a log's clock from a UTC
//! capture when nothing else did. Operations no session claims form a session of their own.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};

use super::align::{self, ClockAlignment};
use super::evtx_groups::EvtxGroup;
use super::session::InstallSession;
use super::{utc_of, Timeline};
use crate::model::{Event, EventKind, Timestamp};

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
pub(super) fn join_procmon(t: &mut Timeline, path: &Arc<str>, events: Vec<Event>, has_dates: bool) {
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
