//! Windows event logs (`.evtx`): bytes → the few records that matter to an MSI diagnosis.
//!
//! [`read`] splits the file into its 64 KiB chunks and reads them in parallel with the `evtx`
//! crate. It keeps `MsiInstaller` records, Service Control Manager records about the Windows
//! Installer service, `msiexec.exe` crashes and Restart Manager sessions (see `select.rs` for the
//! exact list), each as an [`Event`] of kind [`EventKind::WinEvent`] with UTC time, record id
//! and a one-line English text. Other records are judged from their template and skipped
//! without being rendered. `msi.rs` decodes what each kept record means, once, into the
//! record's [`WinFact`]; later stages read that fact and never look into this module.
//!
//! Damage never stops the reader: bad magic, bad CRCs, cut files and unreadable records each
//! add one problem line naming the file and the chunk, and every readable record is kept.
//! This module must not panic on any input, write anything, or interpret events beyond
//! selecting them (the timeline correlates, the rules decide).
//!
//! [`EventKind::WinEvent`]: crate::model::EventKind::WinEvent
//! [`WinFact`]: crate::model::WinFact

mod binxml;
mod chunk;
mod msi;
mod scan;
mod select;
mod template;
mod text;
mod xml;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use ::evtx::EvtxFileHeader;
use rayon::prelude::*;

use crate::model::Event;
use crate::sources::window::{window_or, Source};

use chunk::{describe, read_chunk, ChunkOutput, ChunkPlace, CHUNK_SIZE};

/// What one event log gave.
#[derive(Debug, Default)]
pub struct EvtxFile {
    /// Kept records, in record id order.
    pub events: Vec<Event>,
    /// One line per problem met, each naming the file and the chunk or record.
    pub problems: Vec<String>,
    /// Records that could be read, kept or not.
    pub records_total: u64,
    /// Records kept (`events.len()`).
    pub records_kept: u64,
}

const FILE_HEADER_SIZE: usize = 4096;

/// Reads the event log `bytes` (the whole file); `path` names it in origins and problems.
pub fn read(path: &Arc<str>, bytes: &[u8]) -> EvtxFile {
    read_source(path, &Source::Memory(bytes))
}

/// Chunks read from disk at a time by one worker.
const CHUNKS_PER_READ: usize = 32;

/// [`read`] from any source: a file is read a few chunks at a time per worker, in parallel.
pub fn read_source(path: &Arc<str>, source: &Source) -> EvtxFile {
    let mut problems = Vec::new();
    let header = match source.read_vec(0, FILE_HEADER_SIZE) {
        Ok(header) => header,
        Err(e) => {
            return EvtxFile {
                problems: vec![format!("{path}: cannot be read: {e}")],
                ..EvtxFile::default()
            }
        }
    };
    let declared = file_header(path, &header, source.len(), &mut problems);
    let body = source.len().saturating_sub(FILE_HEADER_SIZE as u64);
    let chunk_count = body.div_ceil(CHUNK_SIZE as u64) as usize;
    let place = |number: usize| ChunkPlace {
        path,
        number,
        past_declared: declared.is_some_and(|count| number >= usize::from(count)),
    };
    let outputs: Vec<ChunkOutput> = if let Some(bytes) = source.memory() {
        let chunks: Vec<&[u8]> = bytes
            .get(FILE_HEADER_SIZE..)
            .map(|rest| rest.chunks(CHUNK_SIZE).collect())
            .unwrap_or_default();
        chunks
            .par_iter()
            // Every chunk its own job: a thread that runs out steals single chunks, instead of
            // sleeping while the other finishes a run of them.
            .with_max_len(1)
            .enumerate()
            .map(|(number, bytes)| read_chunk_safely(&place(number), bytes))
            .collect()
    } else {
        let per_read = window_or(CHUNKS_PER_READ);
        let groups: Vec<usize> = (0..chunk_count).step_by(per_read).collect();
        let per_group: Vec<Vec<ChunkOutput>> = groups
            .par_iter()
            // Every read of chunks its own job: a thread that runs out steals single reads,
            // instead of sleeping while the other finishes a run of them.
            .with_max_len(1)
            .map(|&first| {
                let offset = (FILE_HEADER_SIZE + first * CHUNK_SIZE) as u64;
                let read = source.with(offset, per_read * CHUNK_SIZE, |bytes| {
                    bytes
                        .chunks(CHUNK_SIZE)
                        .enumerate()
                        .map(|(i, chunk)| read_chunk_safely(&place(first + i), chunk))
                        .collect()
                });
                read.unwrap_or_else(|e| {
                    vec![ChunkOutput {
                        problems: vec![format!(
                            "{path}: chunks {first}-{}: cannot be read ({e}), skipped",
                            (first + per_read).min(chunk_count) - 1
                        )],
                        ..ChunkOutput::default()
                    }]
                })
            })
            .collect();
        per_group.into_iter().flatten().collect()
    };
    merge(problems, outputs)
}

/// Checks the file header; returns the chunk count it declares when it can be read.
fn file_header(
    path: &Arc<str>,
    bytes: &[u8],
    file_len: u64,
    problems: &mut Vec<String>,
) -> Option<u16> {
    if file_len < FILE_HEADER_SIZE as u64 {
        problems.push(format!(
            "{path}: the file ends inside its header ({file_len} of {FILE_HEADER_SIZE} bytes): no records"
        ));
    }
    match EvtxFileHeader::from_bytes(bytes) {
        Ok(header) => {
            if !header.validate_checksum() {
                problems.push(format!(
                    "{path}: file header CRC32 mismatch, chunks read anyway"
                ));
            }
            Some(header.chunk_count)
        }
        Err(e) if bytes.len() >= FILE_HEADER_SIZE => {
            problems.push(format!(
                "{path}: unreadable file header ({}), chunks read anyway",
                describe(&e)
            ));
            None
        }
        Err(_) => None,
    }
}

/// Reads one chunk; a panic inside the parser costs that chunk only.
fn read_chunk_safely(place: &ChunkPlace<'_>, bytes: &[u8]) -> ChunkOutput {
    catch_unwind(AssertUnwindSafe(|| read_chunk(place, bytes))).unwrap_or_else(|_| ChunkOutput {
        problems: vec![format!(
            "{}: chunk {}: the EVTX parser failed on this chunk, skipped",
            place.path, place.number
        )],
        ..ChunkOutput::default()
    })
}

/// Joins the chunks' outputs: problems in chunk order, events sorted by record id.
fn merge(mut problems: Vec<String>, outputs: Vec<ChunkOutput>) -> EvtxFile {
    let mut events = Vec::new();
    let mut records_total = 0;
    for output in outputs {
        events.extend(output.events);
        problems.extend(output.problems);
        records_total += output.records;
    }
    events.sort_by_key(|e| e.origin.record);
    EvtxFile {
        records_kept: events.len() as u64,
        events,
        problems,
        records_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_and_garbage_inputs_give_problems_not_panics() {
        let path: Arc<str> = Arc::from("x.evtx");
        for bytes in [&b""[..], b"ElfFile\0", &[0xffu8; 5000][..]] {
            let file = read(&path, bytes);
            assert!(file.events.is_empty());
            assert!(!file.problems.is_empty(), "{:?}", file.problems);
        }
        let mut zeros = b"ElfFile\0".to_vec();
        zeros.resize(FILE_HEADER_SIZE + CHUNK_SIZE, 0);
        let file = read(&path, &zeros);
        assert_eq!(file.records_total, 0);
    }
}
