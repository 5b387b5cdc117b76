//! Errors 2503/2502 ("RunScript/InstallFinalize when not marked in progress").
//!
//! With `Note: 1: 2203 2: …inprogressinstallinfo.ipi 3: -2147287035` (STG_E_ACCESSDENIED) the
//! engine could not create its in-progress marker in C:\Windows\Installer: this module decides
//! between "not elevated" and "ACL on the Installer folder" from the elevation facts. The same
//! note with -2147287038 (file not found) is in every healthy log and must never trigger.

use super::evidence::{is_benign_ipi_note, is_denied, under, SessionView};
use super::fixes::{folder_acl_fixes, rerun_elevated, FixValues};
use super::{ids, Confidence, Finding, Fix};
use crate::model::EventKind;

const ACCESS_DENIED: &str = "-2147287035";

fn ipi_denied_notes(v: &SessionView) -> Vec<usize> {
    v.indices(|e| match &e.kind {
        EventKind::Note { code: 2203, args } => {
            args.first().is_some_and(|p| {
                p.to_ascii_lowercase()
                    .ends_with("inprogressinstallinfo.ipi")
            }) && args.get(1).is_some_and(|h| h.trim() == ACCESS_DENIED)
        }
        _ => false,
    })
}

/// What the log says about elevation, with the events that say it.
struct Elevation {
    running_elevated: Option<(bool, usize)>,
    privileged: Option<(bool, usize)>,
    admin_user: Option<(bool, usize)>,
    any_dump: bool,
}

impl Elevation {
    fn of(v: &SessionView) -> Elevation {
        let f = &v.session.facts;
        let get = |n: &str| f.flag(n).map(|s| (s.value, s.event));
        Elevation {
            running_elevated: get("MsiRunningElevated"),
            privileged: get("Privileged"),
            admin_user: get("AdminUser"),
            any_dump: !f.server_properties.is_empty() || !f.client_properties.is_empty(),
        }
    }

    fn cited(&self) -> Vec<usize> {
        [self.running_elevated, self.privileged, self.admin_user]
            .into_iter()
            .flatten()
            .map(|(_, i)| i)
            .collect()
    }
}

fn yes(x: Option<(bool, usize)>) -> bool {
    x.is_some_and(|(b, _)| b)
}

/// `ipi-access-denied` plus its cause: `not-elevated` or `installer-folder-acl`.
pub fn ipi_access_denied(v: &SessionView) -> Vec<Finding> {
    let notes = ipi_denied_notes(v);
    let Some(&first_note) = notes.first() else {
        return Vec::new();
    };
    let errors = v.error_events(&[2503, 2502]);
    if errors.is_empty() && !v.failed() {
        return Vec::new();
    }
    let ipi_path = match &v.event(first_note).kind {
        EventKind::Note { args, .. } => args.first().cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let folder = ipi_path
        .rsplit_once('\\')
        .map(|(dir, _)| dir.to_string())
        .unwrap_or_else(|| "C:\\Windows\\Installer".to_string());
    let mut cited = notes.clone();
    cited.extend(
        v.indices(|e| matches!(e.kind, EventKind::RunningScript { .. }))
            .into_iter()
            .rfind(|&i| i < first_note),
    );
    cited.extend(errors.iter().copied());
    cited.extend(v.first_failed_action().map(|(i, _)| i));
    cited.extend(v.exit_event());
    let seq = if errors.is_empty() {
        "the install failed".to_string()
    } else {
        "errors 2503/2502 followed".to_string()
    };
    let mut symptom = v.draft(ids::IPI_ACCESS_DENIED,
        format!("Windows Installer was denied access to {ipi_path}"),
        if errors.is_empty() { Confidence::Medium } else { Confidence::High },
        format!(
            "While starting to run the install script the server could not create its in-progress marker {ipi_path} \
             (system error -2147287035 = 0x80030005 STG_E_ACCESSDENIED), so the install was never marked as in progress \
             and {seq}. 2503/2502 are symptoms: the cause is the access denied on {folder}."
        ),
    );
    // Process Monitor's view of the same denial: the integrity level settles the question.
    let denied_ops: Vec<(usize, &crate::model::ProcmonOp)> = v
        .procmon_ops()
        .into_iter()
        .filter(|(_, op)| is_denied(&op.result) && under(&op.path, &folder))
        .collect();
    cited.extend(denied_ops.iter().map(|(i, _)| *i));
    symptom.evidence = v.evidence(&cited);
    let values = FixValues::of(v);
    symptom.fixes = vec![rerun_elevated(&values)];

    let elevation = Elevation::of(v);
    let mut cause_cited = notes.clone();
    cause_cited.extend(elevation.cited());
    // Who ran it and for whom: the context an elevation verdict needs.
    for name in ["LogonUser", "ALLUSERS", "MSIINSTALLPERUSER"] {
        cause_cited.extend(v.property(name).map(|p| p.event));
    }
    cause_cited.extend(denied_ops.iter().map(|(i, _)| *i));
    let integrity = denied_ops.iter().find_map(|(_, op)| op.integrity.clone());
    let procmon_says_elevated = integrity
        .as_deref()
        .map(|i| matches!(i.to_ascii_lowercase().as_str(), "high" | "system"));
    let procmon_words = denied_ops
        .first()
        .map(|(_, op)| {
            format!(
                " Process Monitor confirms it: {} (PID {}{}) got {} on {}.",
                op.process_name,
                op.pid,
                op.integrity
                    .as_deref()
                    .map(|i| format!(", {i} integrity"))
                    .unwrap_or_default(),
                op.result,
                op.path
            )
        })
        .unwrap_or_default();
    let cause = if procmon_says_elevated == Some(true)
        || (procmon_says_elevated.is_none() && yes(elevation.running_elevated))
    {
        let mut c = v.draft(ids::INSTALLER_FOLDER_ACL,
            format!("Access to {folder} is denied even though the install ran elevated"),
            Confidence::Medium,
            format!(
                "The log records MsiRunningElevated = 1, so the installer had administrator rights and was still denied \
                 {ipi_path}. That points to the permissions on {folder} (or security software blocking msiexec.exe) rather \
                 than to a missing elevation. Less likely alternative: the package was started from a context whose \
                 elevation did not reach the server (some reports were fixed by running from an elevated prompt even with \
                 MsiRunningElevated = 1); an elevated retry tells the two apart."
            ),
        );
        if procmon_says_elevated == Some(true) {
            c.confidence = Confidence::High;
            c.summary.push_str(&procmon_words);
        }
        c.fixes = folder_acl_fixes(&folder);
        c.fixes.push(rerun_elevated(&values));
        c
    } else {
        let (confidence, why) = if procmon_says_elevated == Some(false) {
            (
                Confidence::High,
                format!("The denied process ran below High integrity, i.e. without administrator rights.{procmon_words}"),
            )
        } else if !elevation.any_dump {
            (
                Confidence::Low,
                "The log has no property dump (it may be cut short), so elevation could not be checked; \
                 not being elevated is still the most common cause of this signature."
                    .to_string(),
            )
        } else if yes(elevation.admin_user) || yes(elevation.privileged) {
            (
                Confidence::Medium,
                "The user is an administrator (AdminUser/Privileged = 1) but the log never records MsiRunningElevated = 1: \
                 the install ran with a filtered (UAC) token. If an elevated retry fails the same way, the permissions on \
                 the Installer folder are the cause instead."
                    .to_string(),
            )
        } else {
            (
                Confidence::High,
                "Neither MsiRunningElevated, AdminUser nor Privileged is set in the log: the installer ran with standard \
                 user rights and could not write to the Installer folder, which only SYSTEM and Administrators may write."
                    .to_string(),
            )
        };
        let user = values
            .user
            .clone()
            .map(|u| format!(" by {u}"))
            .unwrap_or_default();
        let mut c = v.draft(
            ids::NOT_ELEVATED,
            "The installer was not running elevated".to_string(),
            confidence,
            format!(
                "The {} of {} was started{user} without administrator rights. {why}",
                values.operation.noun(),
                v.product_label()
            ),
        );
        c.fixes = vec![
            rerun_elevated(&values),
            Fix::text(
                "If it was started from Apps & Features or Control Panel: end explorer.exe in Task Manager, start it again with \
                 \"Create this task with administrative privileges\", and retry from there",
            ),
        ];
        c
    };
    let mut cause = cause;
    cause.evidence = v.evidence(&cause_cited);
    vec![cause, symptom]
}

/// 2503/2502 without the access-denied signature: report the sequence and what precedes it.
pub fn error_2503_without_ipi(v: &SessionView) -> Vec<Finding> {
    let errors = v.error_events(&[2503, 2502]);
    let Some(&first) = errors.first() else {
        return Vec::new();
    };
    if !ipi_denied_notes(v).is_empty() {
        return Vec::new();
    }
    let mut cited = errors.clone();
    let context = v.context_before(first, 12);
    cited.extend(context.iter().copied().filter(|&i| match &v.event(i).kind {
        EventKind::Note { code, args } => !is_benign_ipi_note(*code, args),
        _ => true,
    }));
    let failed_action = v.first_failed_action();
    cited.extend(failed_action.map(|(i, _)| i));
    let temp = v.property("TempFolder");
    cited.extend(temp.as_ref().map(|t| t.event));
    cited.extend(v.exit_event());
    let from_log = v.session.log_events > 0;
    let action = failed_action.map_or("not shown".to_string(), |(_, a)| a.to_string());
    let temp_text = temp
        .as_ref()
        .map(|t| format!(" The installer's TEMP folder was {}.", t.value.trim()))
        .unwrap_or_default();
    let values = FixValues::of(v);
    let mut f = v.draft(ids::ERROR_2503_2502,
        "Internal errors 2503/2502: the install script never started".to_string(),
        Confidence::Low,
        if from_log {
            format!(
                "The engine reported 2503/2502 (RunScript/InstallFinalize when no install is in progress); the first action to \
                 fail was {action}. The log does not show the access-denied marker that usually explains 2503, so the cause \
                 must be read from the lines before it (cited here).{temp_text} Common causes: broken TEMP folder or its \
                 permissions (user %TEMP% or C:\\Windows\\Temp), a damaged Windows Installer service registration, security software."
            )
        } else {
            "The event log records internal errors 2503/2502 (RunScript/InstallFinalize when no install is in progress) for this \
             install. Without a verbose MSI log or a Process Monitor capture the cause cannot be shown; the usual ones are a \
             non-elevated start, permissions on C:\\Windows\\Installer or C:\\Windows\\Temp, a broken TEMP folder, or a damaged \
             Windows Installer service."
                .to_string()
        },
    );
    f.evidence = v.evidence(&cited);
    let mut fixes = Vec::new();
    if let Some(t) = &temp {
        fixes.push(Fix::cmd(
            "Check that the installer's TEMP folder exists and is writable",
            {
                let folder = super::fixes::command_path(&t.value);
                format!("dir \"{folder}\" && icacls \"{folder}\"")
            },
        ));
    }
    fixes.push(Fix::cmd(
        "Check the permissions of the system TEMP folder",
        "icacls C:\\Windows\\Temp",
    ));
    fixes.push(Fix::cmd(
        "Re-register the Windows Installer service (elevated prompt)",
        "msiexec /unregister && msiexec /regserver",
    ));
    fixes.push(rerun_elevated(&values));
    f.fixes = fixes;
    vec![f]
}
