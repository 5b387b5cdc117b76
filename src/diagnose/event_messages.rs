//! Event-log-only sessions: the MsiInstaller records that carry the sentence the user saw
//! (10005, 1013 and 1015 hold a message as their first data string). A record whose message
//! has a Windows Installer number (`Error 1925.`, `Fehler 1925.`, "The error code is 2503") is
//! left to the numbered-error rules; a message without a number is the package's own text —
//! a launch condition or prerequisite check — and gives `launch-condition` quoting it. A 1015
//! record ("Failed to connect to server. Error: N") gives `msiserver-broken` with N decoded.
//!
//! Matches on event ids and numbers only; the text is evidence. It must not run on sessions
//! that have an MSI log (the log's own rules read those).

use super::evidence::SessionView;
use super::fixes::{rerun_logged, FixValues};
use super::numbered::translated_error_code;
use super::{ids, Confidence, Finding, Fix};
use crate::kb;
use crate::model::MsiInstallerFact;

/// Event ids whose first data string is a message shown to the user.
const MESSAGE_EVENTS: &[u32] = &[10005, 1013];

/// 1015 "Failed to connect to server. Error: %1": the client could not reach the service.
const CONNECT_FAILED: u32 = 1015;

pub fn package_message_in_event_log(v: &SessionView) -> Vec<Finding> {
    if v.session.log_events > 0 || !v.failed() {
        return Vec::new();
    }
    if let Some(f) = connect_failed(v) {
        return vec![f];
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
            Fix::text(format!(
                "Do what the message asks (\"{message}\"), then run the {} again",
                v.session.operation.noun()
            )),
            rerun_logged(&FixValues::of(v)),
        ],
    )]
}

/// The error code at the end of a 1015 record's text (`… Error: 0x800706BA`).
fn connect_error(text: &str) -> Option<String> {
    let token = text.trim().trim_end_matches('.').rsplit(' ').next()?;
    kb::parse_code(token).map(|_| token.to_string())
}

/// An event-log-only session with 1015: the client could not connect to the service.
fn connect_failed(v: &SessionView) -> Option<Finding> {
    let (i, w) = v
        .win_events()
        .into_iter()
        .find(|(_, w)| w.provider == "MsiInstaller" && w.event_id == CONNECT_FAILED)?;
    let text = w.data.first().map(|d| d.trim()).unwrap_or("");
    let code = connect_error(text);
    let decoded = code
        .as_deref()
        .and_then(kb::parse_code)
        .and_then(kb::code_bits)
        .map(|b| {
            let h = kb::hresult(b);
            match h.win32.and_then(kb::win32::describe) {
                Some(w) => format!(" (Win32 error {}: {w})", h.win32.unwrap_or(0)),
                None => format!(
                    " ({}{})",
                    h.name.map(|n| format!("{n}: ")).unwrap_or_default(),
                    h.text
                ),
            }
        })
        .unwrap_or_default();
    let mut fixes = vec![
        Fix::cmd(
            "Check the Windows Installer service (expect START_TYPE 3 DEMAND_START)",
            "sc qc msiserver",
        ),
        Fix::cmd(
            "Set it back to manual start and start it",
            "sc config msiserver start= demand && net start msiserver",
        ),
    ];
    if let Some(c) = &code {
        fixes.push(Fix::cmd(
            "Decode the error the client got",
            format!("msidiag explain {c}"),
        ));
    }
    fixes.push(rerun_logged(&FixValues::of(v)));
    Some(v.finding(
        ids::MSISERVER_BROKEN,
        "The client could not connect to the Windows Installer service".to_string(),
        Confidence::Medium,
        format!(
            "The Application log records event 1015: the msiexec client could not connect to the Windows Installer service{}. The service is disabled, hung or its registration is damaged; the System log (Service Control Manager 7000/7009/7023) says which.",
            code.map(|c| format!(", error {c}{decoded}")).unwrap_or_default()
        ),
        &[i],
        fixes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_error_of_a_1015_record() {
        assert_eq!(
            connect_error("Failed to connect to server. Error: 0x800706BA"),
            Some("0x800706BA".to_string())
        );
        assert_eq!(connect_error("Failed to connect to server. Error: "), None);
    }
}
