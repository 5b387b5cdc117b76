//! The readers give the same result whether the input is in memory or read from disk window
//! by window (how large files are read): PML with and without its event index, EVTX, Procmon
//! CSV and MSI logs, each big enough to span several windows or batches.

use msidiag_testkit::{evtx_writer, pml_writer};

use std::io::Write;
use std::sync::Arc;

use msidiag::model::Event;
use msidiag::model::LogSession;
use msidiag::sources::evtx;
use msidiag::sources::msilog::{self, DateHint, SessionOptions};
use msidiag::sources::procmon::{self, ProcmonFile};
use msidiag::sources::window::Source;

/// Events as (line, record, text).
type EventRows = Vec<(Option<u64>, Option<u64>, String)>;

/// `bytes` written to a temporary file, read through a file source by `read`.
fn from_disk<T>(bytes: &[u8], read: impl FnOnce(&Source) -> T) -> T {
    let mut tmp = tempfile::NamedTempFile::new().unwrap();
    tmp.write_all(bytes).unwrap();
    let file = std::fs::File::open(tmp.path()).unwrap();
    read(&Source::file(&file).unwrap())
}

fn events(list: &[Event]) -> EventRows {
    list.iter()
        .map(|e| (e.origin.line, e.origin.record, e.text.clone()))
        .collect()
}

fn procmon_summary(f: &ProcmonFile) -> (u64, u64, Vec<String>, EventRows) {
    (
        f.rows_total,
        f.rows_kept,
        f.problems.clone(),
        events(&f.events),
    )
}

fn capture(n: usize) -> Vec<u8> {
    use pml_writer::*;
    let processes = vec![
        PmlProcess::new(100, 4, "msiexec.exe"),
        PmlProcess::new(200, 4, "svchost.exe"),
    ];
    let t0 = filetime(2025, 3, 14, 8, 0, 0, 0);
    let events = (0..n)
        .map(|i| {
            let result = match i % 5 {
                0 => ACCESS_DENIED,
                1 => NAME_NOT_FOUND,
                _ => SUCCESS,
            };
            let path = if i % 2 == 0 {
                format!("C:\\Windows\\Installer\\f{i}.msi")
            } else {
                format!("C:\\Users\\u\\AppData\\Local\\Temp\\x{i}")
            };
            let detail = if i % 3 == 0 {
                PmlDetail::CreateFile {
                    path,
                    access: 0x8012_0089,
                    disposition: 1,
                    options: 0x20,
                    attributes: 0,
                    share: 7,
                    open_result: Some(1),
                }
            } else {
                PmlDetail::File {
                    major: 5,
                    minor: 0,
                    path,
                }
            };
            PmlEvent::new(i % 2, t0 + i as u64 * 1000, result, detail)
        })
        .collect();
    PmlCapture {
        is64: true,
        processes,
        events,
    }
    .to_bytes()
}

#[test]
fn pml_from_disk_is_the_same() {
    let path: Arc<str> = Arc::from("c.pml");
    let bytes = capture(40_000);
    let memory = procmon::read_pml(&path, &bytes);
    assert!(memory.rows_kept > 1000);
    let disk = from_disk(&bytes, |s| procmon::read_pml_source(&path, s));
    assert_eq!(procmon_summary(&disk), procmon_summary(&memory));
    // Without the event index, records are walked (through several windows on disk).
    let mut unindexed = bytes.clone();
    pml_writer::poke_u64(&mut unindexed, pml_writer::EVENT_OFFSETS_OFFSET_AT, 0);
    let memory = procmon::read_pml(&path, &unindexed);
    let disk = from_disk(&unindexed, |s| procmon::read_pml_source(&path, s));
    assert!(memory.rows_total >= 40_000);
    assert_eq!(procmon_summary(&disk), procmon_summary(&memory));
    // Cut in the middle of the records.
    let cut = &bytes[..bytes.len() / 2];
    let memory = procmon::read_pml(&path, cut);
    let disk = from_disk(cut, |s| procmon::read_pml_source(&path, s));
    assert_eq!(procmon_summary(&disk), procmon_summary(&memory));
}

#[test]
fn evtx_from_disk_is_the_same() {
    let path: Arc<str> = Arc::from("a.evtx");
    let mut bytes = evtx_writer::write_evtx(&evtx_writer::noisy_log(6_000));
    assert!(evtx_writer::chunk_count(&bytes) > 10);
    evtx_writer::flip_chunk_magic(&mut bytes, 3);
    let bytes = evtx_writer::truncate(&bytes, bytes.len() - 1000);
    let memory = evtx::read(&path, &bytes);
    let disk = from_disk(&bytes, |s| evtx::read_source(&path, s));
    assert!(memory.records_kept > 10);
    assert_eq!(disk.problems, memory.problems);
    assert_eq!(disk.records_total, memory.records_total);
    assert_eq!(events(&disk.events), events(&memory.events));
}

#[test]
fn procmon_csv_from_disk_is_the_same() {
    let path: Arc<str> = Arc::from("p.csv");
    let mut csv = String::from("\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n");
    let mut i = 0u64;
    while csv.len() < 9 << 20 {
        i += 1;
        let (name, result) = match i % 7 {
            0 => ("msiexec.exe", "ACCESS DENIED"),
            1 => ("msiexec.exe", "NAME NOT FOUND"),
            _ => ("svchost.exe", "SUCCESS"),
        };
        let detail = if i.is_multiple_of(1000) {
            "Environment: \r\n;\tTEMP=C:\\T\r\n;\tPATH=\"\"x\"\"".to_string()
        } else {
            format!("Offset: {i}, Length: 4,096")
        };
        csv.push_str(&format!(
            "\"{}:{:02}:{:02}.0000000 AM\",\"{name}\",\"{}\",\"ReadFile\",\"C:\\Windows\\Installer\\{i}.msi\",\"{result}\",\"{detail}\"\r\n",
            1 + i / 3600 % 12,
            i / 60 % 60,
            i % 60,
            100 + i % 3
        ));
    }
    let memory = procmon::read_csv(&path, csv.as_bytes());
    assert!(memory.rows_kept > 1000);
    let disk = from_disk(csv.as_bytes(), |s| procmon::read_csv_source(&path, s));
    assert_eq!(procmon_summary(&disk), procmon_summary(&memory));
}

#[test]
fn msilog_from_disk_is_the_same() {
    let path: Arc<str> = Arc::from("i.log");
    let mut text = String::from("=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n");
    let mut i = 0u64;
    while text.len() < 3 << 20 {
        i += 1;
        text.push_str(&format!(
            "MSI (s) (A0:C8) [08:{:02}:{:02}:{:03}]: Component: C{i}; Installed: Absent;   Request: Local;   Action: Local\r\nAction ended 8:32:13: Act{i}. Return value 1.\r\n",
            32 + i / 60000 % 20,
            i / 1000 % 60,
            i % 1000
        ));
    }
    text.push_str("=== Verbose logging stopped: 3/14/2025  8:59:00 ===\r\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let options = SessionOptions {
        date_hint: DateHint::None,
    };
    let summary = |sessions: &[LogSession]| -> Vec<(u64, u64, EventRows)> {
        sessions
            .iter()
            .map(|s| (s.first_line, s.last_line, events(&s.events)))
            .collect()
    };
    let memory = msilog::read(&path, &utf16, options);
    assert_eq!(memory.sessions.len(), 1);
    let disk = from_disk(&utf16, |s| msilog::read_source(&path, s, options));
    assert_eq!(disk.problems, memory.problems);
    assert_eq!(summary(&disk.sessions), summary(&memory.sessions));
}
