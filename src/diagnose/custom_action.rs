//! `custom-action-failed`: a custom action returned an error (`CustomAction X returned actual
//! error code N`, errors 1720–1723, script runtime errors 2738/2739).
//!
//! Reports the action's name, its type decoded from `ActionType` or proved by the log
//! (`Invoking remote custom action. DLL:`, the 1720/1721/1722/1723 message that reported it),
//! deferred/immediate, impersonated/elevated, its location and command line or entry point,
//! its own result (return or exit code, a script's error with line and column) decoded as a
//! Win32 error or an HRESULT, the cited 172x lines and the action's own output lines (its
//! thread's lines and the `Product: X -- …` messages it sent, in any UI language). The
//! message number (1720…) is never taken for the action's result. An action that downloads
//! (a URL, Invoke-WebRequest, curl, a bootstrapper) gets a "needs network or proxy" cause; a
//! WMI error gets the repository checks. A nameless `CustomAction  returned …` line is the
//! engine's own call, and a message that names no action never makes a second finding.

use super::evidence::{message_code, SessionView};
use super::fixes::{rerun_logged, FixValues};
use super::{ids, Confidence, Finding, Fix};
use crate::kb;
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

/// Lines that end what ran before a custom action: another action's start or end (in a
/// sequence, or the install script's `ActionStart(Name=X,…)` op), another custom action's
/// return, the script starting.
fn is_action_boundary(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::ActionStart { .. }
            | EventKind::ActionEnded { .. }
            | EventKind::CustomActionReturned { .. }
            | EventKind::RunningScript { .. }
    ) || script_action_start(kind).is_some()
}

/// The action an install-script `Executing op: ActionStart(Name=X,…)` line starts.
fn script_action_start(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::MsiMessage { message } => message
            .strip_prefix("Executing op: ActionStart(Name=")?
            .split([',', ')'])
            .next(),
        _ => None,
    }
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

/// One failing custom action found in a session.
struct Failure {
    name: String,
    /// The action's own result: its return or exit code, or a script's error number (never
    /// the number of the message that reported it).
    code: Option<i64>,
    /// The Windows Installer message that reported the failure (1720–1723, 2738, 2739).
    message: Option<u32>,
    /// Index of the first line that showed the failure.
    at: usize,
}

/// Failing custom actions found in a session.
fn failures(v: &SessionView) -> Vec<Failure> {
    let mut out: Vec<Failure> = Vec::new();
    let events = v.events();
    for (i, e) in events.iter().enumerate() {
        match &e.kind {
            // A nameless `CustomAction  returned actual error code N` line is the engine's own
            // call (RemoveExistingProducts' nested uninstall), never a custom action.
            EventKind::CustomActionReturned {
                action,
                code,
                ignored: false,
            } if *code != 0 && !action.trim().is_empty() => {
                if !out.iter().any(|f| f.name == *action) {
                    out.push(Failure {
                        name: action.clone(),
                        code: Some(*code),
                        message: None,
                        at: i,
                    });
                }
            }
            kind => {
                let Some(m @ (1720..=1723 | 2738 | 2739)) = message_code(e) else {
                    continue;
                };
                let name = match kind {
                    // `Note: 1: 172x 2: <action> …`: the engine's record names the action in
                    // its first field, in every UI language (the message after it may be
                    // translated, or missing).
                    EventKind::Note { args, .. } if (1720..=1723).contains(&m) => {
                        match args.first().map(|a| a.trim()).filter(|a| !a.is_empty()) {
                            Some(a) => a.to_string(),
                            None => continue,
                        }
                    }
                    EventKind::Note { .. } => continue,
                    _ => noted_action(events, i, m)
                        .or_else(|| action_named_in(&e.text))
                        .or_else(|| running_action(events, i))
                        .unwrap_or_default(),
                };
                if let Some(f) = out.iter_mut().find(|f| f.name == name) {
                    f.message.get_or_insert(m);
                    if f.code.is_none() && m == 1720 {
                        f.code = script_error(&e.text);
                    }
                } else if !name.is_empty() {
                    out.push(Failure {
                        code: (m == 1720).then(|| script_error(&e.text)).flatten(),
                        name,
                        message: Some(m),
                        at: i,
                    });
                } else if out.is_empty() {
                    // Nothing names the action: one nameless finding, never a second one.
                    out.push(Failure {
                        name,
                        code: None,
                        message: Some(m),
                        at: i,
                    });
                }
            }
        }
    }
    out
}

/// The action named by the `Note: 1: <code> 2: <action>` record just before the message at
/// `at` (the engine writes the record, then the message).
fn noted_action(events: &[crate::model::Event], at: usize, code: u32) -> Option<String> {
    events[at.saturating_sub(4)..at]
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::Note { code: c, args } if *c == code => args
                .first()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty()),
            _ => None,
        })
}

/// The custom action running at `at`: the last `Action start` before it, unless that is a
/// standard action that runs other actions (the failing one is then not known by name).
fn running_action(events: &[crate::model::Event], at: usize) -> Option<String> {
    events[..at]
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::ActionStart { action } => Some(action.clone()),
            _ => None,
        })
        .filter(|a| {
            !a.chars().all(|c| c.is_ascii_uppercase())
                && !matches!(
                    a.as_str(),
                    "InstallFinalize" | "InstallExecute" | "InstallExecuteAgain" | "ExecuteAction"
                )
        })
}

/// `script error -2147217392,` inside a 1720/1721 message.
fn script_error(text: &str) -> Option<i64> {
    let i = text.find("script error ")?;
    let n: String = text[i + 13..]
        .chars()
        .take_while(|c| *c == '-' || c.is_ascii_digit())
        .collect();
    n.parse().ok()
}

/// `… Action RegisterService, location: …`, `Custom action X script error …` and `… for
/// custom action X` inside 172x/2738 messages.
fn action_named_in(text: &str) -> Option<String> {
    let i = text
        .find("Action ")
        .map(|i| i + 7)
        .or_else(|| text.find("ustom action ").map(|i| i + 13))?;
    let rest = &text[i..];
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
        .map(|f| describe(v, &values, &f))
        .collect()
}

fn describe(v: &SessionView, values: &FixValues, failure: &Failure) -> Finding {
    let (name, code, at) = (failure.name.as_str(), failure.code, failure.at);
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
            kind if script_action_start(kind) == Some(name) => Some(i),
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
    // The engine's 1720–1723 (and 2738/2739) lines about this failure: from where the action's
    // part begins to the end of the action that failed.
    let end = events[at..]
        .iter()
        .position(|e| matches!(e.kind, EventKind::ActionEnded { .. }))
        .map_or((at + 30).min(events.len()), |p| at + p + 1);
    let reported: Vec<usize> = (begin..end)
        .filter(|&i| {
            matches!(
                message_code(&events[i]),
                Some(1720..=1723 | 2738 | 2739)
            ) && (name.is_empty()
                || !matches!(&events[i].kind, EventKind::Note { args, .. } if args.first().is_some_and(|a| a != name)))
        })
        .collect();
    let message = failure
        .message
        .or_else(|| reported.iter().find_map(|&i| message_code(&events[i])));
    let details = message_details(events, &reported, name);
    let prefix = format!("{name}:");
    let mut output: Vec<usize> = (begin..at)
        .filter(|&i| {
            let e = &events[i];
            (matches!(e.kind, EventKind::Text) && !e.text.starts_with("MSI ("))
                // What the action's own thread wrote, and the `Product: X -- …` messages it
                // sent (in any UI language), are its output too.
                || e.thread.is_some_and(|t| t.custom_action_thread)
                || matches!(e.kind, EventKind::ProductMessage { .. })
                // The package's own numbered errors (`Error 25140. …`, a number Windows
                // Installer's tables do not hold: it comes from the package's Error table).
                || is_package_error(e)
        })
        .filter(|&i| !reported.contains(&i))
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
    // What the log proves about the kind when no `ActionType` is known.
    let proven_kind = if invoked.is_some() || message == Some(1723) {
        Some("DLL")
    } else if matches!(message, Some(1721 | 1722)) {
        Some("EXE")
    } else if matches!(message, Some(1720 | 2738 | 2739)) {
        Some("script")
    } else {
        None
    };
    let mut traits = Vec::new();
    if kind.is_none() {
        traits.extend(proven_kind.map(str::to_string));
    }
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
        None => match proven_context(events, name, at) {
            "type unknown" if !traits.is_empty() => {}
            context => traits.push(context.into()),
        },
    }
    if let Some((_, ctx)) = &server {
        traits.push(format!("{ctx} custom action server"));
    }
    let exe = kind
        .as_ref()
        .map_or(proven_kind == Some("EXE"), |t| t.kind == "EXE");
    let script = message == Some(1720) && failure.code.is_some();
    let meaning = code.and_then(|c| code_meaning(c, exe)).unwrap_or_default();
    let (title_code, code_text) = match (code, message) {
        (Some(c), _) if script => (
            format!("script error {c}"),
            format!("failed with script error {c}{meaning}"),
        ),
        (Some(c), _) => (
            format!("error code {c}"),
            format!("returned error code {c}{meaning}"),
        ),
        (None, Some(m)) => (
            format!("error {m}"),
            format!(
                "failed (the engine reported error {m}; the action's own result is not in the log)"
            ),
        ),
        (None, None) => ("an error".to_string(), "returned an error".to_string()),
    };
    let failed_action = v
        .first_failed_action()
        .filter(|(i, a)| *i >= at && *a != name);
    let output_words = if output.is_empty() && script {
        " The script's own error is in the engine's Error 1720 line (cited).".to_string()
    } else if output.is_empty() {
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
    cited.extend(reported.iter().copied());
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
            .filter(|&i| matches!(message_code(&events[i]), Some(1720..=1723))),
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
    // WiX's WixFailWhenDeferred (Wix4FailWhenDeferred_X64 in WiX v4+) fails on purpose to test
    // rollback; it runs only when the WIXFAILWHENDEFERRED property is 1 (its condition).
    let requested = is_fail_when_deferred(name)
        .then(|| v.property("WIXFAILWHENDEFERRED"))
        .flatten()
        .filter(|p| p.value.trim() == "1");
    let requested_words = if let Some(p) = &requested {
        cited.push(p.event);
        " WixFailWhenDeferred is WiX's rollback test action: it always fails, and it runs because the property WIXFAILWHENDEFERRED is 1 in this install (cited). The failure was asked for; nothing on the machine is broken."
    } else {
        ""
    };
    let mut fixes = Vec::new();
    if requested.is_some() {
        fixes.push(Fix::text(
            "Run the install again without WIXFAILWHENDEFERRED=1 (on the command line or in a transform): the property only exists to test the package's rollback",
        ));
    }
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
    if let Some(c) = code.filter(|c| !(0..=0xFFFF).contains(c)) {
        let hex = format!("0x{:08X}", kb::code_bits(c).unwrap_or(0));
        if !hresults.contains(&hex) {
            fixes.push(Fix::cmd(
                format!("Decode the error {c} ({hex}) the custom action reported"),
                format!("msidiag explain {hex}"),
            ));
        }
    }
    if code
        .into_iter()
        .chain(hresults.iter().filter_map(|h| kb::parse_code(h)))
        .filter_map(kb::code_bits)
        .any(|b| b & 0xFFFF_F000 == 0x8004_1000)
    {
        fixes.push(Fix::cmd(
            "The action's WMI call failed (0x80041xxx): check that the WMI service (winmgmt) runs and that its repository is consistent, from an elevated prompt",
            "winmgmt /verifyrepository",
        ));
        fixes.push(Fix::cmd(
            "If it reports an inconsistent repository, repair it, then retry the install",
            "winmgmt /salvagerepository",
        ));
    }
    if code == Some(1157) {
        fixes.push(Fix::text(
            "Error 1157 (ERROR_DLL_NOT_FOUND): a DLL the action needs is missing (often a Visual C++ runtime), or the action's DLL was blocked by antivirus or application control: install the runtime the vendor names, or check the antivirus log",
        ));
    }
    for h in &hresults {
        fixes.push(Fix::cmd(
            format!("Decode the error {h} the custom action reported"),
            format!("msidiag explain {h}"),
        ));
    }
    if let Some((_, dll, entry)) = invoked.as_ref().filter(|_| requested.is_none()) {
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
            format!("{display_name} failed with {title_code}")
        } else {
            format!("Custom action {name} failed with {title_code}")
        },
        if code.is_some() || (message.is_some() && !name.is_empty()) { Confidence::High } else { Confidence::Medium },
        format!(
            "{display_name} ({}) {code_text}{}, which stopped the {} and started the rollback.{requested_words}{details}{output_words}{procmon_words}{network_words}",
            traits.join(", "),
            failed_action.map(|(_, a)| format!(" inside {a}")).unwrap_or_default(),
            values.operation.noun(),
        ))
    }
}

/// What the engine's 172x lines say about the action: its script error's place and text
/// (1720/1721 scripts), the program it ran (1721/1722) or the DLL entry it called (1723), read
/// from the `Note: 1: N 2: …` fields or, without a note, from the message text.
fn message_details(events: &[crate::model::Event], reported: &[usize], name: &str) -> String {
    for &i in reported {
        let EventKind::Note { code, args } = &events[i].kind else {
            continue;
        };
        let arg = |n: usize| args.get(n).map(|a| a.trim()).filter(|a| !a.is_empty());
        if !name.is_empty() && arg(0) != Some(name) {
            continue;
        }
        match code {
            1720 | 1721 if args.len() >= 4 => {
                let text = [arg(2), arg(3)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(": ");
                let place = match (arg(4), arg(5)) {
                    (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
                    (Some(l), None) => format!(" at line {l}"),
                    _ => String::new(),
                };
                return format!(" The script stopped{place} with \"{text}\".");
            }
            1721 | 1722 => {
                if let Some(command) = arg(2) {
                    let location = arg(1)
                        .map(|l| format!(" (location {l})"))
                        .unwrap_or_default();
                    return format!(" It ran `{command}`{location}.");
                }
            }
            1723 => {
                if let (Some(entry), Some(library)) = (arg(1), arg(2)) {
                    return format!(
                        " Windows Installer could not run its entry point {entry} in {library}."
                    );
                }
            }
            _ => {}
        }
    }
    for &i in reported {
        let text = &events[i].text;
        let field = |label: &str, next: &str| {
            let start = text.find(label)? + label.len();
            let tail = &text[start..];
            let value = tail.find(next).map_or(tail, |e| &tail[..e]).trim();
            (!value.is_empty()).then(|| value.to_string())
        };
        if let Some(command) = field(", command: ", "\u{0}") {
            let location = field(", location: ", ", command: ")
                .map(|l| format!(" (location {l})"))
                .unwrap_or_default();
            return format!(" It ran `{command}`{location}.");
        }
        if let (Some(entry), Some(library)) = (
            field(", entry: ", ", library: "),
            field(", library: ", "\u{0}"),
        ) {
            return format!(
                " Windows Installer could not run its entry point {entry} in {library}."
            );
        }
        if let Some(script) = field("script error ", "\u{0}") {
            let script = script.trim_end_matches(',').trim();
            let said = script.split_once(", ").map_or(script, |(_, rest)| rest);
            return format!(" The script stopped with \"{said}\".");
        }
    }
    String::new()
}

/// What the action's result means: an HRESULT decoded, or a small number read as a Win32
/// error (for a program, only "read as" one: a program may use its own exit codes). The
/// generic 1603 and codes not in the tables say nothing.
fn code_meaning(code: i64, exe: bool) -> Option<String> {
    let bits = kb::code_bits(code)?;
    if bits & 0x8000_0000 != 0 {
        let h = kb::hresult(bits);
        let name = h.name.map(|n| format!("{n}: ")).unwrap_or_default();
        return Some(format!(
            " ({}, {name}{})",
            h.hex(),
            h.text.trim_end_matches('.')
        ));
    }
    if matches!(code, 1 | 1602 | 1603) {
        return None;
    }
    let said = kb::win32::describe(bits)?;
    let said = said.trim_end_matches('.');
    Some(if exe {
        format!(" (read as a Win32 error: {said}; a program may use its own exit codes)")
    } else {
        format!(" ({said})")
    })
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

/// WiX's rollback test action by its v3 name or a v4+ name (`Wix4FailWhenDeferred_X64`).
fn is_fail_when_deferred(name: &str) -> bool {
    name == "WixFailWhenDeferred"
        || name
            .strip_prefix("Wix")
            .and_then(|r| {
                r.trim_start_matches(|c: char| c.is_ascii_digit())
                    .strip_prefix("FailWhenDeferred")
            })
            .is_some_and(|r| r.is_empty() || r.starts_with('_'))
}

/// A bare `Error N.` line (no `MSI (x)` prefix) whose number is not one of Windows
/// Installer's messages: the package's own message from its Error table.
fn is_package_error(e: &crate::model::Event) -> bool {
    matches!(e.kind, EventKind::Error { code, .. }
        if e.thread.is_none() && crate::kb::tables::msi_messages(code).is_empty())
}

/// HRESULTs in free text: `0x80070005`, and eight hex digits written without `0x` when they
/// start with `80` or `C0` and stand alone (`The error code is 80041033`), as `0x…`.
fn hex_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Byte-wise: `i` may stand inside a multi-byte character.
        let with_prefix = b[i..].starts_with(b"0x");
        let start = if with_prefix { i + 2 } else { i };
        let digits = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        let glued_before =
            i > 0 && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'{' | b'-' | b'_'));
        let glued_after = b
            .get(start + digits)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'));
        let bare_ok = b[start..].starts_with(b"80") || b[start..].starts_with(b"c0");
        if digits == 8 && !glued_before && !glued_after && (with_prefix || bare_ok) {
            out.push(format!(
                "0x{}",
                lower[start..start + 8].to_ascii_uppercase()
            ));
        }
        i = if digits > 0 { start + digits } else { i + 1 };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wix_rollback_test_action_names() {
        assert!(is_fail_when_deferred("WixFailWhenDeferred"));
        assert!(is_fail_when_deferred("Wix4FailWhenDeferred_X64"));
        assert!(is_fail_when_deferred("Wix4FailWhenDeferred_A64"));
        assert!(!is_fail_when_deferred("WixFailWhenDeferredX"));
        assert!(!is_fail_when_deferred("MyFailWhenDeferred"));
    }

    #[test]
    fn hresults_with_and_without_0x() {
        assert_eq!(hex_codes("hr=0x80070430; x"), vec!["0x80070430"]);
        assert_eq!(hex_codes("The error code is 80041033"), vec!["0x80041033"]);
        assert_eq!(hex_codes("status C0000005."), vec!["0xC0000005"]);
        // GUID parts, sizes and longer runs are not HRESULTs.
        assert!(hex_codes("{80041033-2B84-4F06-9D3A-71C0E85B2F94}").is_empty());
        assert!(hex_codes("FileSize 12345678 and 800410331").is_empty());
        assert!(hex_codes("x80041033 and 0x8004103").is_empty());
        assert_eq!(
            hex_codes("Fehler ü 80041033 é 0xé 0x80070005"),
            vec!["0x80041033", "0x80070005"]
        );
    }

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
