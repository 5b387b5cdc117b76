//! Split versus whole: the readers that cut a file into windows (MSI log, Procmon CSV, PML
//! batches and record walk, EVTX chunk groups) give exactly the same events and problems — and
//! a whole run exactly the same JSON report — with 1 thread and their own window sizes as with
//! several threads and windows of any size, in memory and from disk.
//!
//! Inputs are real-shaped (the fixture inputs and files of the testkit's writers) and damaged
//! by proptest: truncations, byte flips, inserted, deleted and duplicated lines, CR/LF mixes,
//! cut, duplicated and deleted byte ranges (records, chunks). The window size is set through
//! the test-only knob `msidiag::sources::window::set_test_window`, so that windows of a few
//! bytes put boundaries inside quoted CSV fields, UTF-16 code units, records and chunks.
//!
//! The knob is process-wide: every test here holds `KNOB` while it reads. Everything is
//! generated in temporary folders: these tests must not write in the repository.

use std::fmt::Debug;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use proptest::prelude::*;
use proptest::sample::Index;

use msidiag::sources::evtx;
use msidiag::sources::msilog::{self, DateHint, SessionOptions};
use msidiag::sources::procmon;
use msidiag::sources::window::{set_test_window, Source};
use msidiag::{analyze, report, Options};
use msidiag_testkit::{evtx_writer, pml_writer};

/// Serializes the tests of this binary (the window knob is process-wide).
static KNOB: Mutex<()> = Mutex::new(());

fn knob() -> MutexGuard<'static, ()> {
    KNOB.lock().unwrap_or_else(|e| e.into_inner())
}

/// Threads of the "split" readings.
const THREADS: usize = 3;

fn fixture_inputs(matches: impl Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let mut found = Vec::new();
    for case in std::fs::read_dir(&root).unwrap() {
        let dir = case.unwrap().path().join("input");
        let Ok(files) = std::fs::read_dir(&dir) else {
            continue;
        };
        for f in files {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_lowercase();
            if p.is_file() && matches(&name) {
                found.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    found.sort();
    assert!(!found.is_empty());
    found
}

// ------------------------------------------------------------------------------ damage

/// One damage done to an input.
#[derive(Debug, Clone)]
enum Damage {
    Truncate(Index),
    Flip(Index, u8),
    /// A line of `LINES` inserted at a line start (in the input's encoding).
    InsertLine(Index, Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    /// `\r\n` becomes `\n`, or `\n` becomes `\r\n`, or a lone `\r` is put there.
    LineEnd(Index, u8),
    /// A byte range (up to one EVTX chunk) deleted or copied elsewhere.
    DeleteRange(Index, Index),
    CopyRange(Index, Index, Index),
}

/// Lines that real inputs hold, some of them hostile: quoted multi-line CSV fields, a
/// session banner in the middle, UTF-8 in a UTF-16 file.
const LINES: &[&str] = &[
    "MSI (s) (A0:C8) [08:00:01:123]: Note: 1: 2203 2: C:\\Windows\\Installer\\x.ipi 3: -2147287035\r\n",
    "=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n",
    "=== Verbose logging stopped: 3/14/2025  8:59:00 ===\r\n",
    "Action ended 8:32:13: InstallFinalize. Return value 3.\r\n",
    "Property(S): Multi = first é\r\nsecond line\r\n",
    "\"9:00:01.1234567 AM\",\"msiexec.exe\",\"4242\",\"Process Start\",\"\",\"SUCCESS\",\"Parent PID: 4, Command line: \"\"msiexec.exe\"\" /i x.msi, Environment: \r\n;\tTEMP=Z:\\Tmp\r\n;\tTMP=Z:\\Tmp\",\"4\"\r\n",
    "\"9:00:02.1234567 AM\",\"msiexec.exe\",\"4242\",\"CreateFile\",\"C:\\Windows\\Installer\\a.msi\",\"ACCESS DENIED\",\"\",\"4\"\r\n",
    "\"unterminated,\"x\r\n",
    "\r\n",
];

fn damages() -> impl Strategy<Value = Vec<Damage>> {
    let one = prop_oneof![
        any::<Index>().prop_map(Damage::Truncate),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Damage::Flip(i, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, l)| Damage::InsertLine(i, l)),
        any::<Index>().prop_map(Damage::DeleteLine),
        any::<Index>().prop_map(Damage::DuplicateLine),
        (any::<Index>(), 0u8..3).prop_map(|(i, k)| Damage::LineEnd(i, k)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, n)| Damage::DeleteRange(i, n)),
        (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(i, n, to)| Damage::CopyRange(i, n, to)),
    ];
    prop::collection::vec(one, 0..4)
}

fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE])
}

fn encoded(line: &str, utf16: bool) -> Vec<u8> {
    if utf16 {
        line.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    } else {
        line.as_bytes().to_vec()
    }
}

/// Offsets just past each line feed (line starts), and 0.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

fn damaged(original: &[u8], list: &[Damage]) -> Vec<u8> {
    let mut b = original.to_vec();
    let utf16 = is_utf16(original);
    for d in list {
        let len = b.len().max(1);
        match d {
            Damage::Truncate(i) => b.truncate(i.index(len)),
            Damage::Flip(i, v) => {
                if !b.is_empty() {
                    let at = i.index(b.len());
                    b[at] ^= v | 1;
                }
            }
            Damage::InsertLine(i, l) => {
                let starts = line_starts(&b);
                let at = starts[i.index(starts.len())].min(b.len());
                let line = encoded(LINES[l.index(LINES.len())], utf16);
                b.splice(at..at, line);
            }
            Damage::DeleteLine(i) | Damage::DuplicateLine(i) => {
                let starts = line_starts(&b);
                let k = i.index(starts.len());
                let from = starts[k].min(b.len());
                let to = starts.get(k + 1).copied().unwrap_or(b.len());
                if matches!(d, Damage::DeleteLine(_)) {
                    b.drain(from..to);
                } else {
                    let line = b[from..to].to_vec();
                    b.splice(to..to, line);
                }
            }
            Damage::LineEnd(i, kind) => {
                let starts = line_starts(&b);
                let end = starts[i.index(starts.len())];
                if end == 0 {
                    continue;
                }
                let lf = end - 1;
                let unit = if utf16 { 2 } else { 1 };
                let has_cr = lf >= unit && b[lf - unit] == b'\r';
                match (*kind, has_cr) {
                    (0, true) => {
                        b.drain(lf - unit..lf);
                    }
                    (0, false) => {
                        b.splice(lf..lf, encoded("\r", utf16));
                    }
                    _ => {
                        b.splice(end..end, encoded("\r", utf16));
                    }
                }
            }
            Damage::DeleteRange(i, n) => {
                let from = i.index(len).min(b.len());
                let to = (from + n.index(70_000)).min(b.len());
                b.drain(from..to);
            }
            Damage::CopyRange(i, n, to) => {
                let from = i.index(len).min(b.len());
                let end = (from + n.index(70_000)).min(b.len());
                let piece = b[from..end].to_vec();
                let at = to.index(len).min(b.len());
                b.splice(at..at, piece);
            }
        }
    }
    b
}

// ------------------------------------------------------------------------------ readings

/// Runs `f` on a pool of `threads` workers with windows of `window` units (`None`: the
/// readers' own sizes).
fn with<T: Send>(threads: usize, window: Option<usize>, f: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    set_test_window(window);
    let out = pool.install(f);
    set_test_window(None);
    out
}

/// `bytes` written to a temporary file, read through a file source by `read`.
fn from_disk<T>(bytes: &[u8], read: impl FnOnce(&Source) -> T) -> T {
    let mut tmp = tempfile::NamedTempFile::new().unwrap();
    tmp.write_all(bytes).unwrap();
    let file = std::fs::File::open(tmp.path()).unwrap();
    read(&Source::file(&file).unwrap())
}

/// The whole reading (1 thread, the reader's own window, in memory) equals the split ones:
/// `THREADS` threads with windows of each size in `windows`, in memory and from disk.
fn same_split_and_whole<T: PartialEq + Debug + Send>(
    bytes: &[u8],
    windows: &[usize],
    read: impl Fn(&Source) -> T + Sync,
) -> Result<(), TestCaseError> {
    let whole = with(1, None, || read(&Source::Memory(bytes)));
    for &w in windows {
        let memory = with(THREADS, Some(w), || read(&Source::Memory(bytes)));
        prop_assert_eq!(&memory, &whole, "in memory, window {}", w);
        let disk = with(THREADS, Some(w), || from_disk(bytes, &read));
        prop_assert_eq!(&disk, &whole, "from disk, window {}", w);
    }
    Ok(())
}

/// The JSON report of a run on `bytes` (saved as `name`) with 1 thread and the readers' own
/// windows equals the report with `THREADS` threads and windows of `window` units.
fn same_report(name: &str, bytes: &[u8], window: usize) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let run = |threads: usize| {
        let options = Options {
            threads: Some(threads),
            ..Options::default()
        };
        report::json::render(&analyze(std::slice::from_ref(&path), &options).unwrap())
    };
    let whole = with(1, None, || run(1));
    let split = with(THREADS, Some(window), || run(THREADS));
    prop_assert!(whole == split, "report differs with window {window}");
    Ok(())
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ------------------------------------------------------------------------------ MSI log

fn msilog_inputs() -> &'static [(String, Vec<u8>)] {
    static I: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    I.get_or_init(|| {
        let mut list = fixture_inputs(|n| n.ends_with(".log") || n.ends_with(".txt"));
        // The big ones are cut: the damage is what matters, and a run must stay quick.
        for (_, b) in &mut list {
            b.truncate(24 << 10);
        }
        list
    })
}

fn msilog_reading(source: &Source) -> String {
    let f = msilog::read_source(
        &Arc::from("x.log"),
        source,
        SessionOptions {
            date_hint: DateHint::None,
        },
    );
    format!("{:?}\n{:?}\n{:#?}", f.encoding, f.problems, f.sessions)
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn msilog_split_is_whole(
        which in any::<Index>(),
        damage in damages(),
        small in 1usize..48,
        large in 48usize..5000,
    ) {
        let _k = knob();
        let (name, original) = &msilog_inputs()[which.index(msilog_inputs().len())];
        let bytes = damaged(original, &damage);
        same_split_and_whole(&bytes, &[small, large], msilog_reading)
            .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        same_report("x.log", &bytes, small)?;
    }
}

// ------------------------------------------------------------------------------ Procmon CSV

fn csv_inputs() -> &'static [(String, Vec<u8>)] {
    static I: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    I.get_or_init(|| {
        let mut list = fixture_inputs(|n| n.ends_with(".csv"));
        // Rows of every shape the reader meets: multi-line quoted details, doubled quotes,
        // empty lines, a row with a stray quote, a BOM.
        let mut csv = String::from("\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Parent PID\"\r\n");
        for i in 0..120u32 {
            let t = format!("9:{:02}:{:02}.1234567 AM", i / 60, i % 60);
            match i % 10 {
                3 => csv.push_str(&format!("\"{t}\",\"msiexec.exe\",\"{}\",\"Process Start\",\"\",\"SUCCESS\",\"Parent PID: 4, Command line: \"\"msiexec.exe\"\" /i x.msi, Environment: \r\n;\tTEMP=Z:\\Tmp{i}\r\n;\tTMP=Z:\\Tmp{i}\",\"4\"\r\n", 1000 + i)),
                4 => csv.push_str(&format!("\"{t}\",\"msiexec.exe\",\"{}\",\"CreateFile\",\"Z:\\Tmp{}\\x.log\",\"NAME NOT FOUND\",\"\",\"4\"\r\n", 999 + i, i - 1)),
                5 => csv.push_str(&format!("\"{t}\",\"cmd.exe\",\"{}\",\"CreateFile\",\"C:\\Windows\\Installer\\a.msi\",\"ACCESS DENIED\",\"\",\"{}\"\r\n\r\n", 5000 + i, 998 + i)),
                6 => csv.push_str(&format!("\"{t}\",\"odd.exe\",\"7\",\"CreateFile\",\"C:\\Windows\\Temp\\q\"x,\"SHARING VIOLATION\",\"\",\"1\"\n")),
                _ => csv.push_str(&format!("\"{t}\",\"svchost.exe\",\"{}\",\"RegQueryValue\",\"HKLM\\x\",\"{}\",\"Length: 12\",\"600\"\r\n", 900 + i % 7, if i % 3 == 0 { "NAME NOT FOUND" } else { "SUCCESS" })),
            }
        }
        list.push(("generated.csv".to_string(), csv.into_bytes()));
        list
    })
}

fn procmon_reading(f: procmon::ProcmonFile) -> String {
    format!(
        "{} {} {}\n{:?}\n{:#?}",
        f.rows_total, f.rows_kept, f.has_dates, f.problems, f.events
    )
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn procmon_csv_split_is_whole(
        which in any::<Index>(),
        damage in damages(),
        small in 1usize..48,
        large in 48usize..5000,
    ) {
        let _k = knob();
        let (name, original) = &csv_inputs()[which.index(csv_inputs().len())];
        let bytes = damaged(original, &damage);
        let path: Arc<str> = Arc::from("x.csv");
        same_split_and_whole(&bytes, &[small, large], |s| {
            procmon_reading(procmon::read_csv_source(&path, s))
        })
        .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        same_report("Logfile.CSV", &bytes, small)?;
    }
}

// ------------------------------------------------------------------------------ PML

fn pml_inputs() -> &'static [(String, Vec<u8>)] {
    static I: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    I.get_or_init(|| {
        use pml_writer::*;
        let mut list = fixture_inputs(|n| n.ends_with(".pml"));
        let processes = vec![
            PmlProcess::new(100, 4, "msiexec.exe"),
            PmlProcess::new(200, 4, "svchost.exe"),
        ];
        let t0 = filetime(2025, 3, 14, 8, 0, 0, 0);
        let events = (0..300usize)
            .map(|i| {
                let result = match i % 5 {
                    0 => ACCESS_DENIED,
                    1 => NAME_NOT_FOUND,
                    _ => SUCCESS,
                };
                let path = format!("C:\\Windows\\Installer\\f{i}.msi");
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
        let capture = PmlCapture {
            is64: true,
            processes,
            events,
        }
        .to_bytes();
        // Without its event index the records are walked.
        let mut unindexed = capture.clone();
        poke_u64(&mut unindexed, EVENT_OFFSETS_OFFSET_AT, 0);
        list.push(("generated.pml".to_string(), capture));
        list.push(("generated-unindexed.pml".to_string(), unindexed));
        list
    })
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn pml_split_is_whole(
        which in any::<Index>(),
        damage in damages(),
        small in 1usize..48,
        large in 48usize..5000,
    ) {
        let _k = knob();
        let (name, original) = &pml_inputs()[which.index(pml_inputs().len())];
        let bytes = damaged(original, &damage);
        let path: Arc<str> = Arc::from("x.pml");
        same_split_and_whole(&bytes, &[small, large], |s| {
            procmon_reading(procmon::read_pml_source(&path, s))
        })
        .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        same_report("capture.pml", &bytes, small)?;
    }
}

// ------------------------------------------------------------------------------ EVTX

fn evtx_inputs() -> &'static [(String, Vec<u8>)] {
    static I: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    I.get_or_init(|| {
        let mut list = fixture_inputs(|n| n.ends_with(".evtx"));
        let noisy = evtx_writer::write_evtx(&evtx_writer::noisy_log(1_500));
        assert!(evtx_writer::chunk_count(&noisy) >= 3);
        list.push(("generated.evtx".to_string(), noisy));
        list
    })
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn evtx_split_is_whole(
        which in any::<Index>(),
        damage in damages(),
        chunks in 1usize..4,
    ) {
        let _k = knob();
        let (name, original) = &evtx_inputs()[which.index(evtx_inputs().len())];
        let bytes = damaged(original, &damage);
        let path: Arc<str> = Arc::from("x.evtx");
        same_split_and_whole(&bytes, &[chunks], |s| {
            let f = evtx::read_source(&path, s);
            format!(
                "{} {}\n{:?}\n{:#?}",
                f.records_total, f.records_kept, f.problems, f.events
            )
        })
        .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        same_report("Application.evtx", &bytes, chunks)?;
    }
}
