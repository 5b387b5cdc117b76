//! The one list of Windows Installer notes that are benign, and the one list of Process Monitor
//! results that mean "denied", read from the built-in rule file `src/kb/rules/signals.toml`
//! (its `[signals]` table, documented in `docs/rules.md`) once, on first use. Read by the MSI
//! log reader (which does not keep routine notes), the Procmon filter (which keeps denied
//! results) and the rules (which never cite a benign note as evidence of a failure by itself,
//! and look for denied accesses).
//!
//! It must not hold anything but these lists and their lookups, and must not hard-code a list
//! the rule file holds.

use std::sync::OnceLock;

use serde::Deserialize;

/// The `[signals]` table of a built-in rule file.
/// Unknown keys are reported by the rule loader (`src/diagnose/data/load.rs`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Signals {
    /// Notes never evidence of a failure by themselves, which the MSI log reader keeps.
    #[serde(default)]
    pub benign_notes: Vec<u32>,
    /// Benign notes the MSI log reader counts and does not keep.
    #[serde(default)]
    pub routine_notes: Vec<u32>,
    /// Process Monitor's names for a failed access.
    #[serde(default)]
    pub denied_results: Vec<String>,
}

#[derive(Deserialize)]
struct SignalsFile {
    signals: Signals,
}

/// The embedded signal lists (empty lists if the embedded file were broken; a unit test
/// reads it, so a broken file never ships).
pub fn signals() -> &'static Signals {
    static SIGNALS: OnceLock<Signals> = OnceLock::new();
    SIGNALS.get_or_init(|| {
        toml::from_str::<SignalsFile>(super::rule_files::SIGNALS)
            .map(|f| f.signals)
            .unwrap_or_default()
    })
}

/// True for a note that is never evidence of a failure by itself.
pub fn is_benign_note(code: u32) -> bool {
    let s = signals();
    s.benign_notes.contains(&code) || s.routine_notes.contains(&code)
}

/// True for a routine note, which the MSI log reader does not keep.
pub fn is_routine_note(code: u32) -> bool {
    signals().routine_notes.contains(&code)
}

/// True when a Procmon result (any case, surrounding spaces ignored) is a denied access.
pub fn is_denied_result(result: &str) -> bool {
    is_denied_result_bytes(result.trim().as_bytes())
}

/// [`is_denied_result`] on the raw bytes of a field.
pub fn is_denied_result_bytes(result: &[u8]) -> bool {
    signals()
        .denied_results
        .iter()
        .any(|d| d.as_bytes().eq_ignore_ascii_case(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_lists_parse_and_routine_notes_are_benign() {
        let file: SignalsFile = toml::from_str(super::super::rule_files::SIGNALS).unwrap();
        assert!(!file.signals.routine_notes.is_empty());
        assert!(is_routine_note(2205) && is_benign_note(2205));
        assert!(is_benign_note(1708) && !is_routine_note(1708));
        assert!(!is_benign_note(2203));
        assert!(is_denied_result(" access denied "));
        assert!(is_denied_result("PRIVILEGE NOT HELD"));
        assert!(!is_denied_result("SHARING VIOLATION"));
    }
}
