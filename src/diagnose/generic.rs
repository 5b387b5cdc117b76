//! The general rule, used only when no specific rule explains a failed session: the first
//! `Return value 3` and the errors and output just above it (the practitioners' reading recipe).
//! It always cites evidence: without a log, the session's event log records.

use super::evidence::SessionView;
use super::fixes::{rerun_logged, FixValues};
use super::{ids, Confidence, Finding};
use crate::timeline::Outcome;

pub fn first_failure(v: &SessionView) -> Vec<Finding> {
    if !v.failed() {
        return Vec::new();
    }
    let failed = v.first_failed_action();
    let anchor = failed
        .map(|(i, _)| i)
        .or(v.exit_event())
        .unwrap_or(v.events().len());
    let mut cited = v.context_before(anchor, 15);
    cited.extend(failed.map(|(i, _)| i));
    cited.extend(v.exit_event());
    cited.extend(v.outcome_event());
    if cited.is_empty() {
        // An event-log-only session: its records are the evidence (the one that says why is
        // among them).
        cited.extend(v.win_events().into_iter().map(|(i, _)| i));
    }
    // The words follow the session's outcome: a cancelled install is not said to have failed.
    let (ended, ended_adj) = match v.session.outcome {
        Outcome::Cancelled => ("was cancelled", "cancelled"),
        _ => ("failed", "failed"),
    };
    let what = match failed {
        Some((_, a)) => format!("The first action to fail was {a}; the lines above it (cited) are where the cause usually is."),
        None => "No action reported failure (no `Return value 3`); the cited lines are the last errors before the end.".to_string(),
    };
    let title = match failed {
        Some((_, a)) => format!("{} {ended} in {a}", v.product_label()),
        None => format!("{} {ended}", v.product_label()),
    };
    vec![Finding {
        evidence: v.evidence(&cited),
        fixes: vec![rerun_logged(&FixValues::of(v))],
        ..v.draft(
            ids::FIRST_FAILURE,
            title,
            Confidence::Low,
            format!(
                "No specific cause was recognised for this {ended_adj} {} ({}). {what}",
                v.session.operation.noun(),
                match v.session.exit_code {
                    Some(c) => format!("exit code {c}"),
                    None if v.session.truncated => {
                        "no exit code: the log is cut after the failure".to_string()
                    }
                    None => "exit code unknown".to_string(),
                }
            ),
        )
    }]
}
