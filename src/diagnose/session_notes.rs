//! Notes on sessions that succeeded: those that need a restart (3010, 1641), with what the log
//! says about why (files scheduled for replacement at restart, message 1903/1904/1907 numbers,
//! the event log's 1038 record); and errors a successful install went on past (a custom
//! action's failure "translated to success", an `Error N.` inside an action that returned 1 such
//! as 1920 ignored, a service start failure the event log records inside the session, a custom
//! action's own output saying a service did not start), each cited by file and line (or record).
//!
//! It must not produce findings or call a successful session failed.

use super::environment::{held_files, reboot_operations, unique_files};
use super::evidence::SessionView;
use crate::model::{Event, EventKind, MsiInstallerFact};
use crate::timeline::{InstallSession, Outcome};

/// The restart note of a session that succeeded but needs a restart.
pub fn reboot_note(s: &InstallSession) -> Option<String> {
    if s.outcome != Outcome::SuccessRebootRequired {
        return None;
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
    // 1641: the installer itself started the restart (ERROR_SUCCESS_REBOOT_INITIATED).
    let restart = if code == 1641 {
        "and the installer started the restart that completes it"
    } else {
        "but needs a restart to complete"
    };
    Some(format!(
        "{} ({}) succeeded {restart} ({code}){why}; this is not a failure.",
        s.id,
        s.display_name().as_deref().unwrap_or("unknown product"),
    ))
}

/// Most swallowed errors named in one session's note.
const MAX_SWALLOWED: usize = 6;
/// Longest piece of a custom action's output line quoted in a note.
const MAX_QUOTED: usize = 320;

/// A custom action's own output line (no engine prefix) saying that a service did not start,
/// in the words .NET's `ServiceController`, `sc`/`net start` and vendor actions use.
fn says_service_did_not_start(e: &Event) -> bool {
    if e.thread.is_some() || e.text.starts_with("MSI (") {
        return false;
    }
    let lower = e.text.to_lowercase();
    lower.contains("service")
        && [
            "failed to start",
            "cannot start service",
            "could not start",
            "did not start",
            "unable to start",
        ]
        .iter()
        .any(|p| lower.contains(p))
}

/// `path:line`, or `path record N` for an event log record.
fn cited_at(view: &SessionView, e: &Event) -> String {
    let ev = view.cite(e);
    match (ev.line, ev.record) {
        (Some(line), _) => format!("{}:{line}", ev.path),
        (None, Some(record)) => format!("{} record {record}", ev.path),
        (None, None) => ev.path,
    }
}

/// For a successful session, the errors the install went on past, as one note.
pub fn swallowed_note(s: &InstallSession) -> Option<String> {
    if !matches!(s.outcome, Outcome::Success | Outcome::SuccessRebootRequired) {
        return None;
    }
    let view = SessionView::new(s);
    let items = swallowed(&view);
    if items.is_empty() {
        return None;
    }
    let more = items.len().saturating_sub(MAX_SWALLOWED);
    let listed: Vec<&str> = items
        .iter()
        .take(MAX_SWALLOWED)
        .map(String::as_str)
        .collect();
    Some(format!(
        "{} ({}) succeeded, but errors were logged that the install went on past: {}{}. No finding is made; if the product does not work, start there.",
        s.id,
        s.display_name().as_deref().unwrap_or("unknown product"),
        listed.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    ))
}

/// The swallowed errors of one session, in log order.
fn swallowed(view: &SessionView) -> Vec<String> {
    let mut items = Vec::new();
    // Open actions, innermost last, each with the `Error N.` lines logged while it ran.
    let mut open: Vec<(&str, Vec<&Event>)> = Vec::new();
    for e in view.events() {
        match &e.kind {
            EventKind::ActionStart { action } => open.push((action.as_str(), Vec::new())),
            EventKind::Error { .. } => {
                if let Some((_, errors)) = open.last_mut() {
                    errors.push(e);
                }
            }
            EventKind::ActionEnded {
                action,
                return_value,
            } => {
                let Some(at) = open.iter().rposition(|(a, _)| a == action) else {
                    continue;
                };
                let (_, errors) = open.remove(at);
                open.truncate(at);
                if *return_value != 1 {
                    continue;
                }
                for err in errors {
                    if let EventKind::Error { code, message } = &err.kind {
                        items.push(format!(
                            "Error {code} (\"{}\") during {action}, which returned 1 ({})",
                            message.lines().next().unwrap_or("").trim(),
                            cited_at(view, err)
                        ));
                    }
                }
            }
            EventKind::CustomActionReturned {
                action,
                code,
                ignored: true,
            } => items.push(format!(
                "custom action {action} failed with error code {code}, translated to success because the package marks it to continue ({})",
                cited_at(view, e)
            )),
            EventKind::Text if says_service_did_not_start(e) => {
                let first = e.text.lines().next().unwrap_or("").trim();
                let shown: String = first.chars().take(MAX_QUOTED).collect();
                items.push(format!(
                    "a custom action's output says a service did not start: \"{shown}{}\" ({})",
                    if first.chars().count() > MAX_QUOTED { "…" } else { "" },
                    cited_at(view, e)
                ));
            }
            EventKind::WinEvent(w) => {
                if let Some(f) = w.start_failure() {
                    items.push(format!(
                        "the event log records that the service {} did not start or log on (Service Control Manager {}: {}) ({})",
                        f.service,
                        w.event_id,
                        f.error,
                        cited_at(view, e)
                    ));
                }
            }
            _ => {}
        }
    }
    items
}
