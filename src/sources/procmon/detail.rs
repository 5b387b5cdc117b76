//! Reading Procmon's `Detail` column: `Key: Value` pairs joined by `, `.
//!
//! Values may themselves contain commas (`ShareMode: Read, Write`, command lines), so pairs are
//! split only where `, ` is followed by something shaped like a key and `: `. The `Environment`
//! of a `Process Start` row is always last and runs to the end. This module only reads detail
//! text (from CSV or as rendered from PML); it must not decide what to keep.

use crate::model::ProcmonOp;

/// The `Key: Value` pairs of a Detail string, in order. Text before the first key (rare) is
/// returned with an empty key.
pub fn detail_pairs(detail: &str) -> Vec<(&str, &str)> {
    let mut pairs = Vec::new();
    let mut rest = detail;
    loop {
        let Some((key, after_key)) = leading_key(rest) else {
            if !rest.is_empty() {
                pairs.push(("", rest));
            }
            return pairs;
        };
        if key == "Environment" {
            pairs.push((key, after_key));
            return pairs;
        }
        match next_pair_start(after_key) {
            Some(end) => {
                pairs.push((key, &after_key[..end]));
                rest = &after_key[end + 2..];
            }
            None => {
                pairs.push((key, after_key));
                return pairs;
            }
        }
    }
}

/// The value of `key` in a Detail string (first occurrence, exact key).
pub fn detail_value<'a>(detail: &'a str, key: &str) -> Option<&'a str> {
    detail_pairs(detail)
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// `Key: ` at the start of `s`: returns the key and the text after `: `.
fn leading_key(s: &str) -> Option<(&str, &str)> {
    let colon = s.find(": ")?;
    let key = &s[..colon];
    looks_like_key(key).then(|| (key, &s[colon + 2..]))
}

/// Keys are short words: letters, digits, spaces and `/&()-_.`; never a path or a sentence.
fn looks_like_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && !key.starts_with(' ')
        && !key.ends_with(' ')
        && key.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '/' | '&' | '(' | ')' | '-' | '_' | '.')
        })
}

/// Byte index of the `, ` that starts the next `Key: ` pair in `s`.
fn next_pair_start(s: &str) -> Option<usize> {
    s.match_indices(", ")
        .map(|(at, _)| at)
        .find(|&at| leading_key(&s[at + 2..]).is_some())
}

/// Variables of a `Process Start` environment block as Procmon exports it: entries separated
/// by a line break and `;\t` (`\r;\tTEMP=C:\…`).
pub fn environment_vars(environment: &str) -> impl Iterator<Item = (&str, &str)> {
    environment
        .split(['\r', '\n'])
        .map(|line| line.trim_start_matches(';').trim_start_matches('\t'))
        .filter(|line| !line.is_empty())
        .filter_map(|line| {
            // `=::=::\` style entries start with `=`: their name is empty and they are skipped.
            let eq = line.find('=')?;
            (eq > 0).then(|| (&line[..eq], &line[eq + 1..]))
        })
}

/// The value of an environment variable (case-insensitive name) in an environment block.
pub fn environment_var<'a>(environment: &'a str, name: &str) -> Option<&'a str> {
    environment_vars(environment)
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Parses a decimal (possibly negative, possibly with `,` thousands separators) or `0x` number.
pub fn parse_number(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    let cleaned: String = t.chars().filter(|&c| c != ',').collect();
    cleaned.parse().ok()
}

/// Facts the Detail of a process life-cycle row carries.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LifecycleFacts {
    /// `Process Create`: the child's PID.
    pub child_pid: Option<u32>,
    /// `Process Start`: the parent's PID.
    pub parent_pid: Option<u32>,
    /// `Process Create`: the child's command line; `Process Start`: the process's own.
    pub command_line: Option<String>,
    pub env_temp: Option<String>,
    pub env_tmp: Option<String>,
    /// `Process Exit`: the exit status (decimal, negative for NTSTATUS errors).
    pub exit_status: Option<i64>,
}

/// Reads the facts of a `Process Create` / `Process Start` / `Process Exit` Detail.
pub fn lifecycle_facts(operation: &str, detail: &str) -> LifecycleFacts {
    let mut facts = LifecycleFacts::default();
    for (key, value) in detail_pairs(detail) {
        match (operation, key) {
            ("Process Create", "PID") => facts.child_pid = parse_u32(value),
            ("Process Start", "Parent PID") => facts.parent_pid = parse_u32(value),
            (_, "Command line") => facts.command_line = Some(value.trim_end().to_string()),
            ("Process Start", "Environment") => {
                facts.env_temp = environment_var(value, "TEMP").map(str::to_string);
                facts.env_tmp = environment_var(value, "TMP").map(str::to_string);
            }
            ("Process Exit", "Exit Status") => facts.exit_status = parse_number(value),
            _ => {}
        }
    }
    facts
}

fn parse_u32(value: &str) -> Option<u32> {
    parse_number(value).and_then(|n| u32::try_from(n).ok())
}

/// Detail accessors on a Procmon operation (child PID, exit status, child command line).
impl ProcmonOp {
    /// The value of `key` in this operation's Detail.
    pub fn detail_value(&self, key: &str) -> Option<&str> {
        detail_value(&self.detail, key)
    }

    /// `Process Create`: the PID of the created child.
    pub fn child_pid(&self) -> Option<u32> {
        (self.operation == "Process Create")
            .then(|| self.detail_value("PID").and_then(parse_u32))
            .flatten()
    }

    /// `Process Create`: the command line the child was started with.
    pub fn child_command_line(&self) -> Option<&str> {
        (self.operation == "Process Create")
            .then(|| self.detail_value("Command line").map(str::trim_end))
            .flatten()
    }

    /// `Process Exit`: the exit status.
    pub fn exit_status(&self) -> Option<i64> {
        (self.operation == "Process Exit")
            .then(|| self.detail_value("Exit Status").and_then(parse_number))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_keep_commas_inside_values() {
        let d = "Desired Access: Generic Read/Write, Disposition: OpenIf, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: N, ShareMode: Read, Write, AllocationSize: 0, OpenResult: Created";
        let p = detail_pairs(d);
        assert_eq!(p[0], ("Desired Access", "Generic Read/Write"));
        assert_eq!(
            p[2],
            ("Options", "Synchronous IO Non-Alert, Non-Directory File")
        );
        assert_eq!(p[4], ("ShareMode", "Read, Write"));
        assert_eq!(p[6], ("OpenResult", "Created"));
        assert_eq!(p.len(), 7);
    }

    #[test]
    fn empty_and_keyless_details() {
        assert!(detail_pairs("").is_empty());
        assert_eq!(detail_pairs("just text"), vec![("", "just text")]);
        assert_eq!(detail_pairs("Data: "), vec![("Data", "")]);
    }

    #[test]
    fn process_start_environment() {
        let d = "Parent PID: 3344, Command line: \"C:\\x.exe\" /a, b , Current directory: C:\\Users\\t\\, Environment: \r;\t=::=::\\\r;\tALLUSERSPROFILE=C:\\ProgramData\r;\tTEMP=C:\\Users\\t\\AppData\\Local\\Temp\r;\tTMP=C:\\Temp, x\r;\tPath=C:\\a, Key: b";
        let f = lifecycle_facts("Process Start", d);
        assert_eq!(f.parent_pid, Some(3344));
        assert_eq!(f.command_line.as_deref(), Some("\"C:\\x.exe\" /a, b"));
        assert_eq!(
            f.env_temp.as_deref(),
            Some("C:\\Users\\t\\AppData\\Local\\Temp")
        );
        assert_eq!(f.env_tmp.as_deref(), Some("C:\\Temp, x"));
    }

    #[test]
    fn process_create_and_exit() {
        let f = lifecycle_facts(
            "Process Create",
            "PID: 6564, Command line: \"C:\\Windows\\System32\\MsiExec.exe\" -Embedding 8A1B2C3D E Global\\MSI0000 ",
        );
        assert_eq!(f.child_pid, Some(6564));
        assert_eq!(
            f.command_line.as_deref(),
            Some("\"C:\\Windows\\System32\\MsiExec.exe\" -Embedding 8A1B2C3D E Global\\MSI0000")
        );
        let f = lifecycle_facts(
            "Process Exit",
            "Exit Status: -1073740756, User Time: 0.0000000 seconds, Private Bytes: 393,216",
        );
        assert_eq!(f.exit_status, Some(-1073740756));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("2,147,483,538"), Some(2_147_483_538));
        assert_eq!(parse_number("0x7ffa744e0000"), Some(0x7ffa_744e_0000));
        assert_eq!(parse_number("-5"), Some(-5));
        assert_eq!(parse_number("n/a"), None);
    }
}
