//! Reads one 64 KiB EVTX chunk with the `evtx` crate and keeps the records that matter.
//!
//! A quick scan ([`super::scan`]) first judges every record from its template (provider and
//! event id) and a byte scan of its values; a chunk with nothing worth decoding stops there.
//! Otherwise the crate reads the chunk and only the selected records are rendered to XML and
//! decoded (every record is judged on its own when the quick scan gave up on the chunk).
//!
//! Damage is reported, one line per problem, and reading goes on: this module must never stop
//! at a bad record nor fail the whole chunk for one.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ::evtx::{
    checksum_ieee, ChunkFlags, EvtxChunkData, EvtxChunkHeader, EvtxRecord, ParserSettings,
};
use chrono::{DateTime, Utc};

use crate::model::{Event, EventKind, Origin, Timestamp, WinEvent, WinFact};

use super::binxml::{token, CHUNK_HEADER_SIZE};
use super::msi;
use super::scan;
use super::select;
use super::template::{self, SystemMap};
use super::text;
use super::xml::{self, RenderedEvent};

pub(super) const CHUNK_SIZE: usize = 64 * 1024;
const CHUNK_MAGIC: &[u8; 8] = b"ElfChnk\0";
/// Unreadable records reported one by one per chunk; the rest are counted in one line.
const MAX_RECORD_PROBLEMS: usize = 5;

/// What one chunk gave.
#[derive(Debug, Default)]
pub(super) struct ChunkOutput {
    pub events: Vec<Event>,
    pub problems: Vec<String>,
    /// Records that could be read (kept or not).
    pub records: u64,
}

/// Where a chunk is, for problem lines.
pub(super) struct ChunkPlace<'a> {
    pub path: &'a Arc<str>,
    pub number: usize,
    /// The file header declares fewer chunks than this one's number.
    pub past_declared: bool,
}

impl ChunkPlace<'_> {
    fn problem(&self, what: impl std::fmt::Display) -> String {
        format!("{}: chunk {}: {what}", self.path, self.number)
    }
}

/// Reads the chunk `bytes` (64 KiB, or less when the file was cut).
pub(super) fn read_chunk(place: &ChunkPlace<'_>, bytes: &[u8]) -> ChunkOutput {
    let mut out = ChunkOutput::default();
    if bytes.iter().all(|b| *b == 0) {
        return out; // never used
    }
    let mut maps: HashMap<u32, Option<SystemMap>> = HashMap::new();
    let in_place = match judged_in_place(place, bytes, &mut maps, &mut out.problems) {
        InPlace::NothingWanted(records) => {
            out.records = records;
            return out;
        }
        InPlace::Wanted(scan) => Some(scan),
        InPlace::NeedsCrate => None,
    };
    // CRC problems were already added when the chunk was judged in place.
    let mut ignored = Vec::new();
    let problems = if in_place.is_some() {
        &mut ignored
    } else {
        &mut out.problems
    };
    let Some(mut data) = checked_chunk(place, bytes, problems) else {
        return out;
    };
    let scanned = match in_place {
        Some(scan) => Some(scan),
        None => scan::scan(&data.data, &data.header, &mut maps),
    };
    let selection = match scanned {
        Some(scan) if scan.wanted.is_empty() => {
            out.records = scan.records;
            return out;
        }
        Some(scan) => {
            // The crate builds every record it walks over; the ones the scan ruled out are
            // made empty (their BinXML starts with an end-of-stream token) so that building
            // them costs nothing. Their bytes stay in place: templates they define are still
            // found by the records that use them.
            for &at in &scan.unwanted_binxml {
                data.data[at] = token::END_OF_STREAM;
            }
            Selection::Only(scan.wanted)
        }
        None => Selection::Judge,
    };
    decode_chunk(place, &mut data, &selection, &mut maps, &mut out);
    out
}

/// What judging a chunk on its bytes in place gave.
enum InPlace {
    /// Nothing in it is worth decoding: its record count (most chunks of a log: they are never
    /// copied nor handed to the crate).
    NothingWanted(u64),
    /// The quick scan found records worth decoding.
    Wanted(scan::Scan),
    /// Cut, bad magic, unreadable header or records the quick scan cannot read: the crate
    /// reads it (and [`checked_chunk`] reports its damage).
    NeedsCrate,
}

/// Judges a whole, sound-looking chunk on its bytes in place with the quick scan; its CRC
/// problems are added as [`checked_chunk`] would add them.
fn judged_in_place(
    place: &ChunkPlace<'_>,
    bytes: &[u8],
    maps: &mut HashMap<u32, Option<SystemMap>>,
    problems: &mut Vec<String>,
) -> InPlace {
    if bytes.len() != CHUNK_SIZE || !bytes.starts_with(CHUNK_MAGIC) {
        return InPlace::NeedsCrate;
    }
    let Ok(header) = EvtxChunkHeader::from_bytes(bytes) else {
        return InPlace::NeedsCrate;
    };
    let Some(scan) = scan::scan(bytes, &header, maps) else {
        return InPlace::NeedsCrate;
    };
    if !header.flags.contains(ChunkFlags::NO_CRC32) {
        let mut covered = [0u8; 120 + (CHUNK_HEADER_SIZE - 128)];
        covered[..120].copy_from_slice(&bytes[..120]);
        covered[120..].copy_from_slice(&bytes[128..CHUNK_HEADER_SIZE]);
        if checksum_ieee(&covered) != header.header_chunk_checksum {
            problems.push(place.problem("header CRC32 mismatch, records read anyway"));
        }
        let records_ok = bytes
            .get(CHUNK_HEADER_SIZE..header.free_space_offset as usize)
            .is_some_and(|records| checksum_ieee(records) == header.events_checksum);
        if !records_ok {
            problems.push(place.problem(RECORDS_CRC_PROBLEM));
        }
    }
    if scan.wanted.is_empty() {
        InPlace::NothingWanted(scan.records)
    } else {
        InPlace::Wanted(scan)
    }
}

const RECORDS_CRC_PROBLEM: &str =
    "event records CRC32 mismatch (log not closed cleanly, or damaged), records read anyway";

/// Which records of a chunk the crate pass renders.
enum Selection {
    /// The quick scan read the chunk: these record ids.
    Only(HashSet<u64>),
    /// The quick scan gave up: judge each record on its own.
    Judge,
}

impl Selection {
    fn wants(&self, record: &EvtxRecord<'_>, maps: &mut HashMap<u32, Option<SystemMap>>) -> bool {
        match self {
            Selection::Only(ids) => ids.contains(&record.event_record_id),
            Selection::Judge => worth_rendering(record, maps),
        }
    }
}

/// Reads the chunk's records with the crate, renders the selected ones, reports the others'
/// damage.
fn decode_chunk(
    place: &ChunkPlace<'_>,
    data: &mut EvtxChunkData,
    selection: &Selection,
    maps: &mut HashMap<u32, Option<SystemMap>>,
    out: &mut ChunkOutput,
) {
    let settings = Arc::new(ParserSettings::default());
    let mut chunk = match data.parse(settings) {
        Ok(chunk) => chunk,
        Err(e) => {
            out.problems.push(place.problem(format_args!(
                "unreadable string table ({}), skipped",
                describe(&e)
            )));
            return;
        }
    };
    let mut failures = 0usize;
    for record in chunk.iter() {
        let examined = record
            .map_err(|e| describe(&e))
            .and_then(|r| examine(place, r, selection, maps));
        match examined {
            Ok(Some(event)) => {
                out.records += 1;
                out.events.push(event);
            }
            Ok(None) => out.records += 1,
            Err(e) => {
                failures += 1;
                if failures <= MAX_RECORD_PROBLEMS {
                    out.problems
                        .push(place.problem(format_args!("{e}, skipped")));
                }
            }
        }
    }
    if failures > MAX_RECORD_PROBLEMS {
        out.problems.push(place.problem(format_args!(
            "{} more unreadable records, skipped",
            failures - MAX_RECORD_PROBLEMS
        )));
    }
}

/// The chunk's header checks: magic, size, CRCs. `None` when the chunk cannot be read at all.
fn checked_chunk(
    place: &ChunkPlace<'_>,
    bytes: &[u8],
    problems: &mut Vec<String>,
) -> Option<EvtxChunkData> {
    if bytes.len() < CHUNK_HEADER_SIZE {
        problems.push(place.problem(format_args!(
            "the file ends inside this chunk's header ({} bytes), skipped",
            bytes.len()
        )));
        return None;
    }
    if !bytes.starts_with(CHUNK_MAGIC) {
        let note = if place.past_declared {
            " (past the chunks the file header declares: leftover data)"
        } else {
            ""
        };
        problems.push(place.problem(format_args!("bad chunk magic{note}, skipped")));
        return None;
    }
    let truncated = bytes.len() < CHUNK_SIZE;
    let mut padded = bytes.to_vec();
    padded.resize(CHUNK_SIZE, 0);
    let data = match EvtxChunkData::new(padded, false) {
        Ok(data) => data,
        Err(e) => {
            problems.push(place.problem(format_args!(
                "unreadable chunk header ({}), skipped",
                describe(&e)
            )));
            return None;
        }
    };
    if truncated {
        problems.push(place.problem(format_args!(
            "the file ends after {} of its {CHUNK_SIZE} bytes; records past the cut are lost",
            bytes.len()
        )));
    } else {
        checksum_problems(place, &data, problems);
    }
    Some(data)
}

fn checksum_problems(place: &ChunkPlace<'_>, data: &EvtxChunkData, problems: &mut Vec<String>) {
    if !data.validate_header_checksum() {
        problems.push(place.problem("header CRC32 mismatch, records read anyway"));
    }
    if !data.validate_data_checksum() {
        problems.push(place.problem(RECORDS_CRC_PROBLEM));
    }
}

/// The event for `record` when it matters, `Ok(None)` when it does not.
fn examine(
    place: &ChunkPlace<'_>,
    record: EvtxRecord<'_>,
    selection: &Selection,
    maps: &mut HashMap<u32, Option<SystemMap>>,
) -> Result<Option<Event>, String> {
    if !selection.wants(&record, maps) {
        return Ok(None);
    }
    let record_id = record.event_record_id;
    let written = to_chrono(record.timestamp);
    let xml = record
        .into_xml()
        .map_err(|e| format!("record {record_id}: cannot render ({})", describe(&e)))?;
    let rendered = xml::parse(&xml.data);
    let time = rendered.time.as_deref().and_then(parse_time).or(written);
    let mut ev = win_event(rendered, record_id);
    if !select::wanted(&ev) {
        return Ok(None);
    }
    ev.fact = msi::decode(&ev);
    Ok(Some(Event {
        origin: Origin {
            path: place.path.clone(),
            line: None,
            record: Some(record_id),
        },
        time: time.map(Timestamp::Utc),
        thread: None,
        text: text::render(&ev),
        kind: EventKind::WinEvent(std::sync::Arc::new(ev)),
    }))
}

/// False only when the record's template shows it cannot matter. Records the shortcut cannot
/// judge (no template, unusual template) are rendered and judged on their content.
fn worth_rendering(record: &EvtxRecord<'_>, maps: &mut HashMap<u32, Option<SystemMap>>) -> bool {
    let Ok(instances) = record.template_instances() else {
        return true;
    };
    let Some(instance) = instances.first() else {
        return true;
    };
    let offset = instance.template_def_offset;
    let map = maps
        .entry(offset)
        .or_insert_with(|| template::system_map(record.chunk.data, offset));
    let Some((provider, event_id)) = map
        .as_ref()
        .and_then(|m| template::provider_and_id(m, &instance.values))
    else {
        return true;
    };
    let interest = select::interest(&provider, event_id);
    select::may_concern_msi(interest, raw_binxml(record))
}

/// The record's BinXML bytes (its substitution values live there).
fn raw_binxml<'a>(record: &EvtxRecord<'a>) -> &'a [u8] {
    let start = record.binxml_offset as usize;
    let end = start.saturating_add(record.binxml_size as usize);
    record.chunk.data.get(start..end).unwrap_or(&[])
}

fn win_event(r: RenderedEvent, record_id: u64) -> WinEvent {
    WinEvent {
        channel: r.channel,
        provider: r.provider,
        event_id: r.event_id.unwrap_or(0),
        record_id,
        computer: r.computer,
        user_sid: r.user_sid.filter(|s| !s.is_empty()),
        process_id: r.process_id.filter(|p| *p != 0),
        data: r.data,
        named: r.named,
        binary: r.binary.filter(|b| !b.is_empty()),
        fact: WinFact::None,
    }
}

/// `2022-06-10T05:01:45.4901757Z`.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The record's FILETIME as a UTC instant; `None` past year 9999 (damage: such a time has no
/// ISO 8601 form without a sign, which spreadsheets would read as a formula).
fn to_chrono(t: ::evtx::Timestamp) -> Option<DateTime<Utc>> {
    let nanos = u32::try_from(t.subsec_nanosecond()).ok()?;
    DateTime::from_timestamp(t.as_second(), nanos).filter(crate::model::in_windows_years)
}

/// An error and its causes, `outer: inner: …`, without the crate's vague wrapper messages.
pub(super) fn describe(err: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = short_message(&e.to_string());
        if !text.is_empty() {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// The `evtx` crate's messages, shortened: wrappers that say nothing are dropped.
fn short_message(text: &str) -> String {
    const VAGUE: &[&str] = &[
        "An error occurred while trying to deserialize evtx stream.",
        "An error occurred while trying to read input.",
        "An error occurred while trying to serialize binary xml to output.",
    ];
    if VAGUE.contains(&text) {
        return String::new();
    }
    text.replace("Failed to parse record number ", "record ")
        .replace("Failed to read the record at ", "record at ")
}
