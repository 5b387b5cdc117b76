//! Decoding of the numeric status values that installer logs print: HRESULTs (often as a
//! negative decimal, `Note: 1: 2203 2: … 3: -2147287035`), Win32 error codes
//! (`System error 5`, `GetLastError: 32`) and NTSTATUS values (Process Monitor results,
//! process exit statuses).
//!
//! The tables here are small and hand-written: only codes that matter for installs, each
//! checked against the public winerror.h / ntstatus.h. Win32 codes 1601–1654 and 3010 come
//! from the msiexec exit-code table. Anything else is decoded structurally (severity,
//! facility, code) without inventing a name.
//!
//! It must not: guess a symbol or text for a value it does not know, or panic on any input.

use super::tables;
use serde::Serialize;

/// FACILITY_WIN32: an HRESULT wrapping a Win32 error code in its low 16 bits.
pub const FACILITY_WIN32: u16 = 7;

/// A decoded 32-bit HRESULT (or NTSTATUS, when the two top bits are set and it is known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hresult {
    /// The raw 32-bit value, e.g. `0x80030005`.
    pub value: u32,
    /// The winerror.h / ntstatus.h symbol, when known. For `HRESULT_FROM_WIN32` values
    /// without their own symbol this is the Win32 symbol (as `certutil -error` prints it).
    pub name: Option<&'static str>,
    /// Human-readable meaning; for unknown values a structural description.
    pub text: String,
    /// Bit 31: the value reports a failure.
    pub is_failure: bool,
    /// Facility number (bits 16–28, as `HRESULT_FACILITY`).
    pub facility: u16,
    /// Facility name without the `FACILITY_` prefix, when known.
    pub facility_name: Option<&'static str>,
    /// The low 16 bits (the facility's own code).
    pub code: u16,
    /// The wrapped Win32 error code when the facility is FACILITY_WIN32.
    pub win32: Option<u32>,
    /// True when the name and text come from the NTSTATUS table.
    pub is_ntstatus: bool,
}

impl Hresult {
    /// `0x80030005` style rendering of the value.
    pub fn hex(&self) -> String {
        format!("0x{:08X}", self.value)
    }

    /// The value as a signed 32-bit decimal, as MSI logs print it.
    pub fn signed(&self) -> i32 {
        self.value as i32
    }
}

/// Parses a code as written in logs or typed by a user: decimal (`1603`), negative decimal
/// (`-2147287035`) or hex with a `0x` prefix (`0x80030005`). The result must fit in 32 bits
/// (signed or unsigned); anything else (`80030005h`, `abc`, `""`, too large) is `None`.
pub fn parse_code(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return parse_hex_u32(hex).map(i64::from);
    }
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.parse::<i64>().ok()?;
    let value = if negative { -magnitude } else { magnitude };
    (i64::from(i32::MIN)..=i64::from(u32::MAX))
        .contains(&value)
        .then_some(value)
}

fn parse_hex_u32(hex: &str) -> Option<u32> {
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let significant = hex.trim_start_matches('0');
    if significant.len() > 8 {
        return None;
    }
    if significant.is_empty() {
        return Some(0);
    }
    u32::from_str_radix(significant, 16).ok()
}

/// The 32 bits of a parsed code: negative values are two's-complement (`-2147287035` →
/// `0x80030005`). `None` outside the 32-bit range.
pub fn code_bits(value: i64) -> Option<u32> {
    if value < 0 {
        i32::try_from(value).ok().map(|v| v as u32)
    } else {
        u32::try_from(value).ok()
    }
}

/// Decodes an HRESULT: table lookup, then FACILITY_WIN32 unwrapping, then NTSTATUS,
/// then a structural description.
pub fn hresult(value: u32) -> Hresult {
    let facility = ((value >> 16) & 0x1FFF) as u16;
    let code = (value & 0xFFFF) as u16;
    let is_failure = value & 0x8000_0000 != 0;
    let win32 = (facility == FACILITY_WIN32).then_some(u32::from(code));
    let mut decoded = Hresult {
        value,
        name: None,
        text: String::new(),
        is_failure,
        facility,
        facility_name: facility_name(facility),
        code,
        win32,
        is_ntstatus: false,
    };
    if let Some(&(_, name, text)) = HRESULTS.iter().find(|(v, _, _)| *v == value) {
        decoded.name = Some(name);
        decoded.text = text.to_string();
    } else if let Some(win32_code) = win32 {
        describe_win32_wrapper(&mut decoded, win32_code);
    } else if let Some((name, text)) = ntstatus(value) {
        decoded.name = Some(name);
        decoded.text = text.to_string();
        decoded.is_ntstatus = true;
    } else {
        decoded.text = structural_text(&decoded);
    }
    decoded
}

fn describe_win32_wrapper(decoded: &mut Hresult, win32_code: u32) {
    match win32_error(win32_code) {
        Some((symbol, text)) => {
            decoded.name = Some(symbol);
            decoded.text = format!("HRESULT_FROM_WIN32({win32_code}): {text}");
        }
        None => {
            decoded.text = format!(
                "HRESULT_FROM_WIN32({win32_code}): Win32 error {win32_code} (not in msidiag's table)"
            );
        }
    }
}

fn structural_text(decoded: &Hresult) -> String {
    let severity = if decoded.is_failure {
        "failure"
    } else {
        "success"
    };
    let facility = decoded.facility_name.unwrap_or("unknown facility");
    let mut text = format!(
        "Unknown {severity} code: facility {} ({facility}), code 0x{:04X} ({})",
        decoded.facility, decoded.code, decoded.code
    );
    if decoded.value >> 30 == 0b11 {
        text.push_str("; values starting with 0xC are usually NTSTATUS codes");
    }
    match (decoded.is_failure, decoded.facility, decoded.code >> 12) {
        (true, 4, 1) => text.push_str("; 0x80041xxx codes come from WMI (wbemcli.h)"),
        (true, 4, _) => text.push_str(
            "; FACILITY_ITF codes are defined by the component (COM interface) that returned them",
        ),
        (true, 0x13, _) => text.push_str("; 0x8013xxxx codes come from the .NET runtime"),
        (true, 15, _) => {
            text.push_str("; 0x800Fxxxx codes come from Setup API or component servicing")
        }
        _ => {}
    }
    text
}

/// Symbol and text of a Win32 error code: the hand-written table, then the msiexec
/// exit-code table (which covers 1601–1654, 1259 and 3010).
pub fn win32_error(code: u32) -> Option<(&'static str, &'static str)> {
    if let Some(&(_, symbol, text)) = WIN32_ERRORS.iter().find(|(c, _, _)| *c == code) {
        return Some((symbol, text));
    }
    tables::exit_code(code).map(|e| (e.symbol, e.description))
}

/// Symbol and text of an NTSTATUS value from the small hand-written table.
pub fn ntstatus(value: u32) -> Option<(&'static str, &'static str)> {
    NTSTATUS
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|&(_, name, text)| (name, text))
}

/// Facility names from winerror.h (without the `FACILITY_` prefix).
fn facility_name(facility: u16) -> Option<&'static str> {
    let name = match facility {
        0 => "NULL",
        1 => "RPC",
        2 => "DISPATCH",
        3 => "STORAGE",
        4 => "ITF",
        7 => "WIN32",
        8 => "WINDOWS",
        9 => "SECURITY",
        10 => "CONTROL",
        11 => "CERT",
        12 => "INTERNET",
        13 => "MEDIASERVER",
        14 => "MSMQ",
        15 => "SETUPAPI",
        16 => "SCARD",
        17 => "COMPLUS",
        18 => "AAF",
        19 => "URT",
        20 => "ACS",
        21 => "DPLAY",
        22 => "UMI",
        23 => "SXS",
        24 => "WINDOWS_CE",
        25 => "HTTP",
        32 => "BACKGROUNDCOPY",
        33 => "CONFIGURATION",
        34 => "STATE_MANAGEMENT",
        35 => "METADIRECTORY",
        36 => "WINDOWSUPDATE",
        37 => "DIRECTORYSERVICE",
        _ => return None,
    };
    Some(name)
}

/// HRESULTs with their own winerror.h symbol (value, symbol, SDK message text).
const HRESULTS: &[(u32, &str, &str)] = &[
    (0x0000_0000, "S_OK", "The operation completed successfully."),
    // Payload checks of WiX Burn bundles (winerror.h).
    (0x8009_1007, "CRYPT_E_HASH_VALUE", "The hash value is not correct."),
    (0x800B_0100, "TRUST_E_NOSIGNATURE", "No signature was present in the subject."),
    (0x8009_6010, "TRUST_E_BAD_DIGEST", "The digital signature of the object did not verify."),
    (
        0x800B_0109,
        "CERT_E_UNTRUSTEDROOT",
        "A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider.",
    ),
    (
        0x0000_0001,
        "S_FALSE",
        "The operation succeeded with a false/negative result.",
    ),
    (0x8000_4001, "E_NOTIMPL", "Not implemented."),
    (0x8000_4002, "E_NOINTERFACE", "No such interface supported."),
    (0x8000_4003, "E_POINTER", "Invalid pointer."),
    (0x8000_4004, "E_ABORT", "Operation aborted."),
    (0x8000_4005, "E_FAIL", "Unspecified error."),
    (0x8000_FFFF, "E_UNEXPECTED", "Catastrophic failure."),
    (
        0x8007_0005,
        "E_ACCESSDENIED",
        "General access denied error (HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)).",
    ),
    (
        0x8007_0006,
        "E_HANDLE",
        "Invalid handle (HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE)).",
    ),
    (
        0x8007_000E,
        "E_OUTOFMEMORY",
        "Ran out of memory (HRESULT_FROM_WIN32(ERROR_OUTOFMEMORY)).",
    ),
    (
        0x8007_0057,
        "E_INVALIDARG",
        "One or more arguments are invalid (HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)).",
    ),
    (
        0x8003_0001,
        "STG_E_INVALIDFUNCTION",
        "Unable to perform requested operation.",
    ),
    (
        0x8003_0002,
        "STG_E_FILENOTFOUND",
        "The file could not be found.",
    ),
    (
        0x8003_0003,
        "STG_E_PATHNOTFOUND",
        "The path could not be found.",
    ),
    (
        0x8003_0004,
        "STG_E_TOOMANYOPENFILES",
        "There are insufficient resources to open another file.",
    ),
    (0x8003_0005, "STG_E_ACCESSDENIED", "Access Denied."),
    (
        0x8003_0006,
        "STG_E_INVALIDHANDLE",
        "Attempted an operation on an invalid object.",
    ),
    (
        0x8003_0008,
        "STG_E_INSUFFICIENTMEMORY",
        "There is insufficient memory available to complete operation.",
    ),
    (
        0x8003_001D,
        "STG_E_WRITEFAULT",
        "A disk error occurred during a write operation.",
    ),
    (
        0x8003_001E,
        "STG_E_READFAULT",
        "A disk error occurred during a read operation.",
    ),
    (
        0x8003_0020,
        "STG_E_SHAREVIOLATION",
        "A share violation has occurred.",
    ),
    (
        0x8003_0021,
        "STG_E_LOCKVIOLATION",
        "A lock violation has occurred.",
    ),
    (
        0x8003_0050,
        "STG_E_FILEALREADYEXISTS",
        "The file already exists.",
    ),
    (
        0x8003_0057,
        "STG_E_INVALIDPARAMETER",
        "Invalid parameter error.",
    ),
    (
        0x8003_0070,
        "STG_E_MEDIUMFULL",
        "There is insufficient disk space to complete operation.",
    ),
    (
        0x8003_00FB,
        "STG_E_INVALIDHEADER",
        "The file is not a valid compound file.",
    ),
    (0x8003_00FC, "STG_E_INVALIDNAME", "The name is not valid."),
    (
        0x8003_0100,
        "STG_E_INUSE",
        "Attempted to use an object that is busy.",
    ),
    (
        0x8003_0104,
        "STG_E_OLDFORMAT",
        "The compound file was produced with an incompatible version of storage.",
    ),
    (
        0x8003_0109,
        "STG_E_DOCFILECORRUPT",
        "The docfile has been corrupted.",
    ),
    (0x8004_0154, "REGDB_E_CLASSNOTREG", "Class not registered."),
    (
        0x8004_01F0,
        "CO_E_NOTINITIALIZED",
        "CoInitialize has not been called.",
    ),
    (
        0x8008_0005,
        "CO_E_SERVER_EXEC_FAILURE",
        "Server execution failed.",
    ),
    // COM class registration and RPC (facility RPC = 1).
    (
        0x8004_0111,
        "CLASS_E_CLASSNOTAVAILABLE",
        "The class factory cannot supply the requested class.",
    ),
    (
        0x8004_0155,
        "REGDB_E_IIDNOTREG",
        "The interface is not registered.",
    ),
    (
        0x8004_01F3,
        "CO_E_CLASSSTRING",
        "The class string (ProgID or CLSID) is not valid.",
    ),
    (
        0x8001_0105,
        "RPC_E_SERVERFAULT",
        "The server raised an exception.",
    ),
    (
        0x8001_0108,
        "RPC_E_DISCONNECTED",
        "The object has disconnected from its clients.",
    ),
    (
        0x8001_010E,
        "RPC_E_WRONG_THREAD",
        "The interface was called from a thread it does not belong to.",
    ),
    // WMI (wbemcli.h, facility ITF = 4: 0x80041xxx).
    (0x8004_1001, "WBEM_E_FAILED", "WMI: generic failure."),
    (0x8004_1002, "WBEM_E_NOT_FOUND", "WMI: object not found."),
    (0x8004_1003, "WBEM_E_ACCESS_DENIED", "WMI: access denied."),
    (
        0x8004_1006,
        "WBEM_E_OUT_OF_MEMORY",
        "WMI: not enough memory.",
    ),
    (
        0x8004_1008,
        "WBEM_E_INVALID_PARAMETER",
        "WMI: a parameter is not valid.",
    ),
    (
        0x8004_1010,
        "WBEM_E_INVALID_CLASS",
        "WMI: the class does not exist (or is not valid).",
    ),
    (
        0x8004_1013,
        "WBEM_E_PROVIDER_LOAD_FAILURE",
        "WMI: the provider could not be loaded.",
    ),
    (
        0x8004_1014,
        "WBEM_E_INITIALIZATION_FAILURE",
        "WMI: a component failed to initialize.",
    ),
    (
        0x8004_1017,
        "WBEM_E_INVALID_QUERY",
        "WMI: the query is not valid.",
    ),
    (
        0x8004_1032,
        "WBEM_E_CALL_CANCELLED",
        "WMI: the call was cancelled.",
    ),
    (
        0x8004_1033,
        "WBEM_E_SHUTTING_DOWN",
        "WMI: the service (winmgmt) is shutting down; retry once it runs again.",
    ),
    // Setup API and component servicing (facility SETUPAPI = 15).
    (
        0x800F_0203,
        "SPAPI_E_NO_DRIVER_SELECTED",
        "Setup API: no driver is selected for the device.",
    ),
    (
        0x800F_020B,
        "SPAPI_E_NO_SUCH_DEVINST",
        "Setup API: the device instance does not exist.",
    ),
    (
        0x800F_081F,
        "CBS_E_SOURCE_MISSING",
        "Component servicing: the source files of the feature or package could not be found.",
    ),
    (
        0x800F_0922,
        "CBS_E_INSTALLERS_FAILED",
        "Component servicing: an advanced installer of the package failed.",
    ),
    // .NET runtime (facility URT = 0x13: 0x8013xxxx).
    (
        0x8013_1040,
        "FUSION_E_REF_DEF_MISMATCH",
        ".NET: the located assembly's manifest does not match the assembly reference.",
    ),
    (
        0x8013_1047,
        "FUSION_E_INVALID_NAME",
        ".NET: the assembly name is not valid.",
    ),
    (
        0x8013_101B,
        "COR_E_NEWER_RUNTIME",
        ".NET: the assembly was built by a newer runtime than the one loaded.",
    ),
    (
        0x8013_1500,
        "COR_E_EXCEPTION",
        ".NET: an unhandled managed exception (System.Exception).",
    ),
    (
        0x8013_1501,
        "COR_E_SYSTEM",
        ".NET: a system exception (System.SystemException).",
    ),
    (
        0x8013_1509,
        "COR_E_INVALIDOPERATION",
        ".NET: InvalidOperationException.",
    ),
    (
        0x8013_1515,
        "COR_E_NOTSUPPORTED",
        ".NET: NotSupportedException.",
    ),
    (
        0x8013_1522,
        "COR_E_TYPELOAD",
        ".NET: a type could not be loaded (TypeLoadException).",
    ),
    (
        0x8013_1534,
        "COR_E_TYPEINITIALIZATION",
        ".NET: a type initializer threw (TypeInitializationException).",
    ),
    (
        0x8013_1700,
        "CLR_E_SHIM_RUNTIMELOAD",
        ".NET: the runtime could not be loaded (the required .NET Framework version is missing?).",
    ),
];

/// Win32 error codes that installers run into (code, symbol, SDK message text).
/// MSI codes 1601–1654 and 3010 are answered from the exit-code table instead.
const WIN32_ERRORS: &[(u32, &str, &str)] = &[
    (0, "ERROR_SUCCESS", "The operation completed successfully."),
    (1, "ERROR_INVALID_FUNCTION", "Incorrect function."),
    (2, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified."),
    (3, "ERROR_PATH_NOT_FOUND", "The system cannot find the path specified."),
    (4, "ERROR_TOO_MANY_OPEN_FILES", "The system cannot open the file."),
    (5, "ERROR_ACCESS_DENIED", "Access is denied."),
    (6, "ERROR_INVALID_HANDLE", "The handle is invalid."),
    (8, "ERROR_NOT_ENOUGH_MEMORY", "Not enough storage is available to process this command."),
    (13, "ERROR_INVALID_DATA", "The data is invalid."),
    (14, "ERROR_OUTOFMEMORY", "Not enough storage is available to complete this operation."),
    (15, "ERROR_INVALID_DRIVE", "The system cannot find the drive specified."),
    (19, "ERROR_WRITE_PROTECT", "The media is write protected."),
    (21, "ERROR_NOT_READY", "The device is not ready."),
    (31, "ERROR_GEN_FAILURE", "A device attached to the system is not functioning."),
    (32, "ERROR_SHARING_VIOLATION", "The process cannot access the file because it is being used by another process."),
    (33, "ERROR_LOCK_VIOLATION", "The process cannot access the file because another process has locked a portion of the file."),
    (39, "ERROR_HANDLE_DISK_FULL", "The disk is full."),
    (50, "ERROR_NOT_SUPPORTED", "The request is not supported."),
    (53, "ERROR_BAD_NETPATH", "The network path was not found."),
    (64, "ERROR_NETNAME_DELETED", "The specified network name is no longer available."),
    (65, "ERROR_NETWORK_ACCESS_DENIED", "Network access is denied."),
    (67, "ERROR_BAD_NET_NAME", "The network name cannot be found."),
    (80, "ERROR_FILE_EXISTS", "The file exists."),
    (82, "ERROR_CANNOT_MAKE", "The directory or file cannot be created."),
    (87, "ERROR_INVALID_PARAMETER", "The parameter is incorrect."),
    (110, "ERROR_OPEN_FAILED", "The system cannot open the device or file specified."),
    (112, "ERROR_DISK_FULL", "There is not enough space on the disk."),
    (120, "ERROR_CALL_NOT_IMPLEMENTED", "This function is not supported on this system."),
    (122, "ERROR_INSUFFICIENT_BUFFER", "The data area passed to a system call is too small."),
    (123, "ERROR_INVALID_NAME", "The filename, directory name, or volume label syntax is incorrect."),
    (126, "ERROR_MOD_NOT_FOUND", "The specified module could not be found."),
    (127, "ERROR_PROC_NOT_FOUND", "The specified procedure could not be found."),
    (145, "ERROR_DIR_NOT_EMPTY", "The directory is not empty."),
    (161, "ERROR_BAD_PATHNAME", "The specified path is invalid."),
    (170, "ERROR_BUSY", "The requested resource is in use."),
    (183, "ERROR_ALREADY_EXISTS", "Cannot create a file when that file already exists."),
    (193, "ERROR_BAD_EXE_FORMAT", "The file is not a valid Win32 application."),
    (206, "ERROR_FILENAME_EXCED_RANGE", "The filename or extension is too long."),
    (216, "ERROR_EXE_MACHINE_TYPE_MISMATCH", "The image file is valid, but is for a machine type other than the current machine."),
    (258, "WAIT_TIMEOUT", "The wait operation timed out."),
    (267, "ERROR_DIRECTORY", "The directory name is invalid."),
    (303, "ERROR_DELETE_PENDING", "The file cannot be opened because it is in the process of being deleted."),
    (740, "ERROR_ELEVATION_REQUIRED", "The requested operation requires elevation."),
    (995, "ERROR_OPERATION_ABORTED", "The I/O operation has been aborted because of either a thread exit or an application request."),
    (1053, "ERROR_SERVICE_REQUEST_TIMEOUT", "The service did not respond to the start or control request in a timely fashion."),
    (1056, "ERROR_SERVICE_ALREADY_RUNNING", "An instance of the service is already running."),
    (1057, "ERROR_INVALID_SERVICE_ACCOUNT", "The account name is invalid or does not exist, or the password is invalid for the account name specified."),
    (1058, "ERROR_SERVICE_DISABLED", "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it."),
    (1060, "ERROR_SERVICE_DOES_NOT_EXIST", "The specified service does not exist as an installed service."),
    (1062, "ERROR_SERVICE_NOT_ACTIVE", "The service has not been started."),
    (1064, "ERROR_EXCEPTION_IN_SERVICE", "An exception occurred in the service when handling the control request."),
    (1066, "ERROR_SERVICE_SPECIFIC_ERROR", "The service has returned a service-specific error code."),
    (1067, "ERROR_PROCESS_ABORTED", "The process terminated unexpectedly."),
    (1068, "ERROR_SERVICE_DEPENDENCY_FAIL", "The dependency service or group failed to start."),
    (1069, "ERROR_SERVICE_LOGON_FAILED", "The service did not start due to a logon failure."),
    (1070, "ERROR_SERVICE_START_HANG", "After starting, the service hung in a start-pending state."),
    (1072, "ERROR_SERVICE_MARKED_FOR_DELETE", "The specified service has been marked for deletion."),
    (1073, "ERROR_SERVICE_EXISTS", "The specified service already exists."),
    (1075, "ERROR_SERVICE_DEPENDENCY_DELETED", "The dependency service does not exist or has been marked for deletion."),
    (1078, "ERROR_DUPLICATE_SERVICE_NAME", "The name is already in use as either a service name or a service display name."),
    (1168, "ERROR_NOT_FOUND", "Element not found."),
    (1223, "ERROR_CANCELLED", "The operation was canceled by the user."),
    (1314, "ERROR_PRIVILEGE_NOT_HELD", "A required privilege is not held by the client."),
    (1326, "ERROR_LOGON_FAILURE", "Logon failure: unknown user name or bad password."),
    (1327, "ERROR_ACCOUNT_RESTRICTION", "Logon failure: user account restriction."),
    (1330, "ERROR_PASSWORD_EXPIRED", "Logon failure: the specified account password has expired."),
    (1331, "ERROR_ACCOUNT_DISABLED", "Logon failure: account currently disabled."),
    (1332, "ERROR_NONE_MAPPED", "No mapping between account names and security IDs was done."),
    (1385, "ERROR_LOGON_TYPE_NOT_GRANTED", "Logon failure: the user has not been granted the requested logon type at this computer."),
    (1392, "ERROR_FILE_CORRUPT", "The file or directory is corrupted and unreadable."),
    (1450, "ERROR_NO_SYSTEM_RESOURCES", "Insufficient system resources exist to complete the requested service."),
    // Also carried by installer logs and event records (custom-action output, SCM and
    // MsiInstaller events): one table, so `explain` and the evidence name them alike.
    (203, "ERROR_ENVVAR_NOT_FOUND", "The system could not find the environment option that was entered."),
    (1008, "ERROR_NO_TOKEN", "An attempt was made to reference a token that does not exist."),
    (1115, "ERROR_SHUTDOWN_IN_PROGRESS", "A system shutdown is in progress."),
    (1157, "ERROR_DLL_NOT_FOUND", "One of the library files needed to run this application cannot be found."),
    (1722, "RPC_S_SERVER_UNAVAILABLE", "The RPC server is unavailable."),
    (1726, "RPC_S_CALL_FAILED", "The remote procedure call failed."),
];

/// NTSTATUS values seen in Process Monitor results and process exit statuses
/// (value, symbol, own short description).
const NTSTATUS: &[(u32, &str, &str)] = &[
    (0x8000_0005, "STATUS_BUFFER_OVERFLOW", "Buffer overflow: the data did not fit (a normal size probe, benign in Procmon)."),
    (0x8000_0006, "STATUS_NO_MORE_FILES", "No more files (end of a directory listing)."),
    (0xC000_0001, "STATUS_UNSUCCESSFUL", "The operation failed."),
    (0xC000_0005, "STATUS_ACCESS_VIOLATION", "Access violation: the process crashed reading or writing an invalid address."),
    (0xC000_000D, "STATUS_INVALID_PARAMETER", "An invalid parameter was passed."),
    (0xC000_000F, "STATUS_NO_SUCH_FILE", "The file does not exist."),
    (0xC000_0022, "STATUS_ACCESS_DENIED", "Access denied (Procmon: ACCESS DENIED)."),
    (0xC000_0033, "STATUS_OBJECT_NAME_INVALID", "The object name is invalid (Procmon: NAME INVALID)."),
    (0xC000_0034, "STATUS_OBJECT_NAME_NOT_FOUND", "The object name was not found (Procmon: NAME NOT FOUND, usually noise)."),
    (0xC000_0035, "STATUS_OBJECT_NAME_COLLISION", "The object name already exists (Procmon: NAME COLLISION)."),
    (0xC000_003A, "STATUS_OBJECT_PATH_NOT_FOUND", "The path does not exist (Procmon: PATH NOT FOUND)."),
    (0xC000_0043, "STATUS_SHARING_VIOLATION", "Sharing violation: another handle is open with incompatible sharing (Procmon: SHARING VIOLATION)."),
    (0xC000_0056, "STATUS_DELETE_PENDING", "The file is being deleted (Procmon: DELETE PENDING)."),
    (0xC000_0061, "STATUS_PRIVILEGE_NOT_HELD", "A required privilege is not held (Procmon: PRIVILEGE NOT HELD)."),
    (0xC000_007F, "STATUS_DISK_FULL", "The disk is full (Procmon: DISK FULL)."),
    (0xC000_00BA, "STATUS_FILE_IS_A_DIRECTORY", "A file operation was attempted on a directory (Procmon: IS DIRECTORY)."),
    (0xC000_00FD, "STATUS_STACK_OVERFLOW", "Stack overflow: the process crashed."),
    (0xC000_0135, "STATUS_DLL_NOT_FOUND", "A DLL the program needs was not found."),
    (0xC000_0139, "STATUS_ENTRYPOINT_NOT_FOUND", "A DLL entry point the program needs was not found."),
    (0xC000_013A, "STATUS_CONTROL_C_EXIT", "The process was ended by Ctrl+C / Ctrl+Break."),
    (0xC000_0142, "STATUS_DLL_INIT_FAILED", "A DLL failed to initialise."),
    (0xC000_0374, "STATUS_HEAP_CORRUPTION", "Heap corruption: the process crashed."),
    (0xC000_0409, "STATUS_STACK_BUFFER_OVERRUN", "Stack buffer overrun / fail-fast: the process terminated itself."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_code_accepts_decimal_negative_and_hex() {
        assert_eq!(parse_code("1603"), Some(1603));
        assert_eq!(parse_code("  2503 "), Some(2503));
        assert_eq!(parse_code("-2147287035"), Some(-2_147_287_035));
        assert_eq!(parse_code("0x80030005"), Some(0x8003_0005));
        assert_eq!(parse_code("0X80070643"), Some(0x8007_0643));
        assert_eq!(parse_code("0x0000000000643"), Some(0x643));
        assert_eq!(parse_code("0x0"), Some(0));
        assert_eq!(parse_code("4294967295"), Some(4_294_967_295));
        assert_eq!(parse_code("-2147483648"), Some(-2_147_483_648));
    }

    #[test]
    fn parse_code_rejects_garbage_and_out_of_range() {
        for bad in [
            "",
            " ",
            "abc",
            "80030005h",
            "0x",
            "0x1234567890",
            "+5",
            "--5",
            "-",
            "1.5",
            "4294967296",
            "-2147483649",
            "99999999999999999999",
            "0x-1",
            "٣",
            "0xFFFFFFFFF",
        ] {
            assert_eq!(parse_code(bad), None, "{bad:?} must not parse");
        }
    }

    #[test]
    fn code_bits_is_twos_complement() {
        assert_eq!(code_bits(-2_147_287_035), Some(0x8003_0005));
        assert_eq!(code_bits(-2_147_287_038), Some(0x8003_0002));
        assert_eq!(code_bits(1603), Some(1603));
        assert_eq!(code_bits(i64::from(u32::MAX) + 1), None);
        assert_eq!(code_bits(i64::from(i32::MIN) - 1), None);
    }

    #[test]
    fn ipi_access_denied_hresult_decodes() {
        let value = code_bits(parse_code("-2147287035").unwrap()).unwrap();
        let h = hresult(value);
        assert_eq!(h.value, 0x8003_0005);
        assert_eq!(h.hex(), "0x80030005");
        assert_eq!(h.signed(), -2_147_287_035);
        assert_eq!(h.name, Some("STG_E_ACCESSDENIED"));
        assert_eq!(h.facility, 3);
        assert_eq!(h.facility_name, Some("STORAGE"));
        assert!(h.is_failure);
        assert_eq!(h.win32, None);
    }

    #[test]
    fn storage_codes_of_the_2203_note() {
        assert_eq!(hresult(0x8003_0002).name, Some("STG_E_FILENOTFOUND"));
        assert_eq!(hresult(0x8003_0003).name, Some("STG_E_PATHNOTFOUND"));
        assert_eq!(hresult(0x8003_0020).name, Some("STG_E_SHAREVIOLATION"));
        assert_eq!(hresult(0x8003_0021).name, Some("STG_E_LOCKVIOLATION"));
        assert_eq!(hresult(0x8003_0050).name, Some("STG_E_FILEALREADYEXISTS"));
        assert_eq!(hresult(0x8003_00FC).name, Some("STG_E_INVALIDNAME"));
    }

    #[test]
    fn win32_wrapped_install_failure() {
        let h = hresult(0x8007_0643);
        assert_eq!(h.facility, FACILITY_WIN32);
        assert_eq!(h.win32, Some(1603));
        assert_eq!(h.name, Some("ERROR_INSTALL_FAILURE"));
        assert!(h.text.starts_with("HRESULT_FROM_WIN32(1603)"));
        assert_eq!(
            hresult(0x8007_0652).name,
            Some("ERROR_INSTALL_ALREADY_RUNNING")
        );
        assert_eq!(
            hresult(0x8007_0641).name,
            Some("ERROR_INSTALL_SERVICE_FAILURE")
        );
        assert_eq!(
            hresult(0x8007_064C).name,
            Some("ERROR_INSTALL_SOURCE_ABSENT")
        );
        assert_eq!(
            hresult(0x8007_0BC2).name,
            Some("ERROR_SUCCESS_REBOOT_REQUIRED")
        );
        assert_eq!(hresult(0x8007_0002).name, Some("ERROR_FILE_NOT_FOUND"));
        assert_eq!(hresult(0x8007_0020).name, Some("ERROR_SHARING_VIOLATION"));
    }

    #[test]
    fn own_symbols_win_over_win32_names() {
        let h = hresult(0x8007_0005);
        assert_eq!(h.name, Some("E_ACCESSDENIED"));
        assert_eq!(h.win32, Some(5));
        assert_eq!(hresult(0x8007_0057).name, Some("E_INVALIDARG"));
        assert_eq!(hresult(0x8007_000E).name, Some("E_OUTOFMEMORY"));
        assert_eq!(hresult(0x8000_4005).name, Some("E_FAIL"));
        assert_eq!(hresult(0x8008_0005).name, Some("CO_E_SERVER_EXEC_FAILURE"));
        assert_eq!(hresult(0x8004_0154).name, Some("REGDB_E_CLASSNOTREG"));
    }

    #[test]
    fn unknown_values_are_described_not_named() {
        let h = hresult(0x8004_7777);
        assert_eq!(h.name, None);
        assert!(h.text.contains("facility 4 (ITF)"));
        let unknown_win32 = hresult(0x8007_7777);
        assert_eq!(unknown_win32.name, None);
        assert!(unknown_win32.text.contains("not in msidiag's table"));
        let odd = hresult(0xFFFF_FFFF);
        assert!(odd.name.is_none());
        assert!(!odd.text.is_empty());
    }

    #[test]
    fn ntstatus_values_decode() {
        assert_eq!(ntstatus(0xC000_0022).unwrap().0, "STATUS_ACCESS_DENIED");
        assert_eq!(ntstatus(0xC000_0043).unwrap().0, "STATUS_SHARING_VIOLATION");
        let h = hresult(0xC000_0409);
        assert_eq!(h.name, Some("STATUS_STACK_BUFFER_OVERRUN"));
        assert!(h.is_ntstatus);
        assert!(ntstatus(0x1234).is_none());
    }

    #[test]
    fn win32_table_and_msi_range() {
        assert_eq!(win32_error(5).unwrap().0, "ERROR_ACCESS_DENIED");
        assert_eq!(win32_error(32).unwrap().0, "ERROR_SHARING_VIOLATION");
        assert_eq!(win32_error(112).unwrap().0, "ERROR_DISK_FULL");
        assert_eq!(win32_error(1058).unwrap().0, "ERROR_SERVICE_DISABLED");
        assert_eq!(win32_error(1069).unwrap().0, "ERROR_SERVICE_LOGON_FAILED");
        assert_eq!(win32_error(1314).unwrap().0, "ERROR_PRIVILEGE_NOT_HELD");
        assert_eq!(win32_error(1603).unwrap().0, "ERROR_INSTALL_FAILURE");
        assert_eq!(win32_error(1654).unwrap().0, "ERROR_INSTALL_REJECTED");
        assert_eq!(
            win32_error(3010).unwrap().0,
            "ERROR_SUCCESS_REBOOT_REQUIRED"
        );
        assert!(win32_error(1617).is_none());
        assert!(win32_error(u32::MAX).is_none());
    }

    #[test]
    fn tables_have_no_duplicate_keys() {
        fn unique(keys: Vec<u32>) -> bool {
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            sorted.dedup();
            sorted.len() == keys.len()
        }
        assert!(unique(HRESULTS.iter().map(|e| e.0).collect()));
        assert!(unique(WIN32_ERRORS.iter().map(|e| e.0).collect()));
        assert!(unique(NTSTATUS.iter().map(|e| e.0).collect()));
    }
}
