//! Notes on sessions that succeeded but need a restart (3010, 1641): not a failure finding, a
//! sentence for the report's notes, with what the log says about why (files scheduled for
//! replacement at restart, message 1903/1904/1907 numbers, the event log's 1038 record).
//!
//! It must not produce findings or call a successful session failed.

use super::environment::{held_files, reboot_operations, unique_files};
use super::evidence::SessionView;
use crate::model::{EventKind, MsiInstallerFact};
use crate::timeline::{Outcome, Timeline};

pub fn reboot_notes(timeline: &Timeline) -> Vec<String> {
    let mut out = Vec::new();
    for s in &timeline.sessions {
        if s.outcome != Outcome::SuccessRebootRequired {
            continue;
        }
        let code = s.exit_code.or(s.facts.status).unwrap_or(3010);
        let view = SessionView::new(s);
        let ops = reboot_operations(&view);
        let files = unique_files(&ops);
        let held = held_files(&view);
        let scheduled = files.len();
        let event_says = s.events.iter().any(|e| match &e.kind {
            EventKind::WinEvent(w) => matches!(w.msi(), Some(MsiInstallerFact::Reboot { .. })),
            _ => false,
        });
        let why = match (scheduled, event_says) {
            (0, false) => String::new(),
            (0, true) => " (the event log's 1038 record says a restart is required)".to_string(),
            (n, _) => {
                let named: Vec<String> = files
                    .iter()
                    .take(3)
                    .map(
                        |f| match held.iter().find(|(h, _, _)| h.eq_ignore_ascii_case(f)) {
                            Some((_, process, pid)) => {
                                format!("{f}, held by {process} (PID {pid})")
                            }
                            None => f.to_string(),
                        },
                    )
                    .collect();
                format!(
                    " ({n} file{} in use {} scheduled for replacement at the restart: {}{})",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "was" } else { "were" },
                    named.join("; "),
                    if n > 3 { "; …" } else { "" }
                )
            }
        };
        out.push(format!(
            "{} ({}) succeeded but needs a restart to complete ({code}){why}; this is not a failure.",
            s.id,
            s.display_name().as_deref().unwrap_or("unknown product"),
        ));
    }
    out
}
