//! Event-log-only sessions: the MsiInstaller records that carry the sentence the user saw
//! (10005, 1013 and 1015 hold a message as their first data string). A record whose message
//! has a Windows Installer number (`Error 1925.`, `Fehler 1925.`, "The error code is 2503") is
//! left to the numbered-error rules; a message without a number is the package's own text —
//! a launch condition or prerequisite check — and gives `launch-condition` quoting it.
//!
//! Matches on event ids and numbers only; the text is evidence. It must not run on sessions
//! that have an MSI log (the log's own rules read those).

use super::evidence::SessionView;
use super::fixes::{rerun_logged, FixValues};
use super::numbered::translated_error_code;
use super::{Confidence, Finding, Fix};
use crate::model::MsiInstallerFact;

/// Event ids whose first data string is a message shown to the user.
const MESSAGE_EVENTS: &[u32] = &[10005, 1013, 1015];

pub fn package_message_in_event_log(v: &SessionView) -> Vec<Finding> {
    if v.session.log_events > 0 || !v.failed() {
        return Vec::new();
    }
    let mut cited = Vec::new();
    let mut message: Option<String> = None;
    for (i, w) in v.win_events() {
        if w.provider != "MsiInstaller" || !MESSAGE_EVENTS.contains(&w.event_id) {
            continue;
        }
        let numbered =
            matches!(w.msi(), Some(MsiInstallerFact::ProductError { code, .. }) if *code != 0);
        let text = w.data.first().map(|d| d.trim()).unwrap_or("");
        let body = text
            .split_once(" -- ")
            .map_or(text, |(_, m)| m)
            .trim()
            .to_string();
        if numbered || body.is_empty() || translated_error_code(text).is_some() {
            continue;
        }
        cited.push(i);
        message.get_or_insert(body);
    }
    let Some(message) = message else {
        return Vec::new();
    };
    cited.extend(v.win_events().into_iter().filter_map(|(i, w)| {
        (w.provider == "MsiInstaller" && matches!(w.event_id, 11708 | 11725 | 11729 | 1033..=1035))
            .then_some(i)
    }));
    vec![v.finding(
        "launch-condition",
        format!("{} stopped with its own message", v.product_label()),
        Confidence::Medium,
        format!(
            "The Application log records the message the package showed before the {} failed: \"{message}\". It carries no Windows Installer error number, so it is the package's own text — usually a launch condition or prerequisite check.",
            v.session.operation.noun()
        ),
        &cited,
        vec![
            Fix::text(format!("Do what the message asks (\"{message}\"), then install again")),
            rerun_logged(&FixValues::of(v)),
        ],
    )]
}
