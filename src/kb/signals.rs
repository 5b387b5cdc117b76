//! The one list of Windows Installer notes that are benign, and the one list of Process Monitor
//! results that mean "denied": read by the MSI log reader (which does not keep routine notes),
//! the Procmon filter (which keeps denied results) and the rules (which never cite a benign
//! note as evidence of a failure by itself, and look for denied accesses).
//!
//! It must not hold anything but these lists and their lookups.

/// A note (`Note: 1: N …`, `DEBUG: Error N`) healthy logs are full of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenignNote {
    pub code: u32,
    /// Routine: about something the package simply does not have (a table, a stream, a
    /// Directory entry, a dialog control) or a font it created; the MSI log reader counts these
    /// lines and does not keep them (a fifth of the events of a typical verbose log).
    pub routine: bool,
}

const fn kept(code: u32) -> BenignNote {
    BenignNote {
        code,
        routine: false,
    }
}

const fn routine(code: u32) -> BenignNote {
    BenignNote {
        code,
        routine: true,
    }
}

/// Every benign note, kept or routine.
pub const BENIGN_NOTES: &[BenignNote] = &[
    kept(1402),
    kept(1707),
    kept(1708),
    routine(2205),
    routine(2228),
    routine(2262),
    kept(2318),
    routine(2727),
    routine(2835),
    routine(2898),
];

/// True for a note that is never evidence of a failure by itself.
pub fn is_benign_note(code: u32) -> bool {
    BENIGN_NOTES.iter().any(|n| n.code == code)
}

/// True for a routine note, which the MSI log reader does not keep.
pub fn is_routine_note(code: u32) -> bool {
    BENIGN_NOTES.iter().any(|n| n.code == code && n.routine)
}

/// Process Monitor's names for a failed access.
pub const DENIED_RESULTS: &[&str] = &["ACCESS DENIED", "PRIVILEGE NOT HELD"];

/// True when a Procmon result (any case, surrounding spaces ignored) is a denied access.
pub fn is_denied_result(result: &str) -> bool {
    is_denied_result_bytes(result.trim().as_bytes())
}

/// [`is_denied_result`] on the raw bytes of a field.
pub fn is_denied_result_bytes(result: &[u8]) -> bool {
    DENIED_RESULTS
        .iter()
        .any(|d| d.as_bytes().eq_ignore_ascii_case(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routine_notes_are_benign_and_denied_results_ignore_case() {
        assert!(is_routine_note(2205) && is_benign_note(2205));
        assert!(is_benign_note(1708) && !is_routine_note(1708));
        assert!(!is_benign_note(2203));
        assert!(is_denied_result(" access denied "));
        assert!(is_denied_result("PRIVILEGE NOT HELD"));
        assert!(!is_denied_result("SHARING VIOLATION"));
    }
}
