//! The general rule, used only when no specific rule explains a failed session: the first
//! `Return value 3` and the errors and output just above it (the practitioners' reading recipe).
//! It always cites evidence: without a log, the session's event log records.

use super::evidence::SessionView;
use super::fixes::{rerun_logged, FixValues};
use super::{ids, Confidence, Finding};

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
    let what = match failed {
        Some((_, a)) => format!("The first action to fail was {a}; the lines above it (cited) are where the cause usually is."),
        None => "No action reported failure (no `Return value 3`); the cited lines are the last errors before the end.".to_string(),
    };
    let title = match failed {
        Some((_, a)) => format!("{} failed in {a}", v.product_label()),
        None => format!("{} failed", v.product_label()),
    };
    vec![Finding {
        evidence: v.evidence(&cited),
        fixes: vec![rerun_logged(&FixValues::of(v))],
        ..v.draft(
            ids::FIRST_FAILURE,
            title,
            Confidence::Low,
            format!(
                "No specific cause was recognised for this failed {} (exit code {}). {what}",
                v.session.operation.noun(),
                v.session
                    .exit_code
                    .map_or("unknown".to_string(), |c| c.to_string())
            ),
        )
    }]
}
