//! Makes the first action that returned 3 visible in a failed session's findings: when no
//! finding names that action or cites its `Return value 3` line, the top-ranked finding gets
//! the line as evidence and a sentence naming the action (no second finding is made; a session
//! with no finding at all gets `first-failure` from `generic.rs`, which names it).
//!
//! It must not add, drop or re-rank findings, and must not touch sessions that did not fail.

use super::evidence::{order_evidence, SessionView};
use super::Finding;

/// Names the session's first failed action in `found` (ranked, best first) when none does.
pub fn name_failed_action(view: &SessionView, found: &mut [Finding]) {
    if !view.failed() {
        return;
    }
    let Some((i, action)) = view.first_failed_action() else {
        return;
    };
    if found.is_empty() {
        return;
    }
    let cited = view.cite(view.event(i));
    let names = |f: &Finding| {
        f.title.contains(action)
            || f.summary.contains(action)
            || f.evidence
                .iter()
                .any(|e| e.path == cited.path && e.line.is_some() && e.line == cited.line)
    };
    if found.iter().any(names) {
        return;
    }
    let top = &mut found[0];
    let sentence = format!(" The first action to return 3 (failure) was {action}.");
    top.summary = format!("{}{sentence}", top.summary.trim_end());
    // Within one source the order of the items is the order of its lines (see `order_evidence`).
    let at = top
        .evidence
        .iter()
        .position(|e| e.path == cited.path && e.line > cited.line)
        .unwrap_or(top.evidence.len());
    top.evidence.insert(at, cited);
    order_evidence(&mut top.evidence, &view.clock);
}
