//! Decoding the operation-specific part of a PML record into what Procmon shows: the
//! `Operation` name (with file-system sub-operations), the `Path` and the `Detail` text.
//!
//! Known structures: file system (CreateFile, Read/WriteFile, FSCTL/IOCTL, QueryDirectory,
//! NotifyChangeDirectory, CreateFileMapping, SetDispositionInformationFile), registry
//! (open/create, query/enum key and value, set value, set info, load/rename), process
//! (create, start with its environment, exit, image loads, threads) and network. Anything else
//! keeps its path and an empty Detail. Every read is bounds-checked: damaged bytes shorten the
//! Detail, never panic. This module must not locate records or decide what to keep.

use std::fmt::{Display, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};

use super::capture::{Capture, RawEvent};
use super::names::*;
use crate::sources::bytes::{utf16_trimmed, Cursor};
use crate::sources::procmon::clock::filetime_to_utc;

/// What a record shows in Procmon's Operation, Path and Detail columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    pub operation: String,
    pub path: String,
    pub detail: String,
}

impl Decoded {
    fn add(&mut self, key: &str, value: impl Display) {
        if !self.detail.is_empty() {
            self.detail.push_str(", ");
        }
        let _ = write!(self.detail, "{key}: {value}");
    }
}

/// Decodes a record; unknown classes and operations yield `<Unknown>` with no path.
pub fn decode(raw: &RawEvent, capture: &Capture) -> Decoded {
    let is64 = capture.is64();
    let mut d = Decoded::default();
    let mut c = Cursor::new(raw.details);
    match raw.class {
        CLASS_FILE_SYSTEM => {
            let minor = c.u8().unwrap_or(0);
            d.operation = file_system_operation(raw.operation, minor);
            let _ = file_system(&mut c, raw, is64, &mut d);
        }
        CLASS_REGISTRY => {
            d.operation = operation_name(raw.class, raw.operation);
            let _ = registry(&mut c, raw, &mut d);
        }
        CLASS_PROCESS => {
            d.operation = operation_name(raw.class, raw.operation);
            let _ = process(&mut c, raw, is64, &mut d);
        }
        CLASS_NETWORK => {
            let _ = network(&mut c, raw, capture, &mut d);
        }
        _ => d.operation = operation_name(raw.class, raw.operation),
    }
    d
}

/// A detail string announced by a `u16` info word: high bit = 8-bit characters, low 15 bits =
/// character count.
fn detail_string(c: &mut Cursor, info: u16) -> Option<String> {
    let count = usize::from(info & 0x7FFF);
    if info & 0x8000 != 0 {
        c.take(count)
            .map(|b| b.iter().map(|&ch| char::from(ch)).collect())
    } else {
        c.utf16(count * 2)
    }
}

/// `1,234,567` as Procmon prints sizes and offsets.
fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    let first = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        short => short,
    };
    out.push_str(&digits[..first]);
    for group in digits.as_bytes()[first..].chunks(3) {
        out.push(',');
        out.extend(group.iter().map(|&b| char::from(b)));
    }
    out
}

/// `S.fffffff` from 100 ns units.
fn duration_text(hundred_ns: i64) -> String {
    let sign = if hundred_ns < 0 { "-" } else { "" };
    let v = hundred_ns.unsigned_abs();
    format!("{sign}{}.{:07}", v / 10_000_000, v % 10_000_000)
}

/// `M/D/YYYY h:mm:ss AM` (UTC) as Procmon prints FILETIMEs in details.
fn date_text(filetime: u64) -> String {
    match filetime_to_utc(filetime) {
        Some(t) => t.format("%-m/%-d/%Y %-I:%M:%S %p").to_string(),
        None => "1/1/1601 12:00:00 AM".to_string(),
    }
}

fn pointer_padding(is64: bool) -> usize {
    if is64 {
        4
    } else {
        0
    }
}

// ---------------------------------------------------------------- file system

fn file_system(c: &mut Cursor, raw: &RawEvent, is64: bool, d: &mut Decoded) -> Option<()> {
    c.skip(3)?;
    let pointer = if is64 { 8 } else { 4 };
    let params = c.take(pointer * 5 + 0x14)?;
    let info = c.u16()?;
    c.skip(2)?;
    d.path = detail_string(c, info)?;
    let params = Cursor::new(params);
    match d.operation.as_str() {
        "CreateFile" => create_file(c, params, raw.extra, is64, d),
        "ReadFile" | "WriteFile" => read_write(params, raw.extra, is64, d),
        "FileSystemControl" | "DeviceIoControl" => io_control(params, is64, d),
        "QueryDirectory" => query_directory(c, params, raw.extra, is64, d),
        "NotifyChangeDirectory" => notify_change_directory(params, is64, d),
        "SetDispositionInformationFile" => {
            let delete = c.u8()? != 0;
            d.add("Delete", if delete { "True" } else { "False" });
            Some(())
        }
        "CreateFileMapping" => create_file_mapping(params, d),
        "QuerySecurityFile" | "SetSecurityFile" => security_information(params, d),
        "SetEndOfFileInformationFile" => {
            d.add("EndOfFile", thousands(c.i64()?));
            Some(())
        }
        "SetAllocationInformationFile" => {
            d.add("AllocationSize", thousands(c.i64()?));
            Some(())
        }
        "SetBasicInformationFile" => basic_information(c, d),
        _ => query_information(Cursor::new(raw.extra?), d),
    }
}

/// `Information:` of Query/SetSecurityFile (SECURITY_INFORMATION flags).
fn security_information(mut p: Cursor, d: &mut Decoded) -> Option<()> {
    p.skip(0xC)?;
    let flags = p.u32()?;
    if flags != 0 {
        d.add(
            "Information",
            mask_names_and_rest(flags, SECURITY_INFORMATION),
        );
    }
    Some(())
}

/// FILE_BASIC_INFORMATION: four times and the attributes.
fn basic_information(c: &mut Cursor, d: &mut Decoded) -> Option<()> {
    let times = [c.u64()?, c.u64()?, c.u64()?, c.u64()?];
    let attributes = c.u32()?;
    for (name, time) in [
        "CreationTime",
        "LastAccessTime",
        "LastWriteTime",
        "ChangeTime",
    ]
    .into_iter()
    .zip(times)
    {
        d.add(name, date_text(time));
    }
    d.add("FileAttributes", attribute_letters(attributes));
    Some(())
}

/// FILE_STANDARD_INFORMATION: sizes, link count, delete-pending and directory flags.
fn standard_information(x: &mut Cursor, d: &mut Decoded) -> Option<()> {
    let allocation = x.i64()?;
    let end_of_file = x.i64()?;
    let links = x.u32()?;
    let delete_pending = x.u8()? != 0;
    let directory = x.u8()? != 0;
    d.add("AllocationSize", thousands(allocation));
    d.add("EndOfFile", thousands(end_of_file));
    d.add("NumberOfLinks", links);
    d.add("DeletePending", true_false(delete_pending));
    d.add("Directory", true_false(directory));
    Some(())
}

fn attribute_letters(attributes: u32) -> String {
    if attributes == 0 {
        "n/a".to_string()
    } else {
        mask_names(attributes, FILE_ATTRIBUTES, "")
    }
}

/// The output of information queries (file and volume), from the extra detail.
fn query_information(mut x: Cursor, d: &mut Decoded) -> Option<()> {
    match d.operation.as_str() {
        "QueryBasicInformationFile" => basic_information(&mut x, d),
        "QueryStandardInformationFile" => standard_information(&mut x, d),
        "QueryAllInformationFile" => {
            basic_information(&mut x, d)?;
            x.skip(4)?; // padding after the attributes
            standard_information(&mut x, d)?;
            x.skip(2)?; // padding after the booleans
            d.add("IndexNumber", format_args!("0x{:x}", x.u64()?));
            d.add("EaSize", x.u32()?);
            d.add("Access", file_access(x.u32()?));
            d.add("Position", thousands(x.i64()?));
            d.add("Mode", mask_names(x.u32()?, CREATE_OPTIONS, ", "));
            d.add("AlignmentRequirement", alignment(x.u32()?));
            Some(())
        }
        "QueryAttributeInformationVolume" => {
            let attributes = x.u32()?;
            let max_component = x.u32()?;
            let name_length = x.u32()? as usize;
            d.add(
                "FileSystemAttributes",
                mask_names_and_rest(attributes, VOLUME_ATTRIBUTES),
            );
            d.add("MaximumComponentNameLength", max_component);
            d.add("FileSystemName", x.utf16(name_length.min(x.remaining()))?);
            Some(())
        }
        "QueryFileInternalInformationFile" => {
            d.add("IndexNumber", format_args!("0x{:x}", x.u64()?));
            Some(())
        }
        "QueryNameInformationFile" => {
            let length = x.u32()? as usize;
            d.add("Name", x.utf16(length.min(x.remaining()))?);
            Some(())
        }
        "QueryAttributeTagFile" => {
            let attributes = x.u32()?;
            let tag = x.u32()?;
            d.add("Attributes", attribute_letters(attributes));
            d.add("ReparseTag", format_args!("0x{tag:x}"));
            Some(())
        }
        "QueryNetworkOpenInformationFile" => {
            for name in [
                "CreationTime",
                "LastAccessTime",
                "LastWriteTime",
                "ChangeTime",
            ] {
                d.add(name, date_text(x.u64()?));
            }
            d.add("AllocationSize", thousands(x.i64()?));
            d.add("EndOfFile", thousands(x.i64()?));
            d.add("FileAttributes", attribute_letters(x.u32()?));
            Some(())
        }
        "QueryInformationVolume" => {
            let created = x.u64()?;
            let serial = x.u32()?;
            let label_length = x.u32()? as usize;
            let supports_objects = x.u8()? != 0;
            x.skip(1)?;
            d.add("VolumeCreationTime", date_text(created));
            d.add(
                "VolumeSerialNumber",
                format_args!("{:04X}-{:04X}", serial >> 16, serial & 0xFFFF),
            );
            d.add("SupportsObjects", true_false(supports_objects));
            d.add("VolumeLabel", x.utf16(label_length.min(x.remaining()))?);
            Some(())
        }
        "QuerySizeInformationVolume" => {
            d.add("TotalAllocationUnits", thousands(x.i64()?));
            d.add("AvailableAllocationUnits", thousands(x.i64()?));
            d.add("SectorsPerAllocationUnit", thousands(x.u32()?));
            d.add("BytesPerSector", thousands(x.u32()?));
            Some(())
        }
        "QueryFullSizeInformationVolume" => {
            d.add("TotalAllocationUnits", thousands(x.i64()?));
            d.add("CallerAvailableAllocationUnits", thousands(x.i64()?));
            d.add("ActualAvailableAllocationUnits", thousands(x.i64()?));
            d.add("SectorsPerAllocationUnit", thousands(x.u32()?));
            d.add("BytesPerSector", thousands(x.u32()?));
            Some(())
        }
        "QueryObjectIdInformationVolume" => {
            let id: String = x.take(16)?.iter().map(|b| format!("{b:02X}")).collect();
            d.add("ObjectId", id);
            Some(())
        }
        _ => Some(()),
    }
}

fn true_false(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

fn create_file(
    c: &mut Cursor,
    mut p: Cursor,
    extra: Option<&[u8]>,
    is64: bool,
    d: &mut Decoded,
) -> Option<()> {
    let access = c.u32()?;
    let sid_length = c.u8()?;
    c.skip(3)?;
    let pad = pointer_padding(is64);
    p.skip(0x10 + pad)?;
    let disposition_and_options = p.u32()?;
    p.skip(pad)?;
    let attributes = u32::from(p.u16()?);
    let share = u32::from(p.u16()?);
    p.skip(4 + 2 * (4 + pad))?;
    let allocation = p.u32()?;
    let disposition = disposition_and_options >> 24;
    d.add("Desired Access", file_access(access));
    d.add(
        "Disposition",
        create_disposition(disposition).unwrap_or("<unknown>"),
    );
    d.add(
        "Options",
        mask_names(disposition_and_options & 0xFF_FFFF, CREATE_OPTIONS, ", "),
    );
    d.add(
        "Attributes",
        if attributes == 0 {
            "n/a".to_string()
        } else {
            mask_names(attributes, FILE_ATTRIBUTES, "")
        },
    );
    d.add(
        "ShareMode",
        if share == 0 {
            "None".to_string()
        } else {
            mask_names(share, SHARE_MODES, ", ")
        },
    );
    let allocates = matches!(disposition, 0 | 2 | 3 | 5);
    d.add(
        "AllocationSize",
        if allocates {
            thousands(allocation)
        } else {
            "n/a".to_string()
        },
    );
    if sid_length > 0 {
        if let Some(sid) = c.take(usize::from(sid_length)).and_then(sid_text) {
            d.add("Impersonating", well_known_account(&sid).unwrap_or(&sid));
        }
    }
    if let Some(result) = extra.and_then(|x| Cursor::new(x).u32()) {
        d.add("OpenResult", open_result(result).unwrap_or("<unknown>"));
    }
    Some(())
}

/// A binary SID as `S-1-5-21-…`.
fn sid_text(sid: &[u8]) -> Option<String> {
    let revision = *sid.first()?;
    let count = usize::from(*sid.get(1)?);
    let authority = sid
        .get(2..8)?
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let subs = sid.get(8..8 + 4 * count)?;
    let mut text = format!("S-{revision}-{authority}");
    for chunk in subs.chunks_exact(4) {
        let _ = write!(
            text,
            "-{}",
            u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])
        );
    }
    Some(text)
}

/// The account name Procmon shows for the well-known service SIDs.
fn well_known_account(sid: &str) -> Option<&'static str> {
    match sid {
        "S-1-5-18" => Some("NT AUTHORITY\\SYSTEM"),
        "S-1-5-19" => Some("NT AUTHORITY\\LOCAL SERVICE"),
        "S-1-5-20" => Some("NT AUTHORITY\\NETWORK SERVICE"),
        _ => None,
    }
}

fn read_write(mut p: Cursor, extra: Option<&[u8]>, is64: bool, d: &mut Decoded) -> Option<()> {
    let pad = pointer_padding(is64);
    p.skip(4)?;
    let flags_and_priority = p.u32()?;
    p.skip(4)?;
    let mut length = p.u32()?;
    p.skip(pad + 4 + pad)?;
    let offset = p.i64()?;
    if let Some(actual) = extra.and_then(|x| Cursor::new(x).u32()) {
        length = actual;
    }
    d.add("Offset", thousands(offset));
    d.add("Length", thousands(length));
    let io_flags = flags_and_priority & 0x00E0_00FF;
    if io_flags != 0 {
        d.add("I/O Flags", mask_names(io_flags, IO_FLAGS, ", "));
    }
    let priority = (flags_and_priority >> 17) & 7;
    if priority != 0 {
        match io_priority(priority) {
            Some(name) => d.add("Priority", name),
            None => d.add("Priority", format_args!("0x{priority:x}")),
        }
    }
    Some(())
}

fn io_control(mut p: Cursor, is64: bool, d: &mut Decoded) -> Option<()> {
    let pad = pointer_padding(is64);
    p.skip(8)?;
    let write_length = p.u32()?;
    let read_length = p.u32()?;
    p.skip(pad + 4 + pad)?;
    let code = p.u32()?;
    let control = control_code(code);
    d.add("Control", &control);
    if d.operation == "FileSystemControl" {
        match control.as_str() {
            "FSCTL_PIPE_INTERNAL_WRITE" => d.add("Length", write_length),
            "FSCTL_PIPE_INTERNAL_READ" => d.add("Length", read_length),
            "FSCTL_PIPE_TRANSCEIVE" | "FSCTL_PIPE_INTERNAL_TRANSCEIVE" => {
                d.add("WriteLength", write_length);
                d.add("ReadLength", read_length);
            }
            _ => {}
        }
    }
    Some(())
}

fn query_directory(
    c: &mut Cursor,
    mut p: Cursor,
    extra: Option<&[u8]>,
    is64: bool,
    d: &mut Decoded,
) -> Option<()> {
    let info = c.u16()?;
    let filter = detail_string(c, info)?;
    let mut items: Vec<String> = Vec::new();
    if !filter.is_empty() {
        if !d.path.ends_with('\\') {
            d.path.push('\\');
        }
        d.path.push_str(&filter);
        items.push(format!("Filter: {filter}"));
    }
    let pad = pointer_padding(is64);
    p.skip(0x10 + pad + 4 + pad)?;
    let class = p.u32()?;
    let first_number = usize::from(!filter.is_empty());
    if let Some(extra) = extra {
        for (i, name) in directory_entries(extra, class).into_iter().enumerate() {
            items.push(format!("{}: {name}", first_number + i));
        }
    }
    let class_item = match file_information_class(class) {
        Some(name) => format!("FileInformationClass: {name}"),
        None => format!("FileInformationClass: {class}"),
    };
    // Procmon writes the class as the third item (over whatever entry was there), and only
    // when there are at least two items before it.
    match items.len() {
        0 | 1 => {}
        2 => items.push(class_item),
        _ => items[2] = class_item,
    }
    d.detail = items.join(", ");
    Some(())
}

/// File names of a directory listing buffer (FILE_*_INFORMATION entries chained by
/// NextEntryOffset).
fn directory_entries(buffer: &[u8], class: u32) -> Vec<String> {
    let name_at = match class {
        1 => 0x40,  // FILE_DIRECTORY_INFORMATION
        2 => 0x44,  // FILE_FULL_DIR_INFORMATION
        3 => 0x5E,  // FILE_BOTH_DIR_INFORMATION
        12 => 0x0C, // FILE_NAMES_INFORMATION
        37 => 0x68, // FILE_ID_BOTH_DIR_INFORMATION
        38 => 0x50, // FILE_ID_FULL_DIR_INFORMATION
        60 => 0x58, // FILE_ID_EXTD_DIR_INFORMATION
        63 => 0x72, // FILE_ID_EXTD_BOTH_DIR_INFORMATION
        _ => return Vec::new(),
    };
    let length_at = if class == 12 { 0x08 } else { 0x3C };
    let mut names = Vec::new();
    let mut entry = 0usize;
    while entry < buffer.len() {
        let mut c = Cursor::at(buffer, entry);
        let Some(next) = c.u32() else { break };
        let Some(length) = Cursor::at(buffer, entry + length_at).u32() else {
            break;
        };
        let Some(name) = Cursor::at(buffer, entry + name_at).utf16(length as usize) else {
            break;
        };
        names.push(name);
        if next == 0 {
            break;
        }
        entry += next as usize;
    }
    names
}

fn notify_change_directory(mut p: Cursor, is64: bool, d: &mut Decoded) -> Option<()> {
    p.skip(0x10 + pointer_padding(is64))?;
    let filter = p.u32()?;
    d.add("Filter", mask_names(filter, NOTIFY_FILTERS, ", "));
    Some(())
}

fn create_file_mapping(mut p: Cursor, d: &mut Decoded) -> Option<()> {
    p.skip(0xC)?;
    let sync_type = p.u32()?;
    let protection = p.u32()?;
    if sync_type != 1 {
        d.add("SyncType", "SyncTypeOther");
        return Some(());
    }
    d.add("SyncType", "SyncTypeCreateSection");
    const BASES: [(u32, &str); 6] = [
        (0x02, "PAGE_READONLY"),
        (0x04, "PAGE_READWRITE"),
        (0x08, "PAGE_WRITECOPY"),
        (0x10, "PAGE_EXECUTE"),
        (0x20, "PAGE_EXECUTE_READ"),
        (0x40, "PAGE_EXECUTE_READWRITE"),
    ];
    let mut text = BASES
        .iter()
        .find(|(bit, _)| protection & bit != 0)
        .map_or(String::new(), |(_, name)| name.to_string());
    if protection & 0x200 != 0 {
        text.push_str("|PAGE_NOCACHE");
    }
    if !text.is_empty() {
        d.add("PageProtection", text);
    }
    Some(())
}

// ---------------------------------------------------------------- registry

/// Fields of a registry detail structure that precede the path.
#[derive(Default)]
struct RegistryFields {
    new_path_info: u16,
    desired_access: u32,
    length: u32,
    index: u32,
    information_class: u32,
    value_type: u32,
    data_length: u32,
}

fn registry(c: &mut Cursor, raw: &RawEvent, d: &mut Decoded) -> Option<()> {
    let path_info = c.u16()?;
    let mut f = RegistryFields::default();
    match d.operation.as_str() {
        "RegLoadKey" | "RegRenameKey" => f.new_path_info = c.u16()?,
        "RegOpenKey" | "RegCreateKey" => {
            c.skip(2)?;
            f.desired_access = c.u32()?;
        }
        "RegQueryKey" | "RegQueryValue" => {
            c.skip(2)?;
            f.length = c.u32()?;
            f.information_class = c.u32()?;
        }
        "RegEnumValue" | "RegEnumKey" => {
            c.skip(2)?;
            f.length = c.u32()?;
            f.index = c.u32()?;
            f.information_class = c.u32()?;
        }
        "RegSetInfoKey" => {
            c.skip(2)?;
            f.information_class = c.u32()?;
            c.skip(4)?;
            f.length = u32::from(c.u16()?);
            c.skip(2)?;
        }
        "RegSetValue" => {
            c.skip(2)?;
            f.value_type = c.u32()?;
            f.length = c.u32()?;
            f.data_length = u32::from(c.u16()?);
            c.skip(2)?;
        }
        _ => {}
    }
    d.path = detail_string(c, path_info)?;
    let extra = raw.extra.map(Cursor::new);
    match d.operation.as_str() {
        "RegOpenKey" | "RegCreateKey" => open_key(extra, &f, d),
        "RegQueryKey" | "RegEnumKey" => query_key(extra, &f, d),
        "RegQueryValue" | "RegEnumValue" => query_value(extra, &f, d),
        "RegSetValue" => set_value(c, &f, d),
        "RegSetInfoKey" => set_info_key(c, &f, d),
        "RegLoadKey" => {
            d.add("Hive Path", detail_string(c, f.new_path_info)?);
            Some(())
        }
        "RegRenameKey" => {
            d.add("New Name", detail_string(c, f.new_path_info)?);
            Some(())
        }
        _ => Some(()),
    }
}

fn open_key(extra: Option<Cursor>, f: &RegistryFields, d: &mut Decoded) -> Option<()> {
    if f.desired_access == 0 {
        return Some(());
    }
    let access = registry_access(f.desired_access);
    d.add("Desired Access", &access);
    let mut x = extra?;
    if access == "Maximum Allowed" {
        d.add("Granted Access", registry_access(x.u32()?));
    } else {
        x.skip(4)?;
    }
    if let Some(disposition) = registry_disposition(x.u32()?) {
        d.add("Disposition", disposition);
    }
    Some(())
}

fn query_key(extra: Option<Cursor>, f: &RegistryFields, d: &mut Decoded) -> Option<()> {
    let class = key_information_class(f.information_class);
    if d.operation == "RegEnumKey" {
        d.add("Index", thousands(f.index));
    } else {
        match class {
            Some(name) => d.add("Query", name),
            None => d.add("Query", f.information_class),
        }
    }
    let Some(mut x) = extra else {
        d.add("Length", thousands(f.length));
        return Some(());
    };
    let name_shown = d.operation == "RegEnumKey";
    match class? {
        "Name" => {
            let size = x.u32()? as usize;
            let name = x.utf16(size.min(x.remaining()))?;
            if name_shown {
                d.add("Name", name);
            }
        }
        "HandleTags" => d.add("HandleTags", format_args!("0x{:x}", x.u32()?)),
        "Flags" => d.add("UserFlags", format_args!("0x{:x}", x.u32()?)),
        "Cached" => {
            x.skip(8 + 4)?;
            let sub_keys = x.u32()?;
            x.skip(4)?;
            let values = x.u32()?;
            d.add("SubKeys", thousands(sub_keys));
            d.add("Values", thousands(values));
        }
        "Basic" => {
            x.skip(8 + 4)?;
            let size = x.u32()? as usize;
            d.add("Name", x.utf16(size.min(x.remaining()))?);
        }
        "Full" => {
            x.skip(8 + 4 + 4 + 4)?;
            let sub_keys = x.u32()?;
            x.skip(4 + 4)?;
            let values = x.u32()?;
            d.add("SubKeys", thousands(sub_keys));
            d.add("Values", thousands(values));
        }
        "Node" => {
            x.skip(8 + 4 + 4 + 4)?;
            let size = x.u32()? as usize;
            d.add("Name", x.utf16(size.min(x.remaining()))?);
        }
        _ => {}
    }
    Some(())
}

fn type_name(value_type: u32) -> String {
    registry_type(value_type).map_or_else(|| format!("<Unknown: {value_type}>"), str::to_string)
}

fn query_value(extra: Option<Cursor>, f: &RegistryFields, d: &mut Decoded) -> Option<()> {
    if d.operation == "RegEnumValue" {
        d.add("Index", thousands(f.index));
    }
    let Some(mut x) = extra else {
        d.add("Length", thousands(f.length));
        return Some(());
    };
    let start = x.clone();
    x.skip(4)?;
    let value_type = x.u32()?;
    let length = match f.information_class {
        1 => {
            let data_offset = x.u32()? as usize;
            let length = x.u32()?;
            let name_size = x.u32()? as usize;
            let name = x.utf16(name_size.min(x.remaining()))?;
            if d.operation == "RegEnumValue" {
                d.add("Name", name);
            }
            x = start;
            x.skip(data_offset)?;
            length
        }
        2 => x.u32()?,
        _ => {
            d.add("Type", type_name(value_type));
            return Some(());
        }
    };
    d.add("Type", type_name(value_type));
    d.add("Length", thousands(length));
    if length > 0 {
        d.add("Data", registry_data(&mut x, value_type, length as usize));
    }
    Some(())
}

fn set_value(c: &mut Cursor, f: &RegistryFields, d: &mut Decoded) -> Option<()> {
    let name = type_name(f.value_type);
    d.add("Type", &name);
    d.add("Length", thousands(f.length));
    let length = f.length.min(f.data_length) as usize;
    if length > 0 && registry_type(f.value_type).is_some() {
        d.add("Data", registry_data(c, f.value_type, length));
    }
    Some(())
}

/// Registry value data as Procmon prints it in the Detail column.
fn registry_data(c: &mut Cursor, value_type: u32, length: usize) -> String {
    let available = length.min(c.remaining());
    match value_type {
        4 => c.u32().map(|v| v.to_string()).unwrap_or_default(),
        11 => String::new(), // Procmon leaves REG_QWORD data empty in its export
        1 | 2 => c.utf16_until_nul().replace("\r\n", "\n;"),
        3 => c
            .take(available)
            .unwrap_or(&[])
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" "),
        7 => multi_string(c.take(available).unwrap_or(&[])).join(", "),
        _ => String::new(),
    }
}

/// The non-empty strings of a REG_MULTI_SZ / environment block.
fn multi_string(bytes: &[u8]) -> Vec<String> {
    utf16_trimmed(bytes)
        .split('\0')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn set_info_key(c: &mut Cursor, f: &RegistryFields, d: &mut Decoded) -> Option<()> {
    d.add(
        "KeySetInformationClass",
        key_set_information_class(f.information_class),
    );
    d.add("Length", thousands(f.length));
    if f.length > 0 {
        match f.information_class {
            0 => d.add("LastWriteTime", date_text(c.u64()?)),
            1 => d.add("Wow64Flags", format_args!("0x{:x}", c.u32()?)),
            5 => d.add("HandleTags", format_args!("0x{:x}", c.u32()?)),
            _ => {}
        }
    }
    Some(())
}

// ---------------------------------------------------------------- process

fn process(c: &mut Cursor, raw: &RawEvent, is64: bool, d: &mut Decoded) -> Option<()> {
    match d.operation.as_str() {
        "Process Defined" | "Process Create" => process_create(c, d),
        "Process Start" => process_start(c, d),
        "Process Exit" | "Process Statistics" => process_exit(c, d),
        "Load Image" => {
            let base = c.pointer(is64)?;
            let size = c.u32()?;
            let info = c.u16()?;
            c.skip(2)?;
            d.path = detail_string(c, info)?;
            d.add("Image Base", format_args!("0x{base:x}"));
            d.add("Image Size", format_args!("0x{size:x}"));
            Some(())
        }
        "Thread Create" => {
            d.add("Thread ID", c.u32()?);
            Some(())
        }
        "Thread Exit" => {
            d.add("Thread ID", raw.tid);
            c.skip(4)?;
            let kernel = c.i64()?;
            let user = c.i64()?;
            d.add("User Time", duration_text(user));
            d.add("Kernel Time", duration_text(kernel));
            Some(())
        }
        _ => Some(()),
    }
}

fn process_create(c: &mut Cursor, d: &mut Decoded) -> Option<()> {
    c.skip(4)?;
    let pid = c.u32()?;
    c.skip(0x24)?;
    let unknown1 = usize::from(c.u8()?);
    let unknown2 = usize::from(c.u8()?);
    let path_info = c.u16()?;
    let command_info = c.u16()?;
    c.skip(2 + unknown1 + unknown2)?;
    d.path = detail_string(c, path_info)?;
    d.add("PID", pid);
    d.add("Command line", detail_string(c, command_info)?);
    Some(())
}

fn process_start(c: &mut Cursor, d: &mut Decoded) -> Option<()> {
    let parent = c.u32()?;
    let command_info = c.u16()?;
    let directory_info = c.u16()?;
    let environment_chars = c.u32()? as usize;
    d.add("Parent PID", parent);
    d.add("Command line", detail_string(c, command_info)?);
    d.add("Current directory", detail_string(c, directory_info)?);
    let bytes = environment_chars.saturating_mul(2).min(c.remaining());
    let mut environment = String::new();
    for var in multi_string(c.take(bytes)?) {
        environment.push_str("\r;\t");
        environment.push_str(&var);
    }
    d.add("Environment", environment);
    Some(())
}

fn process_exit(c: &mut Cursor, d: &mut Decoded) -> Option<()> {
    let status = c.u32()? as i32;
    let kernel = c.i64()?;
    let user = c.i64()?;
    let working_set = c.u64()?;
    let peak_working_set = c.u64()?;
    let private = c.u64()?;
    let peak_private = c.u64()?;
    d.add("Exit Status", status);
    d.add("User Time", format_args!("{} seconds", duration_text(user)));
    d.add(
        "Kernel Time",
        format_args!("{} seconds", duration_text(kernel)),
    );
    d.add("Private Bytes", thousands(private));
    d.add("Peak Private Bytes", thousands(peak_private));
    d.add("Working Set", thousands(working_set));
    d.add("Peak Working Set", thousands(peak_working_set));
    Some(())
}

// ---------------------------------------------------------------- network

fn network(c: &mut Cursor, raw: &RawEvent, capture: &Capture, d: &mut Decoded) -> Option<()> {
    let base = operation_name(CLASS_NETWORK, raw.operation);
    let flags = c.u16().unwrap_or(0);
    let is_tcp = flags & 4 != 0;
    d.operation = format!("{} {base}", if is_tcp { "TCP" } else { "UDP" });
    c.skip(2)?;
    let length = c.u32()?;
    let source: [u8; 16] = c.array()?;
    let destination: [u8; 16] = c.array()?;
    let source_port = c.u16()?;
    let destination_port = c.u16()?;
    d.path = format!(
        "{}:{} -> {}:{}",
        host_name(capture, &source, flags & 1 != 0),
        port_name(capture, source_port, is_tcp),
        host_name(capture, &destination, flags & 2 != 0),
        port_name(capture, destination_port, is_tcp)
    );
    d.add("Length", length);
    let pairs = multi_string(c.rest());
    for pair in pairs.chunks_exact(2) {
        d.add(&pair[0], &pair[1]);
    }
    Some(())
}

fn host_name(capture: &Capture, ip: &[u8; 16], is_v4: bool) -> String {
    match capture.hosts.get(ip) {
        Some(name) if !name.is_empty() => name.clone(),
        _ if is_v4 => Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string(),
        _ => Ipv6Addr::from(*ip).to_string(),
    }
}

fn port_name(capture: &Capture, port: u16, is_tcp: bool) -> String {
    capture
        .ports
        .get(&(port, is_tcp))
        .filter(|name| !name.is_empty())
        .cloned()
        .unwrap_or_else(|| port.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0u32), "0");
        assert_eq!(thousands(999u32), "999");
        assert_eq!(thousands(1_000u32), "1,000");
        assert_eq!(thousands(2_147_483_538u32), "2,147,483,538");
        assert_eq!(thousands(-1_234i64), "-1,234");
        assert_eq!(duration_text(0), "0.0000000");
        assert_eq!(duration_text(12_345_678), "1.2345678");
    }

    #[test]
    fn sids_and_dates() {
        let sid = [1u8, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0];
        assert_eq!(sid_text(&sid).as_deref(), Some("S-1-5-18"));
        assert_eq!(sid_text(&sid[..9]), None);
        assert_eq!(date_text(0), "1/1/1601 12:00:00 AM");
    }

    #[test]
    fn directory_listing_is_bounded() {
        // Two FILE_NAMES_INFORMATION entries, the second pointing past the end.
        let mut buf = vec![0u8; 0x20];
        buf[0] = 0x10; // next entry at 0x10
        buf[8] = 2; // name length
        buf[0xC] = b'a';
        buf[0x10] = 0xFF; // next entry far away
        buf[0x18] = 2;
        buf[0x1C] = b'b';
        assert_eq!(directory_entries(&buf, 12), vec!["a", "b"]);
        assert!(directory_entries(&buf, 999).is_empty());
    }
}
