//! `custom-action-failed`: a custom action returned an error (`CustomAction X returned actual
//! error code N`, errors 1720–1723, script runtime errors 2738/2739).
//!
//! Reports the action's name, its type decoded from `ActionType` (deferred/immediate,
//! impersonated/elevated, DLL/EXE/script), the error code and the action's own output lines;
//! an action that downloads (a URL, Invoke-WebRequest, curl, a bootstrapper) gets a "needs
//! network or proxy" cause. A nameless `CustomAction  returned …` line is the engine's own call.

use super::evidence::{message_code, SessionView};
use super::fixes::{rerun_logged, FixValues};
use super::{ids, Confidence, Finding, Fix};
use crate::model::EventKind;

/// What `ActionType` says about a custom action (the reports label actions with it too).
pub(crate) struct ActionType {
    pub(crate) kind: &'static str,
    pub(crate) deferred: bool,
    pub(crate) rollback: bool,
    pub(crate) commit: bool,
    pub(crate) no_impersonate: bool,
}

pub(crate) fn decode_action_type(t: u32) -> ActionType {
    let kind = match t & 0x3F {
        1 | 17 => "DLL",
        2 | 18 | 34 | 50 => "EXE",
        5 | 21 | 37 | 53 => "JScript",
        6 | 22 | 38 | 54 => "VBScript",
        19 => "error message",
        35 | 51 => "set property/directory",
        _ => "custom",
    };
    ActionType {
        kind,
        deferred: t & 0x400 != 0,
        rollback: t & 0x100 != 0,
        commit: t & 0x200 != 0,
        no_impersonate: t & 0x800 != 0,
    }
}

/// Lines that end what ran before a custom action: another action's start or end, another
/// custom action's return, the script starting.
fn is_action_boundary(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::ActionStart { .. }
            | EventKind::ActionEnded { .. }
            | EventKind::CustomActionReturned { .. }
            | EventKind::RunningScript { .. }
    )
}

fn is_tolerated(kind: &EventKind) -> bool {
    matches!(kind, EventKind::CustomActionReturned { ignored: true, .. })
}

/// What the log proves about where a custom action without a schedule op ran: from the
/// install script (after `Running Script`, inside `InstallFinalize`) it is deferred, from a
/// sequence action (its own `Action start`) immediate; otherwise the log does not say.
fn proven_context(events: &[crate::model::Event], name: &str, at: usize) -> &'static str {
    for e in events[..at].iter().rev() {
        match &e.kind {
            EventKind::RunningScript { .. } => return "deferred",
            EventKind::ActionStart { action } if action == name => return "immediate",
            EventKind::ActionStart { action } if action == "InstallFinalize" => return "deferred",
            EventKind::ActionStart { .. } => return "type unknown",
            _ => {}
        }
    }
    "type unknown"
}

/// Failing custom actions found in a session: (name, code, index of the failure line).
fn failures(v: &SessionView) -> Vec<(String, Option<i64>, usize)> {
    let mut out: Vec<(String, Option<i64>, usize)> = Vec::new();
    for (i, e) in v.events().iter().enumerate() {
        let found = match &e.kind {
            // A nameless `CustomAction  returned actual error code N` line is the engine's own
            // call (RemoveExistingProducts' nested uninstall), never a custom action.
            EventKind::CustomActionReturned {
                action,
                code,
                ignored: false,
            } if *code != 0 && !action.trim().is_empty() => Some((action.clone(), Some(*code))),
            kind => match message_code(kind) {
                Some(c @ (1720..=1723 | 2738 | 2739))
                    if !matches!(kind, EventKind::Note { .. }) =>
                {
                    Some((action_named_in(&e.text).unwrap_or_default(), Some(c as i64)))
                }
                _ => None,
            },
        };
        if let Some((name, code)) = found {
            if !out.iter().any(|(n, _, _)| !name.is_empty() && *n == name) {
                out.push((name, code, i));
            }
        }
    }
    out
}

/// `… Action RegisterService, location: …` / `Action: X` inside 172x messages.
fn action_named_in(text: &str) -> Option<String> {
    let i = text.find("Action ")?;
    let rest = &text[i + 7..];
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    (!name.is_empty()).then_some(name)
}

pub fn custom_action_failed(v: &SessionView) -> Vec<Finding> {
    if !(v.failed() || v.session.truncated) {
        return Vec::new();
    }
    let values = FixValues::of(v);
    failures(v)
        .into_iter()
        .map(|(name, code, at)| describe(v, &values, &name, code, at))
        .collect()
}

fn describe(
    v: &SessionView,
    values: &FixValues,
    name: &str,
    code: Option<i64>,
    at: usize,
) -> Finding {
    let events = v.events();
    let scheduled = events[..at]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, e)| match &e.kind {
            EventKind::CustomActionScheduled {
                action,
                action_type,
            } if action == name => Some((i, *action_type)),
            _ => None,
        });
    let started = events[..at]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, e)| match &e.kind {
            EventKind::ActionStart { action } if action == name => Some(i),
            _ => None,
        });
    // Where the action's own part of the log begins: its schedule op or its start, else the
    // line after the end of whatever ran before it (so other actions' lines are never its own).
    let begin = scheduled.map(|(i, _)| i).or(started).unwrap_or_else(|| {
        events[..at]
            .iter()
            .rposition(|e| is_action_boundary(&e.kind))
            .map_or(at.saturating_sub(40), |i| i + 1)
    });
    let server = events[begin..at]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, e)| match &e.kind {
            EventKind::CustomActionServer { bitness, context } => {
                Some((begin + i, format!("{bitness} {context}")))
            }
            _ => None,
        });
    let invoked = events[begin..at]
        .iter()
        .enumerate()
        .find_map(|(i, e)| match &e.kind {
            EventKind::CustomActionInvoked { dll, entry_point } => {
                Some((begin + i, dll.clone(), entry_point.clone()))
            }
            _ => None,
        });
    let prefix = format!("{name}:");
    let mut output: Vec<usize> = (begin..at)
        .filter(|&i| {
            matches!(events[i].kind, EventKind::Text) && !events[i].text.starts_with("MSI (")
        })
        .collect();
    // Lines of the errors the package tolerated ("translated to success") are never its own.
    output.retain(|&i| !is_tolerated(&events[i].kind));
    output.extend(v.indices(|e| matches!(e.kind, EventKind::Text) && e.text.starts_with(&prefix)));
    output.sort_unstable();
    output.dedup();
    let output: Vec<usize> = output
        .into_iter()
        .rev()
        .take(20)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();

    let kind = scheduled.and_then(|(_, t)| t).map(decode_action_type);
    let mut traits = Vec::new();
    match &kind {
        Some(t) => {
            traits.push(t.kind.to_string());
            traits.push(if t.rollback {
                "rollback".into()
            } else if t.commit {
                "commit".into()
            } else if t.deferred {
                "deferred".into()
            } else {
                "immediate".into()
            });
            if t.deferred {
                traits.push(if t.no_impersonate {
                    "runs as SYSTEM".into()
                } else {
                    "impersonates the user".into()
                });
            }
        }
        None if scheduled.is_some() => traits.push("deferred".into()),
        None => traits.push(proven_context(events, name, at).into()),
    }
    if let Some((_, ctx)) = &server {
        traits.push(format!("{ctx} custom action server"));
    }
    let code_text = code.map_or("an error".to_string(), |c| format!("error code {c}"));
    let failed_action = v.first_failed_action().filter(|(i, _)| *i >= at);
    let output_words = if output.is_empty() {
        " It wrote no output of its own to the log.".to_string()
    } else {
        " Its own output lines are cited below; they usually hold the real error.".to_string()
    };
    let hresults: Vec<String> = output
        .iter()
        .flat_map(|&i| hex_codes(&events[i].text))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut cited = vec![at];
    cited.extend(scheduled.map(|(i, _)| i));
    cited.extend(invoked.as_ref().map(|(i, _, _)| *i));
    cited.extend(server.as_ref().map(|(i, _)| *i));
    cited.extend(output.iter().copied());
    cited.extend(failed_action.map(|(i, _)| i));
    cited.extend(v.exit_event());
    // Process Monitor: what the custom-action servers (and programs they started) were denied.
    let ca_denied: Vec<(usize, &crate::model::ProcmonOp)> = v
        .procmon_ops()
        .into_iter()
        .filter(|(_, op)| {
            let r = op.result.to_ascii_uppercase();
            let ca_process = op
                .command_line
                .as_deref()
                .is_some_and(|c| c.contains("-Embedding"))
                || !op.process_name.eq_ignore_ascii_case("msiexec.exe");
            ca_process
                && (r == "ACCESS DENIED" || r == "PRIVILEGE NOT HELD" || r == "SHARING VIOLATION")
        })
        .collect();
    cited.extend(ca_denied.iter().map(|(i, _)| *i));
    let procmon_words = ca_denied
        .first()
        .map(|(_, op)| {
            format!(
                " Process Monitor shows the custom action's process {} (PID {}{}) getting {} on {} ({}).",
                op.process_name,
                op.pid,
                op.user.as_deref().map(|u| format!(", {u}")).unwrap_or_default(),
                op.result,
                op.path,
                op.operation
            )
        })
        .unwrap_or_default();
    // An action that downloads needs the network: name what it fetches.
    let mut texts: Vec<usize> = vec![at];
    texts.extend(scheduled.map(|(i, _)| i));
    texts.extend(output.iter().copied());
    texts.extend(
        (begin..(at + 6).min(events.len()))
            .filter(|&i| matches!(message_code(&events[i].kind), Some(1720..=1723))),
    );
    // A URL names the download best; a download command or a bootstrapper name otherwise.
    let found: Vec<(usize, String)> = texts
        .iter()
        .filter_map(|&i| downloads(&events[i].text).map(|d| (i, d)))
        .collect();
    let download = found
        .iter()
        .find(|(_, d)| d.contains("://"))
        .or(found.first())
        .map(|(i, d)| {
            cited.push(*i);
            d.clone()
        });
    let network_words = download
        .as_ref()
        .map(|what| format!(" The action downloads ({what}): it needs network access, and an offline machine, a proxy or a firewall makes it fail."))
        .unwrap_or_default();
    let display_name = if name.is_empty() {
        "A custom action"
    } else {
        name
    };
    let mut fixes = Vec::new();
    if let Some((_, op)) = ca_denied.first() {
        let account = op
            .user
            .clone()
            .unwrap_or_else(|| "the account the action runs as".to_string());
        if op.path.to_ascii_uppercase().starts_with("HK") {
            let key = op
                .path
                .replacen("HKLM", "HKLM:", 1)
                .replacen("HKCU", "HKCU:", 1);
            fixes.push(Fix::cmd(
                format!(
                    "Inspect who may write {} (the action ran as {account})",
                    op.path
                ),
                format!("powershell -NoProfile -Command \"Get-Acl -Path '{key}' | Format-List\""),
            ));
        } else {
            fixes.push(Fix::cmd(
                format!(
                    "Inspect who may write {} (the action ran as {account})",
                    op.path
                ),
                format!("icacls \"{}\"", super::fixes::command_path(&op.path)),
            ));
        }
    }
    for h in &hresults {
        fixes.push(Fix::cmd(
            format!("Decode the error {h} the custom action reported"),
            format!("msidiag explain {h}"),
        ));
    }
    if let Some((_, dll, entry)) = &invoked {
        fixes.push(Fix::text(format!(
            "The action runs {entry} from {dll} (extracted from the package's Binary table): give the vendor the cited lines, or fix what they name (permissions, missing service or file) and retry"
        )));
    } else {
        fixes.push(Fix::text("Give the package vendor the cited lines, or fix what the custom action's output names (permissions, missing prerequisite, running service) and retry"));
    }
    if let Some(what) = &download {
        fixes.insert(
            0,
            Fix::cmd(
                format!("Check that this machine can reach what the action downloads ({what}); for a service account, the machine-wide proxy is the one that counts"),
                "netsh winhttp show proxy",
            ),
        );
    }
    fixes.push(rerun_logged(values));
    Finding {
        evidence: v.evidence(&cited),
        fixes,
        ..v.draft(ids::CUSTOM_ACTION_FAILED,
        if name.is_empty() {
            format!("{display_name} failed with {code_text}")
        } else {
            format!("Custom action {name} failed with {code_text}")
        },
        if code.is_some() { Confidence::High } else { Confidence::Medium },
        format!(
            "{display_name} ({}) returned {code_text}{}, which stopped the {} and started the rollback.{output_words}{procmon_words}{network_words}",
            traits.join(", "),
            failed_action.map(|(_, a)| format!(" inside {a}")).unwrap_or_default(),
            values.operation.noun(),
        ))
    }
}

/// What a command or output line downloads: a URL, or the download command it runs.
fn downloads(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if let Some(p) = lower.find("https://").or_else(|| lower.find("http://")) {
        let url: String = text[p..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ')' | ','))
            .collect();
        return Some(url);
    }
    [
        ("invoke-webrequest", "Invoke-WebRequest"),
        ("start-bitstransfer", "Start-BitsTransfer"),
        ("bitsadmin", "bitsadmin"),
        ("curl", "curl"),
        ("wget", "wget"),
        ("downloadfile", "DownloadFile"),
        ("bootstrapper", "a bootstrapper"),
    ]
    .iter()
    .find(|(marker, _)| lower.contains(marker))
    .map(|(_, what)| what.to_string())
}

/// `0x80070005`-style codes in free text.
fn hex_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find("0x") {
        let start = from + p;
        let digits: String = lower[start + 2..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        if digits.len() == 8 {
            out.push(format!("0x{}", digits.to_ascii_uppercase()));
        }
        from = start + 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_types() {
        let t = decode_action_type(3073);
        assert_eq!(t.kind, "DLL");
        assert!(t.deferred && t.no_impersonate && !t.rollback);
        let t = decode_action_type(1);
        assert!(!t.deferred);
        assert_eq!(
            downloads("command: powershell.exe -c Invoke-WebRequest -Uri \"https://go.example.com/x?id=1\" -OutFile x"),
            Some("https://go.example.com/x?id=1".to_string())
        );
        assert_eq!(
            downloads("Action InvokeBootstrapper, location: C:\\x, command: /silent /install"),
            Some("a bootstrapper".to_string())
        );
        assert_eq!(downloads("command: net start Foo"), None);
        assert_eq!(
            hex_codes("Error 0x80070005: failed 0x1"),
            vec!["0x80070005".to_string()]
        );
    }
}
