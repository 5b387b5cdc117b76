//! A quick pass over one chunk's records that finds the few worth decoding, without building
//! them: record headers, then each record's template instance up to the substitution values
//! the provider name and event id come from (see [`super::template`]).
//!
//! It is only a shortcut in front of the `evtx` crate. Whenever anything does not look exactly
//! as expected (a record not made of one template instance, a size that does not add up, a
//! template it cannot read), it gives up on the whole chunk and the crate reads it: this module
//! must never be the reason a record is lost or a damage goes unreported.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use ::evtx::EvtxChunkHeader;

use super::select;
use super::template::{self, Slot, SystemMap};

const CHUNK_HEADER_SIZE: usize = 512;
const RECORD_HEADER_SIZE: usize = 24;
const RECORD_MAGIC: &[u8; 4] = b"**\0\0";

/// What the quick pass found in a chunk it could read entirely.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Records seen.
    pub records: u64,
    /// Ids of the records that may matter.
    pub wanted: HashSet<u64>,
    /// Where the BinXML of each record that cannot matter starts.
    pub unwanted_binxml: Vec<usize>,
}

/// Scans the chunk `data` (64 KiB); `None` when the crate must read it instead.
pub(super) fn scan(
    data: &[u8],
    header: &EvtxChunkHeader,
    maps: &mut HashMap<u32, Option<SystemMap>>,
) -> Option<Scan> {
    let end = (header.free_space_offset as usize).min(data.len());
    let mut result = Scan::default();
    let mut at = CHUNK_HEADER_SIZE;
    while at + RECORD_HEADER_SIZE <= end {
        let magic = data.get(at..at + 4)?;
        if magic == [0, 0, 0, 0] {
            break;
        }
        if magic != RECORD_MAGIC {
            return None;
        }
        let size = read_u32(data, at + 4)? as usize;
        let record_end = at.checked_add(size)?;
        if size < RECORD_HEADER_SIZE + 4
            || record_end > end
            || read_u32(data, record_end - 4)? as usize != size
        {
            return None;
        }
        let id = read_u64(data, at + 8)?;
        result.records += 1;
        if worth_decoding(data, at + RECORD_HEADER_SIZE, record_end - 4, maps)? {
            result.wanted.insert(id);
        } else {
            result.unwanted_binxml.push(at + RECORD_HEADER_SIZE);
        }
        if id == header.last_event_record_id {
            break;
        }
        at = record_end;
    }
    Some(result)
}

/// Whether the record whose BinXML is `data[start..end]` may matter; `None` when its shape is
/// not one template instance with a readable template.
fn worth_decoding(
    data: &[u8],
    start: usize,
    end: usize,
    maps: &mut HashMap<u32, Option<SystemMap>>,
) -> Option<bool> {
    let binxml = data.get(start..end)?;
    if binxml.get(..5)? != [0x0f, 0x01, 0x01, 0x00, 0x0c] {
        return None;
    }
    let def_offset = read_u32(binxml, 10)?;
    let mut at = 14;
    if def_offset as usize == start + at {
        let def_size = read_u32(binxml, at + 20)? as usize;
        at = at.checked_add(24 + def_size)?;
    }
    let values = Values::read(binxml, at)?;
    let map = maps
        .entry(def_offset)
        .or_insert_with(|| template::system_map(data, def_offset))
        .as_ref()?;
    let provider = slot_text(map.provider.as_ref()?, &values)?;
    let event_id = slot_number(map.event_id.as_ref()?, &values)?;
    let interest = select::interest(&provider, event_id);
    Some(select::may_concern_msi(interest, binxml))
}

/// A template instance's substitution values: a descriptor (size u16, type u8, padding) each,
/// then the values one after the other.
struct Values<'a> {
    descriptors: &'a [u8],
    /// The bytes from the first value on.
    values: &'a [u8],
}

impl<'a> Values<'a> {
    /// Reads the count and checks that the descriptors and all the values are inside `binxml`.
    fn read(binxml: &'a [u8], at: usize) -> Option<Values<'a>> {
        let count = read_u32(binxml, at)? as usize;
        let first_value = at.checked_add(4 + count.checked_mul(4)?)?;
        let descriptors = binxml.get(at + 4..first_value)?;
        let values = binxml.get(first_value..)?;
        let total: usize = descriptors.chunks_exact(4).map(descriptor_size).sum();
        (total <= values.len()).then_some(Values {
            descriptors,
            values,
        })
    }

    /// Value `index`: its type and bytes.
    fn get(&self, index: u16) -> Option<(u8, &'a [u8])> {
        let mut descriptors = self.descriptors.chunks_exact(4);
        let skipped: usize = descriptors
            .by_ref()
            .take(usize::from(index))
            .map(descriptor_size)
            .sum();
        let own = descriptors.next()?;
        let bytes = self.values.get(skipped..skipped + descriptor_size(own))?;
        Some((own[2], bytes))
    }
}

fn descriptor_size(descriptor: &[u8]) -> usize {
    usize::from(u16::from_le_bytes([descriptor[0], descriptor[1]]))
}

fn slot_text<'m>(slot: &'m Slot, values: &Values<'_>) -> Option<Cow<'m, str>> {
    match slot {
        Slot::Literal(text) => Some(Cow::Borrowed(text)),
        Slot::Sub(index) => match values.get(*index)? {
            (0x01, bytes) => Some(Cow::Owned(utf16_until_nul(bytes))),
            (0x02, bytes) => Some(Cow::Owned(
                bytes
                    .iter()
                    .take_while(|b| **b != 0)
                    .map(|b| char::from(*b))
                    .collect(),
            )),
            _ => None,
        },
    }
}

fn slot_number(slot: &Slot, values: &Values<'_>) -> Option<u32> {
    match slot {
        Slot::Literal(text) => text.trim().parse().ok(),
        Slot::Sub(index) => {
            let (value_type, bytes) = values.get(*index)?;
            match (value_type, bytes.len()) {
                (0x04, 1) => Some(u32::from(bytes[0])),
                (0x06, 2) => Some(u32::from(u16::from_le_bytes([bytes[0], bytes[1]]))),
                (0x08 | 0x14, 4) => read_u32(bytes, 0),
                (0x01, _) => utf16_until_nul(bytes).trim().parse().ok(),
                _ => None,
            }
        }
    }
}

fn utf16_until_nul(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .take_while(|u| *u != 0);
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn read_u64(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes([
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
    ]))
}
