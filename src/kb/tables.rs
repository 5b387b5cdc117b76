//! The two Microsoft code tables that Windows Installer failures are read against:
//! the Error-table messages (`Error N.`, `Info N.`, `Note: 1: N` in a verbose log) and the
//! msiexec exit codes (`MainEngineThread is returning N`, the status in event 1033).
//!
//! Both tables are the TSV files in `data/`, embedded with `include_str!` and parsed once,
//! lazily, on first use. This file also fills message templates (`[2]`, `[3]`…) with the
//! arguments of a logged record.
//!
//! It must not: read files at run time, panic on a malformed row (bad rows are skipped),
//! or mix the two tables up — the same number often means different things in each
//! (exit code 1603 is a fatal error, message 1603 is a file in use).

use serde::Serialize;
use std::sync::OnceLock;

/// The Windows Installer error messages table (MS Learn, CC BY 4.0; see `data/ATTRIBUTION.md`).
const MESSAGES_TSV: &str = include_str!("data/msi_error_messages.tsv");
/// The msiexec.exe / InstMsi.exe exit codes table (MS Learn, CC BY 4.0).
const EXIT_CODES_TSV: &str = include_str!("data/msiexec_exit_codes.tsv");

/// One row of the Windows Installer error messages table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MsiMessage {
    /// Message number, as in `Error 1722.` or `Note: 1: 2503`.
    pub code: u32,
    /// Message text with `[n]` placeholders; field 1 of the record is the code itself,
    /// so the first argument is `[2]`.
    pub template: &'static str,
    /// Microsoft's remarks for the message; empty when there are none.
    pub remarks: &'static str,
}

/// One row of the msiexec exit codes table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExitCode {
    /// The numeric exit code / API return value.
    pub code: u32,
    /// The winerror.h symbol, e.g. `ERROR_INSTALL_FAILURE`.
    pub symbol: &'static str,
    /// Microsoft's description of the code.
    pub description: &'static str,
}

/// All Error-table messages, sorted by code (one code, 1935, has two variants).
pub fn all_msi_messages() -> &'static [MsiMessage] {
    static MESSAGES: OnceLock<Vec<MsiMessage>> = OnceLock::new();
    MESSAGES.get_or_init(|| parse_message_rows(MESSAGES_TSV))
}

/// All msiexec exit codes, sorted by code.
pub fn all_exit_codes() -> &'static [ExitCode] {
    static EXIT_CODES: OnceLock<Vec<ExitCode>> = OnceLock::new();
    EXIT_CODES.get_or_init(|| parse_exit_code_rows(EXIT_CODES_TSV))
}

/// The Error-table message with this number (the first variant when there are several).
pub fn msi_message(code: u32) -> Option<&'static MsiMessage> {
    msi_messages(code).first()
}

/// Every variant of the Error-table message with this number (empty when unknown).
pub fn msi_messages(code: u32) -> &'static [MsiMessage] {
    let all = all_msi_messages();
    let start = all.partition_point(|m| m.code < code);
    let end = all.partition_point(|m| m.code <= code);
    &all[start..end]
}

/// The msiexec exit code with this value.
pub fn exit_code(code: u32) -> Option<&'static ExitCode> {
    let all = all_exit_codes();
    all.binary_search_by_key(&code, |e| e.code)
        .ok()
        .and_then(|index| all.get(index))
}

/// Fills an Error-table template with the fields of a logged record.
///
/// MSI convention: in `Note: 1: 2203 2: C:\x.ipi 3: -2147287035` field 1 is the code and
/// `args[0]` is field 2, `args[1]` field 3, and so on. Numeric placeholders with no argument
/// (including `[1]`, which is not in `args`) become empty; bracketed text that is not a
/// number (`[n]`, `[ProductName]`) is kept as written.
pub fn render_template(template: &str, args: &[&str]) -> String {
    fill_fields(template, "", args)
}

/// Renders message `code` with its record fields (`[1]` becomes the code itself).
/// `None` when the code is not in the message table.
pub fn render_message(code: u32, args: &[&str]) -> Option<String> {
    let message = msi_message(code)?;
    Some(fill_fields(message.template, &code.to_string(), args))
}

/// Replaces `[n]` placeholders: `[1]` with `field1`, `[n]` (n ≥ 2) with `args[n - 2]`.
fn fill_fields(template: &str, field1: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after_open = &rest[open + 1..];
        match placeholder_len(after_open) {
            Some(inner_len) => {
                let inner = &after_open[..inner_len];
                match field_number(inner) {
                    Some(field) => out.push_str(field_value(field, field1, args)),
                    None => {
                        out.push('[');
                        out.push_str(inner);
                        out.push(']');
                    }
                }
                rest = &after_open[inner_len + 1..];
            }
            None => {
                out.push('[');
                rest = after_open;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Length of the text before the closing `]`, if it closes before any other `[`.
fn placeholder_len(after_open: &str) -> Option<usize> {
    let close = after_open.find(']')?;
    match after_open.find('[') {
        Some(next_open) if next_open < close => None,
        _ => Some(close),
    }
}

/// The field number of a placeholder's inner text, when it is all ASCII digits.
/// Numbers too large to be a field still count as numbers (and render empty).
fn field_number(inner: &str) -> Option<usize> {
    if inner.is_empty() || !inner.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(inner.parse::<usize>().unwrap_or(usize::MAX))
}

fn field_value<'a>(field: usize, field1: &'a str, args: &[&'a str]) -> &'a str {
    match field {
        0 => "",
        1 => field1,
        n => args.get(n - 2).copied().unwrap_or(""),
    }
}

/// Data lines of a TSV: no blank lines, no `#` comments, no trailing `\r`.
fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
}

/// Parses `code<TAB>template[<TAB>remarks]` rows; rows without a numeric code or a
/// template are skipped. The result is sorted by code, keeping the file order of variants.
fn parse_message_rows(text: &'static str) -> Vec<MsiMessage> {
    let mut rows: Vec<MsiMessage> = data_lines(text).filter_map(parse_message_row).collect();
    rows.sort_by_key(|m| m.code);
    rows
}

fn parse_message_row(line: &'static str) -> Option<MsiMessage> {
    let mut columns = line.splitn(3, '\t');
    let code = columns.next()?.trim().parse::<u32>().ok()?;
    let template = columns.next()?.trim();
    let remarks = columns.next().unwrap_or("").trim();
    Some(MsiMessage {
        code,
        template,
        remarks,
    })
}

/// Parses `value<TAB>symbol<TAB>description` rows; a missing description becomes empty.
fn parse_exit_code_rows(text: &'static str) -> Vec<ExitCode> {
    let mut rows: Vec<ExitCode> = data_lines(text).filter_map(parse_exit_code_row).collect();
    rows.sort_by_key(|e| e.code);
    rows.dedup_by_key(|e| e.code);
    rows
}

fn parse_exit_code_row(line: &'static str) -> Option<ExitCode> {
    let mut columns = line.splitn(3, '\t');
    let code = columns.next()?.trim().parse::<u32>().ok()?;
    let symbol = columns.next()?.trim();
    let description = columns.next().unwrap_or("").trim();
    Some(ExitCode {
        code,
        symbol,
        description,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Data rows in a TSV as a plain line count, independent of the parser.
    fn raw_row_count(text: &str) -> usize {
        text.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count()
    }

    #[test]
    fn message_table_has_all_545_rows() {
        assert_eq!(raw_row_count(MESSAGES_TSV), 545);
        assert_eq!(all_msi_messages().len(), 545);
    }

    #[test]
    fn exit_code_table_has_all_59_rows() {
        assert_eq!(raw_row_count(EXIT_CODES_TSV), 59);
        assert_eq!(all_exit_codes().len(), 59);
    }

    #[test]
    fn data_files_keep_their_attribution_line() {
        assert!(MESSAGES_TSV.starts_with("# Source: MicrosoftDocs/win32"));
        assert!(EXIT_CODES_TSV.starts_with("# Source: MicrosoftDocs/win32"));
        assert!(MESSAGES_TSV.lines().next().unwrap().contains("CC BY 4.0"));
    }

    #[test]
    fn message_2503_text() {
        let m = msi_message(2503).expect("2503 is in the table");
        assert_eq!(m.template, "Called RunScript when not marked in progress.");
        assert_eq!(
            msi_message(2502).unwrap().template,
            "Called InstallFinalize when no install in progress."
        );
    }

    #[test]
    fn message_1603_is_file_in_use_not_fatal_error() {
        let m = msi_message(1603).unwrap();
        assert!(m.template.contains("is being held in use"));
        assert!(!m.remarks.is_empty());
    }

    #[test]
    fn exit_code_1603_is_install_failure() {
        let e = exit_code(1603).unwrap();
        assert_eq!(e.symbol, "ERROR_INSTALL_FAILURE");
        assert_eq!(e.description, "A fatal error occurred during installation.");
        assert_eq!(
            exit_code(3010).unwrap().symbol,
            "ERROR_SUCCESS_REBOOT_REQUIRED"
        );
        assert_eq!(exit_code(0).unwrap().symbol, "ERROR_SUCCESS");
    }

    #[test]
    fn unknown_codes_are_none() {
        assert!(msi_message(0).is_none());
        assert!(msi_message(u32::MAX).is_none());
        assert!(exit_code(1617).is_none());
        assert!(exit_code(u32::MAX).is_none());
        assert!(msi_messages(9999).is_empty());
    }

    #[test]
    fn duplicate_code_1935_keeps_both_variants_in_file_order() {
        let variants = msi_messages(1935);
        assert_eq!(variants.len(), 2);
        assert!(variants[0].template.contains("assembly component [2]"));
        assert_eq!(msi_message(1935), Some(&variants[0]));
    }

    #[test]
    fn tables_are_sorted_for_lookup() {
        assert!(all_msi_messages()
            .windows(2)
            .all(|w| w[0].code <= w[1].code));
        assert!(all_exit_codes().windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn parser_skips_comments_blank_and_bad_rows_and_tolerates_missing_remarks() {
        let text = "# comment\n\n1101\tOpen [2]\r\n  # indented comment\nabc\tbad code\n1302\tInsert [2]\tSome remark\n1400\n";
        let rows = parse_message_rows(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].code, 1101);
        assert_eq!(rows[0].template, "Open [2]");
        assert_eq!(rows[0].remarks, "");
        assert_eq!(rows[1].remarks, "Some remark");
    }

    #[test]
    fn exit_code_parser_tolerates_missing_description() {
        let rows = parse_exit_code_rows("#x\n1603\tERROR_INSTALL_FAILURE\n0\tERROR_SUCCESS\tOk.\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].code, 0);
        assert_eq!(rows[1].description, "");
    }

    #[test]
    fn render_fills_fields_from_two_on() {
        let template = msi_message(2203).unwrap().template;
        let text = render_template(
            template,
            &[
                r"C:\Windows\Installer\inprogressinstallinfo.ipi",
                "-2147287035",
            ],
        );
        assert_eq!(
            text,
            r"Database: C:\Windows\Installer\inprogressinstallinfo.ipi. Cannot open database file. System error -2147287035."
        );
    }

    #[test]
    fn render_handles_swapped_and_missing_fields() {
        // 1310 uses [3] before [2].
        let template = msi_message(1310).unwrap().template;
        assert_eq!(
            render_template(template, &["5", r"C:\x.dll"]),
            r"Error attempting to create the destination file: C:\x.dll. System error code: 5"
        );
        assert_eq!(render_template("a [2] b [3] c", &["x"]), "a x b  c");
        assert_eq!(render_template("[1]-[0]-[2]", &["x"]), "--x");
        assert_eq!(render_template("[99999999999999999999999]", &["x"]), "");
    }

    #[test]
    fn render_keeps_non_numeric_brackets_and_odd_brackets() {
        assert_eq!(
            render_template("[n] [ProductName] []", &["x"]),
            "[n] [ProductName] []"
        );
        assert_eq!(
            render_template("open [2 no close", &["x"]),
            "open [2 no close"
        );
        assert_eq!(render_template("[[2]]", &["x"]), "[x]");
        assert_eq!(render_template("] stray [2]", &["é"]), "] stray é");
        assert_eq!(render_template("", &[]), "");
    }

    #[test]
    fn render_message_puts_the_code_in_field_one() {
        assert_eq!(
            render_message(2503, &[]).unwrap(),
            "Called RunScript when not marked in progress."
        );
        assert_eq!(
            render_message(1303, &[r"C:\Program Files\X\"]).unwrap(),
            r"The Installer has insufficient privileges to access this directory: C:\Program Files\X\."
        );
        assert!(render_message(7, &[]).is_none());
        assert_eq!(fill_fields("Error [1].", "1722", &[]), "Error 1722.");
    }
}
