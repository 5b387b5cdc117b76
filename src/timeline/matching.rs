//! Matches event log transactions to MSI log sessions (same product, same status, a real UTC
//! offset between the two clocks), sets each log file's clock alignment, and merges the matched
//! records into the sessions. It must not diagnose.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::align::{self, ClockAlignment};
use super::evtx_groups::EvtxGroup;
use super::facts::Outcome;
use super::Timeline;
use crate::tz::TzSpec;

/// Matches event log groups to log sessions (same product, same status, a real UTC offset),
/// aligns each log file's clock, and returns the groups no log session claimed.
pub(super) fn match_groups(
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
        g.take_concurrent();
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
