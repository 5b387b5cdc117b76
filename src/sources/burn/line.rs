//! The Burn log line grammar: `[PPPP:TTTT][YYYY-MM-DDTHH:MM:SS]<s><nnn>: <message>` (severity
//! letter `i`, `w`, `e`, … and a 3-digit message id), and the pieces of message text the run
//! model reads (`0x…` HRESULTs, `key: value` fields, quoted variable values).
//!
//! Pure functions over one line; it must not keep state or know about packages.

use chrono::NaiveDateTime;

/// One prefixed Burn line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurnLine<'a> {
    pub process: u32,
    pub time: Option<NaiveDateTime>,
    /// `i`, `w`, `e`, `s`, `v`… as written (lower-cased).
    pub severity: char,
    pub id: u16,
    pub message: &'a str,
}

/// Reads the prefix of `line`; `None` when it is not a Burn line (a continuation).
pub fn parse(line: &str) -> Option<BurnLine<'_>> {
    let line = line.trim_end_matches(['\r', '\n']);
    let rest = line.strip_prefix('[')?;
    let (ids, rest) = rest.split_once(']')?;
    let (process, thread) = ids.split_once(':')?;
    if process.is_empty() || thread.is_empty() {
        return None;
    }
    let process = u32::from_str_radix(process, 16).ok()?;
    u32::from_str_radix(thread, 16).ok()?;
    let rest = rest.strip_prefix('[')?;
    let (when, rest) = rest.split_once(']')?;
    let time = NaiveDateTime::parse_from_str(when, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .filter(crate::model::in_windows_years);
    if time.is_none() && !when.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut chars = rest.char_indices();
    let (_, severity) = chars.next()?;
    if !severity.is_ascii_alphabetic() {
        return None;
    }
    let digits = rest.get(1..4)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let id = digits.parse().ok()?;
    let message = rest.get(4..)?.strip_prefix(':')?.trim_start();
    Some(BurnLine {
        process,
        time,
        severity: severity.to_ascii_lowercase(),
        id,
        message,
    })
}

/// The first `0x…` HRESULT in `text` (`Error 0x80070643: …`, `result: 0x0`).
pub fn first_hresult(text: &str) -> Option<u32> {
    text.match_indices("0x")
        .find_map(|(i, _)| hex_at(&text[i + 2..]))
}

/// The HRESULT after `key` (`result: `, `error: `, `exit code: `), case-insensitive key.
pub fn hresult_after(text: &str, key: &str) -> Option<u32> {
    let value = field(text, key)?;
    hex_at(
        value
            .strip_prefix("0x")
            .or_else(|| value.strip_prefix("0X"))?,
    )
}

fn hex_at(s: &str) -> Option<u32> {
    let end = s.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(s.len());
    if end == 0 || end > 8 {
        return None;
    }
    u32::from_str_radix(&s[..end], 16).ok()
}

/// The value of `key` in a `key: value, key: value` message (up to the next `, ` or the end,
/// trailing `.` removed); `key` is matched case-insensitively and must start a field.
pub fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let key = key.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(&key) {
        let at = from + found;
        let starts_field = at == 0 || lower[..at].ends_with(", ") || lower[..at].ends_with(": ");
        if starts_field {
            let value = &text[at + key.len()..];
            let end = value.find(", ").unwrap_or(value.len());
            return Some(value[..end].trim().trim_end_matches('.'));
        }
        from = at + key.len();
    }
    None
}

/// The name after `prefix` up to the first `,` (`Applying execute package: X, action: …`).
pub fn name_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(prefix)?;
    let end = rest.find(',').unwrap_or(rest.len());
    let name = rest[..end].trim().trim_end_matches('.');
    (!name.is_empty()).then_some(name)
}

/// `Setting string variable 'Name' to value 'v'` / `Initializing … variable 'Name' to value 'v'`
/// / `Variable: Name = v` as `(Name, v)`.
pub fn variable(text: &str) -> Option<(&str, &str)> {
    if let Some(rest) = text.strip_prefix("Variable: ") {
        let (name, value) = rest.split_once(" = ")?;
        return Some((name.trim(), value.trim()));
    }
    if !(text.starts_with("Setting ") || text.starts_with("Initializing ")) {
        return None;
    }
    let start = text.find(" variable '")? + " variable '".len();
    let rest = &text[start..];
    let (name, rest) = rest.split_once('\'')?;
    let value = rest.strip_prefix(" to value ")?;
    let value = value
        .strip_prefix('\'')
        .map(|v| v.strip_suffix('\'').unwrap_or(v))
        .unwrap_or(value);
    Some((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_prefix_of_v3_and_v5_lines() {
        let l = parse("[8734:0DF8][2022-02-01T14:00:39]i001: Burn v3.11.100.14523, Windows v10.0")
            .unwrap();
        assert_eq!((l.severity, l.id, l.process), ('i', 1, 0x8734));
        assert!(l.message.starts_with("Burn v3.11"));
        let e = parse("[13C4:2010][2022-06-08T13:03:44]e000: Error 0x80070643: Failed to install MSI package.\r").unwrap();
        assert_eq!((e.severity, e.id), ('e', 0));
        assert_eq!(first_hresult(e.message), Some(0x80070643));
        assert!(parse("continuation of a value").is_none());
        assert!(parse("[zz:1][2022-01-01T00:00:00]i001: x").is_none());
        assert!(parse("[1:1][2022-01-01T00:00:00]").is_none());
        assert!(parse("[").is_none());
    }

    #[test]
    fn reads_fields_and_variables() {
        let t = "Apply complete, result: 0x80070643, restart: None, ba requested restart:  No";
        assert_eq!(hresult_after(t, "result: "), Some(0x80070643));
        assert_eq!(field(t, "restart: "), Some("None"));
        assert_eq!(
            name_after(
                "Applying execute package: vc_x64, action: Install",
                "Applying execute package: "
            ),
            Some("vc_x64")
        );
        assert_eq!(
            variable("Setting string variable 'WixBundleLog_A' to value 'C:\\T\\x_000_A.log'"),
            Some(("WixBundleLog_A", "C:\\T\\x_000_A.log"))
        );
        assert_eq!(
            variable("Variable: WixBundleName = My Bundle"),
            Some(("WixBundleName", "My Bundle"))
        );
        assert_eq!(first_hresult("no hex 0xZZ here"), None);
    }
}
