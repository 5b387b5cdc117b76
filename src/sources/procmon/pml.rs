//! The PML container (Process Monitor's native capture, version 9, 32- and 64-bit): header,
//! string table, process table, host/port tables and the locations of the event records.
//!
//! Layout per domain.md §5.2 and the reverse-engineered description in procmon-parser's
//! `docs/PML Format.md`. Every offset read from the file is bounds-checked and every count is
//! clamped to what the file can hold, so a damaged file cannot make this loop or allocate
//! without bound. When the event index is missing (capture not closed cleanly, truncated copy)
//! records are walked in sequence until the first implausible one. This module must not decode
//! detail structures (`pml_detail.rs`) or decide what to keep.

use std::cell::Cell;
use std::collections::HashMap;

use super::cursor::Cursor;
use super::pml_names::{CLASS_NETWORK, CLASS_PROCESS};
use super::Problems;

const MAGIC: &[u8; 4] = b"PML_";
const SUPPORTED_VERSION: u32 = 9;
/// Size of the fixed header; the first event normally starts right after it.
pub const HEADER_SIZE: usize = 0x3A8;
/// Size of the fixed part of an event record (before stack frames and details).
pub const RECORD_HEADER_SIZE: usize = 0x34;
/// Size of one entry of the event offsets array (u32 offset + u8 flags).
const OFFSET_ENTRY_SIZE: usize = 5;
/// Details larger than this are not plausible in a record walk.
const MAX_PLAUSIBLE_DETAIL: u32 = 1 << 20;

/// The header fields this reader uses.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub is64: bool,
    pub event_count: u32,
    pub events_offset: u64,
    pub event_offsets_offset: u64,
    pub process_table_offset: u64,
    pub string_table_offset: u64,
    pub hosts_and_ports_offset: u64,
}

/// One process of the process table.
#[derive(Debug, Clone, Default)]
pub struct Process {
    pub pid: u32,
    pub parent_pid: u32,
    pub integrity: String,
    pub user: String,
    pub name: String,
    pub image_path: String,
    pub command_line: String,
}

/// One event record, sliced but not decoded.
#[derive(Debug, Clone)]
pub struct RawEvent<'a> {
    pub process_index: u32,
    pub tid: u32,
    pub class: u32,
    pub operation: u16,
    pub filetime: u64,
    pub result: u32,
    /// The operation-specific detail structure.
    pub details: &'a [u8],
    /// The "extra detail" structure (often the operation's output), when present.
    pub extra: Option<&'a [u8]>,
    /// Offset just past everything the record occupies.
    pub end: usize,
}

/// How event records are found.
#[derive(Debug, Clone, Copy)]
enum Locations {
    /// The event offsets array: `count` entries at `offset`.
    Table { offset: usize, count: usize },
    /// No usable index: records are walked one after another from `start` up to `limit`.
    Walk { start: usize, limit: usize },
}

/// An opened capture.
pub struct Capture<'a> {
    bytes: &'a [u8],
    pub header: Header,
    pub processes: HashMap<u32, Process>,
    pub hosts: HashMap<[u8; 16], String>,
    pub ports: HashMap<(u16, bool), String>,
    locations: Locations,
}

impl<'a> Capture<'a> {
    /// Reads the header and tables; `None` (with a problem) when this is not a PML capture.
    pub fn open(bytes: &'a [u8], problems: &mut Problems) -> Option<Capture<'a>> {
        let header = read_header(bytes, problems)?;
        let strings = StringTable::open(bytes, header.string_table_offset, problems);
        let processes = match &strings {
            Some(strings) => {
                read_process_table(bytes, header.process_table_offset, strings, problems)
            }
            None => HashMap::new(),
        };
        let (hosts, ports) = read_hosts_and_ports(bytes, header.hosts_and_ports_offset, problems);
        let locations = locate_events(bytes, &header, problems);
        Some(Capture {
            bytes,
            header,
            processes,
            hosts,
            ports,
            locations,
        })
    }

    pub fn is64(&self) -> bool {
        self.header.is64
    }

    /// Visits every event record in capture order with its index; unreadable records are
    /// passed as `Err(reason)`. A record walk stops at the first unreadable record.
    pub fn for_each_event(&self, mut visit: impl FnMut(u64, Result<RawEvent<'a>, String>)) {
        match self.locations {
            Locations::Table { offset, count } => {
                for index in 0..count {
                    let entry = offset + index * OFFSET_ENTRY_SIZE;
                    let record = Cursor::at(self.bytes, entry)
                        .u32()
                        .ok_or_else(|| "its offset entry is past the end of the file".to_string())
                        .and_then(|at| self.record_at(at as usize));
                    visit(index as u64, record);
                }
            }
            Locations::Walk { start, limit } => {
                let mut at = start;
                let mut index = 0u64;
                while at + RECORD_HEADER_SIZE <= limit {
                    match self.record_at(at).and_then(|r| self.plausible(r)) {
                        Ok(record) => {
                            at = record.end.max(at + RECORD_HEADER_SIZE);
                            visit(index, Ok(record));
                        }
                        Err(reason) => {
                            visit(index, Err(format!("{reason}; the record walk stops here")));
                            return;
                        }
                    }
                    index += 1;
                }
            }
        }
    }

    /// Reads the record at `offset`.
    fn record_at(&self, offset: usize) -> Result<RawEvent<'a>, String> {
        let mut c = Cursor::at(self.bytes, offset);
        let short = || format!("its record at offset 0x{offset:X} is cut off");
        let process_index = c.u32().ok_or_else(short)?;
        let tid = c.u32().ok_or_else(short)?;
        let class = c.u32().ok_or_else(short)?;
        let operation = c.u16().ok_or_else(short)?;
        c.skip(6).ok_or_else(short)?;
        c.skip(8).ok_or_else(short)?; // duration
        let filetime = c.u64().ok_or_else(short)?;
        let result = c.u32().ok_or_else(short)?;
        let stack_depth = c.u16().ok_or_else(short)?;
        c.skip(2).ok_or_else(short)?;
        let details_size = c.u32().ok_or_else(short)?;
        let extra_offset = c.u32().ok_or_else(short)?;
        let pointer = if self.is64() { 8 } else { 4 };
        c.skip(usize::from(stack_depth) * pointer)
            .ok_or_else(|| format!("its stack trace at offset 0x{offset:X} is cut off"))?;
        let details = c
            .take(details_size as usize)
            .ok_or_else(|| format!("its details at offset 0x{offset:X} are cut off"))?;
        let mut end = c.position();
        let extra = match extra_offset {
            0 => None,
            rel => {
                let mut x = Cursor::at(self.bytes, offset.saturating_add(rel as usize));
                let size = x.u16();
                let bytes = size.and_then(|n| x.take(usize::from(n)));
                if bytes.is_some() {
                    end = end.max(x.position());
                }
                bytes
            }
        };
        Ok(RawEvent {
            process_index,
            tid,
            class,
            operation,
            filetime,
            result,
            details,
            extra,
            end,
        })
    }

    /// Rejects records that cannot be real (used when walking without an index).
    fn plausible(&self, record: RawEvent<'a>) -> Result<RawEvent<'a>, String> {
        let known_process =
            self.processes.is_empty() || self.processes.contains_key(&record.process_index);
        let class_ok = (CLASS_PROCESS..=CLASS_NETWORK).contains(&record.class);
        if class_ok && known_process && (record.details.len() as u32) < MAX_PLAUSIBLE_DETAIL {
            Ok(record)
        } else {
            Err("its record is not plausible (damaged data)".to_string())
        }
    }
}

fn read_header(bytes: &[u8], problems: &mut Problems) -> Option<Header> {
    if bytes.get(..4) != Some(MAGIC) {
        problems.push("not a Process Monitor capture (no PML_ signature)");
        return None;
    }
    let mut c = Cursor::at(bytes, 4);
    let version = c.u32();
    let is64 = c.u32();
    let fields = (|| {
        let mut h = Cursor::at(bytes, 0x234);
        let event_count = h.u32()?;
        h.skip(8)?;
        Some((event_count, h.u64()?, h.u64()?, h.u64()?, h.u64()?))
    })();
    let hosts_and_ports_offset = Cursor::at(bytes, 0x3A0).u64().unwrap_or(0);
    let (Some(version), Some(is64), Some(fields)) = (version, is64, fields) else {
        problems.push("the PML header is cut off: nothing can be read");
        return None;
    };
    if version != SUPPORTED_VERSION {
        problems.push(format!(
            "PML version {version} is not the known version {SUPPORTED_VERSION}: read as version {SUPPORTED_VERSION}, events may be wrong"
        ));
    }
    let (
        event_count,
        events_offset,
        event_offsets_offset,
        process_table_offset,
        string_table_offset,
    ) = fields;
    Some(Header {
        is64: is64 != 0,
        event_count,
        events_offset,
        event_offsets_offset,
        process_table_offset,
        string_table_offset,
        hosts_and_ports_offset,
    })
}

/// A file offset from the header, if it points inside the file.
fn offset_in(bytes: &[u8], offset: u64) -> Option<usize> {
    usize::try_from(offset)
        .ok()
        .filter(|&o| o > 0 && o < bytes.len())
}

fn locate_events(bytes: &[u8], header: &Header, problems: &mut Problems) -> Locations {
    let declared = header.event_count as usize;
    if let Some(offset) = offset_in(bytes, header.event_offsets_offset) {
        // The index ends where the next table starts (or at the end of the file).
        let end = [header.process_table_offset, header.string_table_offset]
            .into_iter()
            .filter_map(|o| offset_in(bytes, o))
            .filter(|&o| o > offset)
            .min()
            .unwrap_or(bytes.len());
        let fits = (end - offset) / OFFSET_ENTRY_SIZE;
        if declared > fits {
            problems.push(format!(
                "the header announces {declared} events but the event index holds only {fits}: the file is truncated"
            ));
        }
        return Locations::Table {
            offset,
            count: declared.min(fits),
        };
    }
    problems.push(
        "the capture has no event index (Procmon did not close it cleanly, or it is truncated): events are read in sequence",
    );
    let start = offset_in(bytes, header.events_offset).unwrap_or(HEADER_SIZE);
    let limit = [
        header.event_offsets_offset,
        header.process_table_offset,
        header.string_table_offset,
    ]
    .into_iter()
    .filter_map(|o| offset_in(bytes, o))
    .filter(|&o| o > start)
    .min()
    .unwrap_or(bytes.len());
    Locations::Walk { start, limit }
}

/// The interned strings: a count, relative offsets, then `u32 size + UTF-16` strings.
struct StringTable<'a> {
    bytes: &'a [u8],
    base: usize,
    count: usize,
    /// Lookups that failed (index out of range, offset or size past the end).
    damaged: Cell<u32>,
}

impl<'a> StringTable<'a> {
    fn open(bytes: &'a [u8], offset: u64, problems: &mut Problems) -> Option<StringTable<'a>> {
        let Some(base) = offset_in(bytes, offset) else {
            problems.push(
                "the string table is missing: process names, users and command lines are unknown",
            );
            return None;
        };
        let declared = Cursor::at(bytes, base).u32()? as usize;
        let fits = (bytes.len() - base - 4) / 4;
        if declared > fits {
            problems.push(format!(
                "the string table announces {declared} strings but holds at most {fits}"
            ));
        }
        Some(StringTable {
            bytes,
            base,
            count: declared.min(fits),
            damaged: Cell::new(0),
        })
    }

    /// String number `index` (empty, and counted as damaged, when it cannot be read).
    fn get(&self, index: u32) -> String {
        self.lookup(index as usize).unwrap_or_else(|| {
            self.damaged.set(self.damaged.get().saturating_add(1));
            String::new()
        })
    }

    fn lookup(&self, index: usize) -> Option<String> {
        if index >= self.count {
            return None;
        }
        let rel = Cursor::at(self.bytes, self.base + 4 + index * 4).u32()?;
        let mut c = Cursor::at(self.bytes, self.base.checked_add(rel as usize)?);
        let size = c.u32()? as usize;
        c.utf16(size)
    }
}

fn read_process_table(
    bytes: &[u8],
    offset: u64,
    strings: &StringTable,
    problems: &mut Problems,
) -> HashMap<u32, Process> {
    let mut processes = HashMap::new();
    let Some(base) = offset_in(bytes, offset) else {
        problems.push("the process table is missing: process names and PIDs are unknown");
        return processes;
    };
    let declared = Cursor::at(bytes, base).u32().unwrap_or(0) as usize;
    let fits = (bytes.len() - base).saturating_sub(4) / 8;
    if declared > fits {
        problems.push(format!(
            "the process table announces {declared} processes but holds at most {fits}"
        ));
    }
    let count = declared.min(fits);
    let offsets_at = base + 4 + count * 4;
    let mut damaged = 0usize;
    for i in 0..count {
        let process = Cursor::at(bytes, offsets_at + i * 4)
            .u32()
            .and_then(|rel| read_process(bytes, base.saturating_add(rel as usize), strings));
        match process {
            Some((index, process)) => {
                processes.insert(index, process);
            }
            None => damaged += 1,
        }
    }
    if damaged > 0 {
        problems.push(format!(
            "{damaged} entries of the process table are damaged"
        ));
    }
    let bad_strings = strings.damaged.get();
    if bad_strings > 0 {
        problems.push(format!(
            "{bad_strings} process names, users or command lines cannot be read from the string table"
        ));
    }
    processes
}

fn read_process(bytes: &[u8], at: usize, strings: &StringTable) -> Option<(u32, Process)> {
    let mut c = Cursor::at(bytes, at);
    let index = c.u32()?;
    let pid = c.u32()?;
    let parent_pid = c.u32()?;
    c.skip(4 + 8)?; // unknown, authentication id
    c.skip(4 + 4 + 8 + 8 + 4 + 4)?; // session, unknown, start and end FILETIME, virtualized, 64-bit
    let integrity = strings.get(c.u32()?);
    let user = strings.get(c.u32()?);
    let name = strings.get(c.u32()?);
    let image_path = strings.get(c.u32()?);
    let command_line = strings.get(c.u32()?);
    Some((
        index,
        Process {
            pid,
            parent_pid,
            integrity,
            user,
            name,
            image_path,
            command_line,
        },
    ))
}

type Hosts = HashMap<[u8; 16], String>;
type Ports = HashMap<(u16, bool), String>;

/// Host names by IP and service names by (port, is_tcp). These tables end the file, so when
/// they cannot be read the file is truncated (network paths then show bare addresses).
fn read_hosts_and_ports(bytes: &[u8], offset: u64, problems: &mut Problems) -> (Hosts, Ports) {
    let mut hosts = HashMap::new();
    let mut ports = HashMap::new();
    let complete = offset_in(bytes, offset).is_some_and(|base| {
        let mut c = Cursor::at(bytes, base);
        read_hosts(&mut c, &mut hosts).is_some() && read_ports(&mut c, &mut ports).is_some()
    });
    if !complete {
        problems.push(
            "the host and port tables at the end of the file are missing or cut off: the file is truncated",
        );
    }
    (hosts, ports)
}

/// Each entry consumes at least 20 bytes, so a huge count ends at the end of the file.
fn read_hosts(c: &mut Cursor, hosts: &mut Hosts) -> Option<()> {
    for _ in 0..c.u32()? {
        let ip: [u8; 16] = c.array()?;
        let len = c.u32()? as usize;
        hosts.insert(ip, c.utf16(len)?);
    }
    Some(())
}

fn read_ports(c: &mut Cursor, ports: &mut Ports) -> Option<()> {
    for _ in 0..c.u32()? {
        let port = c.u16()?;
        let is_tcp = c.u16()? != 0;
        let len = c.u32()? as usize;
        ports.insert((port, is_tcp), c.utf16(len)?);
    }
    Some(())
}
