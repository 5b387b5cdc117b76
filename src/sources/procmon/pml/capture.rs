//! The PML container (Process Monitor's native capture, version 9, 32- and 64-bit): header,
//! string table, process table, host/port tables and the locations of the event records.
//!
//! Layout per docs/formats.md §3 (from the reverse-engineered description in procmon-parser's
//! `docs/PML Format.md`). Every offset read from the file is bounds-checked and every count is
//! clamped to what the file can hold, so a damaged file cannot make this loop or allocate
//! without bound. When the event index is missing (capture not closed cleanly, truncated copy)
//! records are walked in sequence until the first implausible one. This module must not decode
//! detail structures (`decode.rs`) or decide what to keep.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::names::{CLASS_NETWORK, CLASS_PROCESS};
use crate::sources::bytes::Cursor;
use crate::sources::procmon::Problems;
use crate::sources::window::{window_or, Source};

const MAGIC: &[u8; 4] = b"PML_";
const SUPPORTED_VERSION: u32 = 9;
/// Size of the fixed header; the first event normally starts right after it.
pub const HEADER_SIZE: usize = 0x3A8;
/// Size of the fixed part of an event record (before stack frames and details).
pub const RECORD_HEADER_SIZE: usize = 0x34;
/// Header offsets: the event count (u32), then, after 8 bytes this reader does not use, the
/// file offsets (u64) of the events, the event offsets array and the tables.
const EVENT_COUNT_AT: usize = 0x234;
const EVENTS_OFFSET_AT: usize = 0x240;
const PROCESS_TABLE_OFFSET_AT: usize = 0x250;
const STRING_TABLE_OFFSET_AT: usize = 0x258;
const ICON_TABLE_OFFSET_AT: usize = 0x260;
const HOSTS_AND_PORTS_OFFSET_AT: usize = 0x3A0;
const _: () = assert!(EVENT_COUNT_AT + 4 + 8 == EVENTS_OFFSET_AT);
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
    /// The record announces extra details that are not in the bytes read.
    pub extra_missing: bool,
    /// Offset just past everything the record occupies (relative to the bytes it was read from).
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
    source: Source<'a>,
    pub header: Header,
    pub processes: HashMap<u32, Process>,
    pub hosts: HashMap<[u8; 16], String>,
    pub ports: HashMap<(u16, bool), String>,
    locations: Locations,
}

/// The parts of the file the tables are read from: all of it when it is in memory, else the
/// header and everything from the first table on (tables end the file; the event records and
/// their index before them are read window by window).
enum Image<'a> {
    Whole(&'a [u8]),
    Parts {
        len: usize,
        head: Vec<u8>,
        tail_at: usize,
        tail: Vec<u8>,
    },
}

impl Image<'_> {
    fn len(&self) -> usize {
        match self {
            Image::Whole(b) => b.len(),
            Image::Parts { len, .. } => *len,
        }
    }

    /// The bytes from `offset` to the end of the part that holds it (empty past the end or in
    /// the part that was not read).
    fn from(&self, offset: usize) -> &[u8] {
        match self {
            Image::Whole(b) => b.get(offset..).unwrap_or(&[]),
            Image::Parts {
                head,
                tail_at,
                tail,
                ..
            } => {
                if offset >= *tail_at {
                    tail.get(offset - tail_at..).unwrap_or(&[])
                } else {
                    head.get(offset..).unwrap_or(&[])
                }
            }
        }
    }

    fn read<'s>(source: &Source<'s>) -> Option<Image<'s>> {
        if let Some(bytes) = source.memory() {
            return Some(Image::Whole(bytes));
        }
        let len = usize::try_from(source.len()).ok()?;
        let head = source.read_vec(0, HEADER_SIZE).ok()?;
        let start = Cursor::at(&head, EVENTS_OFFSET_AT).u64().unwrap_or(0);
        let tail_at = [
            PROCESS_TABLE_OFFSET_AT,
            STRING_TABLE_OFFSET_AT,
            ICON_TABLE_OFFSET_AT,
            HOSTS_AND_PORTS_OFFSET_AT,
        ]
        .into_iter()
        .filter_map(|at| Cursor::at(&head, at).u64())
        .filter_map(|o| usize::try_from(o).ok())
        .filter(|&o| o as u64 > start && o < len)
        .min()
        .unwrap_or(len)
        // Tables that big are damage: read no more than this (what lies before is lost).
        .max(len.saturating_sub(MAX_TABLES));
        let tail = source.read_vec(tail_at as u64, len - tail_at).ok()?;
        Some(Image::Parts {
            len,
            head,
            tail_at,
            tail,
        })
    }
}

/// The record locations of a batch: `(index, offset or why it has none)`.
pub type Located = Vec<(u64, Result<usize, String>)>;

impl<'a> Capture<'a> {
    /// Reads the header and tables; `None` (with a problem) when this is not a PML capture.
    pub fn open(source: &Source<'a>, problems: &mut Problems) -> Option<Capture<'a>> {
        let Some(image) = Image::read(source) else {
            problems.push("cannot be read");
            return None;
        };
        let header = read_header(image.from(0), problems)?;
        let strings = StringTable::open(&image, header.string_table_offset, problems);
        let processes = match &strings {
            Some(strings) => {
                read_process_table(&image, header.process_table_offset, strings, problems)
            }
            None => HashMap::new(),
        };
        let (hosts, ports) = read_hosts_and_ports(&image, header.hosts_and_ports_offset, problems);
        let locations = locate_events(image.len(), &header, problems);
        Some(Capture {
            source: *source,
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

    /// Records listed by the event index, when the capture has one.
    pub fn indexed_count(&self) -> Option<u64> {
        match self.locations {
            Locations::Table { count, .. } => Some(count as u64),
            Locations::Walk { .. } => None,
        }
    }

    /// Where records `first..first + n` of the index are.
    pub fn locate(&self, first: u64, n: usize) -> Located {
        let Locations::Table { offset, count } = self.locations else {
            return Vec::new();
        };
        let first = (first as usize).min(count);
        let n = n.min(count - first);
        let entries = self
            .source
            .read_vec(
                (offset + first * OFFSET_ENTRY_SIZE) as u64,
                n * OFFSET_ENTRY_SIZE,
            )
            .unwrap_or_default();
        (0..n)
            .map(|i| {
                let at = Cursor::at(&entries, i * OFFSET_ENTRY_SIZE)
                    .u32()
                    .map(|o| o as usize)
                    .ok_or_else(|| "its offset entry is past the end of the file".to_string());
                ((first + i) as u64, at)
            })
            .collect()
    }

    /// Visits the records of a located batch in order; unreadable records are passed as
    /// `Err(reason)`. They are read from one window of the file when they lie close together.
    pub fn for_each_located(
        &self,
        located: &Located,
        mut visit: impl FnMut(u64, Result<RawEvent<'_>, String>),
    ) {
        let offsets = located.iter().filter_map(|(_, o)| o.as_ref().ok().copied());
        let lo = offsets.clone().min().unwrap_or(0);
        let hi = offsets.max().unwrap_or(0);
        let span = hi
            .saturating_sub(lo)
            .saturating_add(window_or(WINDOW_MARGIN));
        let file_len = self.source.len() as usize;
        let mut visit_all = |window: Option<&[u8]>| {
            for (index, offset) in located {
                let at = match offset {
                    Ok(at) => *at,
                    Err(e) => {
                        visit(*index, Err(e.clone()));
                        continue;
                    }
                };
                if let Some(w) = window {
                    let whole = lo + w.len() >= file_len;
                    match record_at(w, lo, at, self.is64()) {
                        Ok(r) if whole || !r.extra_missing => {
                            visit(*index, Ok(r));
                            continue;
                        }
                        Err(e) if whole => {
                            visit(*index, Err(e));
                            continue;
                        }
                        _ => {}
                    }
                }
                self.record_alone(at, &mut |r| visit(*index, r));
            }
        };
        match self.source.memory() {
            Some(bytes) => {
                visit_all(bytes.get(lo.min(file_len)..lo.saturating_add(span).min(file_len)))
            }
            // Read into the thread's reused buffer (a fresh vector per batch was zeroed and
            // paged in every time).
            None if span <= MAX_BATCH_WINDOW => {
                if self
                    .source
                    .with(lo as u64, span, |w| visit_all(Some(w)))
                    .is_err()
                {
                    visit_all(None);
                }
            }
            None => visit_all(None),
        }
    }

    /// Reads the record at `at` on its own, with as many bytes as it needs.
    fn record_alone(&self, at: usize, visit: &mut dyn FnMut(Result<RawEvent<'_>, String>)) {
        let file_len = self.source.len() as usize;
        let mut want = 64 << 10;
        loop {
            let bytes = match self.source.read_vec(at as u64, want) {
                Ok(b) => b,
                Err(e) => {
                    return visit(Err(format!(
                        "its record at offset 0x{at:X} cannot be read: {e}"
                    )))
                }
            };
            let last = at + bytes.len() >= file_len || want >= MAX_RECORD;
            match record_at(&bytes, at, at, self.is64()) {
                Ok(r) if last || !r.extra_missing => return visit(Ok(r)),
                Err(e) if last => return visit(Err(e)),
                _ => want *= 4,
            }
        }
    }

    /// Visits every record of a capture without an index, walking them in sequence from its
    /// first until the first unreadable one.
    pub fn walk(&self, mut visit: impl FnMut(u64, Result<RawEvent<'_>, String>)) {
        let Locations::Walk { start, limit } = self.locations else {
            return;
        };
        let file_len = self.source.len() as usize;
        let mut at = start;
        let mut index = 0u64;
        // Windows are read into one buffer, grown but not zeroed again (as `for_each_located`
        // reads its batches into the thread's buffer); a capture in memory is not copied.
        let mut buffer: Vec<u8> = Vec::new();
        let mut window: &[u8] = &[];
        let mut base = start;
        while at + RECORD_HEADER_SIZE <= limit {
            let mut want = window_or(WALK_WINDOW);
            if at + RECORD_HEADER_SIZE > base + window.len() {
                base = at;
                window = self
                    .source
                    .read(at as u64, want, &mut buffer)
                    .unwrap_or_default();
            }
            let record = loop {
                let last = base + window.len() >= file_len || want >= MAX_RECORD;
                match record_at(window, base, at, self.is64()) {
                    Ok(r) if last || !r.extra_missing => break Ok(r),
                    Err(e) if last => break Err(e),
                    _ => {
                        want *= 4;
                        base = at;
                        window = self
                            .source
                            .read(at as u64, want, &mut buffer)
                            .unwrap_or_default();
                    }
                }
            };
            match record.and_then(|r| self.plausible(r)) {
                Ok(r) => {
                    let next = (base + r.end).max(at + RECORD_HEADER_SIZE);
                    visit(index, Ok(r));
                    at = next;
                }
                Err(reason) => {
                    visit(index, Err(format!("{reason}; the record walk stops here")));
                    return;
                }
            }
            index += 1;
        }
    }

    /// Rejects records that cannot be real (used when walking without an index).
    fn plausible<'w>(&self, record: RawEvent<'w>) -> Result<RawEvent<'w>, String> {
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

/// The most bytes of tables (process, string, icon, host and port tables) read from a file.
const MAX_TABLES: usize = 256 << 20;
/// Extra bytes read past the last record of a batch.
const WINDOW_MARGIN: usize = 256 << 10;
/// A batch whose records are spread wider than this is read record by record.
const MAX_BATCH_WINDOW: usize = 64 << 20;
/// Bytes read at a time when walking records without an index.
const WALK_WINDOW: usize = 4 << 20;
/// The largest record read whole (a longer one is damage).
const MAX_RECORD: usize = 64 << 20;

/// Reads the record at absolute offset `at` from `window`, which starts at absolute `base`;
/// `end` is relative to the window.
fn record_at(window: &[u8], base: usize, at: usize, is64: bool) -> Result<RawEvent<'_>, String> {
    let offset = at;
    let rel = at
        .checked_sub(base)
        .ok_or_else(|| format!("its record at offset 0x{offset:X} is cut off"))?;
    let mut c = Cursor::at(window, rel);
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
    let pointer = if is64 { 8 } else { 4 };
    c.skip(usize::from(stack_depth) * pointer)
        .ok_or_else(|| format!("its stack trace at offset 0x{offset:X} is cut off"))?;
    let details = c
        .take(details_size as usize)
        .ok_or_else(|| format!("its details at offset 0x{offset:X} are cut off"))?;
    let mut end = c.position();
    let extra = match extra_offset {
        0 => None,
        x => {
            let mut x = Cursor::at(window, rel.saturating_add(x as usize));
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
        extra_missing: extra_offset != 0 && extra.is_none(),
        extra,
        end,
    })
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
        let mut h = Cursor::at(bytes, EVENT_COUNT_AT);
        let event_count = h.u32()?;
        h.skip(8)?; // then the offsets from EVENTS_OFFSET_AT on
        Some((event_count, h.u64()?, h.u64()?, h.u64()?, h.u64()?))
    })();
    let hosts_and_ports_offset = Cursor::at(bytes, HOSTS_AND_PORTS_OFFSET_AT)
        .u64()
        .unwrap_or(0);
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
fn offset_in(file_len: usize, offset: u64) -> Option<usize> {
    usize::try_from(offset)
        .ok()
        .filter(|&o| o > 0 && o < file_len)
}

fn locate_events(file_len: usize, header: &Header, problems: &mut Problems) -> Locations {
    let declared = header.event_count as usize;
    if let Some(offset) = offset_in(file_len, header.event_offsets_offset) {
        // The index ends where the next table starts (or at the end of the file).
        let end = [header.process_table_offset, header.string_table_offset]
            .into_iter()
            .filter_map(|o| offset_in(file_len, o))
            .filter(|&o| o > offset)
            .min()
            .unwrap_or(file_len);
        let fits = (end - offset) / OFFSET_ENTRY_SIZE;
        if declared <= fits {
            return Locations::Table {
                offset,
                count: declared,
            };
        }
        // A cut index (a truncated copy) would lose the records it no longer lists, although
        // they lie intact before it: walk them instead.
        problems.push(format!(
            "the header announces {declared} events but the event index holds only {fits}: the file is truncated; the events are read in sequence instead"
        ));
        let start = offset_in(file_len, header.events_offset).unwrap_or(HEADER_SIZE);
        return Locations::Walk {
            start,
            limit: offset.max(start),
        };
    }
    problems.push(
        "the capture has no event index (Procmon did not close it cleanly, or it is truncated): events are read in sequence",
    );
    let start = offset_in(file_len, header.events_offset).unwrap_or(HEADER_SIZE);
    let limit = [
        header.event_offsets_offset,
        header.process_table_offset,
        header.string_table_offset,
    ]
    .into_iter()
    .filter_map(|o| offset_in(file_len, o))
    .filter(|&o| o > start)
    .min()
    .unwrap_or(file_len);
    Locations::Walk { start, limit }
}

/// The interned strings: a count, relative offsets, then `u32 size + UTF-16` strings.
struct StringTable<'a> {
    /// From the table's start to the end of the file.
    table: &'a [u8],
    count: usize,
    /// Lookups that failed (index out of range, offset or size past the end, over budget).
    damaged: Cell<u32>,
    /// Strings already decoded, by index: process entries name the same users and paths.
    decoded: RefCell<HashMap<usize, Option<String>>>,
    /// UTF-16 bytes this table may still decode. A damaged table's offsets can point every
    /// entry at a long run of bytes; without a bound, reading it costs entries × table size.
    budget: Cell<usize>,
}

/// The longest string a capture holds: a `UNICODE_STRING` has at most 65,534 bytes.
const MAX_STRING_BYTES: usize = 65_534;

impl<'a> StringTable<'a> {
    fn open(image: &'a Image, offset: u64, problems: &mut Problems) -> Option<StringTable<'a>> {
        let Some(base) = offset_in(image.len(), offset) else {
            problems.push(
                "the string table is missing: process names, users and command lines are unknown",
            );
            return None;
        };
        let table = image.from(base);
        let declared = Cursor::new(table).u32()? as usize;
        let fits = (image.len() - base - 4) / 4;
        if declared > fits {
            problems.push(format!(
                "the string table announces {declared} strings but holds at most {fits}"
            ));
        }
        Some(StringTable {
            table,
            count: declared.min(fits),
            damaged: Cell::new(0),
            decoded: RefCell::new(HashMap::new()),
            // Distinct strings of a sound table do not overlap: twice its size is room enough.
            budget: Cell::new(table.len().saturating_mul(2).saturating_add(1 << 20)),
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
        if let Some(known) = self.decoded.borrow().get(&index) {
            return known.clone();
        }
        let read = || {
            let rel = Cursor::at(self.table, 4 + index * 4).u32()?;
            let mut c = Cursor::at(self.table, rel as usize);
            let size = c.u32()? as usize;
            let left = self.budget.get();
            if size > MAX_STRING_BYTES || size > left {
                return None;
            }
            self.budget.set(left - size);
            c.utf16(size)
        };
        let text = read();
        self.decoded.borrow_mut().insert(index, text.clone());
        text
    }
}

fn read_process_table(
    image: &Image,
    offset: u64,
    strings: &StringTable,
    problems: &mut Problems,
) -> HashMap<u32, Process> {
    let mut processes = HashMap::new();
    let Some(base) = offset_in(image.len(), offset) else {
        problems.push("the process table is missing: process names and PIDs are unknown");
        return processes;
    };
    let table = image.from(base);
    let declared = Cursor::new(table).u32().unwrap_or(0) as usize;
    let fits = (image.len() - base).saturating_sub(4) / 8;
    if declared > fits {
        problems.push(format!(
            "the process table announces {declared} processes but holds at most {fits}"
        ));
    }
    let count = declared.min(fits);
    let offsets_at = 4 + count * 4;
    let mut damaged = 0usize;
    for i in 0..count {
        let process = Cursor::at(table, offsets_at + i * 4)
            .u32()
            .and_then(|rel| read_process(table, rel as usize, strings));
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
fn read_hosts_and_ports(image: &Image, offset: u64, problems: &mut Problems) -> (Hosts, Ports) {
    let mut hosts = HashMap::new();
    let mut ports = HashMap::new();
    let complete = offset_in(image.len(), offset).is_some_and(|base| {
        let mut c = Cursor::new(image.from(base));
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
