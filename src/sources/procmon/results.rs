//! NTSTATUS values as Process Monitor names them in its `Result` column.
//!
//! PML captures store the raw status; CSV exports store Procmon's name for it (`ACCESS DENIED`),
//! or `0x%X` for statuses Procmon has no name for. This module only maps numbers to those
//! names; it must not decide which results matter (that is `filter.rs`).

/// `(status, name)` sorted by status, names as Procmon prints them.
const NAMES: &[(u32, &str)] = &[
    (0x0000_0000, "SUCCESS"),
    (0x0000_0103, ""), // STATUS_PENDING: Procmon leaves the result empty
    (0x0000_0104, "REPARSE"),
    (0x0000_0105, "MORE ENTRIES"),
    (0x0000_0108, "OPLOCK BREAK IN PROGRESS"),
    (0x0000_010B, "NOTIFY CLEANUP"),
    (0x0000_010C, "NOTIFY ENUM DIR"),
    (0x0000_012A, "FILE LOCKED WITH ONLY READERS"),
    (0x0000_012B, "FILE LOCKED WITH WRITERS"),
    (0x0000_0215, "OPLOCK SWITCHED TO NEW HANDLE"),
    (0x0000_0216, "OPLOCK HANDLE CLOSED"),
    (0x0000_0367, "WAIT FOR OPLOCK"),
    (0x4000_0016, "PREDEFINED HANDLE"),
    (0x8000_0002, "DATATYPE MISALIGNMENT"),
    (0x8000_0005, "BUFFER OVERFLOW"),
    (0x8000_0006, "NO MORE FILES"),
    (0x8000_0015, "INVALID EA FLAG"),
    (0x8000_001A, "NO MORE ENTRIES"),
    (0xC000_0001, "UNSUCCESSFUL"),
    (0xC000_0002, "NOT IMPLEMENTED"),
    (0xC000_0003, "INVALID INFO CLASS"),
    (0xC000_0004, "INFO LENGTH MISMATCH"),
    (0xC000_0005, "ACCESS VIOLATION"),
    (0xC000_0006, "IN PAGE ERROR"),
    (0xC000_0008, "INVALID HANDLE"),
    (0xC000_000D, "INVALID PARAMETER"),
    (0xC000_000E, "NO SUCH DEVICE"),
    (0xC000_000F, "NO SUCH FILE"),
    (0xC000_0010, "INVALID DEVICE REQUEST"),
    (0xC000_0011, "END OF FILE"),
    (0xC000_0012, "WRONG VOLUME"),
    (0xC000_0013, "NO MEDIA"),
    (0xC000_0015, "NONEXISTENT SECTOR"),
    (0xC000_0017, "NO MEMORY"),
    (0xC000_0021, "ALREADY COMMITED"),
    (0xC000_0022, "ACCESS DENIED"),
    (0xC000_0023, "BUFFER TOO SMALL"),
    (0xC000_0024, "OBJECT TYPE MISMATCH"),
    (0xC000_0032, "DISK CORRUPT"),
    (0xC000_0033, "NAME INVALID"),
    (0xC000_0034, "NAME NOT FOUND"),
    (0xC000_0035, "NAME COLLISION"),
    (0xC000_0039, "OBJECT PATH INVALID"),
    (0xC000_003A, "PATH NOT FOUND"),
    (0xC000_003B, "PATH SYNTAX BAD"),
    (0xC000_003C, "DATA OVERRUN"),
    (0xC000_003F, "CRC ERROR"),
    (0xC000_0043, "SHARING VIOLATION"),
    (0xC000_0044, "QUOTA EXCEEDED"),
    (0xC000_004F, "EAS NOT SUPPORTED"),
    (0xC000_0050, "EA TOO LARGE"),
    (0xC000_0051, "NONEXISTENT EA ENTRY"),
    (0xC000_0052, "NO EAS ON FILE"),
    (0xC000_0053, "EA CORRUPTED ERROR"),
    (0xC000_0054, "FILE LOCK CONFLICT"),
    (0xC000_0055, "NOT GRANTED"),
    (0xC000_0056, "DELETE PENDING"),
    (0xC000_0061, "PRIVILEGE NOT HELD"),
    (0xC000_006D, "LOGON FAILURE"),
    (0xC000_007E, "RANGE NOT LOCKED"),
    (0xC000_007F, "DISK FULL"),
    (0xC000_0098, "FILE INVALID"),
    (0xC000_009A, "INSUFFICIENT RESOURCES"),
    (0xC000_009C, "DEVICE DATA ERROR"),
    (0xC000_009D, "DEVICE NOT CONNECTED"),
    (0xC000_00A2, "MEDIA WRITE PROTECTED"),
    (0xC000_00A5, "BAD IMPERSONATION"),
    (0xC000_00AB, "INSTANCE NOT AVAILABLE"),
    (0xC000_00AC, "PIPE NOT AVAILABLE"),
    (0xC000_00AD, "INVALID PIPE STATE"),
    (0xC000_00AE, "PIPE BUSY"),
    (0xC000_00B0, "PIPE DISCONNECTED"),
    (0xC000_00B1, "PIPE CLOSING"),
    (0xC000_00B2, "PIPE CONNECTED"),
    (0xC000_00B3, "PIPE LISTENING"),
    (0xC000_00B4, "INVALID READ MODE"),
    (0xC000_00B5, "IO TIMEOUT"),
    (0xC000_00BA, "IS DIRECTORY"),
    (0xC000_00BB, "NOT SUPPORTED"),
    (0xC000_00BD, "DUPLICATE NAME"),
    (0xC000_00BE, "BAD NETWORK PATH"),
    (0xC000_00C1, "BAD NETWORK PATH"),
    (0xC000_00C3, "INVALID NETWORK RESPONSE"),
    (0xC000_00C4, "NETWORK ERROR"),
    (0xC000_00CC, "BAD NETWORK NAME"),
    (0xC000_00D4, "BAD NETWORK NAME"),
    (0xC000_00D8, "CANT WAIT"),
    (0xC000_00D9, "PIPE EMPTY"),
    (0xC000_00DB, "CSC OBJECT PATH NOT FOUND"),
    (0xC000_00E2, "OPLOCK NOT GRANTED"),
    (0xC000_00EF, "INVALID PARAMETER 1"),
    (0xC000_00F0, "INVALID PARAMETER 2"),
    (0xC000_00F1, "INVALID PARAMETER 3"),
    (0xC000_00F2, "INVALID PARAMETER 4"),
    (0xC000_00FB, "REDIRECTOR NOT STARTED"),
    (0xC000_0101, "NOT EMPTY"),
    (0xC000_0102, "FILE CORRUPT"),
    (0xC000_0103, "NOT A DIRECTORY"),
    (0xC000_0107, "FILES OPEN"),
    (0xC000_010D, "CANNOT IMPERSONATE"),
    (0xC000_0120, "CANCELLED"),
    (0xC000_0121, "CANNOT DELETE"),
    (0xC000_0123, "FILE DELETED"),
    (0xC000_0128, "FILE CLOSED"),
    (0xC000_012A, "THREAD NOT IN PROCESS"),
    (0xC000_0148, "INVALID LEVEL"),
    (0xC000_014B, "PIPE BROKEN"),
    (0xC000_014C, "REGISTRY CORRUPT"),
    (0xC000_014D, "IO FAILED"),
    (0xC000_017C, "KEY DELETED"),
    (0xC000_0181, "CHILD MUST BE VOLATILE"),
    (0xC000_0184, "INVALID DEVICE STATE"),
    (0xC000_0185, "IO DEVICE ERROR"),
    (0xC000_0188, "LOG FILE FULL"),
    (0xC000_019C, "FS DRIVER REQUIRED"),
    (0xC000_0205, "INSUFFICIENT SERVER RESOURCES"),
    (0xC000_0207, "INVALID ADDRESS COMPONENT"),
    (0xC000_020C, "DISCONNECTED"),
    (0xC000_0225, "NOT FOUND"),
    (0xC000_0243, "USER MAPPED FILE"),
    (0xC000_0248, "LOGIN WKSTA RESTRICTION"),
    (0xC000_0257, "PATH NOT COVERED"),
    (0xC000_026D, "DFS UNAVAILABLE"),
    (0xC000_0273, "NO MORE MATCHES"),
    (0xC000_0275, "NOT REPARSE POINT"),
    (0xC000_02EA, "CANNOT MAKE"),
    (0xC000_02F0, "OBJECTID NOT FOUND"),
    (0xC000_0388, "DOWNGRADE DETECTED"),
    (0xC000_0425, "HIVE UNLOADED"),
    (0xC000_0427, "FILE SYSTEM LIMITATION"),
    (0xC000_0463, "DEVICE FEATURE NOT SUPPORTED"),
    (0xC000_046D, "OBJECT NOT EXTERNALLY BACKED"),
    (0xC000_0909, "CANNOT BREAK OPLOCK"),
    (0xC000_A2A1, "OFFLOAD READ FLT NOT SUPPORTED"),
    (0xC000_A2A2, "OFFLOAD WRITE FLT NOT SUPPORTED"),
    (0xC000_A2A3, "OFFLOAD READ FILE NOT SUPPORTED"),
    (0xC000_A2A4, "OFFLOAD WRITE FILE NOT SUPPORTED"),
    (0xC019_0001, "TRANSACTIONAL CONFLICT"),
    (0xC019_0002, "INVALID TRANSACTION"),
    (0xC019_0003, "TRANSACTION NOT ACTIVE"),
    (0xC019_003E, "EFS NOT ALLOWED IN TRANSACTION"),
    (0xC019_003F, "TRANSACTIONAL OPEN NOT ALLOWED"),
    (0xC019_0040, "TRANSACTED MAPPING UNSUPPORTED REMOTE"),
    (0xC019_0044, "CANNOT EXECUTE FILE IN TRANSACTION"),
    (0xC019_0049, "SPARSE NOT ALLOWED IN TRANSACTION"),
    (0xC01C_0004, "FAST IO DISALLOWED"),
];

/// Procmon's name for an NTSTATUS, or `0x%X` when it has none (as Procmon prints it).
pub fn result_name(status: u32) -> String {
    match known_result_name(status) {
        Some(name) => name.to_string(),
        None => format!("0x{status:X}"),
    }
}

/// Procmon's name for an NTSTATUS when the table knows it.
pub fn known_result_name(status: u32) -> Option<&'static str> {
    NAMES
        .binary_search_by_key(&status, |&(code, _)| code)
        .ok()
        .map(|i| NAMES[i].1)
}

/// The NTSTATUS for a Procmon result name (the inverse of [`result_name`]), also reading `0x…` hex.
pub fn result_status(name: &str) -> Option<u32> {
    let name = name.trim();
    if let Some(hex) = name.strip_prefix("0x").or_else(|| name.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok();
    }
    NAMES
        .iter()
        .find(|(_, n)| !n.is_empty() && n.eq_ignore_ascii_case(name))
        .map(|&(code, _)| code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn names_and_hex_fallback() {
        assert_eq!(result_name(0xC000_0022), "ACCESS DENIED");
        assert_eq!(result_name(0xC000_0034), "NAME NOT FOUND");
        assert_eq!(result_name(0xC01C_0004), "FAST IO DISALLOWED");
        assert_eq!(result_name(0x368), "0x368");
        assert_eq!(result_name(0xC000_046F), "0xC000046F");
        assert_eq!(result_name(0x103), "");
    }

    #[test]
    fn inverse_lookup() {
        assert_eq!(result_status("SHARING VIOLATION"), Some(0xC000_0043));
        assert_eq!(result_status("0xC000046F"), Some(0xC000_046F));
        assert_eq!(result_status("no such thing"), None);
    }
}
