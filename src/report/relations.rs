//! The sentences a finding's relations say, written from the data on the finding
//! (`explained_by`: other findings of the same session that are its cause; `confirmed_by`:
//! records outside the session's window that back it), appended to its summary. Every report
//! (text, JSON, HTML) shows a finding's summary through [`summary`], so they say the same.
//!
//! It must not decide anything: the relations are found by diagnosis (`src/diagnose/mod.rs`).

use crate::diagnose::{ConfirmedBy, Finding};

/// The finding's summary followed by the sentences of its relations. `all` is every finding of
/// the analysis (the titles of the explaining findings are read from it).
pub fn summary(f: &Finding, all: &[Finding]) -> String {
    let mut out = f.summary.clone();
    let causes: Vec<String> = f
        .explained_by
        .iter()
        .map(|id| {
            let title = all
                .iter()
                .find(|c| c.id == *id && c.session == f.session)
                .map_or(id.as_ref(), |c| c.title.as_str());
            format!("{title} ({id})")
        })
        .collect();
    if !causes.is_empty() {
        out.push_str(&format!(
            " In this session the cause is shown by {}: {}; start with its fixes.",
            if causes.len() == 1 {
                "another finding"
            } else {
                "other findings"
            },
            causes.join("; ")
        ));
    }
    for c in &f.confirmed_by {
        match c.source {
            ConfirmedBy::SystemLogSameDay => out.push_str(&format!(
                " The System log of the same day confirms it: {} (the log's UTC offset is unknown, so the exact order is not).",
                c.what
            )),
        }
    }
    out
}
