//! Permission and folder problems seen across sources: `windows-temp-acl` (msiexec denied in
//! C:\Windows\Temp), `user-temp-broken` (the installer's TEMP points to a missing or odd
//! folder), `config-msi-acl` (denied in C:\Config.Msi) and `installer-folder-acl` /
//! `not-elevated` from Process Monitor alone (denied in C:\Windows\Installer with the process's
//! integrity level telling the two apart). Rules cite Procmon rows and MSI log lines together.

use super::evidence::{is_denied, under, SessionView};
use super::fixes::{folder_acl_fixes, rerun_elevated, rerun_logged, FixValues};
use super::{ids, Confidence, Finding, Fix};
use crate::model::{EventKind, ProcmonOp};

/// Failed operations (denied, collision) of the session's processes under `folder`.
fn failures_under<'a>(v: &SessionView<'a>, folder: &str) -> Vec<(usize, &'a ProcmonOp)> {
    v.procmon_ops()
        .into_iter()
        .filter(|(_, op)| {
            let r = op.result.to_ascii_uppercase();
            (is_denied(&r) || r == "NAME COLLISION") && under(&op.path, folder)
        })
        .collect()
}

fn who(op: &ProcmonOp) -> String {
    let user = op
        .user
        .as_deref()
        .map(|u| format!(" as {u}"))
        .unwrap_or_default();
    let integrity = op
        .integrity
        .as_deref()
        .map(|i| format!(", {i} integrity"))
        .unwrap_or_default();
    format!("{} (PID {}){user}{integrity}", op.process_name, op.pid)
}

fn log_temp_errors(v: &SessionView, folder_pred: impl Fn(&str) -> bool) -> Vec<usize> {
    v.error_events(&[2336, 1632, 2350])
        .into_iter()
        .filter(|&i| match &v.event(i).kind {
            EventKind::Note { args, .. } => args.iter().any(|a| folder_pred(a)),
            _ => folder_pred(&v.event(i).text),
        })
        .collect()
}

pub fn windows_temp_acl(v: &SessionView) -> Vec<Finding> {
    let denied = failures_under(v, "C:\\Windows\\Temp");
    let log = log_temp_errors(v, |t| t.to_ascii_lowercase().contains("\\windows\\temp"));
    if denied.is_empty() && log.is_empty() {
        return Vec::new();
    }
    let mut cited: Vec<usize> = denied.iter().map(|(i, _)| *i).collect();
    cited.extend(log.iter().copied());
    let first = denied
        .first()
        .map(|(_, op)| {
            format!(
                " Process Monitor shows {} getting {} on {}.",
                who(op),
                op.result,
                op.path
            )
        })
        .unwrap_or_default();
    let mut fixes = vec![
        Fix::cmd("Check that C:\\Windows\\Temp is a folder and see its permissions", "dir /a C:\\Windows | findstr /i \" Temp\" & icacls C:\\Windows\\Temp"),
        Fix::cmd(
            "Restore the default permissions (elevated prompt)",
            "takeown /F C:\\Windows\\Temp /A & icacls C:\\Windows\\Temp /grant \"NT AUTHORITY\\SYSTEM:(OI)(CI)F\" \"BUILTIN\\Administrators:(OI)(CI)F\" \"CREATOR OWNER:(OI)(CI)(IO)F\" \"BUILTIN\\Users:(CI)(S,WD,AD,X)\"",
        ),
        Fix::text("If C:\\Windows\\Temp has become a file, rename it and run `mkdir C:\\Windows\\Temp`, then restore the permissions above"),
    ];
    fixes.push(rerun_logged(&FixValues::of(v)));
    vec![v.finding(ids::WINDOWS_TEMP_ACL,
        "Windows Installer was denied access to C:\\Windows\\Temp".to_string(),
        if denied.is_empty() { Confidence::Medium } else { Confidence::High },
        format!(
            "The installer service (SYSTEM) and its custom-action servers extract scripts and DLLs to C:\\Windows\\Temp; access there was refused, so the {} could not run its script (2503/2502 or 1603 follow).{first}",
            v.session.operation.noun()
        ),
        &cited,
        fixes,
    )]
}

/// TEMP folders of the installer processes (from Procmon's Process Start environment and the
/// log's `TempFolder`), with the event that shows each.
fn temp_folders(v: &SessionView) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, op) in v.procmon_ops() {
        for t in [&op.env_temp, &op.env_tmp].into_iter().flatten() {
            if !out.iter().any(|(_, p)| p.eq_ignore_ascii_case(t)) {
                out.push((i, t.clone()));
            }
        }
    }
    if let Some(t) = v.property("TempFolder") {
        let value = t.value.trim().trim_end_matches('\\').to_string();
        if !out
            .iter()
            .any(|(_, p)| p.trim_end_matches('\\').eq_ignore_ascii_case(&value))
        {
            out.push((t.event, value));
        }
    }
    out
}

/// A TEMP value that is not one of Windows' defaults or holds several paths.
fn odd_temp(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    p.contains(';')
        || !(p.contains("\\appdata\\local\\temp")
            || p.contains("\\windows\\temp")
            || p.contains("\\local settings\\temp")
            || p.contains("\\windows\\systemtemp"))
}

pub fn user_temp_broken(v: &SessionView) -> Vec<Finding> {
    if !(v.failed() || v.session.truncated || v.session.log_events == 0) {
        return Vec::new();
    }
    for (shown_at, temp) in temp_folders(v) {
        let folder = temp.trim_end_matches('\\').to_string();
        let missing: Vec<(usize, &ProcmonOp)> = v
            .procmon_ops()
            .into_iter()
            .filter(|(_, op)| {
                let r = op.result.to_ascii_uppercase();
                (r == "PATH NOT FOUND" || r == "NAME NOT FOUND" || is_denied(&r))
                    && under(&op.path, &folder)
            })
            .collect();
        let log = log_temp_errors(v, |t| {
            t.to_ascii_lowercase()
                .contains(&folder.to_ascii_lowercase())
        });
        if missing.is_empty() && log.is_empty() {
            continue;
        }
        if !odd_temp(&folder) && missing.iter().all(|(_, op)| is_denied(&op.result)) {
            // Denied in the default TEMP: a permissions problem, reported by the ACL rules.
            continue;
        }
        let mut cited = vec![shown_at];
        cited.extend(missing.iter().map(|(i, _)| *i));
        cited.extend(log.iter().copied());
        let sources = usize::from(!missing.is_empty()) + usize::from(!log.is_empty());
        let not_found = missing
            .iter()
            .any(|(_, op)| op.result.to_ascii_uppercase().contains("NOT FOUND"));
        let user = FixValues::of(v)
            .user
            .unwrap_or_else(|| "<user>".to_string());
        return vec![v.finding(ids::USER_TEMP_BROKEN,
            format!("The installer's TEMP folder {folder} is unusable"),
            if sources == 2 { Confidence::High } else { Confidence::Medium },
            format!(
                "The installing process uses TEMP = {folder}, {}. Windows Installer writes its log and extracted files there, so the {} failed.",
                if not_found { "which does not exist" } else if odd_temp(&folder) { "which is not the default per-user folder and could not be written" } else { "which could not be written" },
                v.session.operation.noun()
            ),
            &cited,
            vec![
                Fix::cmd("See where TEMP and TMP point for this user", "reg query HKCU\\Environment /v TEMP & reg query HKCU\\Environment /v TMP"),
                Fix::cmd(
                    format!("Point TEMP and TMP back to the default folder (as {user}), then sign out and in again"),
                    "setx TEMP \"%USERPROFILE%\\AppData\\Local\\Temp\" & setx TMP \"%USERPROFILE%\\AppData\\Local\\Temp\"",
                ),
                Fix::cmd("Make sure the default folder exists", "mkdir \"%LOCALAPPDATA%\\Temp\""),
                rerun_logged(&FixValues::of(v)),
            ],
        )];
    }
    Vec::new()
}

pub fn config_msi_acl(v: &SessionView) -> Vec<Finding> {
    let denied: Vec<(usize, &ProcmonOp)> = v
        .procmon_ops()
        .into_iter()
        .filter(|(_, op)| {
            is_denied(&op.result) && op.path.to_ascii_lowercase().contains(":\\config.msi")
        })
        .collect();
    let Some((_, first)) = denied.first() else {
        return Vec::new();
    };
    let folder = first
        .path
        .get(
            ..first
                .path
                .to_ascii_lowercase()
                .find(":\\config.msi")
                .map_or(0, |i| i + 11),
        )
        .unwrap_or("C:\\Config.Msi")
        .to_string();
    let cited: Vec<usize> = denied.iter().map(|(i, _)| *i).collect();
    let mut fixes = folder_acl_fixes(&folder);
    fixes.insert(0, Fix::text(format!("{folder} holds rollback data only while an install runs: with no install running it can be deleted (`rd /s /q {folder}`)")));
    vec![v.finding(ids::CONFIG_MSI_ACL,
        format!("Windows Installer was denied access to {folder}"),
        Confidence::High,
        format!("{folder} keeps the rollback scripts and backups; Process Monitor shows {} getting {} on {}. Installs and rollbacks fail when it cannot be written.", who(first), first.result, first.path),
        &cited,
        fixes,
    )]
}

/// Denied in C:\Windows\Installer when the MSI log has no .ipi signature (or there is no log):
/// the integrity level of the denied process tells `not-elevated` from `installer-folder-acl`.
pub fn installer_folder_from_procmon(v: &SessionView) -> Vec<Finding> {
    let has_ipi_signature = v.events().iter().any(|e| matches!(&e.kind, EventKind::Note { code: 2203, args } if args.get(1).is_some_and(|h| h.trim() == "-2147287035")));
    if has_ipi_signature {
        return Vec::new();
    }
    let denied: Vec<(usize, &ProcmonOp)> = v
        .procmon_ops()
        .into_iter()
        .filter(|(_, op)| is_denied(&op.result) && under(&op.path, "C:\\Windows\\Installer"))
        .collect();
    let Some((_, first)) = denied.first() else {
        return Vec::new();
    };
    let cited: Vec<usize> = denied.iter().map(|(i, _)| *i).collect();
    let values = FixValues::of(v);
    let low = first
        .integrity
        .as_deref()
        .is_some_and(|i| i.eq_ignore_ascii_case("medium") || i.eq_ignore_ascii_case("low"));
    if low {
        return vec![v.finding(ids::NOT_ELEVATED,
            "The installer was not running elevated".to_string(),
            Confidence::Medium,
            format!("Process Monitor shows {} denied {} on {}: a Medium-integrity (not elevated) process cannot write the Installer folder.", who(first), first.operation, first.path),
            &cited,
            vec![rerun_elevated(&values)],
        )];
    }
    let mut fixes = folder_acl_fixes("C:\\Windows\\Installer");
    fixes.push(rerun_elevated(&values));
    vec![v.finding(ids::INSTALLER_FOLDER_ACL,
        "Access to C:\\Windows\\Installer is denied".to_string(),
        if first.integrity.is_some() { Confidence::High } else { Confidence::Medium },
        format!(
            "Process Monitor shows {} denied {} on {}{}: the folder's permissions (or security software) block Windows Installer.",
            who(first),
            first.operation,
            first.path,
            if first.integrity.is_some() { " even with that integrity level" } else { "" }
        ),
        &cited,
        fixes,
    )]
}
