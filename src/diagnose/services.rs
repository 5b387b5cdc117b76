//! Services the package stops, deletes or installs: 1921 (could not be stopped) →
//! `service-stop-failed`, 1922 (could not be deleted) → `service-delete-failed`, 1923 (could not
//! be installed) → `service-install-failed`, or `service-marked-for-deletion` when the session
//! also shows Windows error 1072 / HRESULT 0x80070430 (the old service is deleted but still
//! held open: the fix is to close the handles or restart, not `sc start`), or — with medium
//! confidence — when the same session's ServiceControl op deleted that service before the
//! 1923. A ServiceInstall op with a built-in account (LocalSystem) rules out the account
//! cause. 1920 (failed to start) is `environment.rs`.
//!
//! The service is read from the message fields (`[2]` display name, `[3]` service name), else
//! from the quotes and parentheses of the message, else from the `ServiceInstall` op. Causes
//! and fixes come from `kb/data/families.tsv`. It must not claim that the log ends at a dialog
//! unless the error is the last thing the log shows.

use super::evidence::SessionView;
use super::fixes::FixValues;
use super::numbered::{as_pairs, family_fixes_for, numbered_errors, session_values, Numbered};
use super::{Confidence, Finding};
use crate::kb::families;
use crate::model::Event;

/// (display name, service name) of a 192x error.
fn service_of(n: &Numbered, before: &[Event]) -> (Option<String>, Option<String>) {
    let non_empty = |s: Option<&String>| s.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    let (mut display, mut key) = (non_empty(n.args.first()), non_empty(n.args.get(1)));
    if display.is_none() && key.is_none() {
        display = n
            .text
            .split('\'')
            .nth(1)
            .map(str::to_string)
            .filter(|s| !s.is_empty());
        key = n
            .text
            .split('(')
            .nth(1)
            .and_then(|r| r.split(')').next())
            .map(str::to_string)
            .filter(|s| !s.is_empty() && !s.contains(' '));
    }
    if key.is_none() {
        key = last_service_op(before);
    }
    (display, key)
}

/// The service of the last `Executing op: ServiceInstall(Name=X,…)` / `ServiceControl(,Name=X,…)`
/// in `before`: the engine's own record, the same in every UI language.
pub(super) fn last_service_op(before: &[Event]) -> Option<String> {
    before.iter().rev().find_map(|e| {
        let p = e.text.find("Executing op: Service")?;
        let name = e.text[p..]
            .split("Name=")
            .nth(1)?
            .split([',', ')'])
            .next()?;
        (!name.is_empty()).then(|| name.to_string())
    })
}

/// Lines that show Windows error 1072 (ERROR_SERVICE_MARKED_FOR_DELETE) in any written form.
fn marked_for_deletion(v: &SessionView) -> Vec<usize> {
    v.indices(|e| {
        let t = e.text.to_ascii_lowercase();
        t.contains("80070430")
            || t.contains("-2147023824")
            || [
                "error 1072",
                "error: 1072",
                "failed 1072",
                "error code 1072",
                "getlasterror: 1072",
            ]
            .iter()
            .any(|m| t.contains(m))
    })
}

/// Lines that show the service account is invalid (1057) or the service exists (1073).
fn install_reasons(v: &SessionView) -> Vec<(usize, u32)> {
    v.events()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let t = e.text.to_ascii_lowercase();
            let has = |n: &str| {
                ["error ", "error: ", "failed ", "error code ", "0x80070"]
                    .iter()
                    .any(|m| t.contains(&format!("{m}{n}")))
            };
            if has("1057") || t.contains("80070421") {
                Some((i, 1057))
            } else if has("1073") || t.contains("80070431") {
                Some((i, 1073))
            } else {
                None
            }
        })
        .collect()
}

/// `Executing op: ServiceControl(,Name=X,Action=N,…)` or `ServiceInstall(Name=X,…)` before
/// `before`: the named op's fields, as (index, field text) for service `key`.
fn service_ops<'a>(
    v: &'a SessionView,
    op: &str,
    key: &str,
    before: usize,
) -> Vec<(usize, &'a str)> {
    let marker = format!("Executing op: {op}(");
    v.events()[..before.min(v.events().len())]
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let p = e.text.find(&marker)?;
            let fields = &e.text[p + marker.len()..];
            let name = fields.split("Name=").nth(1)?.split([',', ')']).next()?;
            name.eq_ignore_ascii_case(key).then_some((i, fields))
        })
        .collect()
}

/// The value of `Field=` in an op's fields.
fn op_field<'a>(fields: &'a str, field: &str) -> Option<&'a str> {
    fields
        .split(',')
        .find_map(|f| f.trim().strip_prefix(field)?.strip_prefix('='))
        .map(str::trim)
}

/// The session's own ServiceControl op that deleted service `key` before the error: the
/// delete bits of msidbServiceControlEvent (0x8 on install, 0x80 on uninstall).
fn deleted_in_session(v: &SessionView, key: &str, before: usize) -> Option<usize> {
    service_ops(v, "ServiceControl", key, before)
        .into_iter()
        .rev()
        .find(|(_, f)| {
            op_field(f, "Action")
                .and_then(|a| a.parse::<u32>().ok())
                .is_some_and(|a| a & 0x88 != 0)
        })
        .map(|(i, _)| i)
}

/// The account the ServiceInstall op names, when it is a built-in one (LocalSystem,
/// LocalService, NetworkService, or none, which means LocalSystem).
fn builtin_account(v: &SessionView, key: &str, before: usize) -> Option<(usize, String)> {
    let (i, fields) = service_ops(v, "ServiceInstall", key, before).pop()?;
    let account = op_field(fields, "StartName").unwrap_or("");
    let lower = account.to_ascii_lowercase();
    let builtin = account.is_empty()
        || lower == "localsystem"
        || lower.ends_with("\\localservice")
        || lower.ends_with("\\networkservice")
        || lower.ends_with("\\local service")
        || lower.ends_with("\\network service");
    builtin.then(|| {
        (
            i,
            if account.is_empty() {
                "LocalSystem".to_string()
            } else {
                account.to_string()
            },
        )
    })
}

pub fn service_errors(v: &SessionView) -> Vec<Finding> {
    if !(v.failed() || v.session.truncated) {
        return Vec::new();
    }
    let all = numbered_errors(v);
    let mut out = Vec::new();
    for code in [1921u32, 1922, 1923] {
        let mine: Vec<&Numbered> = all.iter().filter(|n| n.code == code).collect();
        let Some(first) = mine
            .iter()
            .find(|n| n.form.is_shown())
            .or(mine.first())
            .copied()
        else {
            continue;
        };
        let (display, key) = service_of(first, &v.events()[..first.index.min(v.events().len())]);
        let shown = match (&display, &key) {
            (Some(d), Some(k)) if d != k => format!("'{d}' ({k})"),
            (Some(d), _) => format!("'{d}'"),
            (None, Some(k)) => format!("'{k}'"),
            (None, None) => "of the package".to_string(),
        };
        let fv = FixValues::of(v);
        let mut values = session_values(v, &fv);
        if let Some(k) = key.clone().or(display.clone()) {
            values.push(("service", k));
        }
        let mut cited: Vec<usize> = mine.iter().map(|n| n.index).collect();
        cited.extend(v.first_failed_action().map(|(i, _)| i));
        let marked = if code == 1923 {
            marked_for_deletion(v)
        } else {
            Vec::new()
        };
        let log_end = v.session.log_events;
        let at_the_end = v.session.truncated
            && mine
                .iter()
                .any(|n| n.index < log_end && log_end - n.index <= 3);
        let ending = if at_the_end {
            " The log ends while the error dialog was waiting for an answer."
        } else {
            ""
        };
        let deleted_before = match (&key, code) {
            (Some(k), 1923) if marked.is_empty() => deleted_in_session(v, k, first.index),
            _ => None,
        };
        let account = match (&key, code) {
            (Some(k), 1923) => builtin_account(v, k, first.index),
            _ => None,
        };
        let mut confidence = Confidence::High;
        let (id, title, summary) = match code {
            1921 => (
                "service-stop-failed",
                format!("Service {shown} could not be stopped"),
                format!("The package had to stop the service {shown} before replacing or removing it, and it did not stop (error 1921).{ending}"),
            ),
            1922 => (
                "service-delete-failed",
                format!("Service {shown} could not be deleted"),
                format!("The package had to delete the service {shown}, and Windows refused (error 1922).{ending}"),
            ),
            _ if !marked.is_empty() => {
                cited.extend(marked.iter().copied());
                (
                    "service-marked-for-deletion",
                    format!("Service {shown} is still marked for deletion"),
                    format!("The package could not install the service {shown} (error 1923) because the old service of that name is marked for deletion (Windows error 1072, 0x80070430, cited): it was deleted while something still held it open, and Windows will not create it again until every handle is closed or the machine restarts. Starting the service by hand (`sc start`) cannot help.{ending}"),
                )
            }
            _ if deleted_before.is_some() => {
                cited.extend(deleted_before);
                confidence = Confidence::Medium;
                (
                    "service-marked-for-deletion",
                    format!("Service {shown} is probably still marked for deletion"),
                    format!("The same session deleted the service {shown} (its ServiceControl op with a delete action, cited) and then could not create it again (error 1923). Windows keeps a deleted service marked for deletion while anything (its own process, services.msc, Task Manager, a monitoring agent) still holds it open, and refuses to create one of that name until the handles close or the machine restarts. The log shows no Windows error 1072 to confirm it, hence medium confidence.{ending}"),
                )
            }
            _ => {
                let reasons = install_reasons(v);
                cited.extend(reasons.iter().map(|(i, _)| *i));
                let why = match (reasons.first().map(|(_, c)| *c), &account) {
                    (Some(1057), _) => " The log shows Windows error 1057: the account named for the service does not exist or its password is wrong.".to_string(),
                    (Some(1073), _) => " The log shows Windows error 1073: a service of that name already exists.".to_string(),
                    (_, Some((i, a))) => {
                        cited.push(*i);
                        format!(" The Windows error behind it is not in the message. The service runs as {a} (its ServiceInstall op, cited), so a wrong account or password is ruled out: usually a service of that name already exists (1073) or is still marked for deletion (1072).")
                    }
                    _ => " The Windows error behind it is not in the message: usually the service account does not exist or has a wrong password (1057), or a service of that name already exists (1073).".to_string(),
                };
                (
                    "service-install-failed",
                    format!("Service {shown} could not be installed"),
                    format!("The package could not create the service {shown} (error 1923).{why}{ending}"),
                )
            }
        };
        let key_of_fix = account.as_ref().map(|_| "builtin");
        let fixes = families::family(id)
            .map(|f| family_fixes_for(f, key_of_fix, &as_pairs(&values)))
            .unwrap_or_default();
        out.push(v.finding(id, title, confidence, summary, &cited, fixes));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::numbered::Form;

    #[test]
    fn service_names_from_text_when_there_are_no_fields() {
        let n = Numbered {
            index: 0,
            code: 1923,
            form: Form::Error,
            args: Vec::new(),
            text: "Service 'GLPI Agent' (glpi-agent) could not be installed.  Verify".into(),
        };
        assert_eq!(
            service_of(&n, &[]),
            (Some("GLPI Agent".into()), Some("glpi-agent".into()))
        );
    }
}
