//! A small PML (Process Monitor capture, version 9) writer for tests: header, events, event
//! offsets array, process table, string table, empty icon table and host/port tables, laid out
//! in that order as Procmon writes them, for 32- and 64-bit captures.
//!
//! Written from the format description (docs/formats.md §3). Detail structures cover what the
//! tests need: file-system operations (CreateFile with its parameters and open result, any
//! other major/minor with a path), registry open/query/set value, and process create, start
//! (with environment) and exit. It is test support only: it must not be used by the product.
//! `poke_u32`/`poke_u64` and the `*_AT` offsets let tests damage a capture on purpose.

/// Header offsets of the fields tests like to damage.
pub const EVENT_COUNT_AT: usize = 0x234;
pub const EVENTS_OFFSET_AT: usize = 0x240;
pub const EVENT_OFFSETS_OFFSET_AT: usize = 0x248;
pub const PROCESS_TABLE_OFFSET_AT: usize = 0x250;
pub const STRING_TABLE_OFFSET_AT: usize = 0x258;
pub const HEADER_SIZE: usize = 0x3A8;

pub const CLASS_PROCESS: u32 = 1;
pub const CLASS_REGISTRY: u32 = 2;
pub const CLASS_FILE_SYSTEM: u32 = 3;

/// NTSTATUS values used by tests.
pub const SUCCESS: u32 = 0;
pub const ACCESS_DENIED: u32 = 0xC000_0022;
pub const NAME_NOT_FOUND: u32 = 0xC000_0034;
pub const SHARING_VIOLATION: u32 = 0xC000_0043;
pub const BUFFER_OVERFLOW: u32 = 0x8000_0005;

/// A process of the process table.
#[derive(Debug, Clone, Default)]
pub struct PmlProcess {
    pub pid: u32,
    pub parent_pid: u32,
    pub name: String,
    pub image_path: String,
    pub command_line: String,
    pub user: String,
    pub integrity: String,
}

impl PmlProcess {
    pub fn new(pid: u32, parent_pid: u32, name: &str) -> Self {
        PmlProcess {
            pid,
            parent_pid,
            name: name.to_string(),
            image_path: format!("C:\\Windows\\System32\\{name}"),
            command_line: name.to_string(),
            user: "NT AUTHORITY\\SYSTEM".to_string(),
            integrity: "System".to_string(),
        }
    }
}

/// The operation-specific part of an event.
#[derive(Debug, Clone)]
pub enum PmlDetail {
    /// `CreateFile` (major 20) with its desired access, disposition, options, attributes,
    /// share mode and, when given, the open result (extra detail).
    CreateFile {
        path: String,
        access: u32,
        disposition: u32,
        options: u32,
        attributes: u16,
        share: u16,
        open_result: Option<u32>,
    },
    /// Any other file-system operation, by major and minor code, with a path only.
    File { major: u16, minor: u8, path: String },
    /// `RegOpenKey` (0) / `RegCreateKey` (1) with a desired access.
    RegOpen {
        operation: u16,
        path: String,
        access: u32,
    },
    /// `RegQueryValue` of a REG_DWORD through KeyValuePartialInformation (extra detail).
    RegQueryDword { path: String, value: Option<u32> },
    /// `RegSetValue` of a REG_SZ.
    RegSetString { path: String, value: String },
    /// `Process Create` (on the parent).
    ProcessCreate {
        child_pid: u32,
        image_path: String,
        command_line: String,
    },
    /// `Process Start` (on the child) with its environment block.
    ProcessStart {
        parent_pid: u32,
        command_line: String,
        current_directory: String,
        environment: Vec<String>,
    },
    /// `Process Exit` with its status.
    ProcessExit { status: i32 },
    /// Raw bytes for any class/operation (for damaged or unknown structures).
    Raw {
        class: u32,
        operation: u16,
        details: Vec<u8>,
        extra: Option<Vec<u8>>,
    },
}

/// One event record.
#[derive(Debug, Clone)]
pub struct PmlEvent {
    /// Position of the process in [`PmlCapture::processes`].
    pub process: usize,
    pub tid: u32,
    /// FILETIME (100 ns since 1601, UTC).
    pub filetime: u64,
    pub result: u32,
    /// Number of (zero) stack frames to write.
    pub stack_depth: u16,
    pub detail: PmlDetail,
}

impl PmlEvent {
    pub fn new(process: usize, filetime: u64, result: u32, detail: PmlDetail) -> Self {
        PmlEvent {
            process,
            tid: 1000 + process as u32,
            filetime,
            result,
            stack_depth: 2,
            detail,
        }
    }
}

/// A capture to write.
#[derive(Debug, Clone, Default)]
pub struct PmlCapture {
    pub is64: bool,
    pub processes: Vec<PmlProcess>,
    pub events: Vec<PmlEvent>,
}

/// FILETIME of a UTC date and time with 100 ns ticks.
pub fn filetime(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ticks: u32) -> u64 {
    use chrono::{NaiveDate, TimeZone, Utc};
    let t = Utc.from_utc_datetime(
        &NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap(),
    );
    ((t.timestamp() + 11_644_473_600) as u64) * 10_000_000 + u64::from(ticks)
}

impl PmlCapture {
    /// The capture as PML bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut strings = Strings::default();
        let mut out = vec![0u8; HEADER_SIZE];
        let events_offset = out.len();
        let mut offsets = Vec::new();
        for event in &self.events {
            offsets.push(out.len() as u32);
            self.write_event(&mut out, event);
        }
        let event_offsets_offset = out.len();
        for offset in &offsets {
            out.extend_from_slice(&offset.to_le_bytes());
            out.push(0);
        }
        let process_table_offset = out.len();
        self.write_processes(&mut out, &mut strings);
        let string_table_offset = out.len();
        strings.write(&mut out);
        let icon_table_offset = out.len();
        out.extend_from_slice(&0u32.to_le_bytes());
        let hosts_offset = out.len();
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        self.write_header(
            &mut out,
            [
                events_offset,
                event_offsets_offset,
                process_table_offset,
                string_table_offset,
                icon_table_offset,
            ],
            hosts_offset,
        );
        out
    }

    fn pointer_size(&self) -> usize {
        if self.is64 {
            8
        } else {
            4
        }
    }

    fn write_header(&self, out: &mut [u8], tables: [usize; 5], hosts_offset: usize) {
        out[..4].copy_from_slice(b"PML_");
        poke_u32(out, 4, 9);
        poke_u32(out, 8, u32::from(self.is64));
        put_utf16_at(out, 0xC, "TESTBOX");
        put_utf16_at(out, 0x2C, "C:\\Windows");
        poke_u32(out, EVENT_COUNT_AT, self.events.len() as u32);
        for (i, offset) in tables.iter().enumerate() {
            poke_u64(out, EVENTS_OFFSET_AT + 8 * i, *offset as u64);
        }
        poke_u32(out, 0x274, 10);
        poke_u32(out, 0x27C, 19045);
        poke_u32(out, 0x38C, 2);
        poke_u64(out, 0x398, HEADER_SIZE as u64);
        poke_u64(out, 0x3A0, hosts_offset as u64);
    }

    fn write_event(&self, out: &mut Vec<u8>, event: &PmlEvent) {
        let (class, operation, details, extra) = self.detail_bytes(&event.detail);
        let stack = usize::from(event.stack_depth) * self.pointer_size();
        let extra_offset = match extra {
            Some(_) => (0x34 + stack + details.len()) as u32,
            None => 0,
        };
        put_u32(out, event.process as u32);
        put_u32(out, event.tid);
        put_u32(out, class);
        put_u16(out, operation);
        out.extend_from_slice(&[0; 6]);
        put_u64(out, 1234); // duration
        put_u64(out, event.filetime);
        put_u32(out, event.result);
        put_u16(out, event.stack_depth);
        put_u16(out, 0);
        put_u32(out, details.len() as u32);
        put_u32(out, extra_offset);
        out.resize(out.len() + stack, 0xAB);
        out.extend_from_slice(&details);
        if let Some(extra) = extra {
            put_u16(out, extra.len() as u16);
            out.extend_from_slice(&extra);
        }
    }

    /// (class, operation, details, extra details) of a detail spec.
    fn detail_bytes(&self, detail: &PmlDetail) -> (u32, u16, Vec<u8>, Option<Vec<u8>>) {
        let mut d = Vec::new();
        match detail {
            PmlDetail::CreateFile {
                path,
                access,
                disposition,
                options,
                attributes,
                share,
                open_result,
            } => {
                let params =
                    self.create_file_parameters(*disposition, *options, *attributes, *share);
                self.file_header(&mut d, 0, &params, path);
                put_u32(&mut d, *access);
                d.extend_from_slice(&[0, 0, 0, 0]); // no impersonation SID, padding
                let extra = open_result.map(|r| r.to_le_bytes().to_vec());
                (CLASS_FILE_SYSTEM, 20, d, extra)
            }
            PmlDetail::File { major, minor, path } => {
                let params = vec![0u8; self.pointer_size() * 5 + 0x14];
                self.file_header(&mut d, *minor, &params, path);
                (CLASS_FILE_SYSTEM, *major, d, None)
            }
            PmlDetail::RegOpen {
                operation,
                path,
                access,
            } => {
                put_u16(&mut d, utf16_len(path));
                put_u16(&mut d, 0);
                put_u32(&mut d, *access);
                put_utf16(&mut d, path);
                (CLASS_REGISTRY, *operation, d, None)
            }
            PmlDetail::RegQueryDword { path, value } => {
                put_u16(&mut d, utf16_len(path));
                put_u16(&mut d, 0);
                put_u32(&mut d, 16); // buffer length
                put_u32(&mut d, 2); // KeyValuePartialInformation
                put_utf16(&mut d, path);
                let extra = value.map(|v| {
                    let mut x = Vec::new();
                    put_u32(&mut x, 0); // title index
                    put_u32(&mut x, 4); // REG_DWORD
                    put_u32(&mut x, 4); // data length
                    put_u32(&mut x, v);
                    x
                });
                (CLASS_REGISTRY, 5, d, extra)
            }
            PmlDetail::RegSetString { path, value } => {
                let data_len = (utf16_len(value) as u32 + 1) * 2;
                put_u16(&mut d, utf16_len(path));
                put_u16(&mut d, 0);
                put_u32(&mut d, 1); // REG_SZ
                put_u32(&mut d, data_len);
                put_u32(&mut d, data_len);
                put_utf16(&mut d, path);
                put_utf16(&mut d, value);
                put_u16(&mut d, 0);
                (CLASS_REGISTRY, 4, d, None)
            }
            PmlDetail::ProcessCreate {
                child_pid,
                image_path,
                command_line,
            } => {
                put_u32(&mut d, 0);
                put_u32(&mut d, *child_pid);
                d.extend_from_slice(&[0; 0x24]);
                d.push(0);
                d.push(0);
                put_u16(&mut d, utf16_len(image_path));
                put_u16(&mut d, utf16_len(command_line));
                put_u16(&mut d, 0);
                put_utf16(&mut d, image_path);
                put_utf16(&mut d, command_line);
                (CLASS_PROCESS, 1, d, None)
            }
            PmlDetail::ProcessStart {
                parent_pid,
                command_line,
                current_directory,
                environment,
            } => {
                let block: String = environment
                    .iter()
                    .map(|v| format!("{v}\0"))
                    .collect::<String>()
                    + "\0";
                put_u32(&mut d, *parent_pid);
                put_u16(&mut d, utf16_len(command_line));
                put_u16(&mut d, utf16_len(current_directory));
                put_u32(&mut d, u32::from(utf16_len(&block)));
                put_utf16(&mut d, command_line);
                put_utf16(&mut d, current_directory);
                put_utf16(&mut d, &block);
                (CLASS_PROCESS, 7, d, None)
            }
            PmlDetail::ProcessExit { status } => {
                put_u32(&mut d, *status as u32);
                put_u64(&mut d, 156_250); // kernel time
                put_u64(&mut d, 312_500); // user time
                for v in [8_192_000u64, 9_000_000, 4_096_000, 5_000_000] {
                    put_u64(&mut d, v);
                }
                (CLASS_PROCESS, 2, d, None)
            }
            PmlDetail::Raw {
                class,
                operation,
                details,
                extra,
            } => (*class, *operation, details.clone(), extra.clone()),
        }
    }

    /// The parameter block of a CreateFile: disposition/options, attributes, share mode.
    fn create_file_parameters(
        &self,
        disposition: u32,
        options: u32,
        attributes: u16,
        share: u16,
    ) -> Vec<u8> {
        let pad = if self.is64 { 4 } else { 0 };
        let mut p = vec![0u8; self.pointer_size() * 5 + 0x14];
        let at = 0x10 + pad;
        p[at..at + 4].copy_from_slice(&((disposition << 24) | (options & 0xFF_FFFF)).to_le_bytes());
        let at = at + 4 + pad;
        p[at..at + 2].copy_from_slice(&attributes.to_le_bytes());
        p[at + 2..at + 4].copy_from_slice(&share.to_le_bytes());
        p
    }

    /// Sub-operation, padding, parameter block, path.
    fn file_header(&self, d: &mut Vec<u8>, minor: u8, params: &[u8], path: &str) {
        d.push(minor);
        d.extend_from_slice(&[0, 0, 0]);
        d.extend_from_slice(params);
        put_u16(d, utf16_len(path));
        put_u16(d, 0);
        put_utf16(d, path);
    }

    fn write_processes(&self, out: &mut Vec<u8>, strings: &mut Strings) {
        let start = out.len();
        let count = self.processes.len();
        put_u32(out, count as u32);
        for i in 0..count {
            put_u32(out, i as u32);
        }
        let offsets_at = out.len();
        out.resize(out.len() + count * 4, 0);
        for (i, p) in self.processes.iter().enumerate() {
            let rel = (out.len() - start) as u32;
            poke_u32(out, offsets_at + i * 4, rel);
            put_u32(out, i as u32);
            put_u32(out, p.pid);
            put_u32(out, p.parent_pid);
            put_u32(out, 0);
            put_u64(out, 0x3e7); // authentication id
            put_u32(out, 1); // session
            put_u32(out, 0);
            put_u64(out, 0); // start time
            put_u64(out, 0); // end time
            put_u32(out, 0); // virtualized
            put_u32(out, u32::from(self.is64));
            for text in [
                &p.integrity,
                &p.user,
                &p.name,
                &p.image_path,
                &p.command_line,
            ] {
                put_u32(out, strings.index(text));
            }
            for _ in 0..3 {
                put_u32(out, strings.index("")); // company, version, description
            }
            put_u32(out, 0); // small icon
            put_u32(out, 0); // big icon
            out.resize(out.len() + self.pointer_size(), 0);
            put_u32(out, 0); // no modules
        }
    }
}

/// Interned strings.
#[derive(Default)]
struct Strings {
    list: Vec<String>,
}

impl Strings {
    fn index(&mut self, text: &str) -> u32 {
        match self.list.iter().position(|s| s == text) {
            Some(i) => i as u32,
            None => {
                self.list.push(text.to_string());
                (self.list.len() - 1) as u32
            }
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let start = out.len();
        put_u32(out, self.list.len() as u32);
        let offsets_at = out.len();
        out.resize(out.len() + self.list.len() * 4, 0);
        for (i, s) in self.list.iter().enumerate() {
            let rel = (out.len() - start) as u32;
            poke_u32(out, offsets_at + i * 4, rel);
            put_u32(out, (u32::from(utf16_len(s)) + 1) * 2);
            put_utf16(out, s);
            put_u16(out, 0);
        }
    }
}

fn utf16_len(s: &str) -> u16 {
    s.encode_utf16().count() as u16
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_utf16(out: &mut Vec<u8>, s: &str) {
    for unit in s.encode_utf16() {
        put_u16(out, unit);
    }
}

fn put_utf16_at(out: &mut [u8], at: usize, s: &str) {
    for (i, unit) in s.encode_utf16().enumerate() {
        out[at + 2 * i..at + 2 * i + 2].copy_from_slice(&unit.to_le_bytes());
    }
}

/// Overwrites a little-endian u32 at `at`.
pub fn poke_u32(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Overwrites a little-endian u64 at `at`.
pub fn poke_u64(bytes: &mut [u8], at: usize, v: u64) {
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Reads a little-endian u64 at `at` (to find table offsets in a written capture).
pub fn peek_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}
