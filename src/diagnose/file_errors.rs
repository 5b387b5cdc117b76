//! Numbered file and registry errors (1301–1336, 1401–1410) read by the system error they
//! carry: access denied (5) → `insufficient-privileges` naming the file or key and whether the
//! install ran elevated; sharing violation (32) → `files-in-use`; disk full (112, or the
//! engine's "out of disk space" record with `OutOfDiskSpace = 1`) → `disk-full` with the volume;
//! path or drive not found (3, 1327) → `invalid-drive` with the property that holds the drive;
//! cabinet and source-file errors (1308, 1311, 1334, 1335) → `cabinet-corrupt`.
//!
//! Families come from the numbers (message number, then system error) through
//! `kb/data/families.tsv`; this module adds what the log says about the object, the elevation
//! and the volume. It must not match translated sentences: only numbers, fields, properties
//! and the paths inside the messages.

use super::evidence::SessionView;
use super::fixes::FixValues;
use super::numbered::{
    as_pairs, family_fixes, family_of, numbered_errors, session_values, Form, Numbered,
};
use super::{Confidence, Finding, Fix};
use crate::kb::families;
use crate::model::EventKind;

/// File or registry message numbers this module reads.
fn is_file_or_registry(code: u32) -> bool {
    matches!(code, 1301..=1336 | 1401..=1410) && code != 1306
}

/// Families this module reports (others in the range are left to the general rule).
const FAMILIES: &[&str] = &[
    "insufficient-privileges",
    "files-in-use",
    "disk-full",
    "invalid-drive",
    "cabinet-corrupt",
];

/// A file path, UNC path or registry key inside a message or field.
pub fn object_in(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let starts = text.char_indices().map(|(i, _)| i).find(|&i| {
        let rest = &text[i..];
        (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && ((rest.len() > 2 && bytes[i].is_ascii_alphabetic() && rest[1..].starts_with(":\\"))
                || rest.starts_with("\\\\")
                || rest.starts_with("HKEY_")
                || rest.starts_with("UNKNOWN\\")
                || rest.starts_with("\\SOFTWARE")
                || rest.starts_with("\\Software"))
    })?;
    let rest = &text[starts..];
    // The object ends at a sentence end (". " / ".  "), a quote, a `;`, or the text's end.
    let mut end = rest.len();
    for stop in [".  ", ". ", "'", ";", "\u{2019}"] {
        if let Some(p) = rest.find(stop) {
            end = end.min(p);
        }
    }
    let object = rest[..end].trim().trim_end_matches('.');
    (!object.is_empty()).then(|| object.to_string())
}

/// The object a numbered error names: from its fields (a path or key), else from its text.
fn object_of(n: &Numbered) -> Option<String> {
    n.args
        .iter()
        .find_map(|a| object_in(a))
        .or_else(|| object_in(&n.text))
}

fn is_registry(object: &str) -> bool {
    let o = object.to_ascii_uppercase();
    o.starts_with("HKEY_") || o.starts_with("UNKNOWN\\") || o.starts_with("\\SOFTWARE")
}

/// What the session says about elevation, as a clause and the events that say it.
fn elevation(v: &SessionView) -> (Option<bool>, String, Vec<usize>) {
    let f = &v.session.facts;
    for name in ["MsiRunningElevated", "Privileged", "AdminUser"] {
        if let Some(s) = f.flag(name) {
            let clause = if s.value {
                format!("the install ran elevated ({name} = 1), so the object's own permissions (or security software) denied it")
            } else {
                format!(
                    "the install was not elevated ({name} = 0), and a per-machine install must be"
                )
            };
            return (Some(s.value), clause, vec![s.event]);
        }
    }
    (
        None,
        "the log does not say whether the install was elevated".to_string(),
        Vec::new(),
    )
}

/// `Volume: 'C:'` (the engine's out-of-disk-space record), or the drive of a path.
fn volume_in(text: &str) -> Option<String> {
    if let Some(p) = text.find("Volume: '") {
        let rest = &text[p + 9..];
        return rest.split('\'').next().map(str::to_string);
    }
    object_in(text)
        .filter(|o| o.as_bytes().get(1) == Some(&b':'))
        .map(|o| o[..2].to_ascii_uppercase())
}

pub fn file_and_registry_errors(v: &SessionView) -> Vec<Finding> {
    if !(v.failed() || v.session.truncated) {
        return Vec::new();
    }
    let all = numbered_errors(v);
    let failed_at = v.first_failed_action().map(|(i, _)| i);
    // Shown errors decide; an `Info N.` counts only when it is the last word before the
    // failed action (the install stopped there).
    let mut chosen: Vec<&Numbered> = all
        .iter()
        .filter(|n| is_file_or_registry(n.code) && n.form.is_shown())
        .collect();
    if chosen.is_empty() {
        chosen = all
            .iter()
            .filter(|n| {
                is_file_or_registry(n.code)
                    && n.form == Form::Info
                    && failed_at.is_some_and(|f| n.index < f && f - n.index <= 12)
            })
            .collect();
    }
    let mut out: Vec<Finding> = Vec::new();
    for family_id in FAMILIES {
        let mine: Vec<&Numbered> = chosen
            .iter()
            .copied()
            .filter(|n| family_of(n).is_some_and(|f| f.id == *family_id))
            .collect();
        let disk_records = if *family_id == "disk-full" {
            out_of_disk_space(v)
        } else {
            Vec::new()
        };
        if mine.is_empty() && disk_records.is_empty() {
            continue;
        }
        out.push(describe(v, family_id, &mine, &all, &disk_records));
    }
    out
}

/// The engine's out-of-disk-space records (message 1601 `Disk full: Out of disk space --
/// Volume: …`) and `OutOfDiskSpace = 1`, in a failed session.
fn out_of_disk_space(v: &SessionView) -> Vec<usize> {
    if !v.failed() {
        return Vec::new();
    }
    let mut out = v.indices(|e| match &e.kind {
        EventKind::ProductMessage { message, .. } => message.contains("Volume: '"),
        EventKind::Text => e.text.contains("-- Volume: '"),
        _ => false,
    });
    if out.is_empty() {
        return out;
    }
    if let Some(p) = v
        .property("OutOfDiskSpace")
        .filter(|p| p.value.trim() == "1")
    {
        out.push(p.event);
    }
    out
}

fn describe(
    v: &SessionView,
    family_id: &'static str,
    mine: &[&Numbered],
    all: &[Numbered],
    disk_records: &[usize],
) -> Finding {
    let fv = FixValues::of(v);
    let mut values = session_values(v, &fv);
    let first = mine.first().copied();
    let object = first.and_then(object_of);
    let system = first.and_then(Numbered::system_error);
    let mut cited: Vec<usize> = mine.iter().map(|n| n.index).collect();
    // The notes of the same numbers (they hold the fields) and the failed action.
    cited.extend(
        all.iter()
            .filter(|n| n.form == Form::Note && mine.iter().any(|m| m.code == n.code))
            .map(|n| n.index),
    );
    cited.extend(disk_records.iter().copied());
    cited.extend(v.first_failed_action().map(|(i, _)| i));
    let message = first
        .map(|n| format!("error {}: \"{}\"", n.code, n.decoded()))
        .unwrap_or_default();
    let system_words = system
        .as_ref()
        .map(|e| format!(" (system error {})", e.describe()))
        .unwrap_or_default();
    let family = families::family(family_id);
    let mut extra_fixes: Vec<Fix> = Vec::new();
    let (title, summary, confidence) = match family_id {
        "insufficient-privileges" => {
            let (elevated, clause, events) = elevation(v);
            cited.extend(events);
            let what = object
                .clone()
                .unwrap_or_else(|| "a file or key".to_string());
            if let Some(o) = &object {
                values.push(("path", super::fixes::command_path(o)));
                if is_registry(o) {
                    extra_fixes.push(Fix::cmd(
                        "Inspect who may change that registry key (for keys under UNKNOWN\\ or without a hive, look under HKLM and HKCU)",
                        format!("powershell -NoProfile -Command \"Get-Acl -Path 'Registry::{}' | Format-List\"", registry_path(o)),
                    ));
                }
            }
            if elevated == Some(false) {
                extra_fixes.push(Fix::cmd(
                    "Run it from an elevated prompt (Run as administrator)",
                    fv.rerun_command(),
                ));
            }
            (
                format!("Access to {what} was denied"),
                format!(
                    "Windows Installer was denied access to {what}: {message}{system_words}. The {} was stopped there; {clause}.",
                    fv.operation.noun()
                ),
                Confidence::High,
            )
        }
        "files-in-use" => {
            let what = object.clone().unwrap_or_else(|| "a file".to_string());
            (
                format!("{what} was in use"),
                format!(
                    "Windows Installer could not replace {what} because another process had it open: {message}{system_words}."
                ),
                Confidence::High,
            )
        }
        "disk-full" => {
            let record = disk_records.iter().find_map(|&i| match &v.event(i).kind {
                EventKind::ProductMessage { message, .. } => Some(message.clone()),
                _ if v.event(i).text.contains("Volume: '") => Some(v.event(i).text.clone()),
                _ => None,
            });
            let volume = record
                .as_deref()
                .and_then(volume_in)
                .or_else(|| object.as_deref().and_then(volume_in));
            if let Some(vol) = &volume {
                values.push(("volume", vol.clone()));
            }
            let what = match (&record, first) {
                (Some(r), _) => format!("the engine reported \"{}\"", r.trim()),
                (None, Some(_)) => format!("it stopped with {message}{system_words}"),
                _ => String::new(),
            };
            (
                format!(
                    "The volume {} ran out of disk space",
                    volume.clone().unwrap_or_else(|| "<volume>".into())
                ),
                format!(
                    "The {} of {} needed more space than the target volume had: {what}.",
                    fv.operation.noun(),
                    v.product_label()
                ),
                Confidence::High,
            )
        }
        "invalid-drive" => {
            let drive = object
                .clone()
                .or_else(|| first.and_then(|n| n.args.first().cloned()))
                .unwrap_or_default();
            let letter = drive
                .get(..2)
                .map(str::to_ascii_uppercase)
                .unwrap_or_default();
            let holder = property_on_drive(v, &letter);
            cited.extend(holder.as_ref().map(|(_, _, i)| *i));
            let held = holder
                .as_ref()
                .map(|(name, value, _)| format!(" The property {name} = {value} points there."))
                .unwrap_or_default();
            (
                format!(
                    "The drive {} does not exist on this machine",
                    if letter.is_empty() { "<drive>".to_string() } else { letter.clone() }
                ),
                format!(
                    "A folder of the {} points at {}, which Windows cannot find: {message}{system_words}.{held}",
                    fv.operation.noun(),
                    if drive.is_empty() { "a missing drive".to_string() } else { drive.clone() }
                ),
                Confidence::High,
            )
        }
        _ => {
            let cabinet = first.and_then(|n| {
                n.args
                    .iter()
                    .find(|a| a.to_ascii_lowercase().ends_with(".cab"))
                    .cloned()
                    .or_else(|| cabinet_in(&n.text))
            });
            let retries = all
                .iter()
                .filter(|n| n.form == Form::Note && mine.iter().any(|m| m.code == n.code))
                .count();
            (
                match &cabinet {
                    Some(c) => format!("The cabinet {c} of the package is damaged or missing"),
                    None => "The package's cabinet or source files are damaged or missing".to_string(),
                },
                format!(
                    "Windows Installer could not read the package's files ({message}){}. The package ({}) is incomplete or damaged, or its location could not be read reliably.",
                    if retries > 1 { format!(", after {retries} attempts") } else { String::new() },
                    fv.package
                ),
                Confidence::High,
            )
        }
    };
    let mut fixes = extra_fixes;
    if let Some(f) = family {
        for fix in family_fixes(f, &as_pairs(&values)) {
            if !fixes
                .iter()
                .any(|x| x.command.is_some() && x.command == fix.command)
            {
                fixes.push(fix);
            }
        }
    }
    v.finding(family_id, title, confidence, summary, &cited, fixes)
}

/// `HKEY_LOCAL_MACHINE\…` as written; `UNKNOWN\…` and hive-less `\SOFTWARE\…` under HKLM.
fn registry_path(key: &str) -> String {
    let k = key.trim_start_matches('\\');
    if k.to_ascii_uppercase().starts_with("HKEY_") {
        k.to_string()
    } else if let Some(rest) = k.strip_prefix("UNKNOWN\\") {
        format!("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\UserData\\S-1-5-18\\{rest}")
    } else {
        format!("HKEY_LOCAL_MACHINE\\{k}")
    }
}

/// `… cabinet file 'disk1.cab' …` → `disk1.cab`.
fn cabinet_in(text: &str) -> Option<String> {
    text.split('\'')
        .find(|part| part.to_ascii_lowercase().ends_with(".cab"))
        .map(str::to_string)
}

/// The property whose value is a folder on `drive` (`E:`), preferring the usual install-folder
/// names: (name, value, event).
fn property_on_drive(v: &SessionView, drive: &str) -> Option<(String, String, usize)> {
    if drive.len() != 2 {
        return None;
    }
    let f = &v.session.facts;
    let mut found: Vec<(String, String, usize)> = f
        .server_properties
        .iter()
        .chain(f.client_properties.iter())
        .filter(|(_, s)| {
            s.value
                .to_ascii_uppercase()
                .starts_with(&format!("{drive}\\"))
        })
        .map(|(n, s)| (n.clone(), s.value.clone(), s.event))
        .collect();
    found.sort_by_key(|(n, _, i)| {
        let usual = [
            "INSTALLDIR",
            "INSTALLFOLDER",
            "INSTALL_ROOT",
            "APPLICATIONFOLDER",
            "TARGETDIR",
        ]
        .iter()
        .position(|u| n.eq_ignore_ascii_case(u))
        .unwrap_or(99);
        (usual, *i)
    });
    found.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_in_messages() {
        assert_eq!(
            object_in("Error writing to file: C:\\Users\\u\\x.png.  System error 0.  Verify"),
            Some("C:\\Users\\u\\x.png".into())
        );
        assert_eq!(
            object_in("Could not write value  to key \\SOFTWARE\\Classes\\Directory\\shell\\WSL.  System error ."),
            Some("\\SOFTWARE\\Classes\\Directory\\shell\\WSL".into())
        );
        assert_eq!(
            object_in(
                "Не удалось открыть раздел: UNKNOWN\\Components\\AB\\CD. Системная ошибка 5."
            ),
            Some("UNKNOWN\\Components\\AB\\CD".into())
        );
        assert_eq!(object_in("Invalid Drive: E:\\"), Some("E:\\".into()));
        assert_eq!(object_in("nothing here"), None);
        assert_eq!(
            volume_in("Out of disk space -- Volume: 'D:'; required space"),
            Some("D:".into())
        );
        assert_eq!(
            cabinet_in("The cabinet file 'disk1.cab' required"),
            Some("disk1.cab".into())
        );
    }
}
