//! The actions of an install session as a table: each action the MSI log opened with
//! `Action start` and closed with `Action ended`, with its nesting depth, start and end
//! times, duration, return value, and — for a custom action the log scheduled with its
//! `ActionType` — what kind of custom action it is.
//!
//! Built from the session's parsed events only (`src/timeline/session.rs` keeps them in file
//! order); it must not read files or judge anything beyond the values the log wrote.

use chrono::NaiveDateTime;

use crate::diagnose::custom_action::decode_action_type;
use crate::model::{EventKind, Timestamp};
use crate::timeline::InstallSession;

/// Seconds from which an action counts as slow, slower, slowest (shaded in the reports).
pub const SLOW_SECONDS: [i64; 3] = [2, 10, 60];

/// One action of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRow {
    pub name: String,
    /// 0 for an action of the top sequence, 1 for one started while another was running, …
    pub depth: usize,
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    /// `Return value N` of its `Action ended` line; `None` when the log ends before it.
    pub return_value: Option<u8>,
    /// The `Action start` line.
    pub line: Option<u64>,
    /// `ActionType` of a custom action, when the log scheduled it with one.
    pub action_type: Option<u32>,
    /// The log shows this action as a custom action (scheduled, or returning a code).
    pub custom: bool,
}

impl ActionRow {
    /// Whole seconds from start to end, when both are known.
    pub fn seconds(&self) -> Option<i64> {
        Some((self.ended? - self.started?).num_seconds())
    }

    /// 0 (not slow), 1 (≥ 2 s), 2 (≥ 10 s) or 3 (≥ 60 s).
    pub fn slowness(&self) -> usize {
        let s = self.seconds().unwrap_or(0);
        SLOW_SECONDS.iter().filter(|&&limit| s >= limit).count()
    }

    /// Return value 3: the action failed.
    pub fn failed(&self) -> bool {
        self.return_value == Some(3)
    }

    /// `custom action: DLL, deferred, no impersonation`, or `custom action` when its type is
    /// unknown; `None` for a standard action.
    pub fn kind_label(&self) -> Option<String> {
        if !self.custom {
            return None;
        }
        let Some(t) = self.action_type else {
            return Some("custom action".into());
        };
        let d = decode_action_type(t);
        let mut parts = vec![d.kind.to_string()];
        if d.rollback {
            parts.push("rollback".into());
        } else if d.commit {
            parts.push("commit".into());
        } else if d.deferred {
            parts.push("deferred".into());
        } else {
            parts.push("immediate".into());
        }
        if d.deferred && d.no_impersonate {
            parts.push("no impersonation".into());
        }
        Some(format!("custom action type {t}: {}", parts.join(", ")))
    }
}

/// The failed actions that hold no failed action of their own: where a failure started
/// (the sequences around them end with return value 3 too), as indices into `rows`.
pub fn failed_innermost(rows: &[ActionRow]) -> Vec<usize> {
    (0..rows.len())
        .filter(|&i| rows[i].failed())
        .filter(|&i| {
            !rows[i + 1..]
                .iter()
                .take_while(|r| r.depth > rows[i].depth)
                .any(ActionRow::failed)
        })
        .collect()
}

/// Rows an action table shows at most: a log of hundreds of thousands of actions keeps the
/// first ones and every failed or slow one up to this many, and says how many it left out.
pub const MAX_SHOWN: usize = 500;

/// The rows of `rows` a table shows (indices, in order) and how many it leaves out: all of
/// them when they are at most `cap`, else the failed and slow ones first, then the earliest,
/// `cap` in all.
pub fn shown(rows: &[ActionRow], cap: usize) -> (Vec<usize>, usize) {
    if rows.len() <= cap {
        return ((0..rows.len()).collect(), 0);
    }
    let mut keep: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].failed() || rows[i].slowness() > 0)
        .take(cap)
        .collect();
    let mut next = 0;
    while keep.len() < cap {
        if !keep.contains(&next) {
            keep.push(next);
        }
        next += 1;
    }
    keep.sort_unstable();
    (keep, rows.len() - cap)
}

/// What `Return value N` means.
pub fn return_label(value: u8) -> &'static str {
    match value {
        0 => "not run",
        1 => "success",
        2 => "cancelled",
        3 => "failure",
        4 => "suspended",
        _ => "unknown",
    }
}

/// The actions of `s` in the order they started.
pub fn actions(s: &InstallSession) -> Vec<ActionRow> {
    let events = &s.events[..s.log_events.min(s.events.len())];
    let mut types: std::collections::HashMap<&str, Option<u32>> = Default::default();
    for e in events {
        match &e.kind {
            EventKind::CustomActionScheduled {
                action,
                action_type,
            } => {
                let slot = types.entry(action.as_str()).or_default();
                *slot = slot.or(*action_type);
            }
            EventKind::CustomActionReturned { action, .. } => {
                types.entry(action.as_str()).or_default();
            }
            _ => {}
        }
    }
    let mut rows: Vec<ActionRow> = Vec::new();
    // Indices of the rows started and not yet ended, innermost last.
    let mut open: Vec<usize> = Vec::new();
    let at = |t: &Option<Timestamp>| match t {
        Some(Timestamp::Local(l)) => Some(*l),
        Some(Timestamp::Utc(u)) => Some(u.naive_utc()),
        _ => None,
    };
    for e in events {
        match &e.kind {
            EventKind::ActionStart { action } => {
                let t = types.get(action.as_str());
                open.push(rows.len());
                rows.push(ActionRow {
                    name: action.clone(),
                    depth: open.len() - 1,
                    started: at(&e.time),
                    ended: None,
                    return_value: None,
                    line: e.origin.line,
                    action_type: t.copied().flatten(),
                    custom: t.is_some(),
                });
            }
            EventKind::ActionEnded {
                action,
                return_value,
            } => {
                // The innermost open action of that name; the ones opened inside it and never
                // ended stay without an end.
                if let Some(k) = open.iter().rposition(|&i| rows[i].name == *action) {
                    let i = open[k];
                    open.truncate(k);
                    rows[i].ended = at(&e.time);
                    rows[i].return_value = Some(*return_value);
                }
            }
            _ => {}
        }
    }
    rows
}
