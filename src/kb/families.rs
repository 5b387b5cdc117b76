//! Failure families: what a group of Windows Installer errors means, its usual causes and
//! fix templates, held as data in `data/families.tsv` (embedded with `include_str!`, parsed
//! once on first use) and looked up by family id, by message number or by the system error
//! that a numbered file or registry error (13xx/14xx) carries.
//!
//! Fix texts and commands hold `{name}` placeholders that [`fill`] replaces with values the
//! caller read from the evidence; a placeholder without a value becomes `<name>`.
//!
//! It must not: read files at run time, know about log lines (callers pass numbers and
//! values in), invent a value for a placeholder, or panic on a malformed row (bad rows are
//! skipped).

use serde::Serialize;
use std::sync::OnceLock;

/// The families file (written by the msidiag authors).
const FAMILIES_TSV: &str = include_str!("data/families.tsv");

/// One fix template: a sentence and, where one applies, a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixTemplate {
    pub description: &'static str,
    pub command: Option<&'static str>,
    /// `None`: always applies. `Some(value)` (a `fix-<value>` row): only when the error carries
    /// that value (an HRESULT, a system error). `Some("other")` (a `fix-other` row): only when
    /// no `fix-<value>` row matches the value the error carries (or it carries none).
    pub key: Option<&'static str>,
}

impl FixTemplate {
    /// When a keyed fix applies, for a reader of the family's docs: ` (when the error carries
    /// 0x80131047)`, ` (otherwise)`; empty for a fix that always applies.
    pub fn condition(&self) -> String {
        match self.key {
            None => String::new(),
            Some("other") => " (otherwise)".to_string(),
            Some(k) => format!(" (when the error carries {k})"),
        }
    }
}

/// One failure family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Family {
    /// The finding id it is reported as, e.g. `old-version-not-removed`.
    pub id: &'static str,
    pub title: &'static str,
    pub meaning: &'static str,
    /// Windows Installer message numbers that belong to it.
    pub messages: Vec<u32>,
    /// Win32 codes that put a numbered file or registry error (13xx/14xx) into it.
    pub system_errors: Vec<u32>,
    pub causes: Vec<&'static str>,
    /// Finding ids this family is the cause of when both are found in a session.
    pub explains: Vec<&'static str>,
    /// Causes that apply to one value the error carries (`cause-0x80131047`): (value, cause).
    pub keyed_causes: Vec<(&'static str, &'static str)>,
    pub fixes: Vec<FixTemplate>,
}

impl Family {
    /// The fixes that apply when the error carries `key` (an HRESULT, a system error), or no
    /// value: every unkeyed fix, the `fix-<key>` rows, and the `fix-other` rows only when no
    /// `fix-<key>` row matches.
    pub fn fixes_for(&self, key: Option<&str>) -> Vec<&FixTemplate> {
        let matches = |t: &FixTemplate| {
            key.is_some_and(|k| {
                t.key
                    .is_some_and(|tk| tk != "other" && tk.eq_ignore_ascii_case(k))
            })
        };
        let keyed = self.fixes.iter().any(&matches);
        self.fixes
            .iter()
            .filter(|t| match t.key {
                None => true,
                Some("other") => !keyed,
                Some(_) => matches(t),
            })
            .collect()
    }

    /// The cause written for one value the error carries (an HRESULT, a system error).
    pub fn keyed_cause(&self, key: &str) -> Option<&'static str> {
        self.keyed_causes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, c)| *c)
    }
}

/// Every family, in file order.
pub fn all_families() -> &'static [Family] {
    static FAMILIES: OnceLock<Vec<Family>> = OnceLock::new();
    FAMILIES.get_or_init(|| parse(FAMILIES_TSV))
}

/// The family with this id.
pub fn family(id: &str) -> Option<&'static Family> {
    all_families().iter().find(|f| f.id == id)
}

/// The family a Windows Installer message number belongs to.
pub fn family_of_message(code: u32) -> Option<&'static Family> {
    all_families().iter().find(|f| f.messages.contains(&code))
}

/// The family a numbered file or registry error belongs to, by the Win32 error it carries.
pub fn family_of_system_error(win32: u32) -> Option<&'static Family> {
    all_families()
        .iter()
        .find(|f| f.system_errors.contains(&win32))
}

/// Replaces `{name}` with the value given for `name`; names without a value become `<name>`
/// (underscores read as spaces). Text outside braces is kept as written.
///
/// A part written `{{ … }}` is kept (without its double braces) only when every placeholder in
/// it has a value: `exactly the installed version{{ ({version})}}` loses the brackets when the
/// log does not show the version.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        out.push_str(&fill_simple(&rest[..open], values));
        let inner = &rest[open + 2..open + 2 + close];
        let filled = fill_simple(inner, values);
        if !filled.contains('<') || inner.contains('<') {
            out.push_str(&filled);
        }
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(&fill_simple(rest, values));
    out
}

/// [`fill`] without optional parts.
fn fill_simple(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if close > 0
                    && after[..close]
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_') =>
            {
                let name = &after[..close];
                match values.iter().find(|(n, v)| *n == name && !v.is_empty()) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('<');
                        out.push_str(&name.replace('_', " "));
                        out.push('>');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn numbers(text: &str) -> Vec<u32> {
    text.split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

fn parse(text: &'static str) -> Vec<Family> {
    let mut out: Vec<Family> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(id), Some(field), Some(value)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        let (id, value) = (id.trim(), value.trim());
        if id.is_empty() || value.is_empty() {
            continue;
        }
        let command = cols.next().map(str::trim).filter(|c| !c.is_empty());
        let at = match out.iter().position(|f| f.id == id) {
            Some(at) => at,
            None => {
                out.push(Family {
                    id,
                    title: "",
                    meaning: "",
                    messages: Vec::new(),
                    system_errors: Vec::new(),
                    causes: Vec::new(),
                    explains: Vec::new(),
                    keyed_causes: Vec::new(),
                    fixes: Vec::new(),
                });
                out.len() - 1
            }
        };
        let f = &mut out[at];
        match field.trim() {
            "title" => f.title = value,
            "meaning" => f.meaning = value,
            "messages" => f.messages.extend(numbers(value)),
            "system-errors" => f.system_errors.extend(numbers(value)),
            "cause" => f.causes.push(value),
            "explains" => f
                .explains
                .extend(value.split(',').map(str::trim).filter(|e| !e.is_empty())),
            "fix" => f.fixes.push(FixTemplate {
                description: value,
                command,
                key: None,
            }),
            other => {
                if let Some(key) = other.strip_prefix("cause-") {
                    f.keyed_causes.push((key, value));
                } else if let Some(key) = other.strip_prefix("fix-").filter(|k| !k.is_empty()) {
                    f.fixes.push(FixTemplate {
                        description: value,
                        command,
                        key: Some(key),
                    });
                }
            }
        }
    }
    out.retain(|f| !f.title.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_a_title_meaning_cause_and_fix() {
        assert!(all_families().len() >= 20);
        for f in all_families() {
            assert!(!f.meaning.is_empty(), "{}", f.id);
            assert!(!f.causes.is_empty(), "{}", f.id);
            assert!(!f.fixes.is_empty(), "{}", f.id);
        }
    }

    #[test]
    fn no_message_or_system_error_is_in_two_families() {
        let mut seen = std::collections::HashMap::new();
        for f in all_families() {
            for m in &f.messages {
                assert!(seen.insert(("m", *m), f.id).is_none(), "message {m}");
            }
            for s in &f.system_errors {
                assert!(seen.insert(("s", *s), f.id).is_none(), "system error {s}");
            }
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(
            family_of_message(1714).unwrap().id,
            "old-version-not-removed"
        );
        assert_eq!(family_of_message(2738).unwrap().id, "script-engine-broken");
        assert_eq!(
            family_of_system_error(5).unwrap().id,
            "insufficient-privileges"
        );
        assert_eq!(family_of_system_error(112).unwrap().id, "disk-full");
        assert_eq!(family_of_system_error(32).unwrap().id, "files-in-use");
        assert!(family_of_message(2205).is_none());
        let assembly = family("assembly-install-failed").unwrap();
        assert!(assembly
            .keyed_cause("0x80131047")
            .unwrap()
            .contains("identity"));
        assert!(assembly.keyed_cause("0x12345678").is_none());
        assert!(family("script-engine-broken")
            .unwrap()
            .explains
            .contains(&"custom-action-failed"));
        assert_eq!(
            family("disk-full").unwrap().title,
            "The target volume ran out of disk space"
        );
    }

    #[test]
    fn fill_replaces_known_and_marks_unknown() {
        assert_eq!(
            fill(
                "msiexec /x {old_product_code} \"{package}\"",
                &[("package", "C:\\a.msi")]
            ),
            "msiexec /x <old product code> \"C:\\a.msi\""
        );
        assert_eq!(fill("{ } {Bad} {x", &[]), "{ } {Bad} {x");
        assert_eq!(fill("{v}", &[("v", "")]), "<v>");
        assert_eq!(
            fill("version{{ ({version})}}.", &[("version", "2.1")]),
            "version (2.1)."
        );
        assert_eq!(fill("version{{ ({version})}}.", &[]), "version.");
    }

    #[test]
    fn keyed_fixes_apply_to_their_value_only() {
        let f = &parse("x\ttitle\tX\nx\tfix\talways\nx\tfix-0x1\tone\nx\tfix-other\tunknown\n")[0];
        let d = |k: Option<&str>| {
            f.fixes_for(k)
                .iter()
                .map(|t| t.description)
                .collect::<Vec<_>>()
        };
        assert_eq!(d(Some("0x1")), ["always", "one"]);
        assert_eq!(d(Some("0x2")), ["always", "unknown"]);
        assert_eq!(d(None), ["always", "unknown"]);
    }

    #[test]
    fn malformed_rows_are_skipped() {
        let rows = parse("x\ttitle\tX\nx\tfix\tdo it\tcmd\nbad row\ny\tcause\tno title\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].fixes[0].command, Some("cmd"));
    }
}
