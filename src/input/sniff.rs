//! Decides what an input is from its first bytes, never from its name.
//!
//! EVTX starts with `ElfFile\0`, PML with `PML_`, zip with `PK\x03\x04`, MSI logs with a logging
//! banner or `MSI (x)` lines (in any of the text encodings), Procmon CSV with its header row.
//! It must not parse beyond the first few kilobytes.

use serde::Serialize;

use super::decode::decode;

/// The kind of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    Msilog,
    Evtx,
    ProcmonPml,
    ProcmonCsv,
    Zip,
    /// A WiX Burn bundle log (read by `src/sources/burn/`).
    BurnLog,
    Empty,
    Unknown,
}

impl InputKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            InputKind::Msilog => "msilog",
            InputKind::Evtx => "evtx",
            InputKind::ProcmonPml => "procmon-pml",
            InputKind::ProcmonCsv => "procmon-csv",
            InputKind::Zip => "zip",
            InputKind::BurnLog => "burn-log",
            InputKind::Empty => "empty",
            InputKind::Unknown => "unknown",
        }
    }
}

const SNIFF_BYTES: usize = 64 * 1024;

/// Classifies `head` (the first bytes of a file; more is fine, only 64 KiB are looked at).
pub fn sniff(head: &[u8]) -> InputKind {
    if head.is_empty() {
        return InputKind::Empty;
    }
    if head.starts_with(b"ElfFile\0") {
        return InputKind::Evtx;
    }
    if head.starts_with(b"PML_") {
        return InputKind::ProcmonPml;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return InputKind::Zip;
    }
    let sample = &head[..head.len().min(SNIFF_BYTES)];
    let text = decode(sample).text;
    if text.contains('\0') && !text.contains("MSI (") {
        return InputKind::Unknown;
    }
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.starts_with("=== Verbose logging started:")
        || first.starts_with("=== Logging started:")
    {
        return InputKind::Msilog;
    }
    if is_procmon_header(first) {
        return InputKind::ProcmonCsv;
    }
    if first.starts_with('[') && first.contains("]i001: Burn") {
        return InputKind::BurnLog;
    }
    let msi_lines = text
        .lines()
        .take(200)
        .filter(|l| {
            l.starts_with("MSI (")
                || l.starts_with("Action start ")
                || l.starts_with("Action ended ")
        })
        .count();
    if msi_lines >= 2 || text.contains("=== Verbose logging started:") {
        return InputKind::Msilog;
    }
    InputKind::Unknown
}

fn is_procmon_header(line: &str) -> bool {
    let l = line.trim_start_matches('\u{feff}');
    let has =
        |name: &str| l.contains(&format!("\"{name}\"")) || l.split(',').any(|c| c.trim() == name);
    (has("Operation") || has("Process Name"))
        && (has("Path") || has("Result"))
        && (has("Time of Day") || has("Date & Time") || has("PID"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic_and_text() {
        assert_eq!(sniff(b"ElfFile\0rest"), InputKind::Evtx);
        assert_eq!(sniff(b"PML_\x09\0\0\0"), InputKind::ProcmonPml);
        assert_eq!(sniff(b""), InputKind::Empty);
        assert_eq!(
            sniff(b"=== Verbose logging started: 1/2/2020  1:02:03 ===\r\n"),
            InputKind::Msilog
        );
        assert_eq!(
            sniff(b"\xef\xbb\xbf\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n"),
            InputKind::ProcmonCsv
        );
        assert_eq!(sniff(b"\x00\x01\x02\x03binary"), InputKind::Unknown);
        assert_eq!(
            sniff(b"MSI (c) (1C:B8) [08:32:14:065]: x\nMSI (c) (1C:B8) [08:32:14:065]: y\n"),
            InputKind::Msilog
        );
        assert_eq!(
            sniff(b"[0F2C:1E14][2022-01-31T21:24:31]i001: Burn v3.11.2.4516\n"),
            InputKind::BurnLog
        );
    }
}
