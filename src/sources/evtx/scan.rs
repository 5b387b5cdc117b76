//! A quick pass over one chunk's records that finds the few worth decoding, without building
//! them: record headers, then each record's template instance up to the substitution values
//! the provider name and event id come from (see [`super::template`]).
//!
//! It is only a shortcut in front of the `evtx` crate. Whenever anything does not look exactly
//! as expected (a record not made of one template instance, a size that does not add up, a
//! template it cannot read), it gives up on the whole chunk and the crate reads it: this module
//! must never be the reason a record is lost or a damage goes unreported.

use std::collections::{HashMap, HashSet};

use ::evtx::EvtxChunkHeader;

use super::binxml::{
    value_type, CHUNK_HEADER_SIZE, INSTANCE_DEF_OFFSET_AT, INSTANCE_HEADER_END, INSTANCE_PREFIX,
    RECORD_HEADER_SIZE, RECORD_ID_AT, RECORD_MAGIC, RECORD_SIZE_AT, RECORD_TRAILER_SIZE,
    TEMPLATE_DATA_SIZE_AT, TEMPLATE_HEADER_LEN,
};
use super::select;
use super::template::{self, Slot, SystemMap};
use crate::sources::bytes::{u16_at, u32_at, u64_at, utf16_until_nul};

/// A value descriptor: size (u16), type (u8), padding (u8).
const DESCRIPTOR_SIZE: usize = 4;
/// Offset of the value type in a descriptor.
const DESCRIPTOR_TYPE_AT: usize = 2;

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
        let size = u32_at(data, at + RECORD_SIZE_AT)? as usize;
        let record_end = at.checked_add(size)?;
        let binxml_end = record_end.checked_sub(RECORD_TRAILER_SIZE)?;
        if size < RECORD_HEADER_SIZE + RECORD_TRAILER_SIZE
            || record_end > end
            || u32_at(data, binxml_end)? as usize != size
        {
            return None;
        }
        let id = u64_at(data, at + RECORD_ID_AT)?;
        result.records += 1;
        if worth_decoding(data, at + RECORD_HEADER_SIZE, binxml_end, maps)? {
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
    if binxml.get(..INSTANCE_PREFIX.len())? != INSTANCE_PREFIX {
        return None;
    }
    let def_offset = u32_at(binxml, INSTANCE_DEF_OFFSET_AT)?;
    let mut at = INSTANCE_HEADER_END;
    if def_offset as usize == start + at {
        // The definition is inline (first use in the chunk): the values follow it.
        let def_size = u32_at(binxml, at + TEMPLATE_DATA_SIZE_AT)? as usize;
        at = at.checked_add(TEMPLATE_HEADER_LEN + def_size)?;
    }
    let values = Values::read(binxml, at)?;
    let map = maps
        .entry(def_offset)
        .or_insert_with(|| template::system_map(data, def_offset))
        .as_ref()?;
    let event_id = slot_number(map.event_id.as_ref()?, &values)?;
    let interest = match map.provider.as_ref()? {
        Slot::Literal(text) => select::interest(text, event_id),
        // Compared on the value's bytes: no record's name is decoded.
        Slot::Sub(index) => match values.get(*index)? {
            (value_type::STRING, bytes) => select::interest_utf16(bytes, event_id),
            (value_type::ANSI_STRING, bytes) => {
                let text = bytes.split(|b| *b == 0).next().unwrap_or_default();
                // Providers are ASCII names: other bytes name none of ours.
                std::str::from_utf8(text).map_or(select::Interest::None, |text| {
                    select::interest(text, event_id)
                })
            }
            _ => return None,
        },
    };
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
        let count = u32_at(binxml, at)? as usize;
        let first_value = at.checked_add(4 + count.checked_mul(DESCRIPTOR_SIZE)?)?;
        let descriptors = binxml.get(at + 4..first_value)?;
        let values = binxml.get(first_value..)?;
        let total: usize = descriptors
            .chunks_exact(DESCRIPTOR_SIZE)
            .map(descriptor_size)
            .sum();
        (total <= values.len()).then_some(Values {
            descriptors,
            values,
        })
    }

    /// Value `index`: its type and bytes.
    fn get(&self, index: u16) -> Option<(u8, &'a [u8])> {
        let mut descriptors = self.descriptors.chunks_exact(DESCRIPTOR_SIZE);
        let skipped: usize = descriptors
            .by_ref()
            .take(usize::from(index))
            .map(descriptor_size)
            .sum();
        let own = descriptors.next()?;
        let bytes = self.values.get(skipped..skipped + descriptor_size(own))?;
        Some((own[DESCRIPTOR_TYPE_AT], bytes))
    }
}

/// The value size of a descriptor (always a whole `DESCRIPTOR_SIZE` chunk).
#[inline]
fn descriptor_size(descriptor: &[u8]) -> usize {
    u16_at(descriptor, 0).map_or(0, usize::from)
}

fn slot_number(slot: &Slot, values: &Values<'_>) -> Option<u32> {
    match slot {
        Slot::Literal(text) => text.trim().parse().ok(),
        Slot::Sub(index) => {
            let (value_type, bytes) = values.get(*index)?;
            match (value_type, bytes.len()) {
                (value_type::UINT8, 1) => Some(u32::from(bytes[0])),
                (value_type::UINT16, 2) => u16_at(bytes, 0).map(u32::from),
                (value_type::UINT32 | value_type::HEX_INT32, 4) => u32_at(bytes, 0),
                (value_type::STRING, _) => utf16_until_nul(bytes).trim().parse().ok(),
                _ => None,
            }
        }
    }
}
