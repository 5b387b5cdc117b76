//! Findings of one session that report the same cause from different lines (the log's message
//! and the event log's record, a numbered error and an engine line) are merged into one, so
//! the reader sees each cause once. Which finding explains which is declared in the rule
//! registry (`src/diagnose/defs.rs`) and linked in `src/diagnose/mod.rs`.
//!
//! This module must not look at events or decide causes.

use super::{ids, Finding, Fix};

/// Ids that two rules can report for the same cause: merged into one finding per session.
/// Other ids (one custom action each, one service each) stay separate unless their titles are
/// the same (the same error read from two lines).
const ONE_PER_SESSION: &[&str] = &[
    ids::FILES_IN_USE,
    ids::INSUFFICIENT_PRIVILEGES,
    ids::MSISERVER_BROKEN,
    ids::DISK_FULL,
];

/// Merges findings of one session that name the same cause; the first one's words are kept,
/// the evidence and fixes of the others are added.
pub fn merge_same_cause(found: &mut Vec<Finding>) {
    let mut merged: Vec<Finding> = Vec::new();
    for f in found.drain(..) {
        let same = merged.iter_mut().find(|m| {
            m.id == f.id && (ONE_PER_SESSION.contains(&m.id.as_ref()) || m.title == f.title)
        });
        match same {
            Some(m) => {
                for e in f.evidence {
                    if !m.evidence.contains(&e) {
                        m.evidence.push(e);
                    }
                }
                for x in f.fixes {
                    if !m.fixes.iter().any(|y| same_fix(y, &x)) {
                        m.fixes.push(x);
                    }
                }
                m.confidence = m.confidence.max(f.confidence);
            }
            None => merged.push(f),
        }
    }
    *found = merged;
}

/// Two fixes are the same when they are equal or run the same command (the words around a
/// command differ between the rule that wrote it and the family table).
fn same_fix(a: &Fix, b: &Fix) -> bool {
    a == b || (a.command.is_some() && a.command == b.command)
}
