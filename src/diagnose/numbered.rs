//! Every numbered Windows Installer error of a session, from every source: `Error N.`,
//! `Info N.`, `Warning N.`, `Note: 1: N …`, `DEBUG: Error N:`, the internal-error sentence,
//! `Product: X -- Error N.`, a translated `<word> N.` line (`Fehler 1925.`) and MsiInstaller
//! events 10005 / 11000+N. Each is decoded with the message table (arguments `[2] [3] …`
//! filled from its `Note` fields, found on the same line or on the note of the same number
//! next to it) and the system error it carries (`System error 5`, `-2147287035`,
//! `0x80070005`, `GetLastError: 1612`) is read from the fields the template names, or from the
//! text when there are no fields.
//!
//! The rule [`decoded_error`] runs only when no specific rule explains a failed session: it
//! reports the decisive numbered error as its family (from `kb/data/families.tsv`) or as
//! `installer-error`. This module must not hold per-code knowledge: that is data in `src/kb`.

use super::evidence::{is_benign_ipi_note, SessionView};
use super::fixes::{rerun_logged, FixValues};
use super::{Confidence, Finding, Fix};
use crate::kb::{self, families};
use crate::model::EventKind;
use crate::model::MsiInstallerFact;

/// How a numbered error was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `Error N.`, `Product: X -- Error N.`, a translated `Fehler N.`, event 11000+N.
    Error,
    Info,
    Warning,
    Note,
    /// `DEBUG: Error N:` and the "unexpected error … The error code is N" sentence (10005).
    Internal,
}

impl Form {
    pub fn is_shown(&self) -> bool {
        matches!(self, Form::Error | Form::Internal)
    }
}

/// One numbered error with what it says.
#[derive(Debug, Clone)]
pub struct Numbered {
    pub index: usize,
    pub code: u32,
    pub form: Form,
    /// Record fields 2, 3, … (from its own `Note` or the note of the same number next to it).
    pub args: Vec<String>,
    /// The message as logged (after `Product: X -- `), or the note's fields.
    pub text: String,
}

/// A system error as logged and, when it stands for one, the Win32 code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemError {
    pub raw: String,
    pub win32: Option<u32>,
}

impl SystemError {
    fn of(raw: &str) -> Option<SystemError> {
        let raw = raw.trim().trim_end_matches('.');
        let value = kb::parse_code(raw)?;
        Some(SystemError {
            raw: raw.to_string(),
            win32: kb::win32::win32_code(value),
        })
    }

    /// `5 (ERROR_ACCESS_DENIED: Access is denied.)`, or the HRESULT's meaning.
    pub fn describe(&self) -> String {
        if let Some(text) = self.win32.and_then(kb::win32::describe) {
            if self.raw.parse::<u32>().is_ok() {
                return format!("{} ({text})", self.raw);
            }
            return format!(
                "{} = Win32 error {} ({text})",
                self.raw,
                self.win32.unwrap_or(0)
            );
        }
        match kb::parse_code(&self.raw).and_then(kb::code_bits) {
            Some(bits) if bits >= 0x8000_0000 => {
                let h = kb::hresult(bits);
                format!(
                    "{} ({}{})",
                    self.raw,
                    h.name.map(|n| format!("{n}: ")).unwrap_or_default(),
                    h.text
                )
            }
            _ => self.raw.clone(),
        }
    }
}

/// Words that introduce a system error in a message (the English engine texts and the
/// message table's templates; translated texts are matched by the number that follows).
const SYSTEM_ERROR_MARKERS: &[&str] = &[
    "system error code:",
    "system error",
    "getlasterror:",
    "hresult:",
    "unexpected error",
    "erreur système",
    "systemfehler",
    "системная ошибка",
    "error del sistema",
    "errore di sistema",
];

impl Numbered {
    /// The message with its fields filled (the table's template when the fields are known,
    /// else the logged text), optional `{{…}}` parts kept only when they got a value.
    pub fn decoded(&self) -> String {
        if !self.args.is_empty() && !matches!(self.form, Form::Error | Form::Info | Form::Warning) {
            if let Some(m) = kb::msi_message(self.code) {
                let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
                return tidy(&optional_parts(&kb::render_template(m.template, &args)));
            }
        }
        if self.text.is_empty() {
            return kb::msi_message(self.code)
                .map(|m| tidy(&optional_parts(&kb::render_template(m.template, &[]))))
                .unwrap_or_default();
        }
        tidy(&self.text)
    }

    /// The system error the record carries: the field its template names, else the number
    /// after a system-error word in the text.
    pub fn system_error(&self) -> Option<SystemError> {
        if let Some(field) = kb::msi_message(self.code).and_then(|m| system_error_field(m.template))
        {
            if let Some(arg) = self.args.get(field - 2) {
                if let Some(e) = SystemError::of(arg) {
                    return Some(e);
                }
            }
        }
        system_error_in_text(&self.text)
    }
}

/// The field number of the system error in a template (`System error [3]` → 3).
fn system_error_field(template: &str) -> Option<usize> {
    let lower = template.to_lowercase();
    SYSTEM_ERROR_MARKERS.iter().find_map(|m| {
        let at = lower.find(m)? + m.len();
        let rest = lower.get(at..)?.trim_start_matches([' ', ':']);
        let inner = rest.strip_prefix('[')?.split(']').next()?;
        inner.parse().ok().filter(|n| *n >= 2)
    })
}

/// The number after a system-error word in a logged message.
pub fn system_error_in_text(text: &str) -> Option<SystemError> {
    let lower = text.to_lowercase();
    SYSTEM_ERROR_MARKERS.iter().find_map(|m| {
        let at = lower.find(m)? + m.len();
        let rest = lower.get(at..)?.trim_start_matches([' ', ':', '\u{a0}']);
        let token: String = rest
            .chars()
            .take_while(|c| c.is_ascii_hexdigit() || *c == '-' || *c == 'x')
            .collect();
        SystemError::of(&token)
    })
}

/// Drops `{{…}}` groups whose fields stayed empty and the braces of the others.
fn optional_parts(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        let has_value = inner.split(',').any(|part| {
            part.split_once(':')
                .is_some_and(|(_, v)| !v.trim().is_empty())
        });
        if has_value {
            out.push_str(inner);
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// One space between words and no space before a full stop or comma.
fn tidy(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined
        .replace(" .", ".")
        .replace(" ,", ",")
        .trim()
        .to_string()
}

/// `Fehler 1925. …`, `Erreur 1714. …`, `エラー 1316。…` (one word, then the number and a full
/// stop), also after `Produit : X -- `: the code when it is in the message table.
pub fn translated_error_code(text: &str) -> Option<u32> {
    // Called on most kept lines of every session by several rules: one searcher built once
    // (a `str::rsplit_once` builds its own on every call).
    static PRODUCT_SEPARATOR: std::sync::LazyLock<memchr::memmem::FinderRev<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::FinderRev::new(" -- "));
    let body = PRODUCT_SEPARATOR
        .rfind(text.as_bytes())
        .map_or(text, |at| &text[at + 4..])
        .trim_start();
    let (word, rest) = body.split_once(' ')?;
    if word.is_empty() || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    // `.`, or the ideographic full stop of Japanese and Chinese messages (`エラー 1316。`).
    if !(4..=5).contains(&digits) || !rest[digits..].starts_with(['.', '\u{3002}']) {
        return None;
    }
    let code: u32 = rest[..digits].parse().ok()?;
    kb::msi_message(code).map(|_| code)
}

/// Every numbered error of the session, in event order, with its fields.
pub fn numbered_errors(v: &SessionView) -> Vec<Numbered> {
    let events = v.events();
    let mut out: Vec<Numbered> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let found = match &e.kind {
            EventKind::Note { code, args } => {
                Some((*code, Form::Note, args.clone(), args.join(" | ")))
            }
            EventKind::DebugError { code, message } => {
                Some((*code, Form::Internal, Vec::new(), message.clone()))
            }
            EventKind::InternalErrorDialog { code } => {
                Some((*code, Form::Internal, Vec::new(), e.text.clone()))
            }
            EventKind::Error { code, message } => {
                Some((*code, Form::Error, Vec::new(), message.clone()))
            }
            EventKind::Info { code, message } => {
                Some((*code, Form::Info, Vec::new(), message.clone()))
            }
            EventKind::Warning { code, message } => {
                Some((*code, Form::Warning, Vec::new(), message.clone()))
            }
            EventKind::ProductMessage { message, .. } => {
                super::evidence::product_message_code(message).map(|c| {
                    let form = if message.starts_with("Error ") {
                        Form::Error
                    } else {
                        Form::Internal
                    };
                    let text = message
                        .split_once(". ")
                        .filter(|_| form == Form::Error)
                        .map_or(message.as_str(), |(_, t)| t);
                    (c, form, Vec::new(), text.to_string())
                })
            }
            EventKind::WinEvent(w) => match w.msi() {
                Some(MsiInstallerFact::ProductError { code, message, .. }) if *code != 0 => {
                    let form = if w.event_id == 10005 {
                        Form::Internal
                    } else {
                        Form::Error
                    };
                    Some((*code, form, Vec::new(), strip_number(message)))
                }
                _ => None,
            },
            // The view's `message_code` of a plain line is its translated error number.
            EventKind::Text | EventKind::MsiMessage { .. } => v.message_code_at(i).map(|c| {
                (
                    c,
                    Form::Error,
                    Vec::new(),
                    strip_number(
                        e.text
                            .rsplit_once(" -- ")
                            .map_or(e.text.as_str(), |(_, m)| m),
                    ),
                )
            }),
            _ => None,
        };
        if let Some((code, form, mut args, text)) = found {
            if args.is_empty() && form == Form::Internal {
                args = arguments_in(&e.text);
            }
            out.push(Numbered {
                index: i,
                code,
                form,
                args,
                text,
            });
        }
    }
    // Shown messages take the fields of the note of the same number next to them.
    let notes: Vec<(usize, u32, Vec<String>)> = out
        .iter()
        .filter(|n| n.form == Form::Note)
        .map(|n| (n.index, n.code, n.args.clone()))
        .collect();
    for n in out.iter_mut().filter(|n| n.form != Form::Note) {
        if let Some((_, _, args)) = notes
            .iter()
            .filter(|(i, c, _)| *c == n.code && *i + 40 >= n.index && *i <= n.index + 5)
            .min_by_key(|(i, _, _)| i.abs_diff(n.index))
        {
            n.args = args.clone();
        }
    }
    out
}

/// `… The error code is 2755. The arguments are: 110, R:\\x.msi, ` → the fields 2, 3, 4.
fn arguments_in(text: &str) -> Vec<String> {
    match text.split_once("The arguments are:") {
        Some((_, rest)) => rest.split(',').map(|a| a.trim().to_string()).collect(),
        None => Vec::new(),
    }
}

/// `Error 1925. text` → `text` (also translated words).
fn strip_number(text: &str) -> String {
    let t = text.trim();
    match t.split_once(' ') {
        Some((_, rest)) if rest.chars().next().is_some_and(|c| c.is_ascii_digit()) => rest
            .split_once('.')
            .map_or(t, |(_, m)| m)
            .trim()
            .to_string(),
        _ => t.to_string(),
    }
}

/// Notes that are routine (table lookups, benign probes) or generic end-of-install messages.
fn is_routine(n: &Numbered) -> bool {
    match n.form {
        Form::Note | Form::Internal => {
            crate::kb::signals::is_benign_note(n.code)
                || matches!(n.code, 2265 | 2826 | 2827 | 2898 | 1707 | 1708 | 1709)
                || is_benign_ipi_note(n.code, &n.args)
        }
        _ => matches!(n.code, 1707..=1709),
    }
}

/// The numbered error that decides the session: the first one shown to the user (or written
/// to the event log), else the first telling note before the first failed action, else a
/// warning; an `Info N.` only when it is the last message before the failed action.
pub fn decisive(v: &SessionView, all: &[Numbered]) -> Option<Numbered> {
    let failed_at = v.first_failed_action().map(|(i, _)| i);
    let before =
        |n: &&&Numbered| failed_at.is_none_or(|f| n.index < f) || n.index >= v.session.log_events;
    let candidates: Vec<&Numbered> = all.iter().filter(|n| !is_routine(n)).collect();
    candidates
        .iter()
        .find(|n| n.form.is_shown())
        .or_else(|| {
            candidates.iter().filter(before).find(|n| {
                n.form == Form::Note
                    && kb::msi_message(n.code).is_some()
                    && ((1100..2000).contains(&n.code)
                        || (2700..3000).contains(&n.code)
                        || matches!(n.code, 2203 | 2755))
            })
        })
        .or_else(|| candidates.iter().find(|n| n.form == Form::Warning))
        .or_else(|| {
            let f = failed_at?;
            candidates
                .iter()
                .rev()
                .find(|n| n.form == Form::Info && n.index < f && f - n.index <= 8)
        })
        .map(|n| (*n).clone())
}

/// The family a numbered error belongs to: by its number, or for a file or registry error
/// (1301–1336, 1401–1410) by the system error it carries.
pub fn family_of(n: &Numbered) -> Option<&'static families::Family> {
    let by_system = || {
        let win32 = n.system_error()?.win32?;
        families::family_of_system_error(win32)
    };
    match n.code {
        1301..=1336 | 1401..=1410 => by_system().or_else(|| families::family_of_message(n.code)),
        code => families::family_of_message(code),
    }
}

/// First sentence of a message, shortened for a title.
pub fn headline(text: &str) -> String {
    let first = text
        .split(". ")
        .next()
        .unwrap_or(text)
        .trim()
        .trim_end_matches('.');
    if first.chars().count() > 110 {
        format!(
            "{}…",
            first.chars().take(110).collect::<String>().trim_end()
        )
    } else {
        first.to_string()
    }
}

/// Fixes of a family, filled with the session's values and the error's own.
pub fn family_fixes(family: &families::Family, values: &[(&str, &str)]) -> Vec<Fix> {
    family_fixes_for(family, None, values)
}

/// Fixes of a family for an error that carries `key` (an HRESULT, a system error): the
/// family's `fix-<key>` rows instead of its `fix-other` rows (see `kb/data/families.tsv`).
pub fn family_fixes_for(
    family: &families::Family,
    key: Option<&str>,
    values: &[(&str, &str)],
) -> Vec<Fix> {
    family
        .fixes_for(key)
        .into_iter()
        .map(|t| Fix {
            description: families::fill(t.description, values),
            command: t.command.map(|c| families::fill(c, values)),
        })
        .collect()
}

/// The session's own values for fix templates.
pub fn session_values(v: &SessionView, fv: &FixValues) -> Vec<(&'static str, String)> {
    let mut out = vec![("log", fv.log_name.clone())];
    // A missing package keeps the placeholder the other fixes use (`<path to the .msi>`), so
    // that the same command is written the same way whichever rule wrote it.
    out.push(("package", fv.package.clone()));
    if let Some(c) = &fv.product_code {
        out.push(("product_code", c.clone()));
    }
    if let Some(p) = &v.session.product {
        out.push(("product", p.clone()));
    }
    if let Some(ver) = &v.session.version {
        out.push(("version", ver.clone()));
    }
    out
}

/// As `&str` pairs for [`families::fill`].
pub fn as_pairs<'a>(values: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    values.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The general numbered-error rule: a failed session whose sources name an error gets a
/// finding for it — its family when the number has one, else `installer-error`.
pub fn decoded_error(v: &SessionView) -> Vec<Finding> {
    if !v.failed() {
        return Vec::new();
    }
    let all = numbered_errors(v);
    let Some(n) = decisive(v, &all) else {
        return Vec::new();
    };
    let family = family_of(&n);
    let fallback = families::family(super::ids::INSTALLER_ERROR);
    let Some(shown) = family.or(fallback) else {
        return Vec::new();
    };
    let decoded = n.decoded();
    let system = n.system_error();
    let fv = FixValues::of(v);
    let mut values = session_values(v, &fv);
    values.push(("code", n.code.to_string()));
    if let Some(path) = n.args.iter().find(|a| a.contains('\\')) {
        values.push(("path", super::fixes::command_path(path)));
        if let Some((folder, _)) = path.trim().trim_end_matches('\\').rsplit_once('\\') {
            values.push(("folder", super::fixes::command_path(folder)));
        }
    }
    let mut fixes = family_fixes(shown, &as_pairs(&values));
    if family.is_some()
        && !fixes.iter().any(|f| {
            f.command
                .as_deref()
                .is_some_and(|c| c.starts_with("msidiag explain"))
        })
    {
        fixes.push(Fix::cmd(
            "Read what the error number means and its usual causes",
            format!("msidiag explain {}", n.code),
        ));
    }
    if let Some(e) = &system {
        fixes.push(Fix::cmd(
            "Decode the system error it carries",
            format!("msidiag explain {}", e.raw),
        ));
    }
    let rerun = rerun_logged(&fv);
    if !fixes.iter().any(|f| f.command == rerun.command) {
        fixes.push(rerun);
    }
    let mut cited = vec![n.index];
    cited.extend(all.iter().filter(|m| m.code == n.code).map(|m| m.index));
    cited.extend(v.first_failed_action().map(|(i, _)| i));
    cited.extend(v.outcome_event());
    let what = match n.form {
        Form::Note => "logged",
        Form::Warning => "warned with",
        Form::Info => "reported",
        _ => "stopped with",
    };
    // A number Windows Installer's tables do not hold is the package's own message (its Error
    // table; 25000–30000 is reserved for custom actions' messages).
    let message = if kb::tables::msi_messages(n.code).is_empty() {
        format!("message {} from the package's own Error table", n.code)
    } else {
        format!("Windows Installer message {}", n.code)
    };
    let summary = format!(
        "The {} of {} {what} {message}: \"{}\"{}. {}",
        v.session.operation.noun(),
        v.product_label(),
        decoded,
        system
            .as_ref()
            .map(|e| format!(" (system error {})", e.describe()))
            .unwrap_or_default(),
        if family.is_some() {
            shown.meaning.to_string()
        } else {
            "No rule knows a more specific cause for this number: the message names the file, folder, key or action involved.".to_string()
        }
    );
    let title = match family {
        Some(f) => format!("{} (error {})", f.title, n.code),
        None => format!("Error {}: {}", n.code, headline(&decoded)),
    };
    vec![v.finding(
        shown.id,
        title,
        if n.form.is_shown() {
            Confidence::Medium
        } else {
            Confidence::Low
        },
        summary,
        &cited,
        fixes,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(code: u32, form: Form, args: &[&str], text: &str) -> Numbered {
        Numbered {
            index: 0,
            code,
            form,
            args: args.iter().map(|s| s.to_string()).collect(),
            text: text.to_string(),
        }
    }

    #[test]
    fn system_error_from_the_field_the_template_names() {
        let e = n(1714, Form::Note, &["Contoso", "1612"], "")
            .system_error()
            .unwrap();
        assert_eq!(e.win32, Some(1612));
        let e = n(1310, Form::Note, &["5", "C:\\x.dll"], "")
            .system_error()
            .unwrap();
        assert_eq!(e.win32, Some(5));
        let e = n(2203, Form::Note, &["C:\\a.msi", "-2147287035"], "")
            .system_error()
            .unwrap();
        assert_eq!(e.win32, Some(5));
        let e = n(2755, Form::Internal, &["110", "R:\\a.msi"], "")
            .system_error()
            .unwrap();
        assert_eq!(e.win32, Some(110));
    }

    #[test]
    fn system_error_from_text_in_every_written_form() {
        let t = |s: &str| system_error_in_text(s).and_then(|e| e.win32);
        assert_eq!(
            t("Could not open key: X.  System error 5.  Verify"),
            Some(5)
        );
        assert_eq!(
            t("… removed.  Contact your technical support group.  System Error 1612."),
            Some(1612)
        );
        assert_eq!(t("HRESULT: 0x80070005. assembly interface"), Some(5));
        assert_eq!(t("Erreur système : 1612."), Some(1612));
        assert_eq!(t("Системная ошибка 5. Убедитесь"), Some(5));
        assert_eq!(
            t("Could not write value  to key X.  System error .  Verify"),
            None
        );
    }

    #[test]
    fn translated_numbers_are_read_by_number() {
        assert_eq!(
            translated_error_code("Fehler 1925. Sie haben keine ausreichenden Rechte"),
            Some(1925)
        );
        assert_eq!(
            translated_error_code("Produit : Nextcloud -- Erreur 1714. La version"),
            Some(1714)
        );
        assert_eq!(translated_error_code("Action 23:28:27: INSTALL."), None);
        assert_eq!(translated_error_code("Version 2024. Something"), None);
        assert_eq!(
            translated_error_code("エラー 1316。ファイル C:\\x.msi からの読み取り中に"),
            Some(1316)
        );
        assert_eq!(
            translated_error_code("Ошибка 1722. Ошибка пакета"),
            Some(1722)
        );
    }

    #[test]
    fn decoded_fills_fields_and_drops_empty_optional_parts() {
        let d = n(1935, Form::Note, &["{AB}", "0x80131047", "", "", ""], "").decoded();
        assert_eq!(d, "An error occurred during the installation of assembly component {AB}. HRESULT: 0x80131047.");
        let d = n(
            1406,
            Form::Error,
            &[],
            "Could not write value  to key \\SOFTWARE\\X.  System error .",
        )
        .decoded();
        assert_eq!(
            d,
            "Could not write value to key \\SOFTWARE\\X. System error."
        );
    }

    #[test]
    fn file_errors_take_their_family_from_the_system_error() {
        let id = |code, args: &[&str]| family_of(&n(code, Form::Note, args, "")).map(|f| f.id);
        assert_eq!(id(1310, &["5", "C:\\x"]), Some("insufficient-privileges"));
        assert_eq!(id(1310, &["32", "C:\\x"]), Some("files-in-use"));
        assert_eq!(id(1310, &["112", "C:\\x"]), Some("disk-full"));
        assert_eq!(id(1402, &["HKLM\\X", "5"]), Some("insufficient-privileges"));
        assert_eq!(id(1335, &["disk1.cab"]), Some("cabinet-corrupt"));
        assert_eq!(id(1327, &["E:\\"]), Some("invalid-drive"));
        assert_eq!(id(1304, &["C:\\x"]), Some("file-write-failed"));
        assert_eq!(id(1304, &["C:\\x", "5"]), Some("file-write-failed"));
    }
}
