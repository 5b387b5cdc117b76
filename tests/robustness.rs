//! Robustness of msidiag on the inputs that come off broken machines: truncated, damaged and
//! padded copies, hostile archives and folders, hostile strings, and pathological sizes.
//!
//! - Property tests (proptest): truncating the fixture logs and generated EVTX/PML/CSV files at
//!   any byte, flipping any byte and inserting garbage lines never panic, and what lies before
//!   the damage is still reported exactly as in the intact file.
//! - Archives (zips built here with the `zip` crate) and folders: nested archives, zip bombs,
//!   traversal names, encrypted and corrupt entries, cut archives, symbolic links, pipes, empty
//!   and binary files, 10,000 small files: each gets a clear message and the run goes on.
//! - Inputs are never modified and nothing is written beside them.
//! - The terminal and CSV reports defuse hostile strings (escape sequences, formulas).
//! - Pathological sizes finish in time proportional to their size; the biggest ones are
//!   `#[ignore]`d here and run in release by `scripts/fuzz.sh`.
//!
//! Everything is generated in temporary folders: these tests must not write in the repository.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

use msidiag::input::decode::{decode_lines, detect, TextEncoding};
use msidiag::input::discover::{discover, load, Limits};
use msidiag::model::{Event, EventKind};
use msidiag::sources::msilog::{self, DateHint, SessionOptions};
use msidiag::sources::{evtx, procmon};

use msidiag_testkit::evtx_writer::{self, RecordSpec};
use msidiag_testkit::localize::{localize, utf16le_bom, LANGUAGES};
use msidiag_testkit::pml_writer::{self, PmlCapture, PmlDetail, PmlEvent, PmlProcess};

// ============================================================================ helpers

fn fixture_paths() -> Vec<PathBuf> {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let mut out = Vec::new();
    for case in std::fs::read_dir(cases).unwrap() {
        let input = case.unwrap().path().join("input");
        for f in std::fs::read_dir(input).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out.sort();
    out
}

fn fixtures() -> &'static [(String, Vec<u8>)] {
    static F: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    F.get_or_init(|| {
        fixture_paths()
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect()
    })
}

fn arc(s: &str) -> Arc<str> {
    Arc::from(s)
}

/// An event as compared across readings: where, what kind, what text (not the time, which
/// depends on banners that may be past the damage).
type Key = (Option<u64>, Option<u64>, String, String);

fn key(e: &Event) -> Key {
    (
        e.origin.line,
        e.origin.record,
        format!("{:?}", e.kind),
        e.text.clone(),
    )
}

fn log_events(bytes: &[u8]) -> (TextEncoding, Vec<Event>) {
    let (encoding, events, _) = log_events_localized(bytes);
    (encoding, events)
}

/// [`log_events`], and whether a session was read with templates learned from the log (a
/// translated log: `src/sources/msilog/localized.rs`).
fn log_events_localized(bytes: &[u8]) -> (TextEncoding, Vec<Event>, bool) {
    let file = msilog::read(
        &arc("f.log"),
        bytes,
        SessionOptions {
            date_hint: DateHint::None,
        },
    );
    let localized = file.sessions.iter().any(|s| s.localized);
    let events = file.sessions.into_iter().flat_map(|s| s.events).collect();
    (file.encoding, events, localized)
}

/// The events of a translated log as damage may leave them: its action lines, messages and
/// product lines are labelled by what the whole session teaches, so damage further on can
/// leave them plain text; they compare by line and text only.
fn unlabelled(events: Vec<Event>, translated: bool) -> Vec<Event> {
    if !translated {
        return events;
    }
    events
        .into_iter()
        .map(|mut e| {
            if matches!(
                e.kind,
                EventKind::ActionStart { .. }
                    | EventKind::ActionEnded { .. }
                    | EventKind::ActionText { .. }
                    | EventKind::ProductMessage { .. }
                    | EventKind::Error { .. }
                    | EventKind::Info { .. }
                    | EventKind::Warning { .. }
                    | EventKind::InternalErrorDialog { .. }
            ) {
                e.kind = EventKind::Text;
            }
            e
        })
        .collect()
}

/// 1-based number of the line that holds byte `at` of `bytes` (read in `encoding`).
fn line_at(bytes: &[u8], encoding: TextEncoding, at: usize) -> u64 {
    let at = match encoding {
        TextEncoding::Utf16LeBom | TextEncoding::Utf16LeNoBom | TextEncoding::Utf16BeBom => at & !1,
        _ => at,
    };
    let mut pieces = 0u64;
    decode_lines(&bytes[..at.min(bytes.len())], encoding, |_| pieces += 1);
    pieces
}

/// The events of `original` that lie wholly before line `damaged` (their continuation lines
/// included): the next event starts before the damaged line.
fn complete_before(original: &[Event], damaged: u64) -> Vec<Key> {
    let mut out = Vec::new();
    for (i, e) in original.iter().enumerate() {
        let next = original.get(i + 1).and_then(|n| n.origin.line);
        match next {
            Some(n) if n < damaged => out.push(key(e)),
            _ => break,
        }
    }
    out
}

fn assert_prefix(before: &[Key], after: &[Event], what: &str) {
    let after: Vec<Key> = after.iter().take(before.len()).map(key).collect();
    assert_eq!(
        before.len(),
        after.len(),
        "{what}: events before the damage were lost"
    );
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "{what}: an event before the damage changed");
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ============================================================================ MSI logs

proptest! {
    #![proptest_config(config(192))]

    /// A log cut at any byte keeps every event of the lines before the cut.
    #[test]
    fn msilog_truncated_anywhere_keeps_what_precedes(which in any::<Index>(), at in any::<Index>()) {
        let (name, bytes) = &fixtures()[which.index(fixtures().len())];
        let at = at.index(bytes.len() + 1);
        let (encoding, original, translated) = log_events_localized(bytes);
        let (cut_encoding, cut) = log_events(&bytes[..at]);
        let (original, cut) = (unlabelled(original, translated), unlabelled(cut, translated));
        if cut_encoding == encoding {
            let damaged = line_at(bytes, encoding, at);
            assert_prefix(&complete_before(&original, damaged), &cut, name);
        }
    }

    /// A log with any byte changed keeps every event of the lines before that byte.
    #[test]
    fn msilog_flipped_byte_keeps_what_precedes(which in any::<Index>(), at in any::<Index>(), value in any::<u8>()) {
        let (name, bytes) = &fixtures()[which.index(fixtures().len())];
        let at = at.index(bytes.len());
        let mut damaged_bytes = bytes.clone();
        damaged_bytes[at] = value;
        let (encoding, original, translated) = log_events_localized(bytes);
        let (new_encoding, damaged) = log_events(&damaged_bytes);
        let (original, damaged) = (unlabelled(original, translated), unlabelled(damaged, translated));
        if new_encoding == encoding {
            let line = line_at(bytes, encoding, at);
            assert_prefix(&complete_before(&original, line), &damaged, name);
        }
    }

    /// A garbage line inserted between two lines changes nothing before it and loses nothing
    /// after it (every later event's text is still read, maybe joined to the garbage).
    #[test]
    fn msilog_garbage_line_loses_nothing(which in any::<Index>(), at in any::<Index>(), garbage in "[ -~\t\u{1b}\u{e9}\u{263a}]{0,300}") {
        let (name, bytes) = &fixtures()[which.index(fixtures().len())];
        let encoding = detect(bytes);
        let starts = line_starts(bytes, encoding);
        let insert_at = starts[at.index(starts.len())];
        let garbage_line = encode(&format!("{garbage}\r\n"), encoding);
        let mut damaged_bytes = bytes[..insert_at].to_vec();
        damaged_bytes.extend_from_slice(&garbage_line);
        damaged_bytes.extend_from_slice(&bytes[insert_at..]);
        let (_, original) = log_events(bytes);
        let (new_encoding, damaged) = log_events(&damaged_bytes);
        prop_assert_eq!(new_encoding, encoding);
        let line = line_at(bytes, encoding, insert_at);
        assert_prefix(&complete_before(&original, line), &damaged, name);
        for e in original.iter().filter(|e| e.origin.line.unwrap() >= line) {
            prop_assert!(
                damaged.iter().any(|d| d.text.contains(e.text.as_str())),
                "{}: event at line {:?} lost after a garbage line at line {}: {}",
                name, e.origin.line, line, e.text
            );
        }
    }
}

/// Byte offsets where a line starts (0 and after every line feed), in `encoding`.
fn line_starts(bytes: &[u8], encoding: TextEncoding) -> Vec<usize> {
    match encoding {
        TextEncoding::Utf16LeBom | TextEncoding::Utf16LeNoBom => {
            let bom = usize::from(encoding == TextEncoding::Utf16LeBom) * 2;
            let mut out = vec![bom];
            let mut i = bom;
            while i + 1 < bytes.len() {
                if bytes[i] == b'\n' && bytes[i + 1] == 0 {
                    out.push(i + 2);
                }
                i += 2;
            }
            out
        }
        _ => {
            let bom = if encoding == TextEncoding::Utf8Bom {
                3
            } else {
                0
            };
            std::iter::once(bom)
                .chain(
                    bytes
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect()
        }
    }
}

fn encode(text: &str, encoding: TextEncoding) -> Vec<u8> {
    match encoding {
        TextEncoding::Utf16LeBom | TextEncoding::Utf16LeNoBom => {
            text.encode_utf16().flat_map(u16::to_le_bytes).collect()
        }
        TextEncoding::Windows1252 => text
            .chars()
            .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
            .collect(),
        _ => text.as_bytes().to_vec(),
    }
}

#[test]
fn msilog_cut_inside_a_line_reports_the_truncation() {
    let (_, bytes) = fixtures()
        .iter()
        .find(|(n, _)| n.ends_with("MSI3f2a1.LOG"))
        .unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let file = msilog::read(
        &arc("cut.log"),
        cut,
        SessionOptions {
            date_hint: DateHint::None,
        },
    );
    assert!(file.sessions.iter().any(|s| s.truncated));
    assert!(
        file.problems.iter().any(|p| p.contains("truncated")),
        "{:?}",
        file.problems
    );
}

// ============================================================================ EVTX

/// A generated event log of several chunks with MSI records spread over all of them.
fn evtx_sample() -> &'static (Vec<u8>, Vec<Event>) {
    static S: OnceLock<(Vec<u8>, Vec<Event>)> = OnceLock::new();
    S.get_or_init(|| {
        let records: Vec<RecordSpec> = (0..700)
            .map(|i| {
                if i % 3 == 0 {
                    evtx_writer::msi_failure_step(i % 5, i as u32)
                } else {
                    RecordSpec::new("ESENT", 326).data(&[
                        "svchost",
                        &i.to_string(),
                        "TILEREPOSITORYS-1-5-18: ",
                        "C:\\Windows\\system32\\config\\systemprofile\\AppData\\Local\\TileDataLayer\\Database\\vedatamodel.edb",
                    ])
                }
            })
            .collect();
        let bytes = evtx_writer::write_evtx(&records);
        assert!(evtx_writer::chunk_count(&bytes) >= 3, "the sample spans chunks");
        let file = evtx::read(&arc("s.evtx"), &bytes);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert!(file.events.len() > 100);
        (bytes, file.events)
    })
}

/// Absolute byte range of each record, by record id.
fn evtx_record_ranges(bytes: &[u8]) -> BTreeMap<u64, (usize, usize)> {
    let mut out = BTreeMap::new();
    for n in 0..evtx_writer::chunk_count(bytes) {
        let base = evtx_writer::chunk_offset(n);
        for off in evtx_writer::record_offsets(bytes, n) {
            let at = base + off;
            let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
            let id = u64::from_le_bytes(bytes[at + 8..at + 16].try_into().unwrap());
            out.insert(id, (at, at + size));
        }
    }
    out
}

fn evtx_chunk_of(at: usize) -> Option<usize> {
    at.checked_sub(evtx_writer::FILE_HEADER_SIZE)
        .map(|o| o / evtx_writer::CHUNK_SIZE)
}

proptest! {
    #![proptest_config(config(48))]

    /// An event log cut at any byte keeps every wanted record written before the cut.
    #[test]
    fn evtx_truncated_anywhere_keeps_records_before_the_cut(at in any::<Index>()) {
        let (bytes, original) = evtx_sample();
        let at = at.index(bytes.len() + 1);
        let ranges = evtx_record_ranges(bytes);
        let cut = evtx::read(&arc("s.evtx"), &bytes[..at]);
        let kept: Vec<Key> = cut.events.iter().map(key).collect();
        for e in original {
            let (_, end) = ranges[&e.origin.record.unwrap()];
            if end <= at {
                prop_assert!(kept.contains(&key(e)), "record {:?} before the cut at {} was lost", e.origin.record, at);
            }
        }
        if at < bytes.len() {
            prop_assert!(!cut.problems.is_empty(), "a cut at {} went unreported", at);
        }
    }

    /// An event log with any byte changed keeps every wanted record of the other chunks.
    #[test]
    fn evtx_flipped_byte_costs_at_most_its_chunk(at in any::<Index>(), value in any::<u8>()) {
        let (bytes, original) = evtx_sample();
        let at = at.index(bytes.len());
        let mut damaged = bytes.clone();
        damaged[at] = value;
        let ranges = evtx_record_ranges(bytes);
        let file = evtx::read(&arc("s.evtx"), &damaged);
        let kept: Vec<Key> = file.events.iter().map(key).collect();
        let hit = evtx_chunk_of(at);
        for e in original {
            let (start, _) = ranges[&e.origin.record.unwrap()];
            if evtx_chunk_of(start) != hit {
                prop_assert!(kept.contains(&key(e)), "record {:?} of another chunk lost after a flip at {}", e.origin.record, at);
            }
        }
    }
}

/// Chunks whose internal offsets point back at themselves (a template definition that is its
/// own instance, a record whose size leads back to the chunk header, name offsets that loop)
/// finish promptly, report the damage and keep the other chunks.
#[test]
fn evtx_self_referencing_offsets_finish_promptly() {
    let (bytes, original) = evtx_sample();
    let ranges = evtx_record_ranges(bytes);
    let first_chunk_records: Vec<(usize, usize)> = ranges
        .values()
        .copied()
        .filter(|(s, _)| evtx_chunk_of(*s) == Some(0))
        .collect();
    let chunk0 = evtx_writer::chunk_offset(0);
    let mut variants: Vec<(&str, Vec<u8>)> = Vec::new();
    // Every template instance's definition offset pointed at the instance itself.
    let mut own = bytes.clone();
    for &(start, end) in &first_chunk_records {
        let binxml = start + 24;
        if own[binxml..binxml + 5] == [0x0f, 0x01, 0x01, 0x00, 0x0c] {
            let instance = binxml + 4;
            let rel = (instance - chunk0) as u32;
            own[instance + 6..instance + 10].copy_from_slice(&rel.to_le_bytes());
        }
        let _ = end;
    }
    variants.push(("template instance pointing at itself", own));
    // Every template definition's offset pointed at the chunk header.
    let mut header = bytes.clone();
    for &(start, _) in &first_chunk_records {
        let binxml = start + 24;
        if header[binxml..binxml + 5] == [0x0f, 0x01, 0x01, 0x00, 0x0c] {
            let instance = binxml + 4;
            header[instance + 6..instance + 10].copy_from_slice(&0u32.to_le_bytes());
        }
    }
    variants.push(("template offsets at the chunk header", header));
    // Every 32-bit value in the first chunk's records that looks like an offset into the
    // chunk replaced by the offset of the value itself (names, templates, next pointers).
    let mut loops = bytes.clone();
    for &(start, end) in &first_chunk_records {
        let mut at = start + 24;
        while at + 4 <= end - 4 {
            let v = u32::from_le_bytes(loops[at..at + 4].try_into().unwrap()) as usize;
            if (512..evtx_writer::CHUNK_SIZE).contains(&v) {
                let rel = (at - chunk0) as u32;
                loops[at..at + 4].copy_from_slice(&rel.to_le_bytes());
                at += 4;
            } else {
                at += 1;
            }
        }
    }
    variants.push(("every offset pointing at itself", loops));
    // A record whose size leads back to the chunk header.
    let mut size_loop = bytes.clone();
    let (start, _) = first_chunk_records[1];
    let back = (start - chunk0) as u32;
    size_loop[start + 4..start + 8].copy_from_slice(&back.to_le_bytes());
    variants.push(("record size pointing back", size_loop));
    for (what, damaged) in variants {
        let started = Instant::now();
        let file = evtx::read(&arc("loop.evtx"), &damaged);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what}: took {:?}",
            started.elapsed()
        );
        assert!(!file.problems.is_empty(), "{what}: damage not reported");
        let kept: Vec<Key> = file.events.iter().map(key).collect();
        for e in original {
            let (s, _) = ranges[&e.origin.record.unwrap()];
            if evtx_chunk_of(s) != Some(0) {
                assert!(
                    kept.contains(&key(e)),
                    "{what}: a record of another chunk was lost"
                );
            }
        }
    }
}

// ============================================================================ Procmon

const DAY: (i32, u32, u32) = (2025, 3, 14);

/// A capture with every kind of detail the writer knows, 120 events.
fn pml_capture() -> PmlCapture {
    let processes = vec![
        PmlProcess::new(600, 500, "services.exe"),
        PmlProcess::new(1000, 600, "msiexec.exe"),
        PmlProcess::new(3000, 1000, "MsiExec.exe"),
        PmlProcess::new(4000, 3000, "cmd.exe"),
    ];
    let details = |i: u32| -> PmlDetail {
        match i % 6 {
            0 => PmlDetail::CreateFile {
                path: format!("C:\\Windows\\Installer\\{i}.ipi"),
                access: 0x0012_0089,
                disposition: 1,
                options: 0x60,
                attributes: 0x80,
                share: 1,
                open_result: Some(1),
            },
            1 => PmlDetail::RegQueryDword {
                path: "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer\\DisableMSI".into(),
                value: Some(i),
            },
            2 => PmlDetail::ProcessCreate {
                child_pid: 4000 + i,
                image_path: "C:\\Windows\\System32\\cmd.exe".into(),
                command_line: format!("cmd.exe /c echo {i}"),
            },
            3 => PmlDetail::ProcessStart {
                parent_pid: 3000,
                command_line: "cmd.exe".into(),
                current_directory: "C:\\Windows\\system32\\".into(),
                environment: vec!["TEMP=C:\\Windows\\TEMP".into(), "TMP=C:\\T".into()],
            },
            4 => PmlDetail::RegSetString {
                path: "HKLM\\SOFTWARE\\Contoso\\Version".into(),
                value: format!("1.2.{i}"),
            },
            _ => PmlDetail::ProcessExit { status: 1603 },
        }
    };
    let events = (0..120u32)
        .map(|i| {
            PmlEvent::new(
                (i % 4) as usize,
                pml_writer::filetime(DAY.0, DAY.1, DAY.2, 8, 32, i % 60, i * 1000),
                if i % 2 == 0 {
                    pml_writer::ACCESS_DENIED
                } else {
                    pml_writer::SUCCESS
                },
                details(i),
            )
        })
        .collect();
    PmlCapture {
        is64: true,
        processes,
        events,
    }
}

fn pml_sample() -> &'static (Vec<u8>, Vec<Event>) {
    static S: OnceLock<(Vec<u8>, Vec<Event>)> = OnceLock::new();
    S.get_or_init(|| {
        let bytes = pml_capture().to_bytes();
        let file = procmon::read_pml_all(&arc("s.pml"), &bytes);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.events.len(), 120);
        (bytes, file.events)
    })
}

/// Byte range of each event record, from the capture's own offsets table.
fn pml_record_ranges(bytes: &[u8]) -> Vec<(usize, usize)> {
    let table = pml_writer::peek_u64(bytes, pml_writer::EVENT_OFFSETS_OFFSET_AT) as usize;
    let count = u32::from_le_bytes(
        bytes[pml_writer::EVENT_COUNT_AT..pml_writer::EVENT_COUNT_AT + 4]
            .try_into()
            .unwrap(),
    ) as usize;
    let starts: Vec<usize> = (0..count)
        .map(|i| {
            let at = table + i * 5;
            u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
        })
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, starts.get(i + 1).copied().unwrap_or(table)))
        .collect()
}

/// What a PML event is, without what comes from the process table (lost when the end of the
/// capture is).
fn pml_key(e: &Event) -> (Option<u64>, String, String, String, String) {
    match &e.kind {
        EventKind::Procmon(op) => (
            e.origin.record,
            format!("{:?}", e.time),
            op.operation.clone(),
            op.path.clone(),
            op.result.clone(),
        ),
        other => panic!("not a Procmon event: {other:?}"),
    }
}

proptest! {
    #![proptest_config(config(96))]

    /// A capture cut at any byte (its index and process table are at the end) keeps every
    /// event record written before the cut.
    #[test]
    fn pml_truncated_anywhere_keeps_records_before_the_cut(at in any::<Index>()) {
        let (bytes, original) = pml_sample();
        let at = at.index(bytes.len() + 1);
        let ranges = pml_record_ranges(bytes);
        let cut = procmon::read_pml_all(&arc("s.pml"), &bytes[..at]);
        let kept: Vec<_> = cut.events.iter().map(pml_key).collect();
        for (i, e) in original.iter().enumerate() {
            if ranges[i].1 <= at {
                prop_assert!(kept.contains(&pml_key(e)), "event {} before the cut at {} was lost", i, at);
            }
        }
        if at < bytes.len() {
            prop_assert!(!cut.problems.is_empty(), "a cut at {} went unreported", at);
        }
    }

    /// A capture with any byte of an event record changed keeps every other record.
    #[test]
    fn pml_flipped_record_byte_costs_at_most_its_record(which in any::<Index>(), offset in any::<Index>(), value in any::<u8>()) {
        let (bytes, original) = pml_sample();
        let ranges = pml_record_ranges(bytes);
        let r = which.index(ranges.len());
        let at = ranges[r].0 + offset.index(ranges[r].1 - ranges[r].0);
        let mut damaged = bytes.clone();
        damaged[at] = value;
        let file = procmon::read_pml_all(&arc("s.pml"), &damaged);
        let kept: Vec<_> = file.events.iter().map(pml_key).collect();
        for (i, e) in original.iter().enumerate() {
            if i != r {
                prop_assert!(kept.contains(&pml_key(e)), "event {} lost after a flip in event {}", i, r);
            }
        }
    }

    /// A capture with any byte anywhere changed never panics.
    #[test]
    fn pml_flipped_any_byte_never_panics(at in any::<Index>(), value in any::<u8>()) {
        let (bytes, _) = pml_sample();
        let at = at.index(bytes.len());
        let mut damaged = bytes.clone();
        damaged[at] = value;
        let file = procmon::read_pml(&arc("s.pml"), &damaged);
        prop_assert!(file.rows_kept <= file.rows_total);
    }
}

/// A damaged string table whose every entry announces the longest string a capture can hold
/// (the session-6 fuzzing slow unit, scaled to about 1 MB): each string is decoded at most once
/// and the table's decoding has a budget, so the capture reads in moments instead of decoding
/// 65 KB for every name, user and command line of every process (more than 10 s here before).
#[test]
fn pml_string_table_with_oversized_strings_reads_quickly() {
    let processes: Vec<PmlProcess> = (0..2000u32)
        .map(|i| {
            let mut p = PmlProcess::new(5000 + i, 600, &format!("setup{i}.exe"));
            p.command_line = format!("\"C:\\Temp\\setup{i}.exe\" /quiet {}", "x".repeat(180));
            p
        })
        .collect();
    let events = (0..200u32)
        .map(|i| {
            PmlEvent::new(
                (i * 7 % 2000) as usize,
                pml_writer::filetime(DAY.0, DAY.1, DAY.2, 9, 15, i % 60, i),
                pml_writer::SUCCESS,
                PmlDetail::ProcessExit { status: 0 },
            )
        })
        .collect();
    let mut bytes = PmlCapture {
        is64: true,
        processes,
        events,
    }
    .to_bytes();
    assert!(bytes.len() > 1_000_000, "{} bytes", bytes.len());
    let table = pml_writer::peek_u64(&bytes, pml_writer::STRING_TABLE_OFFSET_AT) as usize;
    let count = u32::from_le_bytes(bytes[table..table + 4].try_into().unwrap()) as usize;
    for i in 0..count {
        let at = table + 4 + i * 4;
        let rel = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        pml_writer::poke_u32(&mut bytes, table + rel, 65_534);
    }
    let started = Instant::now();
    let file = procmon::read_pml_all(&arc("strings.pml"), &bytes);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(file.events.len(), 200, "{:?}", file.problems);
    assert!(
        file.problems.iter().any(
            |p| p.contains("strings.pml") && p.contains("cannot be read from the string table")
        ),
        "{:?}",
        file.problems
    );
}

fn csv_sample() -> &'static (Vec<u8>, Vec<Event>) {
    static S: OnceLock<(Vec<u8>, Vec<Event>)> = OnceLock::new();
    S.get_or_init(|| {
        let (_, pml_events) = pml_sample();
        let mut bytes = Vec::new();
        procmon::write_csv(pml_events, &mut bytes, None).unwrap();
        let file = procmon::read_csv_all(&arc("s.csv"), &bytes);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.events.len(), 120);
        (bytes, file.events)
    })
}

proptest! {
    #![proptest_config(config(96))]

    /// A CSV export cut at any byte keeps every row of the lines before the cut.
    #[test]
    fn procmon_csv_truncated_anywhere_keeps_rows_before_the_cut(at in any::<Index>()) {
        let (bytes, original) = csv_sample();
        let at = at.index(bytes.len() + 1);
        let cut = procmon::read_csv_all(&arc("s.csv"), &bytes[..at]);
        let damaged = line_at(bytes, TextEncoding::Utf8Bom, at);
        assert_prefix(&complete_before(original, damaged), &cut.events, "csv");
    }

    /// A CSV export with any byte changed keeps every row of the lines before that byte.
    #[test]
    fn procmon_csv_flipped_byte_keeps_rows_before(at in any::<Index>(), value in any::<u8>()) {
        let (bytes, original) = csv_sample();
        let at = at.index(bytes.len());
        let mut damaged_bytes = bytes.clone();
        damaged_bytes[at] = value;
        let damaged = procmon::read_csv_all(&arc("s.csv"), &damaged_bytes);
        let line = line_at(bytes, TextEncoding::Utf8Bom, at);
        // The header row is line 1: damage there may hide the columns, which is reported.
        if line > 1 {
            assert_prefix(&complete_before(original, line), &damaged.events, "csv");
        } else {
            prop_assert!(damaged.events.len() == original.len() || !damaged.problems.is_empty() || damaged.events.is_empty());
        }
    }

    /// Garbage rows inserted anywhere lose no other row.
    #[test]
    fn procmon_csv_garbage_line_loses_nothing(at in any::<Index>(), garbage in "[ -~\u{1b}\u{e9}]{0,200}") {
        let (bytes, original) = csv_sample();
        let starts = line_starts(bytes, TextEncoding::Utf8Bom);
        // After the header row, and not inside a quoted field: rows here have no line breaks.
        let insert_at = starts[1 + at.index(starts.len() - 1)];
        let mut damaged_bytes = bytes[..insert_at].to_vec();
        damaged_bytes.extend_from_slice(garbage.replace('"', "").as_bytes());
        damaged_bytes.extend_from_slice(b"\r\n");
        damaged_bytes.extend_from_slice(&bytes[insert_at..]);
        let damaged = procmon::read_csv_all(&arc("s.csv"), &damaged_bytes);
        let texts: Vec<&str> = damaged.events.iter().map(|e| e.text.as_str()).collect();
        for e in original {
            prop_assert!(texts.contains(&e.text.as_str()), "row lost after a garbage line: {}", e.text);
        }
    }
}

// ============================================================================ archives

fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
    out.into_inner()
}

fn stored(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(entries, zip::CompressionMethod::Stored)
}

fn deflated(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(entries, zip::CompressionMethod::Deflated)
}

fn fixture_named(suffix: &str) -> &'static [u8] {
    &fixtures()
        .iter()
        .find(|(n, _)| n.ends_with(suffix))
        .unwrap()
        .1
}

/// Offsets of every central directory header (`PK\x01\x02`) and local header (`PK\x03\x04`).
fn headers(zip: &[u8], magic: &[u8; 4]) -> Vec<usize> {
    zip.windows(4)
        .enumerate()
        .filter(|(_, w)| w == magic)
        .map(|(i, _)| i)
        .collect()
}

fn run_json(paths: &[&Path]) -> Value {
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json", "-"])
        .args(paths)
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(2),
        "crashed: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn notes(report: &Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

fn input_paths(report: &Value) -> Vec<String> {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap().to_string())
        .collect()
}

fn input<'a>(report: &'a Value, suffix: &str) -> &'a Value {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no input {suffix} in {:#}", report["inputs"]))
}

fn note_with(report: &Value, needles: &[&str]) -> String {
    notes(report)
        .into_iter()
        .find(|n| needles.iter().all(|s| n.contains(s)))
        .unwrap_or_else(|| panic!("no note with {needles:?} in {:#?}", notes(report)))
}

#[test]
fn zip_entries_are_read_in_memory_with_nested_archives() {
    let log = fixture_named("MSI3f2a1.LOG");
    let inner = deflated(&[("logs/inner.log", log)]);
    let middle = stored(&[("inner.zip", &inner), ("notes.txt", b"hello")]);
    let outer = deflated(&[
        ("MSI3f2a1.LOG", log),
        ("nested/middle.zip", &middle),
        ("empty.log", b""),
        ("folder/", b""),
    ]);
    let dir = tempfile::tempdir().unwrap();
    // Named like a log: recognised from its content.
    let path = dir.path().join("collected.log");
    std::fs::write(&path, &outer).unwrap();
    let report = run_json(&[&path]);
    let shown = path.display().to_string();
    let paths = input_paths(&report);
    for inner_name in [
        format!("{shown}!MSI3f2a1.LOG"),
        format!("{shown}!nested/middle.zip!inner.zip!logs/inner.log"),
        format!("{shown}!nested/middle.zip!notes.txt"),
        format!("{shown}!empty.log"),
    ] {
        assert!(paths.contains(&inner_name), "{inner_name} not in {paths:?}");
    }
    assert_eq!(input(&report, "!MSI3f2a1.LOG")["status"], "ok");
    assert_eq!(input(&report, "inner.zip!logs/inner.log")["status"], "ok");
    assert_eq!(input(&report, "!empty.log")["status"], "empty");
    assert_eq!(input(&report, "!notes.txt")["status"], "unrecognized");
    // Both copies of the log were read as sessions, and nothing was extracted beside the zip.
    assert_eq!(report["sessions"].as_array().unwrap().len(), 2);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn zip_nesting_is_limited_to_three_levels() {
    let mut archive = stored(&[("deep.log", fixture_named("MSI3f2a1.LOG"))]);
    for level in 0..4 {
        archive = stored(&[(&format!("level{level}.zip"), &archive)]);
    }
    let found = discover_archive("a.zip", archive);
    assert!(found.files.is_empty(), "{:?}", found.files);
    let p = unread_archive(&found, "a.zip", "error");
    assert!(p.contains("nested more than 3 levels"), "{p}");
    assert!(p.contains("a.zip!level3.zip!level2.zip!level1.zip"), "{p}");
}

fn discover_archive(name: &str, bytes: Vec<u8>) -> msidiag::input::discover::Discovery {
    msidiag::input::discover::discover_archive_bytes(name, bytes, &Limits::default())
}

/// The problems of an archive none of whose entries could be read: it is an input of its own
/// with `status`, holding them (and they are not repeated in the discovery's problems).
fn unread_archive(found: &msidiag::input::discover::Discovery, name: &str, status: &str) -> String {
    assert!(found.files.is_empty(), "{:?}", found.files);
    let input = found
        .unread_archives
        .iter()
        .find(|i| i.path == name)
        .unwrap_or_else(|| panic!("{name} is not an input: {:?}", found.problems));
    assert_eq!((input.kind, input.status.as_str()), ("zip", status));
    assert!(!input.problems.is_empty());
    for p in &input.problems {
        assert!(!found.problems.contains(p), "{p} listed twice");
    }
    input.problems.join("\n")
}

#[test]
fn zip_bomb_entries_are_refused_before_decompression() {
    let zeros = vec![0u8; 8 << 20];
    let bomb = deflated(&[
        ("bomb.log", &zeros),
        ("ok.log", b"MSI (s) (A0:C8) [08:32:13:154]: x\n"),
    ]);
    let found = discover_archive("b.zip", bomb);
    let p = found.problems.join("\n");
    assert!(p.contains("b.zip!bomb.log: compression ratio"), "{p}");
    assert!(p.contains("zip bomb"), "{p}");
    assert_eq!(found.files.len(), 1);
    assert_eq!(found.files[0].display, "b.zip!ok.log");
    // The same with nesting: a bomb inside an archive inside an archive.
    let nested = stored(&[("x.zip", &deflated(&[("bomb.log", &zeros)]))]);
    let found = discover_archive("n.zip", nested);
    assert!(unread_archive(&found, "n.zip", "error")
        .contains("n.zip!x.zip!bomb.log: compression ratio"));
}

#[test]
fn zip_limits_on_size_budget_and_entry_count() {
    let data = vec![b'x'; 3000];
    let entries: Vec<(String, Vec<u8>)> = (0..12)
        .map(|i| (format!("f{i:02}.log"), data.clone()))
        .collect();
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let archive = stored(&refs);
    let limits = Limits {
        max_total_uncompressed: 10_000,
        max_entry_size: 2_000_000,
        max_entries: 10,
        ..Limits::default()
    };
    let found = msidiag::input::discover::discover_archive_bytes("l.zip", archive.clone(), &limits);
    let p = found.problems.join("\n");
    assert_eq!(found.files.len(), 3, "{p}");
    assert!(p.contains("only the first 10 are read"), "{p}");
    assert!(
        p.contains("l.zip!f03.log: 2.9 KiB uncompressed would pass the limit"),
        "{p}"
    );
    let limits = Limits {
        max_entry_size: 2_999,
        ..Limits::default()
    };
    let found = msidiag::input::discover::discover_archive_bytes("l.zip", archive, &limits);
    let p = unread_archive(&found, "l.zip", "error");
    assert!(p.contains("over the limit of 2.9 KiB for one file"), "{p}");
}

#[test]
fn zip_traversal_absolute_and_drive_names_are_skipped() {
    let archive = stored(&[
        ("../../etc/evil.log", b"x"),
        ("/etc/passwd", b"x"),
        ("C:/Windows/win.ini", b"x"),
        ("a\\..\\..\\b.log", b"x"),
        ("fine/ok.log", b"x"),
    ]);
    let found = discover_archive("t.zip", archive);
    let shown: Vec<&str> = found.files.iter().map(|f| f.display.as_str()).collect();
    assert_eq!(shown, ["t.zip!fine/ok.log"]);
    let p = found.problems.join("\n");
    assert!(
        p.contains("t.zip!../../etc/evil.log: the entry name climbs out"),
        "{p}"
    );
    assert!(
        p.contains("t.zip!/etc/passwd: the entry name is an absolute path"),
        "{p}"
    );
    assert!(
        p.contains("t.zip!C:/Windows/win.ini: the entry name starts with a drive letter"),
        "{p}"
    );
    assert!(
        p.contains("a\\..\\..\\b.log: the entry name climbs out"),
        "{p}"
    );
}

#[test]
fn zip_encrypted_corrupt_and_lying_entries_are_reported() {
    let log = fixture_named("MSI3f2a1.LOG");
    // Encrypted: the general-purpose flag bit 0 set in the local and central headers.
    let mut encrypted = stored(&[("secret.log", log), ("plain.log", log)]);
    for at in [
        headers(&encrypted, b"PK\x03\x04")[0] + 6,
        headers(&encrypted, b"PK\x01\x02")[0] + 8,
    ] {
        encrypted[at] |= 1;
    }
    let found = discover_archive("e.zip", encrypted);
    assert!(found
        .problems
        .join("\n")
        .contains("e.zip!secret.log: encrypted (password-protected)"));
    assert_eq!(found.files.len(), 1);
    // Corrupt deflate data: reported when loaded, the bytes before the damage kept.
    let mut corrupt = deflated(&[("bad.log", log)]);
    let data = headers(&corrupt, b"PK\x03\x04")[0] + 30 + "bad.log".len();
    let end = headers(&corrupt, b"PK\x01\x02")[0];
    for b in &mut corrupt[(data + end) / 2..end] {
        *b ^= 0x5a;
    }
    let found = discover_archive("c.zip", corrupt);
    assert_eq!(found.files.len(), 1);
    match load(&found.files[0]) {
        Ok(bytes) => assert!(bytes.note().is_some(), "damage went unnoticed"),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    // Stored data whose checksum does not match: read, with a note.
    let mut bad_crc = stored(&[("crc.log", log)]);
    let central = headers(&bad_crc, b"PK\x01\x02")[0];
    bad_crc[central + 16] ^= 0xff;
    let local = headers(&bad_crc, b"PK\x03\x04")[0];
    bad_crc[local + 14] ^= 0xff;
    let found = discover_archive("k.zip", bad_crc);
    let bytes = load(&found.files[0]).unwrap();
    assert_eq!(&bytes[..], log);
    assert!(
        bytes.note().unwrap().contains("checksum"),
        "{:?}",
        bytes.note()
    );
    // An entry that holds more than its header declares is refused when loaded.
    let mut lying = stored(&[("lie.log", log)]);
    let central = headers(&lying, b"PK\x01\x02")[0];
    lying[central + 24..central + 28].copy_from_slice(&10u32.to_le_bytes());
    let found = discover_archive("x.zip", lying);
    if let Some(f) = found.files.first() {
        let e = load(f).unwrap_err().to_string();
        assert!(
            e.contains("more data than") || e.contains("larger than its declared"),
            "{e}"
        );
    } else {
        assert!(!found.problems.is_empty());
    }
}

#[test]
fn zip_cut_copy_is_salvaged_entry_by_entry() {
    let a = fixture_named("MSI3f2a1.LOG");
    let b = fixture_named("MSI1d04f.LOG");
    let archive = deflated(&[("a.log", a), ("b.log", b), ("c.log", a)]);
    // Cut inside the third entry: the central directory is gone.
    let third = headers(&archive, b"PK\x03\x04")[2];
    let cut = archive[..third + 40].to_vec();
    let found = discover_archive("cut.zip", cut);
    let shown: Vec<&str> = found.files.iter().map(|f| f.display.as_str()).collect();
    assert_eq!(
        shown[..2],
        ["cut.zip!a.log", "cut.zip!b.log"],
        "{:?}",
        found.problems
    );
    assert_eq!(&load(&found.files[0]).unwrap()[..], a);
    assert_eq!(&load(&found.files[1]).unwrap()[..], b);
    assert!(
        found.problems[0].contains("directory is unreadable"),
        "{:?}",
        found.problems
    );
    // The same copy on disk: read at offsets from the file, never loaded whole.
    let tmp = tempfile::tempdir().unwrap();
    let on_disk = tmp.path().join("cut.zip");
    std::fs::write(&on_disk, &archive[..third + 40]).unwrap();
    let found = discover(&[on_disk]);
    assert_eq!(found.files.len(), 2, "{:?}", found.problems);
    assert_eq!(&load(&found.files[1]).unwrap()[..], b);
    // Garbage and empty archives: a message each, never a panic.
    for junk in [
        &b"PK\x03\x04"[..],
        b"PK\x05\x06",
        b"PK\x03\x04\xff\xff\xff\xff garbage",
    ] {
        let found = discover_archive("j.zip", junk.to_vec());
        unread_archive(&found, "j.zip", "error");
    }
    let empty = stored(&[]);
    let found = discover_archive("e.zip", empty);
    assert!(unread_archive(&found, "e.zip", "empty").contains("empty"));
}

#[test]
fn an_archive_with_nothing_readable_is_listed_among_the_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("broken.zip"),
        b"PK\x03\x04\xff\xff\xff\xff garbage",
    )
    .unwrap();
    std::fs::write(tmp.path().join("empty.zip"), stored(&[])).unwrap();
    std::fs::write(tmp.path().join("good.log"), fixture_named("MSI3f2a1.LOG")).unwrap();
    let analysis =
        msidiag::analyze(&[tmp.path().to_path_buf()], &msidiag::Options::default()).unwrap();
    let input = |name: &str| {
        analysis
            .inputs
            .iter()
            .find(|i| i.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} missing from {:?}", analysis.inputs))
    };
    assert_eq!(input("broken.zip").status.as_str(), "error");
    assert_eq!(input("broken.zip").kind, "zip");
    assert!(
        input("broken.zip").problems[0].contains("broken.zip: "),
        "{:?}",
        input("broken.zip")
    );
    assert_eq!(input("empty.zip").status.as_str(), "empty");
    assert_eq!(input("good.log").status.as_str(), "ok");
    // Said once: with the input, not again in the run's notes.
    assert!(
        !analysis
            .notes
            .iter()
            .any(|n| n.contains("broken.zip") || n.contains("empty.zip")),
        "{:?}",
        analysis.notes
    );
}

// ============================================================================ folders

#[test]
fn folder_walk_reports_links_pipes_and_empty_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("logs");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.log"), fixture_named("MSI3f2a1.LOG")).unwrap();
    std::fs::write(root.join("sub/real.log"), fixture_named("MSI3f2a1.LOG")).unwrap();
    std::fs::write(root.join("empty.log"), b"").unwrap();
    let mut binary = vec![0u8, 1, 2, 3, 0xff, 0xfe, 0x00, 0x80];
    binary.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    std::fs::write(root.join("binary.log"), &binary).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(outside.join("secret.log"), root.join("to-outside.log")).unwrap();
        symlink("../outside", root.join("outside-dir")).unwrap();
        symlink("sub/real.log", root.join("inside.log")).unwrap();
        symlink("missing.log", root.join("dangling.log")).unwrap();
        symlink(".", root.join("loop")).unwrap();
        let fifo = root.join("pipe.log");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    }
    let started = Instant::now();
    let report = run_json(&[&root]);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "a pipe blocked the run"
    );
    let paths = input_paths(&report);
    assert!(
        paths
            .iter()
            .all(|p| !p.contains("outside") && !p.contains("secret")),
        "{paths:?}"
    );
    assert!(paths.iter().any(|p| p.ends_with("sub/real.log")));
    assert_eq!(input(&report, "empty.log")["status"], "empty");
    assert_eq!(input(&report, "binary.log")["status"], "unrecognized");
    #[cfg(unix)]
    {
        note_with(
            &report,
            &[
                "to-outside.log",
                "outside the given folder",
                "never followed",
            ],
        );
        note_with(&report, &["outside-dir", "outside the given folder"]);
        note_with(
            &report,
            &["inside.log", "inside the folder", "not followed"],
        );
        note_with(&report, &["dangling.log", "missing"]);
        note_with(&report, &["loop", "inside the folder"]);
        note_with(&report, &["pipe.log", "not a regular file"]);
        // A pipe given directly is skipped too, without opening it.
        let report = run_json(&[&root.join("pipe.log"), &root.join("sub/real.log")]);
        note_with(&report, &["pipe.log", "not a regular file"]);
    }
}

#[test]
fn folder_with_unreadable_entries_goes_on() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir(root.join("locked")).unwrap();
        std::fs::write(root.join("locked/x.log"), b"x").unwrap();
        std::fs::write(root.join("secret.log"), fixture_named("MSI3f2a1.LOG")).unwrap();
        std::fs::write(root.join("ok.log"), fixture_named("MSI3f2a1.LOG")).unwrap();
        std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o000))
            .unwrap();
        std::fs::set_permissions(
            root.join("secret.log"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
        let root_can_read = std::fs::read(root.join("secret.log")).is_ok();
        let report = run_json(&[root]);
        std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        assert_eq!(input(&report, "ok.log")["status"], "ok");
        if root_can_read {
            eprintln!(
                "running as root: permissions are not enforced, only the run going on is checked"
            );
            return;
        }
        assert_eq!(input(&report, "secret.log")["status"], "error");
        note_with(&report, &["locked", "cannot read this folder entry"]);
    }
}

#[test]
fn ten_thousand_small_files_and_a_file_given_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for d in 0..10 {
        let dir = root.join(format!("d{d}"));
        std::fs::create_dir(&dir).unwrap();
        for f in 0..1000 {
            std::fs::write(dir.join(format!("f{f:04}.txt")), format!("note {d} {f}\n")).unwrap();
        }
    }
    std::fs::write(root.join("real.log"), fixture_named("MSI3f2a1.LOG")).unwrap();
    let started = Instant::now();
    let found = discover(&[root.to_path_buf(), root.join("real.log")]);
    assert_eq!(found.files.len(), 10_001);
    assert!(found
        .problems
        .iter()
        .any(|p| p.contains("given more than once")));
    let loaded: usize = found.files.iter().map(|f| load(f).unwrap().len()).sum();
    assert!(loaded > 100_000);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    let report = run_json(&[root]);
    assert_eq!(report["inputs"].as_array().unwrap().len(), 10_001);
    assert_eq!(report["sessions"].as_array().unwrap().len(), 1);
}

// ============================================================================ inputs untouched

/// Every file under `root`: its bytes, length, modification time and permissions.
fn fingerprint(root: &Path) -> BTreeMap<PathBuf, (u64, Vec<u8>, std::time::SystemTime, String)> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root) {
        let e = e.unwrap();
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        let bytes = if meta.is_file() {
            std::fs::read(e.path()).unwrap()
        } else {
            Vec::new()
        };
        out.insert(
            e.path().to_path_buf(),
            (
                meta.len(),
                bytes,
                meta.modified().unwrap(),
                format!("{:?}", meta.permissions()),
            ),
        );
    }
    out
}

#[test]
fn inputs_are_never_modified_and_nothing_is_written_beside_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("inputs");
    for p in fixture_paths() {
        let case = p.parent().unwrap().parent().unwrap().file_name().unwrap();
        let dest = root.join(case);
        std::fs::create_dir_all(&dest).unwrap();
        std::fs::copy(&p, dest.join(p.file_name().unwrap())).unwrap();
    }
    let (evtx_bytes, _) = evtx_sample();
    let (pml_bytes, _) = pml_sample();
    let (csv_bytes, _) = csv_sample();
    std::fs::write(root.join("Application.evtx"), evtx_bytes).unwrap();
    std::fs::write(root.join("capture.PML"), pml_bytes).unwrap();
    std::fs::write(root.join("capture.csv"), csv_bytes).unwrap();
    std::fs::write(
        root.join("bundle.zip"),
        deflated(&[
            ("a.log", fixture_named("MSI3f2a1.LOG")),
            ("x.evtx", evtx_bytes),
        ]),
    )
    .unwrap();
    let mut truncated = evtx_bytes.clone();
    truncated.truncate(evtx_bytes.len() - 1000);
    std::fs::write(root.join("cut.evtx"), truncated).unwrap();
    let before = fingerprint(tmp.path());
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .current_dir(&root)
        .args(["analyze", "--json", "-"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .current_dir(&root)
        .args(["analyze", "--color", "always"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let after = fingerprint(tmp.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files appeared or vanished"
    );
    for (path, was) in &before {
        assert!(after[path] == *was, "{} was modified", path.display());
    }
}

// ============================================================================ hostile strings

const HOSTILE_LOG: &str = "=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
MSI (s) (A0:C8) [08:31:56:000]: ******* RunEngine:\r\n\
           ******* Product: =cmd|' /C calc'!A0\x1b]0;owned\x07<script>alert(1)</script>\"><svg onload=alert(2)>.msi\r\n\
           ******* Action: \r\n\
Property(S): ProductName = =HYPERLINK(\"http://evil\")\x1b[2J\x1b[31m<img src=x onerror=alert(3)>\r\n\
Property(S): SourceDir = javascript:alert(4)//\r\n\
=cmd|' /C calc'!A0\r\n\
+SUM(1+1)\r\n\
@SUM(1+1)\r\n\
MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287035 \x1b[6n\u{9b}31m\r\n\
MSI (s) (A0:C8) [08:32:13:155]: Note: 1: 2503 \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\\r\n\
Action ended 8:32:13: InstallFinalize. Return value 3.\r\n\
MSI (s) (A0:C8) [08:32:14:050]: MainEngineThread is returning 1603\r\n\
=== Verbose logging stopped: 3/14/2025  8:32:14 ===\r\n";

/// A folder holding the hostile log under a hostile name.
fn hostile_input() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp
        .path()
        .join("=cmd|' calc'!A0 \x1b[31mred<img src=x onerror=alert(5)>.log");
    std::fs::write(&path, HOSTILE_LOG).unwrap();
    (tmp, path)
}

#[test]
fn terminal_report_neutralises_escape_sequences() {
    let (_tmp, path) = hostile_input();
    for color in ["never", "always"] {
        let out = Command::cargo_bin("msidiag")
            .unwrap()
            .args(["analyze", "--color", color])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("\\x1b"),
            "the hostile text is not shown at all:\n{text}"
        );
        // Only msidiag's own colour codes (ESC [ digits ; m) may remain.
        let mut rest = text.as_str();
        while let Some(i) = rest.find('\x1b') {
            let tail = &rest[i + 1..];
            let ok = tail.starts_with('[')
                && tail[1..].find('m').is_some_and(|m| {
                    tail[1..1 + m]
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == ';')
                });
            assert!(
                ok,
                "--color {color}: a raw escape sequence reached the terminal: {:?}",
                &tail[..tail.len().min(20)]
            );
            rest = tail;
        }
        assert!(
            !text.contains('\x07') && !text.contains('\u{9b}'),
            "BEL or CSI reached the terminal"
        );
        if color == "never" {
            assert!(!text.contains('\x1b'));
        }
        assert!(!String::from_utf8_lossy(&out.stderr).contains('\x1b'));
    }
}

/// The rows of a CSV report msidiag wrote (UTF-8 with BOM), the header row first.
fn csv_rows(file: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_reports_defuse_formulas() {
    let (tmp, path) = hostile_input();
    let findings = tmp.path().join("out-findings.csv");
    let timeline = tmp.path().join("out-timeline.csv");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--csv"])
        .arg(&findings)
        .arg("--timeline-csv")
        .arg(&timeline)
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut defused = 0;
    for file in [&findings, &timeline] {
        for cell in csv_rows(file).into_iter().flatten() {
            let first = cell.chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "{}: a cell may run as a formula: {cell:?}",
                file.display()
            );
            if cell.starts_with("'=") || cell.starts_with("'+") || cell.starts_with("'@") {
                defused += 1;
            }
        }
    }
    assert!(
        defused >= 3,
        "the hostile cells did not reach the CSV at all"
    );
}

/// Regression (found by the `analyze` fuzz target): a damaged PML time in year 51808 was
/// written to the timeline CSV as `+51808-02-04T07:33:35.257Z`, a cell spreadsheets read as a
/// formula. Times past year 9999 are now damage (no time) in the readers.
#[test]
fn far_future_times_never_reach_a_csv_cell() {
    let mut capture = pml_capture();
    for e in capture.events.iter_mut().step_by(3) {
        e.filetime += 0x8000_0000_0000_0000;
    }
    let bytes = capture.to_bytes();
    let file = procmon::read_pml_all(&arc("f.pml"), &bytes);
    assert_eq!(file.events.len(), 120);
    for e in &file.events {
        if let Some(msidiag::model::Timestamp::Utc(t)) = e.time {
            assert!(chrono::Datelike::year(&t) <= 9999, "{t}");
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("future.pml");
    std::fs::write(&input, &bytes).unwrap();
    let timeline = tmp.path().join("timeline.csv");
    Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json", "-", "--timeline-csv"])
        .arg(&timeline)
        .arg(&input)
        .output()
        .unwrap();
    for cell in csv_rows(&timeline).into_iter().skip(1).flatten() {
        assert!(!cell.starts_with(['=', '+', '@']), "{cell}");
    }
}

/// Regression (found by the `analyze` fuzz target in CI): an MSI log banner dated
/// `12/31/12345` gave local times in year 12345, written `+12345-12-31T…` in both CSV reports.
/// A year no Windows clock writes is now damage in every text reader (MSI log, Procmon CSV,
/// Burn log), and every CSV cell is defused whatever column it is in.
#[test]
fn far_future_dates_written_in_text_never_reach_a_csv_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let msi = "=== Verbose logging started: 12/31/12345  23:59:59  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
        MSI (c) (A0:B4) [23:59:59:125]: Product: Foo -- Installation failed.\r\n\
        MSI (c) (A0:B4) [23:59:59:126]: MainEngineThread is returning 1603\r\n\
        === Verbose logging stopped: 12/31/12345  23:59:59 ===\r\n";
    std::fs::write(tmp.path().join("far.log"), msi).unwrap();
    let burn = "[0A10:0B20][12345-01-02T03:04:05]i001: Burn v3.11.1.2318, Windows v10.0 (Build 19045: Service Pack 0), path: C:\\x.exe\r\n\
        [0A10:0B20][12345-01-02T03:04:06]e000: Error 0x80070643: Failed to install MSI package.\r\n";
    std::fs::write(tmp.path().join("bundle.log"), burn).unwrap();
    let procmon = "\"Date & Time\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n\
        \"12/31/12345 11:59:59 PM\",\"msiexec.exe\",\"4242\",\"CreateFile\",\"C:\\Windows\\Temp\\x\",\"ACCESS DENIED\",\"\"\r\n";
    std::fs::write(tmp.path().join("capture.csv"), procmon).unwrap();
    let findings = tmp.path().join("out-findings.csv");
    let timeline = tmp.path().join("out-timeline.csv");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json", "-", "--csv"])
        .arg(&findings)
        .arg("--timeline-csv")
        .arg(&timeline)
        .arg(tmp.path().join("far.log"))
        .arg(tmp.path().join("bundle.log"))
        .arg(tmp.path().join("capture.csv"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        !report.contains("12345-"),
        "a year 12345 date reached the report"
    );
    let mut rows = 0;
    for file in [&findings, &timeline] {
        for row in csv_rows(file).into_iter().skip(1) {
            rows += 1;
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "{}: {cell}",
                    file.display()
                );
            }
        }
    }
    assert!(rows >= 4, "the damaged inputs were read ({rows} rows)");
}

#[test]
fn json_report_escapes_control_characters() {
    let (_tmp, path) = hostile_input();
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json", "-"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b') && !text.contains('\x07'));
    assert!(text.contains("\\u001b"));
}

/// The HTML report shows markup from the inputs (file names, product names, log lines,
/// properties) as text: no element, attribute or `javascript:` link of theirs survives.
#[test]
fn html_report_escapes_markup_from_the_inputs() {
    let (tmp, path) = hostile_input();
    let html_path = tmp.path().join("report.html");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--html"])
        .arg(&html_path)
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(
        html.contains("alert(1)") && html.contains("alert(5)"),
        "the hostile text is not shown at all"
    );
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    for tag in html_tags(&html) {
        assert!(
            !matches!(
                tag.name.as_str(),
                "img" | "iframe" | "object" | "embed" | "base" | "form"
            ),
            "a <{}> element reached the HTML report",
            tag.name
        );
        for (name, value) in &tag.attributes {
            assert!(
                !name.starts_with("on"),
                "an event handler attribute {name}={value:?} on <{}>",
                tag.name
            );
            let v = value.trim().to_ascii_lowercase();
            assert!(
                !(matches!(name.as_str(), "href" | "src" | "action" | "xlink:href")
                    && ["javascript:", "vbscript:", "data:text/html"]
                        .iter()
                        .any(|p| v.starts_with(p))),
                "a {name}={value:?} link on <{}>",
                tag.name
            );
        }
    }
}

/// An element start tag of a page: its name and attributes (values as written, entities left).
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// The start tags of `html`, outside the content of `<script>` and `<style>` (a small tokenizer:
/// enough to tell markup from text, which is what the safety test needs).
fn html_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").map_or(html.len() - i, |e| e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = i + html[i..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(html.len() - i);
        let name = html[i..name_end].to_ascii_lowercase();
        let mut attributes = Vec::new();
        let mut j = name_end;
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let a_end = j + html[j..]
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(html.len() - j);
            let attr = html[j..a_end].to_ascii_lowercase();
            j = a_end;
            let mut value = String::new();
            if b.get(j) == Some(&b'=') {
                j += 1;
                match b.get(j) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = html[j + 1..]
                            .find(q as char)
                            .map_or(html.len(), |e| j + 1 + e);
                        value = html[j + 1..end].to_string();
                        j = (end + 1).min(html.len());
                    }
                    _ => {
                        let end = j + html[j..]
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(html.len() - j);
                        value = html[j..end].to_string();
                        j = end;
                    }
                }
            }
            attributes.push((attr, value));
        }
        i = j.min(html.len());
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i += html[i..].find(&close).unwrap_or(html.len() - i);
        }
        tags.push(Tag { name, attributes });
    }
    tags
}

// ============================================================================ pathological sizes

/// A log of `n` property lines (the shape of a huge property dump).
fn property_log(n: usize) -> Vec<u8> {
    let mut out = String::with_capacity(n * 48 + 400);
    out.push_str("=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n");
    out.push_str("MSI (s) (A0:C8) [08:31:56:000]: Note: 1: 2503\r\n");
    for i in 0..n {
        use std::fmt::Write as _;
        let _ = write!(out, "Property(S): PROP{i} = value number {i}\r\n");
    }
    out.push_str("MSI (s) (A0:C8) [08:32:14:050]: MainEngineThread is returning 1603\r\n");
    out.push_str("=== Verbose logging stopped: 3/14/2025  8:32:14 ===\r\n");
    out.into_bytes()
}

/// Time grows about linearly with the number of property lines (loosely: 5× the lines in
/// less than 10× the time).
fn assert_linear(small: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for n in [small, small * 5] {
        let path = tmp.path().join(format!("{n}.log"));
        std::fs::write(&path, property_log(n)).unwrap();
        let (_, took, memory) = measured_run(&path);
        let mib = std::fs::metadata(&path).unwrap().len() >> 20;
        eprintln!(
            "{n} property lines ({mib} MiB): {took:.2}s, {}",
            describe_memory(memory)
        );
        runs.push(took);
    }
    assert!(
        runs[1] < (runs[0] * 10.0).max(1.0),
        "{:.2}s → {:.2}s: not linear",
        runs[0],
        runs[1]
    );
}

#[test]
fn many_property_lines_scale_linearly() {
    assert_linear(40_000);
}

/// Runs the binary on `path` (JSON report to a file) and samples its memory while it runs:
/// the report, the seconds taken, and on Linux the peak resident set (KiB, file-backed pages
/// of mapped inputs included) and the peak of its anonymous part (KiB, the heap).
fn measured_run(path: &Path) -> (Value, f64, Option<(u64, u64)>) {
    let out_dir = tempfile::tempdir().unwrap();
    let out_path = out_dir.path().join("report.json");
    let started = Instant::now();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("msidiag"))
        .args(["analyze", "--json", "-"])
        .arg(path)
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let (mut peak, mut anon) = (None::<u64>, 0u64);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let field = |name: &str| {
                text.lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
            };
            if let Some(hwm) = field("VmHWM:") {
                peak = Some(peak.unwrap_or(0).max(hwm));
            }
            anon = anon.max(field("RssAnon:").unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = started.elapsed().as_secs_f64();
    assert_eq!(status.code(), Some(0), "{}", path.display());
    let report = serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap();
    (report, took, peak.map(|p| (p, anon)))
}

fn describe_memory(memory: Option<(u64, u64)>) -> String {
    memory.map_or_else(
        || "memory not measured".to_string(),
        |(peak, anon)| format!("peak RSS {} MiB (heap {} MiB)", peak >> 10, anon >> 10),
    )
}

/// 1M vs 5M property lines (≈ 180 MB). Run in release by `scripts/fuzz.sh`.
#[test]
#[ignore = "large: run in release by scripts/fuzz.sh"]
fn five_million_property_lines_scale_linearly() {
    assert_linear(1_000_000);
}

/// A 1 GiB file that is one line after the banner: read in time and in little heap, the cut
/// reported. Skipped (with a message) when the temporary folder has no room for it.
#[test]
#[ignore = "large: run in release by scripts/fuzz.sh"]
fn one_gigabyte_single_line() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("one-line.log");
    let written = (|| -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
        f.write_all(b"=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\nMSI (s) (A0:C8) [08:31:56:000]: ")?;
        let block = vec![b'A'; 1 << 20];
        for _ in 0..1024 {
            f.write_all(&block)?;
        }
        f.write_all(b"\r\n")?;
        f.flush()
    })();
    if let Err(e) = written {
        eprintln!(
            "one_gigabyte_single_line skipped: cannot write 1 GiB in the temporary folder ({e})"
        );
        return;
    }
    let (report, took, memory) = measured_run(&path);
    eprintln!("1 GiB single line: {took:.1}s, {}", describe_memory(memory));
    assert!(took < 120.0, "{took:.1}s");
    if let Some((_, anon)) = memory {
        assert!(anon < 512 << 10, "the heap grew to {} MiB", anon >> 10);
    }
    let problems = input(&report, "one-line.log")["problems"].to_string();
    assert!(problems.contains("were cut"), "{problems}");
}

// ============================================================================ fuzz seeds

/// Writes generated seed inputs for the fuzz targets into `$MSIDIAG_FUZZ_SEEDS/<target>/`
/// (used by `scripts/fuzz.sh`; does nothing without the variable).
#[test]
#[ignore = "used by scripts/fuzz.sh"]
fn write_fuzz_seeds() {
    let Some(dir) = std::env::var_os("MSIDIAG_FUZZ_SEEDS") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let put = |target: &str, name: &str, bytes: &[u8]| {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(name), bytes).unwrap();
    };
    let small_evtx = evtx_writer::write_evtx(&[
        evtx_writer::msi_failure_step(0, 1),
        evtx_writer::msi_failure_step(1, 1),
        evtx_writer::msi_failure_step(3, 1),
        RecordSpec::new("Service Control Manager", 7000)
            .qualifiers(49152)
            .channel("System")
            .named(&[("param1", "Windows Installer"), ("param2", "%%5")]),
        RecordSpec::new("Application Error", 1000).data(&[
            "msiexec.exe",
            "5.0",
            "x",
            "ntdll.dll",
            "10.0",
            "y",
            "c0000005",
            "0",
            "1c4",
        ]),
    ]);
    for target in ["evtx", "sniff", "analyze"] {
        put(target, "small.evtx", &small_evtx);
    }
    let noisy = evtx_writer::write_evtx(&evtx_writer::noisy_log(400));
    put(
        "evtx",
        "noisy.evtx",
        &noisy[..noisy
            .len()
            .min(evtx_writer::FILE_HEADER_SIZE + 2 * evtx_writer::CHUNK_SIZE)],
    );
    let pml = pml_capture().to_bytes();
    let mut pml32 = pml_capture();
    pml32.is64 = false;
    for target in ["pml", "sniff", "analyze"] {
        put(target, "capture64.pml", &pml);
        put(target, "capture32.pml", &pml32.to_bytes());
    }
    let (csv, _) = csv_sample();
    for target in ["procmon_csv", "sniff", "analyze"] {
        put(target, "export.csv", csv);
    }
    let log = fixture_named("MSI3f2a1.LOG");
    let utf16 = fixture_named("install.log");
    let zips = [
        (
            "plain.zip",
            deflated(&[
                ("a.log", log),
                ("b/c.log", b"MSI (s) (1:2) [08:00:00:000]: x\n"),
            ]),
        ),
        (
            "stored.zip",
            stored(&[("u16.log", &utf16[..utf16.len().min(4000)]), ("e.log", b"")]),
        ),
        (
            "nested.zip",
            stored(&[(
                "in.zip",
                &stored(&[("deep.log", b"MSI (c) (1:2) [1:2:3:4]: y\n")]),
            )]),
        ),
        (
            "traversal.zip",
            stored(&[("../x.log", b"x"), ("C:/y.log", b"y")]),
        ),
        ("empty.zip", stored(&[])),
    ];
    for (name, bytes) in &zips {
        put("archive", name, bytes);
        put("sniff", name, bytes);
    }
    // Localized logs (the grammar of `sources/msilog/localized.rs`): two fixture logs in every
    // language of the testkit's generator, UTF-16LE with a BOM as Windows writes them, cut to
    // 12 KiB so the fuzzer mutates their banner, action and message lines.
    for (case, file, month_first) in [
        ("2503-not-elevated", "install.log", true),
        ("launch-condition", "installation.log", false),
    ] {
        let english =
            msidiag::input::decode::decode(fixture_named(&format!("{case}/input/{file}"))).text;
        for lang in LANGUAGES {
            let mut bytes = utf16le_bom(&localize(&english, lang, month_first));
            bytes.truncate(12 << 10);
            let name = format!("localized-{}-{file}", lang.code);
            for target in ["msilog", "analyze"] {
                put(target, &name, &bytes);
            }
        }
    }
    // Rule files (src/diagnose/data/load.rs): one rule per source kind, with captures,
    // placeholders, `when`, `explains` and a two-block rule.
    put(
        "rules",
        "every-source.toml",
        br#"[[rule]]
id = "agent-held"
title = "An agent held {file}"
confidence = "high"
explains = ["files-in-use"]
summary = "{file} was open during the change of {product}."
  [[rule.match]]
  source = "msilog"
  line = 'Info 1603\. The file (?P<file>[A-Za-z]:\\.+?\.exe)'
  [[rule.fix]]
  description = "Stop the agent, then retry"
  command = 'msiexec /i "{package}"'

[[rule]]
id = "event-failed"
title = "Event {what} failed"
when = "any"
summary = "The event log says {what} failed."
  [[rule.match]]
  source = "evtx"
  provider = "MsiInstaller"
  event_id = [10005, 11708]
  data = 'Product: (?P<what>[^-]+?) --'
  [[rule.match]]
  source = "procmon"
  process = '(?i)^msiexec\.exe$'
  operation = '^CreateFile$'
  path = '(?i)^(?P<target>C:\\Windows\\Temp\\[^\\]+)$'
  result = 'ACCESS DENIED'
  [[rule.fix]]
  description = "Check the ACL of {target}"
  command = 'icacls "{target}"'
"#,
    );
    // Folder programs: (op, dir, name) … see fuzz/fuzz_targets/folder.rs.
    put(
        "folder",
        "tree1.bin",
        &[
            0, 0, 3, 1, 2, 3, 1, 0, 2, 4, 5, 20, b'M', b'S', b'I', b' ', b'(', 4, 0, 1, 7, 0,
        ],
    );
    put(
        "folder",
        "tree2.bin",
        &[
            3, 0, 3, 7, 8, 9, 2, 4, 1, 2, 3, 4, 3, 1, 2, 3, 5, 0, 3, 3, 4, 5, 1,
        ],
    );
}

/// Regression (found by `pml_truncated_anywhere_keeps_records_before_the_cut`): a capture cut
/// inside its event index lost every event the index no longer listed, although the records
/// themselves were intact before the cut.
#[test]
fn pml_cut_inside_the_event_index_keeps_every_record() {
    let (bytes, original) = pml_sample();
    let ranges = pml_record_ranges(bytes);
    let index_start = ranges[ranges.len() - 1].1;
    for at in [index_start + 1, index_start + 12, index_start + 5 * 60 + 3] {
        let cut = procmon::read_pml_all(&arc("s.pml"), &bytes[..at]);
        assert_eq!(
            cut.events.len(),
            original.len(),
            "cut at {at}: {:?}",
            cut.problems
        );
        assert!(cut.problems.iter().any(|p| p.contains("read in sequence")));
    }
}

#[test]
fn an_empty_log_is_empty_a_broken_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("Setup.evtx");
    std::fs::write(&empty, msidiag_testkit::evtx_writer::write_evtx(&[])).unwrap();
    let mut broken_bytes =
        msidiag_testkit::evtx_writer::write_evtx(&[msidiag_testkit::evtx_writer::RecordSpec::new(
            "MsiInstaller",
            1040,
        )]);
    msidiag_testkit::evtx_writer::flip_chunk_magic(&mut broken_bytes, 0);
    let broken = dir.path().join("Application.evtx");
    std::fs::write(&broken, broken_bytes).unwrap();
    let analysis = msidiag::analyze(&[empty, broken], &msidiag::Options::default()).unwrap();
    let status = |name: &str| {
        let input = analysis
            .inputs
            .iter()
            .find(|i| i.path.ends_with(name))
            .unwrap();
        (input.status.as_str(), input.problems.join(" | "))
    };
    let (s, problems) = status("Setup.evtx");
    assert_eq!(s, "empty", "{problems}");
    assert!(
        problems.ends_with("Setup.evtx: the event log holds no records"),
        "{problems}"
    );
    let (s, problems) = status("Application.evtx");
    assert_eq!(s, "error", "{problems}");
    assert!(problems.contains("bad chunk magic"), "{problems}");
    assert!(problems.contains("no readable event record"), "{problems}");
}

/// Exit status and stderr of `msidiag analyze --json - <dir>`, with the JSON report.
fn analyze_dir(dir: &Path) -> (Option<i32>, String, Value) {
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json", "-"])
        .arg(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code(), stderr, report)
}

#[test]
fn readable_inputs_without_records_exit_0_unreadable_ones_exit_2() {
    // A folder holding only a sound event log without records: read, nothing to analyse.
    let sound = tempfile::tempdir().unwrap();
    std::fs::write(
        sound.path().join("Setup.evtx"),
        evtx_writer::write_evtx(&[]),
    )
    .unwrap();
    let (code, stderr, report) = analyze_dir(sound.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("nothing to analyse"), "{stderr}");
    assert!(!stderr.contains("no readable input"), "{stderr}");
    assert_eq!(report["inputs"][0]["status"], "empty");
    assert_eq!(report["sessions"].as_array().unwrap().len(), 0);

    // The same log with its only chunk damaged: nothing could be read, exit 2.
    let broken = tempfile::tempdir().unwrap();
    let mut bytes = evtx_writer::write_evtx(&[RecordSpec::new("MsiInstaller", 1040)]);
    evtx_writer::flip_chunk_magic(&mut bytes, 0);
    std::fs::write(broken.path().join("Application.evtx"), bytes).unwrap();
    let (code, stderr, report) = analyze_dir(broken.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no readable input"), "{stderr}");
    assert_eq!(report["inputs"][0]["status"], "error");
}
