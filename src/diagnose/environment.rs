//! Failures caused by the machine rather than the package: another install running (1618/1500),
//! files in use, missing privileges (1925/1730), a service that would not start (1920),
//! policy (1625) and an unwritable TEMP (1632/2336). Missing packages and sources are in
//! `cache.rs`, numbered file and registry errors in `file_errors.rs`.
//!
//! The signatures (which numbers and lines each rule looks for) are data in
//! `src/kb/rules/environment.toml`; each rule here reads their hits, adds what data cannot
//! express (event-log transactions, held files, folders) and fills its fixes from them.

use super::data::builtin::signature;
use super::evidence::order_evidence;
use super::evidence::SessionView;
use super::fixes::{find_running_install, rerun_elevated, rerun_logged, FixValues};
use super::{ids, Confidence, Finding, Fix};
use crate::model::{Event, EventKind, MsiInstallerFact, ServiceStartFailure, WinEvent};

/// The message text of the first cited `Error N.`-style event, for quoting.
fn quoted(v: &SessionView, idx: &[usize]) -> Option<String> {
    idx.iter().find_map(|&i| match &v.event(i).kind {
        EventKind::Error { code, message } => Some(format!("Error {code}. {message}")),
        EventKind::ProductMessage { message, .. } => Some(message.clone()),
        EventKind::Info { code, message } => Some(format!("Info {code}. {message}")),
        // An MsiInstaller record: the sentence the user saw, as written (any language).
        EventKind::WinEvent(w) => w
            .data
            .first()
            .map(|d| {
                d.split_once(" -- ")
                    .map_or(d.as_str(), |(_, m)| m)
                    .trim()
                    .to_string()
            })
            .filter(|m| !m.is_empty()),
        _ => None,
    })
}

pub fn another_install(v: &SessionView) -> Vec<Finding> {
    let rule = signature(ids::ANOTHER_INSTALL);
    let hits = rule.hits(v, None);
    let mut cited = hits.cited_except(&[]);
    // Event log: another client's transaction (1040) open at the same time as this one.
    let own = v.session.client_pid;
    let overlapping: Vec<usize> = v
        .win_events()
        .into_iter()
        .filter(|(_, w)| matches!(w.msi(), Some(MsiInstallerFact::TransactionBegin { client_pid, .. }) if Some(*client_pid) != own))
        .map(|(i, _)| i)
        .collect();
    let overlap_matters = !overlapping.is_empty() && (v.failed() || !cited.is_empty());
    if overlap_matters {
        cited.extend(overlapping.iter().copied());
    }
    if !hits.fired() {
        return Vec::new();
    }
    // Name the other installation when the event log shows it.
    let other = overlap_matters
        .then(|| {
            overlapping.iter().find_map(|&i| match &v.event(i).kind {
                EventKind::WinEvent(w) => match w.msi() {
                    Some(MsiInstallerFact::TransactionBegin { target, client_pid }) => Some(
                        format!(" ({target}, client process {client_pid}, per the event log)"),
                    ),
                    _ => None,
                },
                _ => None,
            })
        })
        .flatten()
        .unwrap_or_default();
    let (title, summary) =
        rule.title_and_summary(v, &[("product_label", v.product_label()), ("other", other)]);
    vec![v.finding(
        ids::ANOTHER_INSTALL,
        title,
        if cited.is_empty() {
            Confidence::Medium
        } else {
            rule.confidence
        },
        summary,
        &cited,
        {
            let mut f = find_running_install();
            f.push(rerun_logged(&FixValues::of(v)));
            f
        },
    )]
}

/// `The file X is being held in use by the following process: Name: N, Id: I` → (file, name, id).
fn held_file(message: &str) -> Option<(String, String, String)> {
    let file = message
        .strip_prefix("The file ")?
        .split(" is being held in use")
        .next()?
        .to_string();
    let name = message
        .split("Name: ")
        .nth(1)?
        .split(',')
        .next()?
        .trim()
        .to_string();
    let id = message
        .split("Id: ")
        .nth(1)?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .to_string();
    Some((file, name, id))
}

/// The files a session scheduled for replacement or deletion at the restart: field 2 of a
/// `Note: 1: 1903|1904|1907 2: <file>` record, else the path of an `Info 1903.` message that
/// names a held file. Each with the index of the event.
pub fn reboot_operations(v: &SessionView) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, e) in v.events().iter().enumerate() {
        match &e.kind {
            EventKind::Note {
                code: 1903 | 1904 | 1907,
                args,
            } => {
                if let Some(file) = args.iter().map(|a| a.trim()).find(|a| a.contains('\\')) {
                    out.push((i, file.to_string()));
                }
            }
            EventKind::Info {
                code: 1903 | 1904 | 1907,
                message,
            } => {
                if let Some(file) = path_in(message) {
                    out.push((i, file));
                }
            }
            _ => {}
        }
    }
    out
}

/// The message numbers of the reboot operations, `1903` or `1903/1904`.
pub fn reboot_codes(v: &SessionView, ops: &[(usize, String)]) -> String {
    let mut codes: Vec<u32> = ops
        .iter()
        .filter_map(|(i, _)| match &v.event(*i).kind {
            EventKind::Note { code, .. } | EventKind::Info { code, .. } => Some(*code),
            _ => None,
        })
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("/")
}

/// The processes `Info 1603.` names as holding files: (file, process, PID).
pub fn held_files(v: &SessionView) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for e in v.events() {
        if let EventKind::Info {
            code: 1603,
            message,
        } = &e.kind
        {
            if let Some(h) = held_file(message) {
                if !out
                    .iter()
                    .any(|x| x.0.eq_ignore_ascii_case(&h.0) && x.2 == h.2)
                {
                    out.push(h);
                }
            }
        }
    }
    out
}

/// The first Windows path in a message (`C:\…` up to the end of its sentence).
fn path_in(message: &str) -> Option<String> {
    let bytes = message.as_bytes();
    let start = (1..bytes.len().saturating_sub(1)).find(|&k| {
        bytes[k] == b':' && bytes[k + 1] == b'\\' && bytes[k - 1].is_ascii_alphabetic()
    })? - 1;
    let rest = &message[start..];
    let end = rest.find(". ").unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches('.').trim().to_string())
}

/// The distinct files (case-insensitive) of [`reboot_operations`].
pub fn unique_files(ops: &[(usize, String)]) -> Vec<&str> {
    let mut files: Vec<&str> = Vec::new();
    for (_, f) in ops {
        if !files.iter().any(|g| g.eq_ignore_ascii_case(f)) {
            files.push(f);
        }
    }
    files
}

pub fn files_in_use(v: &SessionView) -> Vec<Finding> {
    // A successful session that needs a restart is a note (`session_notes.rs`), not a failure.
    if !(v.failed() || v.session.truncated) {
        return Vec::new();
    }
    let rule = signature(ids::FILES_IN_USE);
    let hits = rule.hits(v, None);
    let info = hits.named("held");
    // Error 1306, Restart Manager, Procmon sharing violations: the rule file's blocks.
    let mut cited = hits.cited_except(&[]);
    // Event log 1025 (file in use): the record's parsed fields name the file and process.
    let mut held: Vec<(String, String, String)> = Vec::new();
    for (i, w) in v.win_events() {
        if let Some(MsiInstallerFact::FileInUse {
            file, process, pid, ..
        }) = w.msi()
        {
            cited.push(i);
            held.push((
                file.clone(),
                process.clone(),
                pid.map_or("?".to_string(), |p| p.to_string()),
            ));
        }
    }
    if cited.is_empty() {
        return Vec::new();
    }
    for &i in &info {
        if let EventKind::Info { message, .. } = &v.event(i).kind {
            if let Some(h) = held_file(message) {
                if !held
                    .iter()
                    .any(|x| x.0.eq_ignore_ascii_case(&h.0) && x.2 == h.2)
                {
                    held.push(h);
                }
            }
        }
    }
    let mut fixes = Vec::new();
    for (file, name, id) in &held {
        fixes.push(Fix::cmd(
            format!("Check whether {name} (PID {id}) still holds {file}"),
            format!("tasklist /fi \"PID eq {id}\""),
        ));
        fixes.push(Fix::cmd(
            format!("Close {name} (or stop its service), then retry"),
            format!("taskkill /PID {id}"),
        ));
    }
    if held.is_empty() {
        fixes.push(Fix::text("Close the applications that use the product's files (or restart the machine), then retry"));
    }
    fixes.push(rerun_logged(&FixValues::of(v)));
    // A lock Windows Installer worked around by scheduling the file for the restart (1903/
    // 1904/1907, read from the note's path fields) did not stop the install: context only.
    let reboot_ops = reboot_operations(v);
    let handled = v.error_events(&[1306]).is_empty()
        && !reboot_ops.is_empty()
        && !cited
            .iter()
            .any(|&i| matches!(v.event(i).kind, EventKind::Procmon(_)))
        && held
            .iter()
            .all(|(file, _, _)| reboot_ops.iter().any(|(_, f)| f.eq_ignore_ascii_case(file)));
    if handled {
        let files: Vec<&str> = unique_files(&reboot_ops);
        cited.extend(reboot_ops.iter().map(|(i, _)| *i));
        let holder = if held.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                held.iter()
                    .map(|(f, n, i)| format!("{f} was held by {n}, PID {i}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        let summary = format!(
            "During the {} of {}, {} file{} in use{holder}; Windows Installer scheduled {} for the restart (message {}), so the lock did not stop the install. Context only, not the cause of {}.",
            v.session.operation.noun(),
            v.product_label(),
            files.len(),
            if files.len() == 1 { " was" } else { "s were" },
            if files.len() == 1 { "its replacement" } else { "their replacement" },
            reboot_codes(v, &reboot_ops),
            if v.failed() { "the failure" } else { "an outcome" },
        );
        let mut f = v.draft(
            ids::FILES_IN_USE,
            "Files to be replaced were in use (replaced at restart)".to_string(),
            Confidence::Low,
            summary,
        );
        f.evidence = v.evidence(&cited);
        f.fixes = vec![Fix::text(
            "Restart the machine to complete the scheduled file replacement; close the program that held the file before the next install",
        )];
        return vec![f];
    }
    let what = if held.is_empty() {
        "files the installer had to replace were in use".to_string()
    } else {
        held.iter()
            .map(|(f, n, i)| format!("{f} was held by {n} (PID {i})"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (title, summary) =
        rule.title_and_summary(v, &[("product_label", v.product_label()), ("what", what)]);
    vec![v.finding(
        ids::FILES_IN_USE,
        title,
        if v.failed() {
            rule.confidence
        } else {
            Confidence::Medium
        },
        summary,
        &cited,
        fixes,
    )]
}

/// The folder a 1303 message names: field 2 of its `Note: 1: 1303 2: <folder>` record (the same
/// in every UI language), else the path after the last `: ` of the message up to the end of its
/// sentence (`…this directory: D:\App.  The installation cannot continue.`).
fn denied_directory(v: &SessionView, cited: &[usize]) -> Option<String> {
    let from_note = v.events().iter().find_map(|e| match &e.kind {
        EventKind::Note { code: 1303, args } => args
            .first()
            .map(|d| d.trim().trim_end_matches('\\').to_string())
            .filter(|d| !d.is_empty()),
        _ => None,
    });
    from_note.or_else(|| {
        cited.iter().find_map(|&i| match &v.event(i).kind {
            EventKind::Error {
                code: 1303,
                message,
            } => message.rsplit_once(": ").map(|(_, rest)| {
                let end = rest
                    .find(".  ")
                    .or_else(|| rest.find(". "))
                    .unwrap_or(rest.len());
                rest[..end].trim_end_matches('.').trim().to_string()
            }),
            _ => None,
        })
    })
}

pub fn insufficient_privileges(v: &SessionView) -> Vec<Finding> {
    let rule = signature(ids::INSUFFICIENT_PRIVILEGES);
    let hits = rule.hits(v, None);
    let mut cited = hits.cited_except(&["denied-error", "denied-note"]);
    // A note whose system-error field is 5 vouches for the `Error N.` line of the same number
    // (the note itself is not cited); an English `Error N.` line can say so itself.
    let denied_by_note: Vec<u32> = hits
        .named("denied-note")
        .into_iter()
        .filter_map(|i| v.message_code_at(i))
        .collect();
    cited.extend(
        hits.named("denied-error")
            .into_iter()
            .filter(|&i| matches!(v.event(i).kind, EventKind::Error { .. })),
    );
    cited.extend(v.indices(
        |e| matches!(&e.kind, EventKind::Error { code, .. } if denied_by_note.contains(code)),
    ));
    if cited.is_empty() {
        return Vec::new();
    }
    let values = FixValues::of(v);
    let text = quoted(v, &cited)
        .unwrap_or_else(|| "the installer lacked the rights it needed".to_string());
    let mut fixes = vec![rerun_elevated(&values)];
    if let Some(dir) = denied_directory(v, &cited) {
        fixes.push(Fix::cmd(
            "Inspect the permissions of the folder it could not access",
            format!("icacls \"{dir}\""),
        ));
    }
    let (title, summary) = rule.title_and_summary(
        v,
        &[
            ("message", text),
            ("operation", values.operation.noun().to_string()),
            (
                "by_user",
                values
                    .user
                    .as_deref()
                    .map(|u| format!(" by {u}"))
                    .unwrap_or_default(),
            ),
        ],
    );
    vec![v.finding(
        ids::INSUFFICIENT_PRIVILEGES,
        title,
        rule.confidence,
        summary,
        &cited,
        fixes,
    )]
}

/// The first name quoted in a message, with the quote marks of any UI language ('…', "…",
/// «…», „…“, “…”, 「…」).
fn quoted_name(text: &str) -> Option<String> {
    const PAIRS: [(char, char); 6] = [
        ('\'', '\''),
        ('"', '"'),
        ('«', '»'),
        ('„', '“'),
        ('“', '”'),
        ('「', '」'),
    ];
    PAIRS
        .iter()
        .filter_map(|&(open, close)| {
            let start = text.find(open)? + open.len_utf8();
            let len = text[start..].find(close)?;
            Some((start, &text[start..start + len]))
        })
        .filter(|(_, name)| !name.trim().is_empty())
        .min_by_key(|(start, _)| *start)
        .map(|(_, name)| name.trim().to_string())
}

/// A service key name in parentheses (`… (ContosoSvc) …`): one word, no spaces.
fn parenthesised_name(text: &str) -> Option<String> {
    text.split('(')
        .skip(1)
        .filter_map(|r| r.split(')').next())
        .map(str::trim)
        .find(|k| !k.is_empty() && !k.contains(char::is_whitespace) && !k.contains(':'))
        .map(str::to_string)
}

/// The service of the last ServiceInstall/ServiceControl op before the first cited error.
fn service_op_name(v: &SessionView, cited: &[usize]) -> Option<String> {
    let first = *cited.iter().min()?;
    super::services::last_service_op(&v.events()[..first.min(v.events().len())])
}

pub fn service_start_failed(v: &SessionView) -> Vec<Finding> {
    // 1921–1923 (stop, delete, install) are `services.rs`. A session that succeeded went on
    // past the error (the user or the package ignored it): a session note says so
    // (`session_notes.rs`), not a finding.
    if matches!(
        v.session.outcome,
        crate::timeline::Outcome::Success | crate::timeline::Outcome::SuccessRebootRequired
    ) {
        return Vec::new();
    }
    let cited = v.error_events(&[1920]);
    if cited.is_empty() {
        return Vec::new();
    }
    let (display, key) = cited
        .iter()
        .find_map(|&i| match &v.event(i).kind {
            EventKind::Note { code: 1920, args } if !args.is_empty() => Some((
                args[0].clone(),
                args.get(1).cloned().filter(|k| !k.is_empty()),
            )),
            _ => None,
        })
        .or_else(|| {
            let text = quoted(v, &cited)?;
            let key = parenthesised_name(&text).or_else(|| service_op_name(v, &cited));
            match quoted_name(&text) {
                Some(display) => Some((display, key)),
                None => key.clone().map(|k| (k, key)),
            }
        })
        .or_else(|| service_op_name(v, &cited).map(|k| (k.clone(), Some(k))))
        .unwrap_or_else(|| ("the service".to_string(), None));
    let key_or = key.clone().unwrap_or_else(|| "<service name>".to_string());
    let of_this_service = |w: &WinEvent| {
        w.start_failure().cloned().filter(|f| {
            let named = |n: &str| f.service.trim().eq_ignore_ascii_case(n.trim());
            named(&display) || key.as_deref().is_some_and(named)
        })
    };
    // The System log says why, when it was given and placed on the session's clock.
    let scm: Vec<(usize, ServiceStartFailure)> = v
        .win_events()
        .into_iter()
        .filter_map(|(i, w)| Some((i, of_this_service(w)?)))
        .collect();
    let mut cited = cited;
    // A cut log whose last lines are the error (no action ended after it): the dialog waited.
    let dialog_waiting = v.session.truncated
        && cited.iter().max().is_some_and(|&last| {
            !v.session.events.iter().skip(last + 1).any(|e| {
                matches!(
                    e.kind,
                    EventKind::ActionEnded { .. } | EventKind::EngineReturned { .. }
                )
            })
        });
    cited.extend(scm.iter().map(|(i, _)| *i));
    // The log's clock is not aligned: System records of the same day still say why.
    let same_day: Vec<(&Event, ServiceStartFailure)> = if scm.is_empty() {
        v.same_day_machine_events()
            .into_iter()
            .filter_map(|e| match &e.kind {
                EventKind::WinEvent(w) => Some((e, of_this_service(w)?)),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let failures: Vec<&ServiceStartFailure> = scm
        .iter()
        .map(|(_, f)| f)
        .chain(same_day.iter().map(|(_, f)| f))
        .collect();
    let logon = failures.iter().any(|f| f.logon);
    let account = failures.iter().find_map(|f| f.account.clone());
    let reasons = failures
        .iter()
        .map(|f| format!("\"{}\"", f.error.trim_end_matches('.')))
        .collect::<Vec<_>>()
        .join(", then ");
    // One sentence: the verdict shows a summary's first sentence, and the reason belongs in it.
    let why = if !scm.is_empty() {
        format!(", and the System log says why: {reasons}.")
    } else if !same_day.is_empty() {
        format!(", and the System log of the same day says why: {reasons} (the log's UTC offset is unknown, so the exact order is not).")
    } else {
        ": usually its account lacks the \"Log on as a service\" right or a password, a dependency is missing, or the service exits at start.".to_string()
    };
    let mut fixes = if logon {
        service_logon_fixes(&key_or, account.as_deref())
    } else {
        Vec::new()
    };
    fixes.extend([
        Fix::cmd(
            "Show the service's configuration (account, binary path, dependencies)",
            format!("sc qc {key_or}"),
        ),
        Fix::cmd(
            "Start it by hand to see Windows' own error",
            format!("sc start {key_or}"),
        ),
    ]);
    if failures.is_empty() {
        fixes.push(Fix::text(format!(
            "Read the System event log (Service Control Manager events 7000, 7009, 7038) for {key_or} at the time of the install, or give it to msidiag with the Application log"
        )));
    }
    fixes.push(rerun_elevated(&FixValues::of(v)));
    let mut finding = v.finding(ids::SERVICE_START_FAILED,
        format!("Service '{display}' failed to start"),
        Confidence::High,
        format!(
            "The package installs the service '{display}'{} and Windows could not start it (error 1920){why}{}",
            key.as_deref().map(|k| format!(" ({k})")).unwrap_or_default(),
            if dialog_waiting {
                " The log ends while the error dialog was waiting for an answer."
            } else {
                ""
            }
        ),
        &cited,
        fixes,
    );
    finding
        .evidence
        .extend(same_day.iter().map(|(e, _)| v.cite(e)));
    order_evidence(&mut finding.evidence, &v.clock);
    vec![finding]
}

/// Fixes for a service that Windows could not log on as its account.
fn service_logon_fixes(key: &str, account: Option<&str>) -> Vec<Fix> {
    let who = account.unwrap_or("<the service account>");
    vec![
        Fix::cmd(
            format!("Windows could not log the service on as {who}: set the account's current password on the service (elevated prompt; replace <password>)"),
            format!("sc config {key} obj= \"{who}\" password= \"<password>\""),
        ),
        Fix::text(format!(
            "Make sure {who} is not locked out or expired and holds the user right \"Log on as a service\" (secpol.msc > Local Policies > User Rights Assignment, or the Group Policy that sets it)"
        )),
    ]
}

pub fn policy_blocked(v: &SessionView) -> Vec<Finding> {
    let rule = signature(ids::POLICY_BLOCKED);
    let hits = rule.hits(v, None);
    if !hits.fired() {
        return Vec::new();
    }
    let mut cited = hits.cited_except(&[]);
    let policy = v.session.facts.policy("DisableMSI").cloned();
    cited.extend(policy.as_ref().map(|p| p.event));
    let setting = policy
        .as_ref()
        .map(|p| {
            format!(
                " The log shows the machine policy DisableMSI = {}.",
                p.value
            )
        })
        .unwrap_or_default();
    let (title, summary) = rule.title_and_summary(v, &[("setting", setting)]);
    vec![v.finding(ids::POLICY_BLOCKED,
        title,
        rule.confidence,
        summary,
        &cited,
        vec![
            Fix::cmd("Read the Windows Installer policies", "reg query \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer\""),
            Fix::text("Ask the administrators who own the Group Policy to allow the install (DisableMSI = 0 or not set), run `gpupdate /force`, then retry"),
            rerun_logged(&FixValues::of(v)),
        ],
    )]
}

pub fn temp_unwritable(v: &SessionView) -> Vec<Finding> {
    let rule = signature(ids::TEMP_UNWRITABLE);
    let hits = rule.hits(v, None);
    if !hits.fired() {
        return Vec::new();
    }
    let cited = hits.cited_except(&[]);
    let path = cited.iter().find_map(|&i| match &v.event(i).kind {
        EventKind::Note { code: 2336, args } => args.get(1).filter(|p| !p.is_empty()).cloned(),
        EventKind::DebugError {
            code: 2336,
            message,
        } => {
            let p = message.split("on path ").nth(1)?;
            Some(p.split(". ").next()?.trim_end_matches('.').to_string())
        }
        _ => None,
    });
    let temp = v.property("TempFolder");
    let mut all = cited.clone();
    all.extend(temp.as_ref().map(|t| t.event));
    let folder = path
        .clone()
        .or_else(|| temp.as_ref().map(|t| t.value.trim().to_string()))
        .unwrap_or_else(|| "%TEMP%".into());
    let is_system_temp = folder.to_ascii_lowercase().contains("\\windows\\temp");
    let mut fixes = vec![Fix::cmd(
        "Check that the folder exists and who may write to it",
        {
            let folder = super::fixes::command_path(&folder);
            format!("dir \"{folder}\" && icacls \"{folder}\"")
        },
    )];
    if is_system_temp {
        fixes.extend(super::fixes::folder_acl_fixes("C:\\Windows\\Temp"));
    } else {
        fixes.push(Fix::cmd(
            "See where TEMP and TMP point for this user",
            "reg query HKCU\\Environment /v TEMP & reg query HKCU\\Environment /v TMP",
        ));
        fixes.push(Fix::cmd(
            "Point TEMP and TMP back to the default folder, then sign out and in again",
            "setx TEMP \"%USERPROFILE%\\AppData\\Local\\Temp\" & setx TMP \"%USERPROFILE%\\AppData\\Local\\Temp\"",
        ));
    }
    fixes.push(rerun_logged(&FixValues::of(v)));
    let (title, summary) = rule.title_and_summary(
        v,
        &[
            ("folder", folder),
            (
                "temp_property",
                temp.map(|t| format!("; the session's TempFolder property is {}", t.value.trim()))
                    .unwrap_or_default(),
            ),
        ],
    );
    vec![v.finding(
        ids::TEMP_UNWRITABLE,
        title,
        rule.confidence,
        summary,
        &all,
        fixes,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_in_any_quote_marks() {
        let de =
            "Fehler 1920. Der Dienst \"Contoso Agent\" (ContosoSvc) konnte nicht gestartet werden.";
        assert_eq!(quoted_name(de).as_deref(), Some("Contoso Agent"));
        assert_eq!(parenthesised_name(de).as_deref(), Some("ContosoSvc"));
        let fr = "Erreur 1920. Le service « Contoso Agent » (ContosoSvc) n'a pas pu démarrer.";
        assert_eq!(quoted_name(fr).as_deref(), Some("Contoso Agent"));
        let en = "Service 'Contoso Agent' (ContosoSvc) failed to start.";
        assert_eq!(quoted_name(en).as_deref(), Some("Contoso Agent"));
        // A time in parentheses is not a service name.
        assert_eq!(parenthesised_name("MSI (s) (98:BC) x"), Some("s".into()));
        assert_eq!(parenthesised_name("at (98:BC) and (two words)"), None);
    }

    #[test]
    fn reads_held_file() {
        let m = "The file C:\\Program Files\\N\\ntray.exe is being held in use by the following process: Name: ntray, Id: 6120, Window Title: 'Northwind Tray'.";
        assert_eq!(
            held_file(m),
            Some((
                "C:\\Program Files\\N\\ntray.exe".into(),
                "ntray".into(),
                "6120".into()
            ))
        );
    }
}
