//! Win32 system errors as Windows Installer messages carry them: plain (`System error 5`,
//! `GetLastError: 1612`), wrapped in an HRESULT (`0x80070005`) or as a structured-storage
//! status in a `Note` field (`-2147287035` = STG_E_ACCESSDENIED, whose low word is the Win32
//! code). [`win32_code`] brings all three to the Win32 number; [`describe`] names it from the
//! tables in `hresult` and `tables`.
//!
//! It must not: parse log lines (callers pass the number), guess a name for an unknown code,
//! or panic on any input.

use super::hresult;
use super::tables;

/// FACILITY_STORAGE: structured-storage (`STG_E_*`) HRESULTs.
const FACILITY_STORAGE: u32 = 3;

/// Storage statuses whose low word is the Win32 error they stand for (STG_E_FILENOTFOUND,
/// PATHNOTFOUND, ACCESSDENIED, SHAREVIOLATION, LOCKVIOLATION, MEDIUMFULL).
const STORAGE_AS_WIN32: &[u32] = &[2, 3, 5, 32, 33, 112];

/// The Win32 error a logged value stands for: small non-negative values as they are,
/// `0x8007xxxx` unwrapped, and the storage statuses whose low word is a Win32 code.
pub fn win32_code(value: i64) -> Option<u32> {
    let bits = hresult::code_bits(value)?;
    if bits < 0x1_0000 {
        return Some(bits);
    }
    let facility = (bits >> 16) & 0x1FFF;
    let low = bits & 0xFFFF;
    if bits & 0x8000_0000 == 0 {
        return None;
    }
    match facility {
        f if f == u32::from(hresult::FACILITY_WIN32) => Some(low),
        FACILITY_STORAGE if STORAGE_AS_WIN32.contains(&low) => Some(low),
        _ => None,
    }
}

/// `ERROR_ACCESS_DENIED: Access is denied.` for a Win32 code, when it is known (the Win32
/// tables first, then the Windows Installer exit codes, which are Win32 codes too).
pub fn describe(code: u32) -> Option<String> {
    if let Some((name, text)) = hresult::win32_error(code) {
        return Some(format!("{name}: {text}"));
    }
    tables::exit_code(code).map(|e| format!("{}: {}", e.symbol, e.description))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_gives_the_win32_code() {
        assert_eq!(win32_code(5), Some(5));
        assert_eq!(win32_code(-2147287035), Some(5));
        assert_eq!(win32_code(0x8007_0005), Some(5));
        assert_eq!(win32_code(0x8007_0430), Some(1072));
        assert_eq!(win32_code(-2147287008), Some(32));
        assert_eq!(win32_code(0x8013_1047), None);
        assert_eq!(win32_code(-2147483647), None);
        assert_eq!(win32_code(i64::MAX), None);
    }

    #[test]
    fn names_known_codes_only() {
        assert!(describe(5).unwrap().starts_with("ERROR_ACCESS_DENIED"));
        assert!(describe(1612)
            .unwrap()
            .starts_with("ERROR_INSTALL_SOURCE_ABSENT"));
        assert!(describe(1072).unwrap().contains("marked for deletion"));
        assert!(describe(54321).is_none());
        assert!(describe(1722)
            .unwrap()
            .starts_with("RPC_S_SERVER_UNAVAILABLE"));
    }
}
