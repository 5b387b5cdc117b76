//! Tests of the Process Monitor reader (`msidiag::sources::procmon`).
//!
//! The oracle: the PML captures in `../shared/corpus/procmon-pml` and Procmon's own CSV export
//! of the same captures in `../shared/corpus/procmon-csv` must agree row for row on time,
//! process name, PID, operation, path and result (Detail is measured and reported separately).
//! Then the project's own cases, written with `msidiag_testkit::pml_writer`: the msiexec tree
//! filter, CSV shapes and locales, CSV round trips, and damaged captures that must not panic.
//! Corpus tests are skipped (with a message) when the corpus is not beside the repository.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use msidiag::model::{Event, EventKind, ProcmonOp, Timestamp};
use msidiag::sources::procmon::{self, clock, ProcmonFile};
use msidiag_testkit::pml_writer::*;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    p.is_dir().then_some(p)
}

/// A corpus file, inflated when it is stored zlib-compressed (`.zlib`).
fn corpus_bytes(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "zlib") {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw
    }
}

fn arc(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string())
}

fn op(event: &Event) -> &ProcmonOp {
    match &event.kind {
        EventKind::Procmon(op) => op,
        other => panic!("not a Procmon event: {other:?}"),
    }
}

/// Time of day in 100 ns units, in the event's own clock.
fn ticks_of_day(event: &Event) -> Option<i64> {
    use chrono::Timelike;
    let t = match event.time? {
        Timestamp::Utc(t) => t.time(),
        Timestamp::Local(t) => t.time(),
        Timestamp::LocalTimeOfDay(t) => t,
    };
    Some(i64::from(t.num_seconds_from_midnight()) * 10_000_000 + i64::from(t.nanosecond() / 100))
}

const COLUMNS: [&str; 7] = [
    "Time",
    "Process Name",
    "PID",
    "Operation",
    "Path",
    "Result",
    "Detail",
];

/// Per-column agreement between a PML reading and the CSV export of the same capture.
#[derive(Default)]
struct Agreement {
    rows: usize,
    matches: [usize; 7],
    examples: BTreeMap<&'static str, Vec<String>>,
    detail_misses_by_operation: BTreeMap<String, usize>,
    detail_examples: Vec<String>,
}

impl Agreement {
    fn rate(&self, column: usize) -> f64 {
        if self.rows == 0 {
            1.0
        } else {
            self.matches[column] as f64 / self.rows as f64
        }
    }

    fn report(&self, name: &str) -> String {
        let rates: Vec<String> = COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} {:.3}%", 100.0 * self.rate(i)))
            .collect();
        format!("{name}: {} rows: {}", self.rows, rates.join(", "))
    }
}

/// Whether two times of day agree: equal, or (`any_offset`) a whole number of quarter hours
/// apart (the CSV is in the exporting machine's local time).
fn same_time(pml: Option<i64>, csv: Option<i64>, any_offset: bool) -> bool {
    const QUARTER_HOUR: i64 = 15 * 60 * 10_000_000;
    match (pml, csv) {
        (Some(p), Some(c)) if any_offset => (c - p).rem_euclid(QUARTER_HOUR) == 0,
        (Some(p), Some(c)) => p == c,
        _ => false,
    }
}

/// File-system sub-operations added in Procmon 3.60; the exporter of the corpus CSVs (3.53)
/// printed them as `<Unknown>`, the reader names them.
const NEWER_OPERATIONS: [&str; 7] = [
    "SetStorageReservedIdInformation",
    "QuerySatLxInformation",
    "QueryCaseSensitiveInformation",
    "QueryLinkInformationEx",
    "QueryLinkInfomraitonBypassAccessCheck",
    "QueryStorageReservedIdInformation",
    "QueryCaseSensitiveInformationForceAccessCheck",
];

fn same_operation(pml: &str, csv: &str) -> bool {
    pml == csv || (csv == "<Unknown>" && NEWER_OPERATIONS.contains(&pml))
}

fn compare(pml: &[Event], csv: &[Event], any_offset: bool) -> Agreement {
    let mut a = Agreement {
        rows: pml.len().max(csv.len()),
        ..Agreement::default()
    };
    for (p_event, c_event) in pml.iter().zip(csv) {
        let (p, c) = (op(p_event), op(c_event));
        let checks = [
            same_time(ticks_of_day(p_event), ticks_of_day(c_event), any_offset),
            p.process_name == c.process_name,
            p.pid == c.pid,
            same_operation(&p.operation, &c.operation),
            p.path == c.path,
            p.result == c.result,
            p.detail == c.detail,
        ];
        for (i, ok) in checks.iter().enumerate() {
            if *ok {
                a.matches[i] += 1;
                continue;
            }
            if i == 6 {
                let misses = a
                    .detail_misses_by_operation
                    .entry(c.operation.clone())
                    .or_default();
                *misses += 1;
                if *misses <= 2 {
                    a.detail_examples.push(format!(
                        "{}: PML `{}` | CSV `{}`",
                        c.operation, p.detail, c.detail
                    ));
                }
                continue;
            }
            let examples = a.examples.entry(COLUMNS[i]).or_default();
            if examples.len() < 3 {
                examples.push(format!(
                    "record {:?}: PML `{}` | CSV `{}`",
                    p_event.origin.record, p_event.text, c_event.text
                ));
            }
        }
    }
    a
}

/// The procmon-parser pairs: (PML, CSV) with times in UTC on both sides.
const UTC_PAIRS: [(&str, &str); 6] = [
    (
        "CompressedLogFileUTC32FilesystemPML.PML.zlib",
        "CompressedLogFileUTC32FilesystemCSV.csv.zlib",
    ),
    (
        "CompressedLogFileUTC64FilesystemPML.PML.zlib",
        "CompressedLogFileUTC64FilesystemCSV.csv.zlib",
    ),
    (
        "CompressedLogFileUTC64ProcessPML.PML.zlib",
        "CompressedLogFileUTC64ProcessCSV.csv.zlib",
    ),
    (
        "CompressedLogFileUTC64RegistryPML.PML.zlib",
        "CompressedLogFileUTC64RegistryCSV.csv.zlib",
    ),
    (
        "CompressedLogfileTests32bitUTCPML.PML.zlib",
        "CompressedLogfileTests32bitUTCCSV.csv.zlib",
    ),
    (
        "CompressedLogfileTests64bitUTCPML.PML.zlib",
        "CompressedLogfileTests64bitUTCCSV.csv.zlib",
    ),
];

fn read_pair(corpus: &Path, pml: &str, csv: &str) -> (ProcmonFile, ProcmonFile) {
    let pml_path = corpus.join(pml);
    let csv_path = corpus.join(csv);
    let pml_file = procmon::read_pml_all(&arc(&pml_path), &corpus_bytes(&pml_path));
    let csv_file = procmon::read_csv_all(&arc(&csv_path), &corpus_bytes(&csv_path));
    (pml_file, csv_file)
}

#[test]
fn pml_reader_agrees_with_procmon_csv_exports() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found beside the repository: skipped");
        return;
    };
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for (pml, csv) in UTC_PAIRS {
        let (pml_file, csv_file) = read_pair(
            &corpus,
            &format!("procmon-pml/procmon-parser/{pml}"),
            &format!("procmon-csv/procmon-parser/{csv}"),
        );
        assert!(pml_file.problems.is_empty(), "{:?}", pml_file.problems);
        assert!(csv_file.problems.is_empty(), "{:?}", csv_file.problems);
        assert_eq!(pml_file.rows_total, csv_file.rows_total, "{pml}");
        let agreement = compare(&pml_file.events, &csv_file.events, false);
        reports.push(agreement.report(pml));
        for (column, name) in COLUMNS.iter().enumerate().take(6) {
            if agreement.rate(column) < 1.0 {
                failures.push(format!(
                    "{pml} {name}: {:.4} {:?}",
                    agreement.rate(column),
                    agreement.examples.get(name)
                ));
            }
        }
        if agreement.rate(6) < 1.0 {
            reports.push(format!(
                "  detail misses by operation: {:?}\n    {}",
                agreement.detail_misses_by_operation,
                agreement.detail_examples.join("\n    ")
            ));
        }
    }
    eprintln!("{}", reports.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Length of the longest common subsequence of two key sequences (rows of two runs).
fn common_subsequence(a: &[String], b: &[String]) -> usize {
    let mut previous = vec![0usize; b.len() + 1];
    for x in a {
        let mut current = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            current[j + 1] = if x == y {
                previous[j] + 1
            } else {
                previous[j].max(current[j])
            };
        }
        previous = current;
    }
    previous[b.len()]
}

/// MateFoxer's PML and CSV are two runs of the same program (different PIDs, start times and
/// a few extra rows), not one capture: the rows are aligned in order on process name,
/// operation, path (case-insensitive) and result, and the aligned share is measured.
#[test]
fn matefoxer_pml_and_csv_describe_the_same_run_shape() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found beside the repository: skipped");
        return;
    };
    let (pml, csv) = read_pair(
        &corpus,
        "procmon-pml/MateFoxer-ron-crash-log/Logfile.PML",
        "procmon-csv/MateFoxer-ron-crash-log/Logfilenew.CSV",
    );
    assert!(pml.problems.is_empty(), "{:?}", pml.problems);
    assert!(csv.problems.is_empty(), "{:?}", csv.problems);
    assert_eq!((pml.rows_total, csv.rows_total), (1250, 1266));
    let key = |e: &Event| {
        let o = op(e);
        format!(
            "{}|{}|{}",
            o.process_name,
            o.operation,
            o.path.to_lowercase()
        )
    };
    let a: Vec<String> = pml.events.iter().map(key).collect();
    let b: Vec<String> = csv.events.iter().map(key).collect();
    let aligned = common_subsequence(&a, &b);
    let rate = aligned as f64 / a.len() as f64;
    let images = |f: &ProcmonFile| -> Vec<String> {
        f.events
            .iter()
            .filter(|e| op(e).operation == "Load Image")
            .map(|e| op(e).path.to_lowercase())
            .collect()
    };
    let (pml_images, csv_images) = (images(&pml), images(&csv));
    let image_rate = common_subsequence(&pml_images, &csv_images) as f64 / pml_images.len() as f64;
    eprintln!(
        "MateFoxer (two runs): {aligned} of {} PML rows align with the other run's CSV ({:.1}%); Load Image paths {:.1}%",
        a.len(),
        100.0 * rate,
        100.0 * image_rate
    );
    assert!(rate > 0.5, "{rate}");
    assert!(image_rate > 0.9, "{image_rate}");
    // Same operations in the same order: the Load Image rows agree on their Detail shape.
    assert!(pml
        .events
        .iter()
        .filter(|e| op(e).operation == "Load Image")
        .all(|e| op(e).detail.starts_with("Image Base: 0x")));
}

#[test]
fn other_corpus_files_read_cleanly() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found beside the repository: skipped");
        return;
    };
    for (file, rows) in [
        ("procmon-csv/fskoras-CreateProcess-gcc/Logfile.CSV", 9877),
        ("procmon-csv/stofte-roslyn-test/Logfile.CSV", 11892),
    ] {
        let path = corpus.join(file);
        let all = procmon::read_csv_all(&arc(&path), &corpus_bytes(&path));
        assert!(all.problems.is_empty(), "{file}: {:?}", all.problems);
        assert_eq!(all.rows_total, rows, "{file}");
        assert!(!all.has_dates);
        assert!(all
            .events
            .iter()
            .all(|e| matches!(e.time, Some(Timestamp::LocalTimeOfDay(_)))));
        let filtered = procmon::read_csv(&arc(&path), &corpus_bytes(&path));
        assert_eq!(filtered.rows_total, rows);
        assert!(filtered.rows_kept < 50, "{file}: {}", filtered.rows_kept);
    }
    let path = corpus.join("procmon-pml/jereksel-CloudMirrorFoobar/Logfile.PML");
    let file = procmon::read_pml_all(&arc(&path), &corpus_bytes(&path));
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(file.rows_total, 717);
    assert_eq!(file.rows_kept, 717);
    assert!(file.has_dates);
    assert!(file
        .events
        .iter()
        .all(|e| matches!(e.time, Some(Timestamp::Utc(_))) && e.origin.record.is_some()));
}

/// Without msiexec in the capture, the filter keeps only hard failures on installer paths.
#[test]
fn filtered_corpus_reads_keep_only_installer_evidence() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found beside the repository: skipped");
        return;
    };
    for (pml, csv) in UTC_PAIRS {
        let (pml_path, csv_path) = (
            corpus.join("procmon-pml/procmon-parser").join(pml),
            corpus.join("procmon-csv/procmon-parser").join(csv),
        );
        let from_pml = procmon::read_pml(&arc(&pml_path), &corpus_bytes(&pml_path));
        let from_csv = procmon::read_csv(&arc(&csv_path), &corpus_bytes(&csv_path));
        assert_eq!(from_pml.rows_total, from_csv.rows_total);
        let keys = |f: &ProcmonFile| -> Vec<String> {
            f.events
                .iter()
                .map(|e| format!("{}|{}|{}", op(e).pid, op(e).path, op(e).result))
                .collect()
        };
        assert_eq!(keys(&from_pml), keys(&from_csv), "{pml}");
        for event in &from_pml.events {
            let o = op(event);
            assert!(procmon::is_installer_path(&o.path), "{}", event.text);
            assert!(procmon::is_signal_result(&o.result), "{}", event.text);
        }
    }
}

// ------------------------------------------------------------------ project cases (writer)

const DAY: (i32, u32, u32) = (2025, 3, 14);

fn at(second: u32, ticks: u32) -> u64 {
    filetime(DAY.0, DAY.1, DAY.2, 8, 32, second, ticks)
}

fn create_file(path: &str) -> PmlDetail {
    PmlDetail::CreateFile {
        path: path.to_string(),
        access: 0x4000_0000 | 0x80, // Generic Write, Read Attributes
        disposition: 5,             // OverwriteIf
        options: 0x60,              // Synchronous IO Non-Alert, Non-Directory File
        attributes: 0x80,           // N
        share: 1,                   // Read
        open_result: None,
    }
}

/// An install: service msiexec (1000, from services.exe), its custom-action server (3000)
/// which starts cmd.exe (4000); explorer (1500) runs alongside.
fn install_capture(is64: bool) -> PmlCapture {
    let mut ca_server = PmlProcess::new(3000, 1000, "MsiExec.exe");
    ca_server.command_line =
        "C:\\Windows\\syswow64\\MsiExec.exe -Embedding 5B2C6E1D9F0A E Global\\MSI0000".into();
    let mut explorer = PmlProcess::new(1500, 600, "explorer.exe");
    explorer.user = "CONTOSO\\bob".into();
    explorer.integrity = "Medium".into();
    let processes = vec![
        PmlProcess::new(600, 500, "services.exe"),
        PmlProcess::new(1000, 600, "msiexec.exe"),
        ca_server,
        PmlProcess::new(4000, 3000, "cmd.exe"),
        explorer,
    ];
    let (services, service, ca, cmd, explorer) = (0, 1, 2, 3, 4);
    let events = vec![
        // 0: the signature: the service is denied C:\Windows\Installer
        PmlEvent::new(
            service,
            at(13, 1_540_000),
            ACCESS_DENIED,
            create_file("C:\\Windows\\Installer\\inprogressinstallinfo.ipi"),
        ),
        // 1: noise from the service
        PmlEvent::new(
            service,
            at(13, 1_600_000),
            SUCCESS,
            create_file("C:\\x.txt"),
        ),
        // 2: NAME NOT FOUND off the installer paths: noise
        PmlEvent::new(
            service,
            at(13, 1_700_000),
            NAME_NOT_FOUND,
            PmlDetail::RegOpen {
                operation: 0,
                path: "HKLM\\SOFTWARE\\Contoso".into(),
                access: 0x20019,
            },
        ),
        // 3: NAME NOT FOUND on the Installer policy key: kept
        PmlEvent::new(
            service,
            at(13, 1_800_000),
            NAME_NOT_FOUND,
            PmlDetail::RegQueryDword {
                path: "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer\\DisableMSI".into(),
                value: None,
            },
        ),
        // 4: a policy value read successfully (noise)
        PmlEvent::new(
            service,
            at(13, 1_900_000),
            SUCCESS,
            PmlDetail::RegQueryDword {
                path: "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer\\Debug".into(),
                value: Some(7),
            },
        ),
        // 5: the CA server starts cmd.exe
        PmlEvent::new(
            ca,
            at(14, 0),
            SUCCESS,
            PmlDetail::ProcessCreate {
                child_pid: 4000,
                image_path: "C:\\Windows\\SysWOW64\\cmd.exe".into(),
                command_line: "cmd.exe /c \"del C:\\Temp\\x\"".into(),
            },
        ),
        // 6: cmd.exe starts, with its environment
        PmlEvent::new(
            cmd,
            at(14, 100),
            SUCCESS,
            PmlDetail::ProcessStart {
                parent_pid: 3000,
                command_line: "cmd.exe /c \"del C:\\Temp\\x\"".into(),
                current_directory: "C:\\Windows\\system32\\".into(),
                environment: vec![
                    "=::=::\\".into(),
                    "ALLUSERSPROFILE=C:\\ProgramData".into(),
                    "TEMP=C:\\Windows\\TEMP".into(),
                    "TMP=C:\\Windows\\TEMP".into(),
                ],
            },
        ),
        // 7: a file in use, in the tree but off the installer paths: kept
        PmlEvent::new(
            cmd,
            at(14, 200),
            SHARING_VIOLATION,
            create_file("C:\\Program Files\\Contoso\\app.dll"),
        ),
        // 8: anyone denied an installer path: kept
        PmlEvent::new(
            explorer,
            at(14, 300),
            ACCESS_DENIED,
            create_file("C:\\Users\\bob\\AppData\\Local\\Temp\\MSI1a2b3.LOG"),
        ),
        // 9: explorer denied elsewhere: noise for the diagnosis
        PmlEvent::new(
            explorer,
            at(14, 400),
            ACCESS_DENIED,
            create_file("C:\\secret"),
        ),
        // 10: a benign failure result
        PmlEvent::new(
            service,
            at(14, 500),
            BUFFER_OVERFLOW,
            PmlDetail::File {
                major: 40, // QuerySecurityFile
                minor: 0,
                path: "C:\\Windows\\Installer".into(),
            },
        ),
        // 11: a registry write by the service
        PmlEvent::new(
            service,
            at(14, 600),
            SUCCESS,
            PmlDetail::RegSetString {
                path: "HKLM\\SOFTWARE\\Contoso\\Version".into(),
                value: "1.2.3".into(),
            },
        ),
        // 12: cmd.exe exits with 1603
        PmlEvent::new(
            cmd,
            at(15, 0),
            SUCCESS,
            PmlDetail::ProcessExit { status: 1603 },
        ),
        // 13: services.exe rename in the installer folder, denied (any process, strong)
        PmlEvent::new(
            services,
            at(15, 100),
            ACCESS_DENIED,
            PmlDetail::File {
                major: 26,
                minor: 0x0a, // SetRenameInformationFile
                path: "C:\\Config.Msi\\1a2b.rbf".into(),
            },
        ),
    ];
    PmlCapture {
        is64,
        processes,
        events,
    }
}

const KEPT: [u64; 8] = [0, 3, 5, 6, 7, 8, 12, 13];

fn summary(file: &ProcmonFile) -> Vec<String> {
    file.events
        .iter()
        .map(|e| {
            let o = op(e);
            format!(
                "{}|{}|{}|{}|{}|{}",
                o.process_name, o.pid, o.operation, o.path, o.result, o.detail
            )
        })
        .collect()
}

#[test]
fn written_captures_read_back_completely() {
    for is64 in [false, true] {
        let bytes = install_capture(is64).to_bytes();
        let file = procmon::read_pml_all(&Arc::from("install.pml"), &bytes);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!((file.rows_total, file.rows_kept), (14, 14));
        assert!(file.has_dates);
        let lines = summary(&file);
        assert_eq!(
            lines[0],
            "msiexec.exe|1000|CreateFile|C:\\Windows\\Installer\\inprogressinstallinfo.ipi|ACCESS DENIED|Desired Access: Generic Write, Read Attributes, Disposition: OverwriteIf, Options: Synchronous IO Non-Alert, Non-Directory File, Attributes: N, ShareMode: Read, AllocationSize: 0"
        );
        assert_eq!(
            lines[2],
            "msiexec.exe|1000|RegOpenKey|HKLM\\SOFTWARE\\Contoso|NAME NOT FOUND|Desired Access: Read"
        );
        assert_eq!(
            lines[4],
            "msiexec.exe|1000|RegQueryValue|HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer\\Debug|SUCCESS|Type: REG_DWORD, Length: 4, Data: 7"
        );
        assert_eq!(
            lines[5],
            "MsiExec.exe|3000|Process Create|C:\\Windows\\SysWOW64\\cmd.exe|SUCCESS|PID: 4000, Command line: cmd.exe /c \"del C:\\Temp\\x\""
        );
        assert!(lines[6].starts_with(
            "cmd.exe|4000|Process Start||SUCCESS|Parent PID: 3000, Command line: cmd.exe /c \"del C:\\Temp\\x\", Current directory: C:\\Windows\\system32\\, Environment: \r;\t=::=::\\\r;\tALLUSERSPROFILE=C:\\ProgramData\r;\tTEMP="
        ));
        assert_eq!(
            lines[10],
            "msiexec.exe|1000|QuerySecurityFile|C:\\Windows\\Installer|BUFFER OVERFLOW|"
        );
        assert_eq!(
            lines[11],
            "msiexec.exe|1000|RegSetValue|HKLM\\SOFTWARE\\Contoso\\Version|SUCCESS|Type: REG_SZ, Length: 12, Data: 1.2.3"
        );
        assert!(lines[12].starts_with(
            "cmd.exe|4000|Process Exit||SUCCESS|Exit Status: 1603, User Time: 0.0312500 seconds, Kernel Time: 0.0156250 seconds"
        ));
        assert_eq!(
            lines[13],
            "services.exe|600|SetRenameInformationFile|C:\\Config.Msi\\1a2b.rbf|ACCESS DENIED|"
        );

        let first = &file.events[0];
        assert_eq!(first.origin.record, Some(0));
        assert_eq!(first.origin.line, None);
        let Some(Timestamp::Utc(t)) = first.time else {
            panic!("{:?}", first.time)
        };
        assert_eq!(t.to_rfc3339(), "2025-03-14T08:32:13.154+00:00");
        assert!(first.text.starts_with(
            "08:32:13.1540000 UTC msiexec.exe (1000) CreateFile C:\\Windows\\Installer\\inprogressinstallinfo.ipi -> ACCESS DENIED  Desired Access:"
        ));
        let first = op(first);
        assert_eq!(first.tid, Some(1001));
        assert_eq!(first.event_class.as_deref(), Some("File System"));
        assert_eq!(first.parent_pid, Some(600));
        assert_eq!(first.user.as_deref(), Some("NT AUTHORITY\\SYSTEM"));
        assert_eq!(first.integrity.as_deref(), Some("System"));
        assert_eq!(
            first.image_path.as_deref(),
            Some("C:\\Windows\\System32\\msiexec.exe")
        );
        let start = op(&file.events[6]);
        assert_eq!(start.env_temp.as_deref(), Some("C:\\Windows\\TEMP"));
        assert_eq!(start.env_tmp.as_deref(), Some("C:\\Windows\\TEMP"));
        assert_eq!(op(&file.events[5]).child_pid(), Some(4000));
        assert_eq!(
            op(&file.events[5]).child_command_line(),
            Some("cmd.exe /c \"del C:\\Temp\\x\"")
        );
        assert_eq!(op(&file.events[12]).exit_status(), Some(1603));
    }
}

#[test]
fn pml_filter_keeps_the_msiexec_tree_and_installer_paths() {
    for is64 in [false, true] {
        let bytes = install_capture(is64).to_bytes();
        let file = procmon::read_pml(&Arc::from("install.pml"), &bytes);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.rows_total, 14);
        let kept: Vec<u64> = file
            .events
            .iter()
            .map(|e| e.origin.record.unwrap())
            .collect();
        assert_eq!(kept, KEPT);
        assert_eq!(file.rows_kept, KEPT.len() as u64);
    }
}

/// PML → CSV (Procmon's default export) → CSV reader: same rows, and the CSV filter keeps
/// the same rows as the PML filter (following the tree through Process Create/Start rows).
#[test]
fn csv_written_from_a_capture_reads_back_the_same() {
    let bytes = install_capture(true).to_bytes();
    let pml = procmon::read_pml_all(&Arc::from("install.pml"), &bytes);
    let mut csv = Vec::new();
    procmon::write_csv(&pml.events, &mut csv, None).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n\"8:32:13.1540000 AM\",\"msiexec.exe\",\"1000\""));
    let back = procmon::read_csv_all(&Arc::from("install.csv"), &csv);
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    assert_eq!(summary(&back), summary(&pml));
    for (a, b) in pml.events.iter().zip(&back.events) {
        assert_eq!(ticks_of_day(a), ticks_of_day(b));
        assert!(matches!(b.time, Some(Timestamp::LocalTimeOfDay(_))));
    }
    assert_eq!(
        op(&back.events[6]).env_temp.as_deref(),
        Some("C:\\Windows\\TEMP")
    );
    assert_eq!(
        op(&back.events[6]).command_line.as_deref(),
        Some("cmd.exe /c \"del C:\\Temp\\x\"")
    );
    // Line numbers count LF line ends; the bare CRs of Procmon's environment block do not.
    assert_eq!(back.events[6].origin.line, Some(8));
    assert_eq!(back.events[7].origin.line, Some(9));

    let filtered = procmon::read_csv(&Arc::from("install.csv"), &csv);
    let kept: Vec<String> = filtered.events.iter().map(|e| op(e).path.clone()).collect();
    let expected: Vec<String> = KEPT
        .iter()
        .map(|&i| op(&pml.events[i as usize]).path.clone())
        .collect();
    assert_eq!(kept, expected);

    // With an offset, UTC times are written as the machine's local time.
    let mut shifted = Vec::new();
    let plus_five_thirty = chrono::FixedOffset::east_opt(5 * 3600 + 1800);
    procmon::write_csv(&pml.events[..1], &mut shifted, plus_five_thirty).unwrap();
    assert!(String::from_utf8(shifted)
        .unwrap()
        .contains("\"2:02:13.1540000 PM\""));
}

// ------------------------------------------------------------------ CSV shapes and locales

fn read_text(csv: &str) -> ProcmonFile {
    procmon::read_csv_all(&Arc::from("t.csv"), csv.as_bytes())
}

#[test]
fn csv_win7_column_order_and_extra_columns() {
    let csv = "\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"TID\",\"Category\",\"Event Class\",\"User\",\"Integrity\",\"Command Line\",\"Image Path\",\"Parent PID\"\r\n\
\"9:05:01.0000001 AM\",\"msiexec.exe\",\"880\",\"RegCreateKey\",\"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\InProgress\",\"ACCESS DENIED\",\"Desired Access: All Access\",\"912\",\"Write\",\"Registry\",\"NT AUTHORITY\\SYSTEM\",\"System\",\"C:\\Windows\\system32\\msiexec.exe /V\",\"C:\\Windows\\system32\\msiexec.exe\",\"612\"\r\n";
    let f = read_text(csv);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let o = op(&f.events[0]);
    assert_eq!(o.tid, Some(912));
    assert_eq!(o.event_class.as_deref(), Some("Registry"));
    assert_eq!(o.user.as_deref(), Some("NT AUTHORITY\\SYSTEM"));
    assert_eq!(o.integrity.as_deref(), Some("System"));
    assert_eq!(
        o.command_line.as_deref(),
        Some("C:\\Windows\\system32\\msiexec.exe /V")
    );
    assert_eq!(
        o.image_path.as_deref(),
        Some("C:\\Windows\\system32\\msiexec.exe")
    );
    assert_eq!(o.parent_pid, Some(612));
    let t = chrono::NaiveTime::from_hms_nano_opt(9, 5, 1, 100).unwrap();
    assert_eq!(f.events[0].time, Some(Timestamp::LocalTimeOfDay(t)));
    assert_eq!(
        f.events[0].text,
        "09:05:01.0000001 msiexec.exe (880) RegCreateKey HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\InProgress -> ACCESS DENIED  Desired Access: All Access"
    );
}

#[test]
fn csv_date_and_time_column_gives_dated_local_times() {
    let csv = "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Date & Time\"\n\
\"7:27:31.7947753 AM\",\"svchost.exe\",\"496\",\"RegQueryKey\",\"HKU\\S-1-5-19\",\"SUCCESS\",\"Query: HandleTags, HandleTags: 0x0\",\"7/31/2020 7:27:31 AM\"\n";
    let f = read_text(csv);
    assert!(f.has_dates);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let expected = chrono::NaiveDate::from_ymd_opt(2020, 7, 31)
        .unwrap()
        .and_hms_nano_opt(7, 27, 31, 794_775_300)
        .unwrap();
    assert_eq!(f.events[0].time, Some(Timestamp::Local(expected)));
    assert_eq!(f.events[0].origin.line, Some(2));
}

#[test]
fn csv_24_hour_comma_decimal_and_only_some_columns() {
    // No BOM, LF line ends, a subset of columns in another order.
    let csv = "\"Operation\",\"Result\",\"Time of Day\",\"Process Name\",\"PID\",\"Path\"\n\
\"CreateFile\",\"SHARING VIOLATION\",\"16:53:03,6001516\",\"MsiExec.exe\",\"4321\",\"C:\\Program Files\\App\\app.exe\"\n\
\"CreateFile\",\"0xC000046F\",\"16:53:04,0000000\",\"MsiExec.exe\",\"4321\",\"C:\\Windows\\Installer\\x.msi\"\n";
    let f = read_text(csv);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let t = chrono::NaiveTime::from_hms_nano_opt(16, 53, 3, 600_151_600).unwrap();
    assert_eq!(f.events[0].time, Some(Timestamp::LocalTimeOfDay(t)));
    assert_eq!(op(&f.events[0]).detail, "");
    assert_eq!(op(&f.events[1]).result, "0xC000046F");
    let filtered = procmon::read_csv(&Arc::from("t.csv"), csv.as_bytes());
    assert_eq!(
        filtered.rows_kept, 1,
        "the unknown hex result is not a signal"
    );
}

#[test]
fn csv_filter_follows_process_create_and_start_rows() {
    let header =
        "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n";
    let rows = [
        // 2: noise before anything
        ("notepad.exe", 50, "CreateFile", "C:\\x", "ACCESS DENIED", ""),
        // 3: the CA server (kept: life cycle of a tracked process) creates setup.exe
        ("MsiExec.exe", 300, "Process Create", "C:\\Temp\\setup.exe", "SUCCESS", "PID: 400, Command line: \"C:\\Temp\\setup.exe\" /q "),
        // 4: setup.exe starts; its TEMP is bad
        ("setup.exe", 400, "Process Start", "", "SUCCESS", "Parent PID: 300, Command line: \"C:\\Temp\\setup.exe\" /q, Current directory: C:\\Windows\\system32\\, Environment: \r\n;\tTEMP=Z:\\missing\r\n;\tTMP=Z:\\missing"),
        // 5: setup.exe (tracked child) denied anywhere: kept
        ("setup.exe", 400, "RegSetValue", "HKLM\\SOFTWARE\\Contoso", "ACCESS DENIED", "Type: REG_SZ, Length: 4, Data: a"),
        // 6: setup.exe's PATH NOT FOUND in its own TEMP folder: kept (a missing TEMP is a cause)
        ("setup.exe", 400, "CreateFile", "Z:\\missing\\a.tmp", "PATH NOT FOUND", ""),
        // 7: grandchild via Process Start only
        ("helper.exe", 500, "Process Start", "", "SUCCESS", "Parent PID: 400, Command line: helper.exe, Current directory: C:\\, Environment: \r\n;\tA=B"),
        // 8: setup.exe exits with a failure
        ("setup.exe", 400, "Process Exit", "", "SUCCESS", "Exit Status: 1603, User Time: 0.0000000 seconds"),
        // 9: PID 400 reused by an unrelated process: not tracked any more
        ("other.exe", 400, "CreateFile", "C:\\y", "ACCESS DENIED", ""),
        // 10: unrelated NAME NOT FOUND on an installer key: weak, not tracked
        ("svchost.exe", 900, "RegOpenKey", "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer", "NAME NOT FOUND", ""),
    ];
    let mut csv = String::from(header);
    for (i, (name, pid, operation, path, result, detail)) in rows.iter().enumerate() {
        csv.push_str(&format!(
            "\"1:00:0{}.0000000 PM\",\"{name}\",\"{pid}\",\"{operation}\",\"{path}\",\"{result}\",\"{}\"\r\n",
            i % 10,
            detail.replace('"', "\"\"")
        ));
    }
    let f = procmon::read_csv(&Arc::from("t.csv"), csv.as_bytes());
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.rows_total, rows.len() as u64);
    let kept: Vec<(u32, &str)> = f
        .events
        .iter()
        .map(|e| (op(e).pid, op(e).operation.as_str()))
        .collect();
    assert_eq!(
        kept,
        [
            (300, "Process Create"),
            (400, "Process Start"),
            (400, "RegSetValue"),
            (400, "CreateFile"),
            (500, "Process Start"),
            (400, "Process Exit"),
        ]
    );
    let start = op(&f.events[1]);
    assert_eq!(start.env_temp.as_deref(), Some("Z:\\missing"));
    assert_eq!(start.env_tmp.as_deref(), Some("Z:\\missing"));
    assert_eq!(start.parent_pid, Some(300));
    assert_eq!(
        start.command_line.as_deref(),
        Some("\"C:\\Temp\\setup.exe\" /q")
    );
    assert_eq!(
        op(&f.events[0]).command_line,
        None,
        "the child's command line is not the parent's"
    );
    assert_eq!(op(&f.events[0]).child_pid(), Some(400));
    assert_eq!(op(&f.events[5]).exit_status(), Some(1603));
    // Line numbers count the CRLFs inside the Process Start environment.
    let lines: Vec<u64> = f.events.iter().map(|e| e.origin.line.unwrap()).collect();
    assert_eq!(lines, [3, 4, 7, 8, 9, 11]);
}

#[test]
fn csv_damage_is_reported_not_fatal() {
    let mut csv = String::from(
        "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\"\r\n",
    );
    for i in 0..500 {
        csv.push_str(&format!(
            "\"not a time {i}\",\"msiexec.exe\",\"x{i}\",\"CreateFile\",\"C:\\a\",\"ACCESS DENIED\"\r\n"
        ));
    }
    csv.push_str("\"1:00:00 PM\",\"msiexec.exe\"\r\n"); // short row
    csv.push_str("\"1:00:00 PM\",\"msiexec.exe\",\"1\",\"CreateFile\",\"C:\\a\",\"ACCESS DENIED\",\"extra\",\"fields\"\r\n");
    csv.push_str("\"unterminated"); // cut in the middle of a field
    let f = procmon::read_csv(&Arc::from("bad.csv"), csv.as_bytes());
    assert_eq!(f.rows_total, 503);
    assert_eq!(f.rows_kept, 501);
    assert!(f.problems.len() <= 51, "{}", f.problems.len());
    assert!(f.problems[0].starts_with("bad.csv: line 2: unreadable time `not a time 0`"));
    assert!(f.problems.last().unwrap().contains("more problems"));
    assert_eq!(op(&f.events[0]).pid, 0);
    assert_eq!(f.events[0].time, None);
    // Not a CSV at all, or binary noise.
    for junk in [
        &b""[..],
        b"\x00\x01\x02",
        b"PML_\x09\x00\x00\x00",
        b"\xEF\xBB\xBF",
    ] {
        let f = procmon::read_csv(&Arc::from("junk"), junk);
        assert!(f.events.is_empty());
        assert_eq!(f.problems.len(), 1);
    }
}

/// A large export of noise streams through without keeping anything.
#[test]
fn csv_large_noise_export_keeps_only_the_signal() {
    let mut csv = String::from("\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n");
    for i in 0..100_000u32 {
        let (result, name) = match i % 4 {
            0 => ("SUCCESS", "msiexec.exe"),
            1 => ("NAME NOT FOUND", "msiexec.exe"),
            2 => ("BUFFER OVERFLOW", "svchost.exe"),
            _ => ("REPARSE", "explorer.exe"),
        };
        csv.push_str(&format!(
            "\"4:33:14.{:07} PM\",\"{name}\",\"{}\",\"RegQueryValue\",\"HKLM\\SOFTWARE\\Classes\\CLSID\\{{{i:08X}}}\",\"{result}\",\"Length: 16\"\r\n",
            i % 10_000_000,
            1000 + i % 7
        ));
    }
    csv.push_str("\"4:33:15.0000000 PM\",\"msiexec.exe\",\"1000\",\"CreateFile\",\"C:\\Windows\\Installer\\inprogressinstallinfo.ipi\",\"ACCESS DENIED\",\"\"\r\n");
    let f = procmon::read_csv(&Arc::from("big.csv"), csv.as_bytes());
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.rows_total, 100_001);
    assert_eq!(f.rows_kept, 1);
    assert_eq!(f.events[0].origin.line, Some(100_002));
}

// ------------------------------------------------------------------ damaged captures

fn read_both(bytes: &[u8]) -> (ProcmonFile, ProcmonFile) {
    let path: Arc<str> = Arc::from("damaged.pml");
    (
        procmon::read_pml_all(&path, bytes),
        procmon::read_pml(&path, bytes),
    )
}

#[test]
fn truncated_captures_never_panic() {
    for is64 in [false, true] {
        let bytes = install_capture(is64).to_bytes();
        let mut cut = 0;
        while cut < bytes.len() {
            let (all, filtered) = read_both(&bytes[..cut]);
            assert!(
                !all.problems.is_empty(),
                "cut at {cut}: no problem reported"
            );
            assert!(all.rows_kept <= 14 && filtered.rows_kept <= all.rows_kept);
            cut += if cut < HEADER_SIZE + 64 { 1 } else { 3 };
        }
    }
}

#[test]
fn a_capture_without_its_index_is_read_in_sequence() {
    let capture = install_capture(true);
    let good = capture.to_bytes();
    // Procmon did not close the file: the table offsets are zero.
    let mut unclosed = good.clone();
    for at in [
        EVENT_OFFSETS_OFFSET_AT,
        PROCESS_TABLE_OFFSET_AT,
        STRING_TABLE_OFFSET_AT,
    ] {
        poke_u64(&mut unclosed, at, 0);
    }
    let file = procmon::read_pml_all(&Arc::from("unclosed.pml"), &unclosed);
    assert_eq!(file.rows_kept, 14, "{:?}", file.problems);
    assert!(file.problems.iter().any(|p| p.contains("no event index")));
    assert!(file
        .problems
        .iter()
        .any(|p| p.contains("process table is missing") || p.contains("string table is missing")));
    assert_eq!(
        op(&file.events[0]).path,
        "C:\\Windows\\Installer\\inprogressinstallinfo.ipi"
    );
    assert_eq!(op(&file.events[0]).result, "ACCESS DENIED");
    // Only the index is lost: processes are still named, and the filter still works.
    let mut no_index = good.clone();
    poke_u64(&mut no_index, EVENT_OFFSETS_OFFSET_AT, u64::MAX);
    let (all, filtered) = read_both(&no_index);
    assert_eq!(all.rows_kept, 14);
    assert_eq!(op(&all.events[0]).process_name, "msiexec.exe");
    let kept: Vec<u64> = filtered
        .events
        .iter()
        .map(|e| e.origin.record.unwrap())
        .collect();
    assert_eq!(kept, KEPT);
    // Cut in the middle of the events: the walk keeps what precedes the cut.
    let events_end = peek_u64(&good, EVENT_OFFSETS_OFFSET_AT) as usize;
    let mut cut = unclosed[..events_end - 10].to_vec();
    poke_u64(&mut cut, EVENT_OFFSETS_OFFSET_AT, 0);
    let file = procmon::read_pml_all(&Arc::from("cut.pml"), &cut);
    assert_eq!(file.rows_kept, 13);
    assert!(
        file.problems.iter().any(|p| p.contains("event 13")),
        "{:?}",
        file.problems
    );
}

#[test]
fn pathological_offsets_and_counts_are_bounded() {
    let good = install_capture(false).to_bytes();
    let index_at = peek_u64(&good, EVENT_OFFSETS_OFFSET_AT) as usize;
    let process_at = peek_u64(&good, PROCESS_TABLE_OFFSET_AT) as usize;
    let string_at = peek_u64(&good, STRING_TABLE_OFFSET_AT) as usize;
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut add = |name: &'static str, edit: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        edit(&mut b);
        cases.push((name, b));
    };
    add("huge event count", &|b| {
        poke_u32(b, EVENT_COUNT_AT, u32::MAX)
    });
    add("huge process count", &|b| poke_u32(b, process_at, u32::MAX));
    add("huge string count", &|b| poke_u32(b, string_at, u32::MAX));
    add("index beyond the file", &|b| {
        poke_u64(b, EVENT_OFFSETS_OFFSET_AT, 1 << 40)
    });
    add("tables beyond the file", &|b| {
        poke_u64(b, PROCESS_TABLE_OFFSET_AT, u64::MAX);
        poke_u64(b, STRING_TABLE_OFFSET_AT, u64::MAX - 7);
    });
    add("every event at the header", &|b| {
        for i in 0..14 {
            poke_u32(b, index_at + 5 * i, 0);
        }
    });
    add("events beyond the file", &|b| {
        for i in 0..14 {
            poke_u32(b, index_at + 5 * i, u32::MAX - i as u32);
        }
    });
    add("event pointing into the index", &|b| {
        poke_u32(b, index_at, index_at as u32)
    });
    add("huge detail and extra offsets", &|b| {
        let first = HEADER_SIZE;
        poke_u32(b, first + 0x2C, u32::MAX);
        poke_u32(b, first + 0x30, u32::MAX);
    });
    add("huge stack depth", &|b| {
        b[HEADER_SIZE + 0x28..HEADER_SIZE + 0x2A].copy_from_slice(&[0xFF, 0xFF])
    });
    add("unknown class", &|b| poke_u32(b, HEADER_SIZE + 8, 77));
    add("unknown process index", &|b| poke_u32(b, HEADER_SIZE, 999));
    add("version 8", &|b| poke_u32(b, 4, 8));
    add("string offsets beyond", &|b| {
        for i in 0..8 {
            poke_u32(b, string_at + 4 + 4 * i, u32::MAX);
        }
    });
    add("process offsets beyond", &|b| {
        let count = 5;
        for i in 0..count {
            poke_u32(b, process_at + 4 + 4 * count + 4 * i, u32::MAX - 3);
        }
    });
    for (name, bytes) in &cases {
        let (all, filtered) = read_both(bytes);
        assert!(!all.problems.is_empty(), "{name}: damage not reported");
        assert!(all.rows_total <= 14 * 2, "{name}: {} rows", all.rows_total);
        assert!(filtered.rows_kept <= all.rows_kept, "{name}");
        assert!(all.problems.len() <= 51, "{name}");
        assert!(
            all.problems.iter().all(|p| p.starts_with("damaged.pml: ")),
            "{name}"
        );
    }
    // A damaged event is named by its index; the others are kept.
    let (all, _) = read_both(&cases[8].1);
    assert_eq!(all.rows_kept, 13, "{:?}", all.problems);
    assert!(
        all.problems.iter().any(|p| p.contains("event 0")),
        "{:?}",
        all.problems
    );
    // Not a capture at all.
    let (all, _) = read_both(b"ElfFile\0 something else");
    assert!(all.events.is_empty());
    assert_eq!(all.problems.len(), 1);
}

/// Deterministic byte flips all over a capture: the reader must never panic.
#[test]
fn random_damage_never_panics() {
    let good = install_capture(true).to_bytes();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..400 {
        let mut bytes = good.clone();
        for _ in 0..(next() % 16 + 1) {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = next() as u8;
        }
        let (all, filtered) = read_both(&bytes);
        assert!(filtered.rows_kept <= all.rows_kept.max(filtered.rows_kept));
        assert!(all.rows_total < 1000);
    }
}

#[test]
fn public_filter_helpers() {
    assert!(procmon::is_installer_path("hkey_local_machine\\software\\wow6432node\\microsoft\\windows\\currentversion\\installer\\userdata"));
    assert!(procmon::is_signal_result("PRIVILEGE NOT HELD"));
    assert!(!procmon::is_signal_result("SUCCESS"));
    assert_eq!(
        procmon::results::result_name(0xC000_0061),
        "PRIVILEGE NOT HELD"
    );
    assert_eq!(
        clock::format_12h(chrono::NaiveTime::from_hms_opt(0, 5, 0).unwrap()),
        "12:05:00.0000000 AM"
    );
}
