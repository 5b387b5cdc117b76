//! `msidiag explain <CODE>`: turns one number into every meaning it can have, each in its
//! own section that says in which context that meaning applies, with common causes and fixes.
//!
//! Accepted input: decimal (`1603`, `2503`, `11708`), negative decimal HRESULT
//! (`-2147287035`), and hex with `0x` (`0x80070643`). A bare number is always decimal.
//! Decimal values of 0x80000000 and above are read as HRESULTs too.
//!
//! It must not: panic on any input, print colours or terminal codes, or pick one meaning
//! when a number is ambiguous — it lists them all (exit code 1603 *and* message 1603).

use super::advice::{self, Advice};
use super::families;
use super::hresult::{self, Hresult};
use super::tables::{self, ExitCode, MsiMessage};
use serde::Serialize;

/// Section table name for Windows Installer Error-table messages ([`Section::table`]).
pub const TABLE_MESSAGE: &str = "Windows Installer error message";
/// Section table name for msiexec exit codes.
pub const TABLE_EXIT_CODE: &str = "msiexec exit code";
/// Section table name for HRESULT values.
pub const TABLE_HRESULT: &str = "HRESULT";
/// Section table name for NTSTATUS values.
pub const TABLE_NTSTATUS: &str = "NTSTATUS";
/// Section table name for Win32 error codes.
pub const TABLE_WIN32: &str = "Win32 error";
/// Section table name for MsiInstaller event IDs.
pub const TABLE_EVENT: &str = "MsiInstaller event ID";
/// Section table name for a package's own message numbers (its Error table, 25000–30000).
pub const TABLE_PACKAGE: &str = "package-defined error message";

/// Event IDs of message-table errors are the message number plus this offset.
pub const EVENT_ID_OFFSET: u32 = 10_000;

const CONTEXT_EXIT_CODE: &str = "As a process exit code or API result: msiexec's exit code, \"MainEngineThread is returning N\", \"Installation success or error status: N\" (MsiInstaller events 1033/1034), a deployment tool's reported result.";
const CONTEXT_MESSAGE: &str = "As a message number in a log: \"Error N.\", \"Info N.\", \"Warning N.\", \"Note: 1: N …\", \"DEBUG: Error N:\", or as MsiInstaller event ID 10000+N in the Application log.";
const CONTEXT_WIN32: &str = "As a Win32 system error: \"System error N\", \"GetLastError: N\", \"returned actual error code N\", SCM events 7000/7023, or the low 16 bits of an HRESULT with facility 7.";
const CONTEXT_HRESULT: &str = "As an HRESULT: usually a negative decimal in \"Note: 1: 2203 2: <path> 3: -2147287035\", or hex (0x8…) in custom-action output and messages such as 1904/1935.";
const CONTEXT_NTSTATUS: &str = "As an NTSTATUS: a Process Monitor Result, a process exit status, or an exception code (Application Error event 1000).";
const CONTEXT_EVENT: &str = "As an event ID from source MsiInstaller in the Application event log.";

/// Everything known about one input code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The input as given (trimmed).
    pub input: String,
    /// One section per meaning, most likely first.
    pub sections: Vec<Section>,
}

/// One meaning of the code, from one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Which table: "Windows Installer error message", "msiexec exit code", "HRESULT",
    /// "NTSTATUS", "Win32 error" or "MsiInstaller event ID".
    pub table: &'static str,
    /// The code as shown for this table: `1603`, `0x80070643`, `11708`.
    pub code: String,
    /// The symbol, e.g. `ERROR_INSTALL_FAILURE`, when the table has one.
    pub symbol: Option<String>,
    /// The meaning (for messages: the template with `[n]` placeholders).
    pub text: String,
    /// Microsoft's remarks or our notes on reading the value.
    pub remarks: Option<String>,
    /// Common causes, most frequent first (may be empty).
    pub causes: Vec<String>,
    /// Concrete fixes; `<placeholders>` are marked as templates (may be empty).
    pub fixes: Vec<String>,
    /// Where a number with this meaning shows up, so the reader can pick the right section.
    pub context: String,
}

impl Section {
    fn new(table: &'static str, code: String, text: String, context: &str) -> Section {
        Section {
            table,
            code,
            symbol: None,
            text,
            remarks: None,
            causes: Vec::new(),
            fixes: Vec::new(),
            context: context.to_string(),
        }
    }

    fn with_advice(mut self, advice: Option<&Advice>) -> Section {
        if let Some(advice) = advice {
            self.causes = advice.causes.iter().map(|c| c.to_string()).collect();
            self.fixes = advice.fixes.iter().map(|f| f.to_string()).collect();
        }
        self
    }

    /// The failure family msidiag reports the message as: named in the remarks, and its causes
    /// and fixes used when no hand-written advice exists.
    fn with_family(mut self, family: Option<&families::Family>) -> Section {
        let Some(f) = family else {
            return self;
        };
        let note = format!(
            "msidiag reports it as the finding `{}`: {}",
            f.id, f.meaning
        );
        self.remarks = Some(match self.remarks.take() {
            Some(r) => format!("{r} {note}"),
            None => note,
        });
        if self.causes.is_empty() {
            self.causes = f.causes.iter().map(|c| c.to_string()).collect();
        }
        if self.fixes.is_empty() {
            self.fixes = f
                .fixes
                .iter()
                .map(|x| {
                    let description =
                        format!("{}{}", families::fill(x.description, &[]), x.condition());
                    match x.command {
                        Some(c) => format!("{description}: {}", families::fill(c, &[])),
                        None => description,
                    }
                })
                .collect();
        }
        self
    }

    fn with_remarks(mut self, remarks: &str) -> Section {
        if !remarks.trim().is_empty() {
            self.remarks = Some(remarks.trim().to_string());
        }
        self
    }
}

/// Explains a code typed by the user. `Err` for input that is not a code, or a number no
/// table knows; the message says why.
pub fn explain(input: &str) -> Result<Explanation, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err(usage_error("no code given"));
    }
    let parsed = bare_hresult(input)
        .or_else(|| hresult::parse_code(input))
        .ok_or_else(|| usage_error(&format!("'{}' is not a 32-bit code", shorten(input))))?;
    let bits = hresult::code_bits(parsed)
        .ok_or_else(|| usage_error(&format!("'{}' does not fit in 32 bits", shorten(input))))?;
    let sections = if parsed < 0 || bits >= 0x8000_0000 {
        hresult_sections(bits)
    } else {
        number_sections(bits)
    };
    if sections.is_empty() {
        return Err(format!(
            "{input}: no Windows Installer message, msiexec exit code, MsiInstaller event ID or known Win32 error has this number"
        ));
    }
    Ok(Explanation {
        input: input.to_string(),
        sections,
    })
}

/// An HRESULT written without `0x`, as custom actions and WMI print them (`80041033`,
/// `8007064a`): eight hex digits starting with 8 or C (a failure), or holding a letter. No
/// decimal number msidiag explains has eight digits starting with 8 or 9.
fn bare_hresult(input: &str) -> Option<i64> {
    let hex = input;
    let looks_hex = hex.len() == 8
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && (matches!(hex.as_bytes()[0], b'8' | b'C' | b'c')
            || hex.bytes().any(|b| b.is_ascii_alphabetic()));
    looks_hex
        .then(|| u32::from_str_radix(hex, 16).ok().map(i64::from))
        .flatten()
}

fn usage_error(problem: &str) -> String {
    format!(
        "{problem}: give a decimal number (1603, 2503, 11708), a negative decimal HRESULT (-2147287035) or hex with 0x (0x80070643)"
    )
}

/// Keeps error messages short when the input is huge.
fn shorten(input: &str) -> String {
    const MAX_CHARS: usize = 40;
    if input.chars().count() <= MAX_CHARS {
        input.to_string()
    } else {
        let head: String = input.chars().take(MAX_CHARS).collect();
        format!("{head}…")
    }
}

/// Meanings of a plain (non-HRESULT) number: exit code, message(s), event ID, Win32 error.
fn number_sections(code: u32) -> Vec<Section> {
    let mut sections = Vec::new();
    let exit = tables::exit_code(code);
    let messages = tables::msi_messages(code);
    if let Some(exit) = exit {
        let mut section = exit_code_section(exit);
        if !messages.is_empty() {
            section.remarks = Some(format!(
                "Message {code} of the Windows Installer error table means something else; see that section."
            ));
        }
        sections.push(section);
    }
    sections.extend(messages.iter().map(message_section));
    sections.extend(event_sections(code));
    if exit.is_none() {
        sections.extend(win32_section(code));
    }
    if sections.is_empty() && (25000..=30000).contains(&code) {
        sections.push(Section::new(
            TABLE_PACKAGE,
            code.to_string(),
            format!("Message {code} is not one of Windows Installer's own: the number comes from the package's Error table (custom actions use 25000–30000 for their own messages), so only the text the log prints with it (\"Error {code}. …\") and the package's vendor say what it means."),
            CONTEXT_MESSAGE,
        ).with_remarks("Cite the whole \"Error N. …\" line from the log when asking the vendor; msidiag cannot know a package's own messages."));
    }
    sections
}

/// Meanings of an HRESULT/NTSTATUS value, plus the wrapped Win32 / exit code for facility 7.
fn hresult_sections(value: u32) -> Vec<Section> {
    let decoded = hresult::hresult(value);
    let mut sections = vec![status_section(&decoded)];
    if let Some(win32_code) = decoded.win32.filter(|_| decoded.is_failure) {
        sections
            .push(win32_section(win32_code).unwrap_or_else(|| unknown_win32_section(win32_code)));
        if let Some(exit) = tables::exit_code(win32_code) {
            sections.push(exit_code_section(exit));
        }
    }
    sections
}

fn exit_code_section(exit: &ExitCode) -> Section {
    let mut section = Section::new(
        TABLE_EXIT_CODE,
        exit.code.to_string(),
        exit.description.to_string(),
        CONTEXT_EXIT_CODE,
    )
    .with_advice(advice::exit_code_advice(exit.code));
    section.symbol = Some(exit.symbol.to_string());
    section
}

fn message_section(message: &MsiMessage) -> Section {
    Section::new(
        TABLE_MESSAGE,
        message.code.to_string(),
        message.template.to_string(),
        CONTEXT_MESSAGE,
    )
    .with_remarks(message.remarks)
    .with_advice(advice::message_advice(message.code))
    .with_family(families::family_of_message(message.code))
}

/// Event ID sections: 10000 + message number, or one of the fixed MsiInstaller IDs.
/// A 10000+N event also gets the section of message N itself.
fn event_sections(event_id: u32) -> Vec<Section> {
    if let Some(section) = fixed_event_section(event_id) {
        return vec![section];
    }
    let Some(message_code) = event_id.checked_sub(EVENT_ID_OFFSET) else {
        return Vec::new();
    };
    let messages = tables::msi_messages(message_code);
    let Some(first) = messages.first() else {
        return Vec::new();
    };
    let text = format!(
        "Event ID {event_id} = {EVENT_ID_OFFSET} + Windows Installer message {message_code}: {}",
        first.template
    );
    let event = Section::new(TABLE_EVENT, event_id.to_string(), text, CONTEXT_EVENT)
        .with_remarks(&format!(
            "The event's text is usually \"Product: <name> -- <message text>\"; causes and fixes are under message {message_code}."
        ));
    let mut sections = vec![event];
    sections.extend(messages.iter().map(message_section));
    sections
}

fn fixed_event_section(event_id: u32) -> Option<Section> {
    let &(_, text, remarks) = MSI_EVENTS.iter().find(|(id, _, _)| *id == event_id)?;
    Some(
        Section::new(
            TABLE_EVENT,
            event_id.to_string(),
            text.to_string(),
            CONTEXT_EVENT,
        )
        .with_remarks(remarks),
    )
}

fn win32_section(code: u32) -> Option<Section> {
    let (symbol, text) = hresult::win32_error(code)?;
    let mut section = Section::new(
        TABLE_WIN32,
        code.to_string(),
        text.to_string(),
        CONTEXT_WIN32,
    )
    .with_advice(advice::win32_advice(code));
    section.symbol = Some(symbol.to_string());
    Some(section)
}

fn unknown_win32_section(code: u32) -> Section {
    Section::new(
        TABLE_WIN32,
        code.to_string(),
        format!("Win32 error {code} is not in msidiag's table; on Windows, \"net helpmsg {code}\" prints its text."),
        CONTEXT_WIN32,
    )
}

fn status_section(decoded: &Hresult) -> Section {
    let (table, context) = if decoded.is_ntstatus {
        (TABLE_NTSTATUS, CONTEXT_NTSTATUS)
    } else {
        (TABLE_HRESULT, CONTEXT_HRESULT)
    };
    let mut section = Section::new(table, decoded.hex(), decoded.text.clone(), context)
        .with_remarks(&layout_remark(decoded))
        .with_advice(advice::hresult_advice(decoded.value));
    section.symbol = decoded.name.map(str::to_string);
    section
}

/// "signed decimal -2147287035; failure; facility 3 (STORAGE); code 0x0005".
fn layout_remark(decoded: &Hresult) -> String {
    let severity = if decoded.is_failure {
        "failure"
    } else {
        "success"
    };
    let facility = decoded.facility_name.unwrap_or("unknown");
    format!(
        "Signed decimal {} (as MSI logs print it); {severity}; facility {} ({facility}); code 0x{:04X} ({}).",
        decoded.signed(),
        decoded.facility,
        decoded.code,
        decoded.code
    )
}

/// MsiInstaller event IDs that are not 10000 + a message number (event ID, meaning, note).
const MSI_EVENTS: &[(u32, &str, &str)] = &[
    (1001, "Detection of a product/feature/component failed; Windows Installer starts a repair (resiliency).", "Warning; data: product code, feature, component."),
    (1004, "Detection of a product/feature/component failed because a resource does not exist.", "Data 4 is the missing file or registry path."),
    (1005, "The install operation initiated a reboot.", ""),
    (1024, "An update (patch, .msp) could not be installed; the event carries the error code.", "Patch failures only, not plain .msi installs."),
    (1025, "A file the installer must update is in use by another process (name and process id in the event).", "Files-in-use notice; often ends in a restart (3010)."),
    (1026, "The Windows Installer configuration key was not secured properly and will be recreated.", "Points at tampered ACLs on the installer's registry data."),
    (1027, "A Windows Installer configuration subkey was not secured properly and will be recreated.", "Points at tampered ACLs on the installer's registry data."),
    (1028, "The Windows Installer cache folder was not secured properly and will be recreated.", "Points at a tampered ACL on C:\\Windows\\Installer."),
    (1029, "The product needs a restart.", ""),
    (1033, "Windows Installer installed the product; the event carries the installation success or error status.", "Data 4 is the status: an msiexec exit code (0, 1602, 1603, 3010 …)."),
    (1034, "Windows Installer removed the product; the event carries the removal success or error status.", "Data 4 is the status: an msiexec exit code."),
    (1035, "Windows Installer reconfigured the product; the event carries the success or error status.", "Data 4 is the status: an msiexec exit code."),
    (1036, "An update (patch) was installed; the event carries its status.", ""),
    (1037, "An update (patch) was removed; the event carries its status.", ""),
    (1038, "A reboot is required; the event gives the reboot type and reason (1 = files in use, 2 = ScheduleReboot, 3 = ForceReboot, 4 = custom action).", ""),
    (1040, "Beginning a Windows Installer transaction (package or product code, client process id).", "The only place that records the full client process id."),
    (1042, "Ending a Windows Installer transaction (package or product code, client process id).", "A 1040 without a matching 1042 means a transaction that never ended."),
    (1044, "The package was rejected by the Windows Lockdown Policy because it is not Microsoft signed.", ""),
];

impl Explanation {
    /// Plain-text rendering for a terminal or a ticket (no colours).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("Code {}\n", self.input));
        if self.sections.len() > 1 {
            out.push_str(&format!(
                "{} meanings: pick the one that matches where you saw the number.\n",
                self.sections.len()
            ));
        }
        for (index, section) in self.sections.iter().enumerate() {
            out.push('\n');
            out.push_str(&section_text(index + 1, section));
        }
        out
    }
}

const INDENT: &str = "    ";
const WRAP_WIDTH: usize = 100;

fn section_text(number: usize, section: &Section) -> String {
    let mut out = format!("[{number}] {} {}", section.table, section.code);
    if let Some(symbol) = &section.symbol {
        out.push_str(&format!("  {symbol}"));
    }
    out.push('\n');
    push_field(&mut out, "Meaning", &section.text);
    push_field(&mut out, "Applies", &section.context);
    if let Some(remarks) = &section.remarks {
        push_field(&mut out, "Remarks", remarks);
    }
    push_list(&mut out, "Common causes", &section.causes);
    push_commands(&mut out, "Fixes", &section.fixes);
    out
}

fn push_field(out: &mut String, label: &str, value: &str) {
    let first_prefix = format!("{INDENT}{label}: ");
    let rest_prefix = " ".repeat(first_prefix.chars().count());
    out.push_str(&wrap(value, &first_prefix, &rest_prefix));
}

fn push_list(out: &mut String, label: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("{INDENT}{label}:\n"));
    let first_prefix = format!("{INDENT}  - ");
    let rest_prefix = format!("{INDENT}    ");
    for item in items {
        out.push_str(&wrap(item, &first_prefix, &rest_prefix));
    }
}

/// Fixes are printed one per line, never wrapped, so their commands copy and paste whole.
fn push_commands(out: &mut String, label: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("{INDENT}{label}:\n"));
    for item in items {
        out.push_str(&format!("{INDENT}  - {}\n", item.trim()));
    }
}

/// Word-wraps `text` at [`WRAP_WIDTH`] columns; words longer than a line stay whole.
fn wrap(text: &str, first_prefix: &str, rest_prefix: &str) -> String {
    let mut out = String::new();
    let mut line = first_prefix.to_string();
    let mut line_has_word = false;
    for word in text.split_whitespace() {
        let fits = line.chars().count() + 1 + word.chars().count() <= WRAP_WIDTH;
        if line_has_word && !fits {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest_prefix.to_string();
            line_has_word = false;
        }
        if line_has_word {
            line.push(' ');
        }
        line.push_str(word);
        line_has_word = true;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables_of(explanation: &Explanation) -> Vec<&'static str> {
        explanation.sections.iter().map(|s| s.table).collect()
    }

    #[test]
    fn hresults_of_every_common_facility_with_or_without_0x() {
        for (input, symbol) in [
            ("80041033", "WBEM_E_SHUTTING_DOWN"),
            ("0x80041033", "WBEM_E_SHUTTING_DOWN"),
            ("0x80131040", "FUSION_E_REF_DEF_MISMATCH"),
            ("800f081f", "CBS_E_SOURCE_MISSING"),
            ("0x80010105", "RPC_E_SERVERFAULT"),
            ("0x800401F3", "CO_E_CLASSSTRING"),
            ("80070643", "ERROR_INSTALL_FAILURE"),
        ] {
            let e = explain(input).unwrap_or_else(|m| panic!("{input}: {m}"));
            assert_eq!(
                e.sections[0].symbol.as_deref(),
                Some(symbol),
                "{input}: {:?}",
                e.sections[0]
            );
        }
        // Eight decimal digits that cannot be a failure HRESULT stay decimal.
        assert!(explain("12345678").is_err());
    }

    #[test]
    fn a_package_message_number_says_where_it_comes_from() {
        let e = explain("25140").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_PACKAGE]);
        assert!(e.sections[0].text.contains("package's Error table"));
        assert!(explain("31000").is_err());
    }

    #[test]
    fn explains_2503() {
        let e = explain("2503").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_MESSAGE]);
        let s = &e.sections[0];
        assert_eq!(s.code, "2503");
        assert_eq!(s.text, "Called RunScript when not marked in progress.");
        assert!(s.causes[0].contains("not elevated"));
        assert!(s.fixes.iter().any(|f| f.contains("/l*v")));
    }

    #[test]
    fn code_1603_gives_exit_code_and_message_meanings() {
        let e = explain("1603").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_EXIT_CODE, TABLE_MESSAGE]);
        let exit = &e.sections[0];
        assert_eq!(exit.symbol.as_deref(), Some("ERROR_INSTALL_FAILURE"));
        assert!(exit.text.contains("fatal error"));
        assert!(exit.context.contains("MainEngineThread is returning"));
        assert!(exit.context.contains("1033"));
        let message = &e.sections[1];
        assert!(message.text.contains("is being held in use"));
        assert!(message.context.contains("Info N."));
        assert!(message.context.contains("Note: 1: N"));
        assert!(message.context.contains("10000+N"));
        assert!(message.causes[0].contains("not the fatal exit code"));
    }

    #[test]
    fn negative_decimal_is_an_hresult() {
        let e = explain("-2147287035").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_HRESULT]);
        let s = &e.sections[0];
        assert_eq!(s.code, "0x80030005");
        assert_eq!(s.symbol.as_deref(), Some("STG_E_ACCESSDENIED"));
        assert!(s.remarks.as_deref().unwrap().contains("-2147287035"));
        assert!(s.causes[0].contains("inprogressinstallinfo.ipi"));
    }

    #[test]
    fn hex_win32_hresult_unwraps_to_install_failure() {
        let e = explain("0x80070643").unwrap();
        assert_eq!(
            tables_of(&e),
            vec![TABLE_HRESULT, TABLE_WIN32, TABLE_EXIT_CODE]
        );
        assert_eq!(
            e.sections[0].symbol.as_deref(),
            Some("ERROR_INSTALL_FAILURE")
        );
        assert_eq!(e.sections[1].code, "1603");
        assert_eq!(
            e.sections[1].symbol.as_deref(),
            Some("ERROR_INSTALL_FAILURE")
        );
        assert_eq!(
            e.sections[2].symbol.as_deref(),
            Some("ERROR_INSTALL_FAILURE")
        );
        assert!(!e.sections[2].fixes.is_empty());
    }

    #[test]
    fn unsigned_decimal_hresult_is_accepted() {
        let e = explain("2147944003").unwrap(); // 0x80070643
        assert_eq!(e.sections[0].code, "0x80070643");
    }

    #[test]
    fn e_accessdenied_shows_win32_5_without_exit_code() {
        let e = explain("0x80070005").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_HRESULT, TABLE_WIN32]);
        assert_eq!(e.sections[0].symbol.as_deref(), Some("E_ACCESSDENIED"));
        assert_eq!(e.sections[1].symbol.as_deref(), Some("ERROR_ACCESS_DENIED"));
    }

    #[test]
    fn unknown_wrapped_win32_still_gets_a_section() {
        let e = explain("0x80077777").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_HRESULT, TABLE_WIN32]);
        assert!(e.sections[1].text.contains("net helpmsg 30583"));
    }

    #[test]
    fn ntstatus_values_get_an_ntstatus_section() {
        let e = explain("0xC0000022").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_NTSTATUS]);
        assert_eq!(
            e.sections[0].symbol.as_deref(),
            Some("STATUS_ACCESS_DENIED")
        );
    }

    #[test]
    fn event_id_11708_maps_to_message_1708() {
        let e = explain("11708").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_EVENT, TABLE_MESSAGE]);
        assert!(e.sections[0]
            .text
            .contains("10000 + Windows Installer message 1708"));
        assert!(e.sections[0]
            .text
            .contains("Installation operation failed."));
        assert_eq!(e.sections[1].code, "1708");
    }

    #[test]
    fn fixed_event_ids_are_explained() {
        let e = explain("1033").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_EVENT]);
        assert!(e.sections[0].remarks.as_deref().unwrap().contains("status"));
    }

    #[test]
    fn plain_win32_codes_are_explained() {
        let e = explain("1058").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_WIN32]);
        assert_eq!(
            e.sections[0].symbol.as_deref(),
            Some("ERROR_SERVICE_DISABLED")
        );
        let five = explain("5").unwrap();
        assert_eq!(
            five.sections[0].symbol.as_deref(),
            Some("ERROR_ACCESS_DENIED")
        );
    }

    #[test]
    fn small_hex_is_read_as_the_number() {
        let e = explain("0x643").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_EXIT_CODE, TABLE_MESSAGE]);
    }

    #[test]
    fn exit_code_zero_and_3010() {
        assert_eq!(
            explain("0").unwrap().sections[0].symbol.as_deref(),
            Some("ERROR_SUCCESS")
        );
        let reboot = explain("3010").unwrap();
        assert_eq!(tables_of(&reboot), vec![TABLE_EXIT_CODE]);
    }

    #[test]
    fn duplicate_message_1935_lists_both_variants() {
        let e = explain("1935").unwrap();
        assert_eq!(tables_of(&e), vec![TABLE_MESSAGE, TABLE_MESSAGE]);
    }

    #[test]
    fn garbage_input_is_an_error_not_a_panic() {
        for bad in [
            "",
            "   ",
            "abc",
            "99999999999999999999",
            "-99999999999999999999",
            "0x",
            "0xZZ",
            "80030005h",
            "1603abc",
            "🙂",
            "-",
            "+1603",
            "1 603",
            "\0",
            "54321",
            "4294967296",
            "0x1FFFFFFFF",
        ] {
            assert!(explain(bad).is_err(), "{bad:?} should be an error");
        }
        let long = "9".repeat(10_000);
        let message = explain(&long).unwrap_err();
        assert!(message.len() < 400);
    }

    #[test]
    fn every_32_bit_boundary_value_is_handled() {
        for value in [
            0u32,
            1,
            0x7FFF_FFFF,
            0x8000_0000,
            0xFFFF_FFFF,
            0xC000_0000,
            0x8007_FFFF,
        ] {
            let _ = explain(&format!("0x{value:X}"));
            let _ = explain(&value.to_string());
            let _ = explain(&(value as i32).to_string());
        }
    }

    #[test]
    fn a_message_names_its_failure_family_and_borrows_its_advice() {
        let e = explain("1714").unwrap();
        let s = e
            .sections
            .iter()
            .find(|s| s.table == TABLE_MESSAGE)
            .expect("message 1714");
        assert!(s
            .remarks
            .as_deref()
            .unwrap()
            .contains("`old-version-not-removed`"));
        assert!(!s.causes.is_empty() && !s.fixes.is_empty());
        assert!(s.fixes.iter().any(|f| f.contains("<old product code>")));
        // A message with no family keeps its own sections untouched.
        let plain = explain("1324").unwrap();
        assert!(plain.sections.iter().all(|s| s.remarks.is_none()));
    }

    #[test]
    fn to_text_shows_every_section_readably() {
        let text = explain("1603").unwrap().to_text();
        assert!(text.starts_with("Code 1603\n2 meanings"));
        assert!(text.contains("[1] msiexec exit code 1603  ERROR_INSTALL_FAILURE"));
        assert!(text.contains("[2] Windows Installer error message 1603"));
        assert!(text.contains("Common causes:"));
        assert!(text.contains("Fixes:"));
        assert!(!text.contains('\u{1b}'), "no terminal escape codes");
        let fixes_start = text.find("    Fixes:").unwrap();
        let prose = &text[..fixes_start];
        assert!(prose.lines().all(|line| line.chars().count() <= WRAP_WIDTH));
        let command = r#"msiexec /i "<package.msi>" /l*v "%TEMP%\install.log""#;
        assert!(
            text.lines().any(|line| line.ends_with(command)),
            "fix commands are printed whole on one line"
        );
    }

    #[test]
    fn remarks_only_point_to_sections_that_exist() {
        let hex = explain("0x80070643").unwrap();
        assert!(hex.sections[2].remarks.is_none());
        let decimal = explain("1603").unwrap();
        assert!(decimal.sections[0]
            .remarks
            .as_deref()
            .unwrap()
            .contains("means something else"));
        let event = explain("11708").unwrap();
        assert!(event.sections[0].causes.is_empty());
        assert!(!event.sections[1].causes.is_empty());
    }

    #[test]
    fn wrap_keeps_long_words_and_indents_continuations() {
        let wrapped = wrap(&format!("short {} end", "x".repeat(120)), "  - ", "    ");
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(lines[0], "  - short");
        assert!(lines[1].starts_with("    xxx"));
        assert_eq!(lines[2], "    end");
        assert_eq!(wrap("", "a: ", "   "), "a:\n");
    }

    #[test]
    fn explanation_serializes() {
        fn assert_serialize<T: Serialize>(_: &T) {}
        let e = explain("2503").unwrap();
        assert_serialize(&e);
        assert_serialize(&e.sections[0]);
    }
}
