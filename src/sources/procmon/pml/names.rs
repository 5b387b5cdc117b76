//! Names Procmon shows for the numbers stored in PML records: event classes, operations and
//! sub-operations, access masks, flags and enumerations used in the Detail column.
//!
//! Pure lookup tables and the small formatters that join flag names; this module must not read
//! bytes or know record layouts (that is `capture.rs` / `decode.rs`).

/// Event classes as stored in a PML record.
pub const CLASS_PROCESS: u32 = 1;
pub const CLASS_REGISTRY: u32 = 2;
pub const CLASS_FILE_SYSTEM: u32 = 3;
pub const CLASS_PROFILING: u32 = 4;
pub const CLASS_NETWORK: u32 = 5;

/// The `Event Class` column text.
pub fn class_name(class: u32) -> Option<&'static str> {
    match class {
        CLASS_PROCESS => Some("Process"),
        CLASS_REGISTRY => Some("Registry"),
        CLASS_FILE_SYSTEM => Some("File System"),
        CLASS_PROFILING => Some("Profiling"),
        CLASS_NETWORK => Some("Network"),
        _ => None,
    }
}

pub const PROCESS_OPERATIONS: &[&str] = &[
    "Process Defined",
    "Process Create",
    "Process Exit",
    "Thread Create",
    "Thread Exit",
    "Load Image",
    "Thread Profile",
    "Process Start",
    "Process Statistics",
    "System Statistics",
];

pub const REGISTRY_OPERATIONS: &[&str] = &[
    "RegOpenKey",
    "RegCreateKey",
    "RegCloseKey",
    "RegQueryKey",
    "RegSetValue",
    "RegQueryValue",
    "RegEnumValue",
    "RegEnumKey",
    "RegSetInfoKey",
    "RegDeleteKey",
    "RegDeleteValue",
    "RegFlushKey",
    "RegLoadKey",
    "RegUnloadKey",
    "RegRenameKey",
    "RegQueryMultipleValueKey",
    "RegSetKeySecurity",
    "RegQueryKeySecurity",
];

pub const NETWORK_OPERATIONS: &[&str] = &[
    "Unknown",
    "Other",
    "Send",
    "Receive",
    "Accept",
    "Connect",
    "Disconnect",
    "Reconnect",
    "Retransmit",
    "TCPCopy",
];

pub const PROFILING_OPERATIONS: &[&str] = &[
    "Thread Profiling",
    "Process Profiling",
    "Debug Output Profiling",
];

/// File-system operations by major code (IRP_MJ_* and fast-I/O callbacks) as Procmon names them.
pub const FILE_SYSTEM_OPERATIONS: &[&str] = &[
    "VolumeDismount",
    "VolumeMount",
    "FASTIO_MDL_WRITE_COMPLETE",
    "WriteFile2",
    "FASTIO_MDL_READ_COMPLETE",
    "ReadFile2",
    "QueryOpen",
    "FASTIO_CHECK_IF_POSSIBLE",
    "IRP_MJ_12",
    "IRP_MJ_11",
    "IRP_MJ_10",
    "IRP_MJ_9",
    "IRP_MJ_8",
    "FASTIO_NOTIFY_STREAM_FO_CREATION",
    "FASTIO_RELEASE_FOR_CC_FLUSH",
    "FASTIO_ACQUIRE_FOR_CC_FLUSH",
    "FASTIO_RELEASE_FOR_MOD_WRITE",
    "FASTIO_ACQUIRE_FOR_MOD_WRITE",
    "FASTIO_RELEASE_FOR_SECTION_SYNCHRONIZATION",
    "CreateFileMapping",
    "CreateFile",
    "CreatePipe",
    "IRP_MJ_CLOSE",
    "ReadFile",
    "WriteFile",
    "QueryInformationFile",
    "SetInformationFile",
    "QueryEAFile",
    "SetEAFile",
    "FlushBuffersFile",
    "QueryVolumeInformation",
    "SetVolumeInformation",
    "DirectoryControl",
    "FileSystemControl",
    "DeviceIoControl",
    "InternalDeviceIoControl",
    "Shutdown",
    "LockUnlockFile",
    "CloseFile",
    "CreateMailSlot",
    "QuerySecurityFile",
    "SetSecurityFile",
    "Power",
    "SystemControl",
    "DeviceChange",
    "QueryFileQuota",
    "SetFileQuota",
    "PlugAndPlay",
];

pub const FS_QUERY_INFORMATION: u16 = 25;
pub const FS_SET_INFORMATION: u16 = 26;
pub const FS_QUERY_VOLUME_INFORMATION: u16 = 30;
pub const FS_SET_VOLUME_INFORMATION: u16 = 31;
pub const FS_DIRECTORY_CONTROL: u16 = 32;
pub const FS_LOCK_UNLOCK: u16 = 37;
pub const FS_PLUG_AND_PLAY: u16 = 47;

/// Sub-operation tables (minor codes) of the majors that have them.
fn sub_operations(major: u16) -> Option<&'static [(u8, &'static str)]> {
    Some(match major {
        FS_QUERY_VOLUME_INFORMATION => &[
            (0x1, "QueryInformationVolume"),
            (0x2, "QueryLabelInformationVolume"),
            (0x3, "QuerySizeInformationVolume"),
            (0x4, "QueryDeviceInformationVolume"),
            (0x5, "QueryAttributeInformationVolume"),
            (0x6, "QueryControlInformationVolume"),
            (0x7, "QueryFullSizeInformationVolume"),
            (0x8, "QueryObjectIdInformationVolume"),
        ],
        FS_SET_VOLUME_INFORMATION => &[
            (0x1, "SetControlInformationVolume"),
            (0x2, "SetLabelInformationVolume"),
            (0x8, "SetObjectIdInformationVolume"),
        ],
        FS_QUERY_INFORMATION => QUERY_INFORMATION,
        FS_SET_INFORMATION => SET_INFORMATION,
        FS_DIRECTORY_CONTROL => &[(0x1, "QueryDirectory"), (0x2, "NotifyChangeDirectory")],
        FS_PLUG_AND_PLAY => PLUG_AND_PLAY,
        FS_LOCK_UNLOCK => &[
            (0x1, "LockFile"),
            (0x2, "UnlockFileSingle"),
            (0x3, "UnlockFileAll"),
            (0x4, "UnlockFileByKey"),
        ],
        _ => return None,
    })
}

const QUERY_INFORMATION: &[(u8, &str)] = &[
    (0x04, "QueryBasicInformationFile"),
    (0x05, "QueryStandardInformationFile"),
    (0x06, "QueryFileInternalInformationFile"),
    (0x07, "QueryEaInformationFile"),
    (0x09, "QueryNameInformationFile"),
    (0x0e, "QueryPositionInformationFile"),
    (0x12, "QueryAllInformationFile"),
    (0x14, "QueryEndOfFile"),
    (0x16, "QueryStreamInformationFile"),
    (0x1c, "QueryCompressionInformationFile"),
    (0x1d, "QueryId"),
    (0x1f, "QueryMoveClusterInformationFile"),
    (0x22, "QueryNetworkOpenInformationFile"),
    (0x23, "QueryAttributeTagFile"),
    (0x25, "QueryIdBothDirectory"),
    (0x27, "QueryValidDataLength"),
    (0x28, "QueryShortNameInformationFile"),
    (0x2b, "QueryIoPiorityHint"),
    (0x2e, "QueryLinks"),
    (0x30, "QueryNormalizedNameInformationFile"),
    (0x31, "QueryNetworkPhysicalNameInformationFile"),
    (0x32, "QueryIdGlobalTxDirectoryInformation"),
    (0x33, "QueryIsRemoteDeviceInformation"),
    (0x34, "QueryAttributeCacheInformation"),
    (0x35, "QueryNumaNodeInformation"),
    (0x36, "QueryStandardLinkInformation"),
    (0x37, "QueryRemoteProtocolInformation"),
    (0x38, "QueryRenameInformationBypassAccessCheck"),
    (0x39, "QueryLinkInformationBypassAccessCheck"),
    (0x3a, "QueryVolumeNameInformation"),
    (0x3b, "QueryIdInformation"),
    (0x3c, "QueryIdExtdDirectoryInformation"),
    (0x3e, "QueryHardLinkFullIdInformation"),
    (0x3f, "QueryIdExtdBothDirectoryInformation"),
    (0x43, "QueryDesiredStorageClassInformation"),
    (0x44, "QueryStatInformation"),
    (0x45, "QueryMemoryPartitionInformation"),
    (0x46, "QuerySatLxInformation"),
    (0x47, "QueryCaseSensitiveInformation"),
    (0x48, "QueryLinkInformationEx"),
    (0x49, "QueryLinkInfomraitonBypassAccessCheck"),
    (0x4a, "QueryStorageReservedIdInformation"),
    (0x4b, "QueryCaseSensitiveInformationForceAccessCheck"),
];

const SET_INFORMATION: &[(u8, &str)] = &[
    (0x04, "SetBasicInformationFile"),
    (0x0a, "SetRenameInformationFile"),
    (0x0b, "SetLinkInformationFile"),
    (0x0d, "SetDispositionInformationFile"),
    (0x0e, "SetPositionInformationFile"),
    (0x13, "SetAllocationInformationFile"),
    (0x14, "SetEndOfFileInformationFile"),
    (0x16, "SetFileStreamInformation"),
    (0x17, "SetPipeInformation"),
    (0x27, "SetValidDataLengthInformationFile"),
    (0x28, "SetShortNameInformation"),
    (0x3d, "SetReplaceCompletionInformation"),
    (0x40, "SetDispositionInformationEx"),
    (0x41, "SetRenameInformationEx"),
    (0x42, "SetRenameInformationExBypassAccessCheck"),
    (0x4a, "SetStorageReservedIdInformation"),
];

const PLUG_AND_PLAY: &[(u8, &str)] = &[
    (0x00, "StartDevice"),
    (0x01, "QueryRemoveDevice"),
    (0x02, "RemoveDevice"),
    (0x03, "CancelRemoveDevice"),
    (0x04, "StopDevice"),
    (0x05, "QueryStopDevice"),
    (0x06, "CancelStopDevice"),
    (0x07, "QueryDeviceRelations"),
    (0x08, "QueryInterface"),
    (0x09, "QueryCapabilities"),
    (0x0a, "QueryResources"),
    (0x0b, "QueryResourceRequirements"),
    (0x0c, "QueryDeviceText"),
    (0x0d, "FilterResourceRequirements"),
    (0x0f, "ReadConfig"),
    (0x10, "WriteConfig"),
    (0x11, "Eject"),
    (0x12, "SetLock"),
    (0x13, "QueryId2"),
    (0x14, "QueryPnpDeviceState"),
    (0x15, "QueryBusInformation"),
    (0x16, "DeviceUsageNotification"),
    (0x17, "SurpriseRemoval"),
    (0x18, "QueryLegacyBusInformation"),
];

/// The `Operation` text of a file-system record: the major's name, or its sub-operation's name
/// when the record has one (`<Unknown>` for a minor code Procmon would not know).
pub fn file_system_operation(major: u16, minor: u8) -> String {
    let Some(major_name) = FILE_SYSTEM_OPERATIONS.get(usize::from(major)) else {
        return "<Unknown>".to_string();
    };
    match sub_operations(major) {
        Some(table) if minor != 0 => table
            .iter()
            .find(|(code, _)| *code == minor)
            .map_or_else(|| "<Unknown>".to_string(), |(_, name)| name.to_string()),
        _ => major_name.to_string(),
    }
}

/// The `Operation` text of a record of a non-file-system class (`<Unknown>` when unknown).
pub fn operation_name(class: u32, operation: u16) -> String {
    let table = match class {
        CLASS_PROCESS => PROCESS_OPERATIONS,
        CLASS_REGISTRY => REGISTRY_OPERATIONS,
        CLASS_NETWORK => NETWORK_OPERATIONS,
        CLASS_PROFILING => PROFILING_OPERATIONS,
        _ => &[],
    };
    table
        .get(usize::from(operation))
        .map_or_else(|| "<Unknown>".to_string(), |s| s.to_string())
}

/// Joins the names of the flags set in `mask`, consuming matched bits in table order
/// (composite masks such as `Generic Read` first). Empty when nothing matched.
pub fn mask_names(mut mask: u32, table: &[(u32, &str)], separator: &str) -> String {
    let mut names = Vec::new();
    for &(bits, name) in table {
        if bits != 0 && mask & bits == bits {
            names.push(name);
            mask &= !bits;
        }
    }
    names.join(separator)
}

/// Like [`mask_names`], with the bits no name matched appended as `0x…` (as Procmon does for
/// security information and volume attributes).
pub fn mask_names_and_rest(mask: u32, table: &[(u32, &str)]) -> String {
    let named: u32 = table
        .iter()
        .filter(|(bits, _)| mask & bits == *bits)
        .fold(0, |acc, (bits, _)| acc | bits);
    let mut text = mask_names(mask, table, ", ");
    let rest = mask & !named;
    if rest != 0 {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(&format!("0x{rest:x}"));
    }
    text
}

/// FILE_FS_ATTRIBUTE_INFORMATION flags Procmon names, in its order.
pub const VOLUME_ATTRIBUTES: &[(u32, &str)] = &[
    (0x2, "Case Preserved"),
    (0x1, "Case Sensitive"),
    (0x4, "Unicode"),
    (0x8, "ACLs"),
    (0x10, "Compression"),
    (0x40000, "Named Streams"),
    (0x20000, "EFS"),
    (0x10000, "Object IDs"),
    (0x80, "Reparse Points"),
    (0x40, "Sparse Files"),
    (0x20, "Quotas"),
    (0x200000, "Transactions"),
];

/// FILE_ALIGNMENT_INFORMATION values.
pub fn alignment(value: u32) -> String {
    let name = match value {
        0 => "Byte",
        1 => "Word",
        3 => "Long",
        7 => "Quad",
        0xf => "Octa",
        0x1f => "32Byte",
        0x3f => "64Byte",
        0x7f => "128Byte",
        0xff => "256Byte",
        0x1ff => "512Byte",
        other => return format!("0x{other:x}"),
    };
    name.to_string()
}

const STANDARD_RIGHTS: &[(u32, &str)] = &[
    (0x10000, "Delete"),
    (0x20000, "Read Control"),
    (0x40000, "Write DAC"),
    (0x80000, "Write Owner"),
    (0x100000, "Synchronize"),
    (0x1000000, "Access System Security"),
    (0x2000000, "Maximum Allowed"),
];

const REGISTRY_RIGHTS: &[(u32, &str)] = &[
    (0xf003f, "All Access"),
    (0x2001f, "Read/Write"),
    (0x20019, "Read"),
    (0x20006, "Write"),
    (0x1, "Query Value"),
    (0x2, "Set Value"),
    (0x4, "Create Sub Key"),
    (0x8, "Enumerate Sub Keys"),
    (0x10, "Notify"),
    (0x20, "Create Link"),
    (0x300, "WOW64_Res"),
    (0x200, "WOW64_32Key"),
    (0x100, "WOW64_64Key"),
];

const FILE_RIGHTS: &[(u32, &str)] = &[
    (0x1f01ff, "All Access"),
    (0x1201bf, "Generic Read/Write/Execute"),
    (0x12019f, "Generic Read/Write"),
    (0x1200a9, "Generic Read/Execute"),
    (0x1201b6, "Generic Write/Execute"),
    (0x120089, "Generic Read"),
    (0x120116, "Generic Write"),
    (0x1200a0, "Generic Execute"),
    (0x1, "Read Data/List Directory"),
    (0x2, "Write Data/Add File"),
    (0x4, "Append Data/Add Subdirectory/Create Pipe Instance"),
    (0x8, "Read EA"),
    (0x10, "Write EA"),
    (0x20, "Execute/Traverse"),
    (0x40, "Delete Child"),
    (0x80, "Read Attributes"),
    (0x100, "Write Attributes"),
];

/// Generic rights mapped as `MapGenericMask` would: (read, write, execute, all).
const REGISTRY_GENERIC: [u32; 4] = [0x20019, 0x20006, 0x20019, 0xf003f];
const FILE_GENERIC: [u32; 4] = [0x120089, 0x120116, 0x1200a0, 0x1f01ff];

fn access_names(mask: u32, generic: [u32; 4], specific: &[(u32, &str)]) -> String {
    let mut mapped = mask;
    for (bit, rights) in [0x8000_0000u32, 0x4000_0000, 0x2000_0000, 0x1000_0000]
        .into_iter()
        .zip(generic)
    {
        if mask & bit != 0 {
            mapped |= rights;
        }
    }
    let table: Vec<(u32, &str)> = specific.iter().chain(STANDARD_RIGHTS).copied().collect();
    let names = mask_names(mapped, &table, ", ");
    if names.is_empty() {
        format!("None 0x{mapped:x}")
    } else {
        names
    }
}

/// `Desired Access` of a registry open/create.
pub fn registry_access(mask: u32) -> String {
    access_names(mask, REGISTRY_GENERIC, REGISTRY_RIGHTS)
}

/// `Desired Access` of a file open.
pub fn file_access(mask: u32) -> String {
    access_names(mask, FILE_GENERIC, FILE_RIGHTS)
}

pub const CREATE_OPTIONS: &[(u32, &str)] = &[
    (0x1, "Directory"),
    (0x2, "Write Through"),
    (0x4, "Sequential Access"),
    (0x8, "No Buffering"),
    (0x10, "Synchronous IO Alert"),
    (0x20, "Synchronous IO Non-Alert"),
    (0x40, "Non-Directory File"),
    (0x80, "Create Tree Connection"),
    (0x100, "Complete If Oplocked"),
    (0x200, "No EA Knowledge"),
    (0x400, "Open for Recovery"),
    (0x800, "Random Access"),
    (0x1000, "Delete On Close"),
    (0x2000, "Open By ID"),
    (0x4000, "Open For Backup"),
    (0x8000, "No Compression"),
    (0x100000, "Reserve OpFilter"),
    (0x200000, "Open Reparse Point"),
    (0x400000, "Open No Recall"),
    (0x800000, "Open For Free Space Query"),
    (0x10000, "Open Requiring Oplock"),
    (0x20000, "Disallow Exclusive"),
];

pub const FILE_ATTRIBUTES: &[(u32, &str)] = &[
    (0x1, "R"),
    (0x2, "H"),
    (0x4, "S"),
    (0x10, "D"),
    (0x20, "A"),
    (0x40, "D"),
    (0x80, "N"),
    (0x100, "T"),
    (0x200, "SF"),
    (0x400, "RP"),
    (0x800, "C"),
    (0x1000, "O"),
    (0x2000, "NCI"),
    (0x4000, "E"),
    (0x10000, "V"),
];

pub const SHARE_MODES: &[(u32, &str)] = &[(0x1, "Read"), (0x2, "Write"), (0x4, "Delete")];

pub const IO_FLAGS: &[(u32, &str)] = &[
    (0x10, "Buffered"),
    (0x1, "Non-cached"),
    (0x2, "Paging I/O"),
    (0x4, "Synchronous"),
    (0x40, "Synchronous Paging I/O"),
    (0x400000, "Write Through"),
];

pub const NOTIFY_FILTERS: &[(u32, &str)] = &[
    (0x1, "FILE_NOTIFY_CHANGE_FILE_NAME"),
    (0x2, "FILE_NOTIFY_CHANGE_DIR_NAME"),
    (0x4, "FILE_NOTIFY_CHANGE_ATTRIBUTES"),
    (0x8, "FILE_NOTIFY_CHANGE_SIZE"),
    (0x10, "FILE_NOTIFY_CHANGE_LAST_WRITE"),
    (0x20, "FILE_NOTIFY_CHANGE_LAST_ACCESS"),
    (0x40, "FILE_NOTIFY_CHANGE_CREATION"),
    (0x80, "FILE_NOTIFY_CHANGE_EA"),
    (0x100, "FILE_NOTIFY_CHANGE_SECURITY"),
    (0x200, "FILE_NOTIFY_CHANGE_STREAM_NAME"),
    (0x400, "FILE_NOTIFY_CHANGE_STREAM_SIZE"),
    (0x800, "FILE_NOTIFY_CHANGE_STREAM_WRITE"),
];

pub const SECURITY_INFORMATION: &[(u32, &str)] = &[
    (0x1, "Owner"),
    (0x2, "Group"),
    (0x4, "DACL"),
    (0x8, "SACL"),
    (0x10, "Label"),
    (0x20, "Attribute"),
    (0x40, "Scope"),
    (0x80, "Process Trust Label"),
    (0x10000, "Backup"),
    (0x80000000, "DACL Protected"),
    (0x40000000, "SACL Protected"),
    (0x20000000, "DACL Unprotected"),
    (0x10000000, "SACL Unprotected"),
];

pub fn io_priority(priority: u32) -> Option<&'static str> {
    ["", "Very Low", "Low", "Normal", "High", "Critical"]
        .get(priority as usize)
        .copied()
}

pub fn create_disposition(value: u32) -> Option<&'static str> {
    [
        "Supersede",
        "Open",
        "Create",
        "OpenIf",
        "Overwrite",
        "OverwriteIf",
    ]
    .get(value as usize)
    .copied()
}

pub fn open_result(value: u32) -> Option<&'static str> {
    [
        "Superseded",
        "Opened",
        "Created",
        "Overwritten",
        "Exists",
        "DoesNotExist",
    ]
    .get(value as usize)
    .copied()
}

pub fn registry_type(value: u32) -> Option<&'static str> {
    [
        "REG_NONE",
        "REG_SZ",
        "REG_EXPAND_SZ",
        "REG_BINARY",
        "REG_DWORD",
        "REG_DWORD_BIG_ENDIAN",
        "REG_LINK",
        "REG_MULTI_SZ",
        "REG_RESOURCE_LIST",
        "REG_FULL_RESOURCE_DESCRIPTOR",
        "REG_RESOURCE_REQUIREMENTS_LIST",
        "REG_QWORD",
    ]
    .get(value as usize)
    .copied()
}

pub fn registry_disposition(value: u32) -> Option<&'static str> {
    match value {
        1 => Some("REG_CREATED_NEW_KEY"),
        2 => Some("REG_OPENED_EXISTING_KEY"),
        _ => None,
    }
}

/// KEY_INFORMATION_CLASS as Procmon prints it in `Query:`.
pub fn key_information_class(value: u32) -> Option<&'static str> {
    [
        "Basic",
        "Node",
        "Full",
        "Name",
        "Cached",
        "Flags",
        "Virtualization",
        "HandleTags",
        "Trust",
        "Layer",
    ]
    .get(value as usize)
    .copied()
}

pub fn key_set_information_class(value: u32) -> String {
    match value {
        0 => "KeyWriteTimeInformation".to_string(),
        1 => "KeyWow64FlagsInformation".to_string(),
        5 => "KeySetHandleTagsInformation".to_string(),
        other => format!("<Unknown: {other}>"),
    }
}

/// FILE_INFORMATION_CLASS values of directory queries.
pub fn file_information_class(value: u32) -> Option<&'static str> {
    Some(match value {
        1 => "FileDirectoryInformation",
        2 => "FileFullDirectoryInformation",
        3 => "FileBothDirectoryInformation",
        12 => "FileNamesInformation",
        37 => "FileIdBothDirectoryInformation",
        38 => "FileIdFullDirectoryInformation",
        60 => "FileIdExtdDirectoryInformation",
        63 => "FileIdExtdBothDirectoryInformation",
        _ => return None,
    })
}

/// Well-known FSCTL/IOCTL codes; others are printed with their device/function/method split.
const CONTROL_CODES: &[(u32, &str)] = &[
    (0x24800, "IOCTL_CDROM_CHECK_VERIFY"),
    (0x4d004, "IOCTL_SCSI_PASS_THROUGH"),
    (0x4d014, "IOCTL_SCSI_PASS_THROUGH_DIRECT"),
    (0x60194, "FSCTL_DFS_GET_REFERRALS"),
    (0x70000, "IOCTL_DISK_GET_DRIVE_GEOMETRY"),
    (0x70048, "IOCTL_DISK_GET_PARTITION_INFO_EX"),
    (0x700a0, "IOCTL_DISK_GET_DRIVE_GEOMETRY_EX"),
    (0x7405c, "IOCTL_DISK_GET_LENGTH_INFO"),
    (0x90000, "FSCTL_REQUEST_OPLOCK_LEVEL_1"),
    (0x90004, "FSCTL_REQUEST_OPLOCK_LEVEL_2"),
    (0x90008, "FSCTL_REQUEST_BATCH_OPLOCK"),
    (0x9000c, "FSCTL_OPLOCK_BREAK_ACKNOWLEDGE"),
    (0x90018, "FSCTL_LOCK_VOLUME"),
    (0x9001c, "FSCTL_UNLOCK_VOLUME"),
    (0x90020, "FSCTL_DISMOUNT_VOLUME"),
    (0x90028, "FSCTL_IS_VOLUME_MOUNTED"),
    (0x9003c, "FSCTL_GET_COMPRESSION"),
    (0x9005c, "FSCTL_REQUEST_FILTER_OPLOCK"),
    (0x90060, "FSCTL_FILESYSTEM_GET_STATISTICS"),
    (0x90064, "FSCTL_GET_NTFS_VOLUME_DATA"),
    (0x90068, "FSCTL_GET_NTFS_FILE_RECORD"),
    (0x90073, "FSCTL_GET_RETRIEVAL_POINTERS"),
    (0x90078, "FSCTL_IS_VOLUME_DIRTY"),
    (0x90098, "FSCTL_SET_OBJECT_ID"),
    (0x9009c, "FSCTL_GET_OBJECT_ID"),
    (0x900a0, "FSCTL_DELETE_OBJECT_ID"),
    (0x900a4, "FSCTL_SET_REPARSE_POINT"),
    (0x900a8, "FSCTL_GET_REPARSE_POINT"),
    (0x900ac, "FSCTL_DELETE_REPARSE_POINT"),
    (0x900bb, "FSCTL_READ_USN_JOURNAL"),
    (0x900c0, "FSCTL_CREATE_OR_GET_OBJECT_ID"),
    (0x900c4, "FSCTL_SET_SPARSE"),
    (0x900eb, "FSCTL_READ_FILE_USN_DATA"),
    (0x900ef, "FSCTL_WRITE_USN_CLOSE_RECORD"),
    (0x900f4, "FSCTL_QUERY_USN_JOURNAL"),
    (0x900fc, "FSCTL_MARK_HANDLE"),
    (0x90120, "FSCTL_FILE_PREFETCH"),
    (0x901af, "CSC_FSCTL_OPERATION_QUERY_HANDLE"),
    (0x90240, "FSCTL_REQUEST_OPLOCK"),
    (0x90284, "FSCTL_QUERY_FILE_REGIONS"),
    (0x9030c, "FSCTL_SET_EXTERNAL_BACKING"),
    (0x90310, "FSCTL_GET_EXTERNAL_BACKING"),
    (0x940cf, "FSCTL_QUERY_ALLOCATED_RANGES"),
    (0x94264, "FSCTL_OFFLOAD_READ"),
    (0x98268, "FSCTL_OFFLOAD_WRITE"),
    (0x980c8, "FSCTL_SET_ZERO_DATA"),
    (0x9c040, "FSCTL_SET_COMPRESSION"),
    (0x110008, "FSCTL_PIPE_LISTEN"),
    (0x110018, "FSCTL_PIPE_WAIT"),
    (0x11001c, "FSCTL_PIPE_IMPERSONATE"),
    (0x11400c, "FSCTL_PIPE_PEEK"),
    (0x116000, "FSCTL_PIPE_INTERNAL_READ"),
    (0x119ff8, "FSCTL_PIPE_INTERNAL_WRITE"),
    (0x11c017, "FSCTL_PIPE_TRANSCEIVE"),
    (0x11dfff, "FSCTL_PIPE_INTERNAL_TRANSCEIVE"),
    (0x1401ec, "FSCTL_LMR_QUERY_DEBUG_INFO"),
    (0x2d0800, "IOCTL_STORAGE_CHECK_VERIFY2"),
    (0x2d1080, "IOCTL_STORAGE_GET_DEVICE_NUMBER"),
    (0x2d1400, "IOCTL_STORAGE_QUERY_PROPERTY"),
    (0x2d4800, "IOCTL_STORAGE_CHECK_VERIFY"),
    (0x4d0008, "IOCTL_MOUNTDEV_QUERY_DEVICE_NAME"),
    (0x4d0000, "IOCTL_MOUNTDEV_QUERY_UNIQUE_ID"),
    (0x560000, "IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS"),
];

/// The `Control:` text of an FSCTL/IOCTL code.
pub fn control_code(code: u32) -> String {
    match CONTROL_CODES.iter().find(|(c, _)| *c == code) {
        Some((_, name)) => name.to_string(),
        None => format!(
            "0x{code:x} (Device:0x{:x} Function:{} Method: {})",
            code >> 16,
            (code >> 2) & 0xfff,
            code & 3
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names() {
        assert_eq!(file_system_operation(20, 0), "CreateFile");
        assert_eq!(
            file_system_operation(FS_SET_INFORMATION, 0x0d),
            "SetDispositionInformationFile"
        );
        assert_eq!(file_system_operation(FS_SET_INFORMATION, 0x99), "<Unknown>");
        assert_eq!(file_system_operation(FS_LOCK_UNLOCK, 1), "LockFile");
        assert_eq!(file_system_operation(999, 0), "<Unknown>");
        assert_eq!(operation_name(CLASS_PROCESS, 7), "Process Start");
        assert_eq!(operation_name(CLASS_REGISTRY, 17), "RegQueryKeySecurity");
        assert_eq!(operation_name(CLASS_REGISTRY, 18), "<Unknown>");
    }

    #[test]
    fn access_masks() {
        assert_eq!(file_access(0x80), "Read Attributes");
        assert_eq!(file_access(0xC000_0000), "Generic Read/Write");
        assert_eq!(file_access(0x0012_0089), "Generic Read");
        assert_eq!(registry_access(0x2000000), "Maximum Allowed");
        assert_eq!(registry_access(0x20019), "Read");
        assert_eq!(registry_access(0), "None 0x0");
    }

    #[test]
    fn control_codes() {
        assert_eq!(control_code(0x900a8), "FSCTL_GET_REPARSE_POINT");
        assert_eq!(
            control_code(0x902eb),
            "0x902eb (Device:0x9 Function:186 Method: 3)"
        );
    }
}
