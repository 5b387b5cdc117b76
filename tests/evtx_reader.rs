//! The EVTX reader (`msidiag::sources::evtx`) on files written by the test writer
//! (`msidiag_testkit::evtx_writer`), damaged copies of them, and the real event logs of the
//! shared corpus (`../shared/corpus/evtx`, skipped when absent).
//!
//! These tests must not depend on the timeline, the rules or the report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use msidiag::model::{
    EventKind, InstallerServiceFact, MsiInstallerFact, Operation, ProductOutcome,
    ServiceStartFailure, Timestamp, WinEvent, WinFact,
};
use msidiag::sources::evtx::{read, EvtxFile};

use msidiag_testkit::evtx_writer::*;

const SID: &str = "S-1-5-21-1004336348-1177238915-682003330-1001";

fn path() -> Arc<str> {
    Arc::from("Application.evtx")
}

fn win_events(file: &EvtxFile) -> Vec<&WinEvent> {
    file.events
        .iter()
        .map(|e| match &e.kind {
            EventKind::WinEvent(w) => w.as_ref(),
            other => panic!("unexpected kind {other:?}"),
        })
        .collect()
}

fn ids(file: &EvtxFile) -> Vec<u32> {
    win_events(file).iter().map(|w| w.event_id).collect()
}

/// Every record as XML, read back by the `evtx` crate itself.
fn crate_xml(bytes: &[u8]) -> Vec<String> {
    let mut parser = evtx::EvtxParser::from_buffer(bytes.to_vec()).expect("evtx header");
    parser
        .records()
        .map(|r| r.expect("the evtx crate reads every written record").data)
        .collect()
}

#[test]
fn round_trip_every_field() {
    let time = Utc.with_ymd_and_hms(2025, 3, 14, 8, 32, 13).unwrap()
        + chrono::Duration::nanoseconds(123_456_700);
    let spec = RecordSpec::new("MsiInstaller", 1033)
        .at(time)
        .sid(SID)
        .pid(4242)
        .data(&[
            "Contoso",
            "1.2.3",
            "1033",
            "1603",
            "Contoso & Co <Ltd>",
            "(NULL)",
            "",
        ])
        .named(&[("Extra", "named value"), ("Other", "")])
        .binary(b"{3D3C3833-DED6-4022-B5A1-E7F37789C390}000076537b97");
    let bytes = write_evtx_from(41, &[spec]);

    let xml = crate_xml(&bytes);
    assert_eq!(xml.len(), 1);
    for needle in [
        r#"<Provider Name="MsiInstaller"/>"#,
        r#"<EventID Qualifiers="0">1033</EventID>"#,
        "<Level>4</Level>",
        r#"<TimeCreated SystemTime="2025-03-14T08:32:13.1234567Z"/>"#,
        "<EventRecordID>41</EventRecordID>",
        r#"<Execution ProcessID="4242" ThreadID="0"/>"#,
        "<Channel>Application</Channel>",
        "<Computer>PC01</Computer>",
        &format!(r#"<Security UserID="{SID}"/>"#),
        "<Data>Contoso &amp; Co &lt;Ltd&gt;</Data>",
        "<Data>(NULL)</Data>",
        r#"<Data Name="Extra">named value</Data>"#,
    ] {
        assert!(xml[0].contains(needle), "{needle} missing in\n{}", xml[0]);
    }

    let file = read(&path(), &bytes);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!((file.records_total, file.records_kept), (1, 1));
    let event = &file.events[0];
    assert_eq!(event.origin.path.as_ref(), "Application.evtx");
    assert_eq!((event.origin.line, event.origin.record), (None, Some(41)));
    assert_eq!(event.time, Some(Timestamp::Utc(time)));
    assert_eq!(event.thread, None);
    let expected = WinEvent {
        channel: "Application".into(),
        provider: "MsiInstaller".into(),
        event_id: 1033,
        record_id: 41,
        computer: "PC01".into(),
        user_sid: Some(SID.into()),
        process_id: Some(4242),
        data: [
            "Contoso",
            "1.2.3",
            "1033",
            "1603",
            "Contoso & Co <Ltd>",
            "(NULL)",
            "",
        ]
        .map(String::from)
        .to_vec(),
        named: vec![
            ("Extra".into(), "named value".into()),
            ("Other".into(), String::new()),
        ],
        binary: Some(hex(b"{3D3C3833-DED6-4022-B5A1-E7F37789C390}000076537b97")),
        fact: WinFact::MsiInstaller(MsiInstallerFact::ProductOutcome(ProductOutcome {
            operation: Operation::Install,
            product: "Contoso".into(),
            version: Some("1.2.3".into()),
            language: Some("1033".into()),
            manufacturer: Some("Contoso & Co <Ltd>".into()),
            status: 1603,
            product_code: Some("{3D3C3833-DED6-4022-B5A1-E7F37789C390}".into()),
        })),
    };
    assert_eq!(win_events(&file)[0], &expected);
    assert_eq!(
        event.text,
        "MsiInstaller 1033: Windows Installer installed the product. Product Name: Contoso. Product Version: 1.2.3. Product Language: 1033. Manufacturer: Contoso & Co <Ltd>. Installation success or error status: 1603."
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn many_records_span_chunks_and_read_back_in_order() {
    let records = noisy_log(3000);
    let bytes = write_evtx(&records);
    assert!(chunk_count(&bytes) >= 3, "{} chunks", chunk_count(&bytes));
    assert_eq!(crate_xml(&bytes).len(), 3000);

    let file = read(&path(), &bytes);
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(file.records_total, 3000);
    // 2503 sequences start at records 0, 500, 1000, …: six of them, five events each.
    assert_eq!(file.records_kept, 30);
    let record_ids: Vec<u64> = file.events.iter().filter_map(|e| e.origin.record).collect();
    let mut sorted = record_ids.clone();
    sorted.sort_unstable();
    assert_eq!(record_ids, sorted);
    assert_eq!(&ids(&file)[..5], &[1040, 10005, 11708, 1033, 1042]);
}

#[test]
fn failure_2503_sequence_decodes_to_facts() {
    let records: Vec<RecordSpec> = (0..5).map(|step| msi_failure_step(step, 7)).collect();
    let file = read(&path(), &write_evtx(&records));
    let events = win_events(&file);
    // The reader decoded each record once; the facts are stored on the events.
    let facts: Vec<MsiInstallerFact> = events.iter().map(|w| w.msi().unwrap().clone()).collect();
    assert_eq!(
        facts[0],
        MsiInstallerFact::TransactionBegin {
            target: "C:\\Users\\me\\Downloads\\contoso-7.msi".into(),
            client_pid: 4007
        }
    );
    assert!(
        matches!(&facts[1], MsiInstallerFact::ProductError { code: 2503, product: Some(p), .. } if p == "Contoso App 7"),
        "{:?}",
        facts[1]
    );
    assert_eq!(
        facts[2],
        MsiInstallerFact::ProductError {
            code: 1708,
            product: Some("Contoso App 7".into()),
            message: "Installation failed.".into()
        }
    );
    assert_eq!(
        facts[3],
        MsiInstallerFact::ProductOutcome(ProductOutcome {
            operation: Operation::Install,
            product: "Contoso App 7".into(),
            version: Some("1.0.0".into()),
            language: Some("1033".into()),
            manufacturer: Some("Contoso Ltd".into()),
            status: 1603,
            product_code: Some("{3D3C3833-DED6-4022-B5A1-E7F37789C390}".into()),
        })
    );
    assert_eq!(
        facts[4],
        MsiInstallerFact::TransactionEnd {
            target: "C:\\Users\\me\\Downloads\\contoso-7.msi".into(),
            client_pid: 4007
        }
    );
    assert_eq!(
        file.events[0].text,
        "MsiInstaller 1040: Beginning a Windows Installer transaction: C:\\Users\\me\\Downloads\\contoso-7.msi. Client Process Id: 4007."
    );
    assert!(file.events[1].text.contains("The error code is 2503."));
    assert_eq!(
        file.events[2].text,
        "MsiInstaller 11708: Product: Contoso App 7 -- Installation failed."
    );
    assert!(events.iter().all(|w| w.user_sid.as_deref() == Some(SID)));
}

fn utf16_bytes(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn scm(id: u16, params: &[(&str, &str)]) -> RecordSpec {
    RecordSpec::new("Service Control Manager", id)
        .qualifiers(0xC000)
        .channel("System")
        .pid(640)
        .named(params)
}

#[test]
fn start_and_logon_failures_of_any_service() {
    let records = vec![
        scm(
            7038,
            &[
                ("param1", "ContosoSync"),
                ("param2", ".\\svc_sync"),
                ("param3", "%%1326"),
            ],
        ),
        scm(
            7000,
            &[("param1", "Contoso Sync Agent"), ("param2", "%%1069")],
        ),
        scm(
            7009,
            &[("param1", "30000"), ("param2", "Contoso Sync Agent")],
        ),
        scm(
            7041,
            &[
                ("param1", "ContosoSync"),
                ("param2", "CONTOSO\\svc_sync"),
                ("param3", "%%1385"),
            ],
        ),
        scm(
            7036,
            &[("param1", "Contoso Sync Agent"), ("param2", "stopped")],
        ),
    ];
    let file = read(&Arc::from("System.evtx"), &write_evtx(&records));
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(ids(&file), vec![7038, 7000, 7009, 7041]);
    let failures: Vec<ServiceStartFailure> = win_events(&file)
        .into_iter()
        .map(|w| w.start_failure().unwrap().clone())
        .collect();
    assert_eq!(failures[0].service, "ContosoSync");
    assert_eq!(failures[0].account.as_deref(), Some(".\\svc_sync"));
    assert!(failures[0].logon);
    assert!(
        failures[0].error.ends_with("(error 1326)"),
        "{}",
        failures[0].error
    );
    assert_eq!(failures[1].service, "Contoso Sync Agent");
    assert!(failures[1].logon, "%%1069 is a logon failure");
    assert_eq!(
        failures[1].error,
        "The service did not start due to a logon failure (error 1069)"
    );
    assert_eq!(failures[2].service, "Contoso Sync Agent");
    assert!(!failures[2].logon);
    assert!(failures[3].logon);
    // Not the Windows Installer service: no msiserver fact.
    assert!(win_events(&file)
        .into_iter()
        .all(|w| w.installer_service().is_none()));
    assert_eq!(
        file.events[1].text,
        "Service Control Manager 7000: The Contoso Sync Agent service failed to start due to the following error: The service did not start due to a logon failure (error 1069)"
    );
}

#[test]
fn scm_events_about_the_installer_service_only() {
    let records = vec![
        scm(
            7000,
            &[
                ("param1", "Windows Installer"),
                ("param2", "Access is denied."),
            ],
        ),
        scm(7036, &[("param1", "Print Spooler"), ("param2", "running")])
            .binary(&utf16_bytes("Spooler/4\0")),
        scm(7036, &[("param1", "Dienst X"), ("param2", "Ausgeführt")])
            .binary(&utf16_bytes("msiserver/4\0")),
        scm(
            7036,
            &[("param1", "Установщик Windows"), ("param2", "работает")],
        ),
        scm(
            7040,
            &[
                ("param1", "Windows Installer"),
                ("param2", "demand start"),
                ("param3", "disabled"),
                ("param4", "msiserver"),
            ],
        ),
        scm(7026, &[("param1", "Windows Installer"), ("param2", "x")]),
    ];
    let file = read(&Arc::from("System.evtx"), &write_evtx(&records));
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    assert_eq!(file.records_total, 6);
    assert_eq!(ids(&file), vec![7000, 7036, 7036, 7040]);
    let facts: Vec<Option<InstallerServiceFact>> = win_events(&file)
        .into_iter()
        .map(|w| w.installer_service().cloned())
        .collect();
    assert_eq!(
        facts,
        vec![
            Some(InstallerServiceFact::FailedToStart {
                error: "Access is denied.".into()
            }),
            Some(InstallerServiceFact::StateChanged {
                state: "Ausgeführt".into()
            }),
            Some(InstallerServiceFact::StateChanged {
                state: "работает".into()
            }),
            Some(InstallerServiceFact::StartTypeChanged {
                from: "demand start".into(),
                to: "disabled".into()
            }),
        ]
    );
    assert_eq!(
        file.events[0].text,
        "Service Control Manager 7000: The Windows Installer service failed to start due to the following error: Access is denied."
    );
    assert_eq!(win_events(&file)[0].channel, "System");
}

#[test]
fn files_in_use_1025() {
    let spec = RecordSpec::new("MsiInstaller", 1025).sid(SID).data(&[
        "Contoso",
        "C:\\Program Files\\Contoso\\app.dll",
        "explorer",
        "4548",
        "(NULL)",
        "(NULL)",
        "",
    ]);
    let file = read(&path(), &write_evtx(&[spec]));
    assert_eq!(
        win_events(&file)[0].msi(),
        Some(&MsiInstallerFact::FileInUse {
            product: "Contoso".into(),
            file: "C:\\Program Files\\Contoso\\app.dll".into(),
            process: "explorer".into(),
            pid: Some(4548)
        })
    );
    assert_eq!(
        file.events[0].text,
        "MsiInstaller 1025: Product: Contoso. The file C:\\Program Files\\Contoso\\app.dll is being used by the following process: Name: explorer , Id 4548."
    );
}

#[test]
fn msiexec_crashes_kept_other_crashes_skipped() {
    let crash = |app: &str| {
        RecordSpec::new("Application Error", 1000)
            .qualifiers(0)
            .named(&[
                ("AppName", app),
                ("AppVersion", "5.0.22621.1"),
                ("ModuleName", "CustomAction.dll"),
                ("ExceptionCode", "c0000005"),
                ("ProcessId", "0x1a2c"),
                ("ModulePath", "C:\\Windows\\Installer\\MSI7A3B.tmp"),
            ])
    };
    let wer = |p1: &str| {
        RecordSpec::new("Windows Error Reporting", 1001).data(&[
            "1234",
            "1",
            "APPCRASH",
            "Not available",
            "0",
            p1,
            "5.0",
            "x",
        ])
    };
    let records = vec![
        crash("msiexec.exe"),
        crash("explorer.exe"),
        wer("MSIEXEC.EXE"),
        wer("notepad.exe"),
    ];
    let file = read(&path(), &write_evtx(&records));
    assert_eq!(file.records_total, 4);
    assert_eq!(ids(&file), vec![1000, 1001]);
    let fact = win_events(&file)[0].crash().unwrap();
    assert_eq!(fact.app, "msiexec.exe");
    assert_eq!(fact.module, "CustomAction.dll");
    assert_eq!(fact.exception, "c0000005");
    assert_eq!(fact.pid, Some(0x1a2c));
    assert_eq!(
        fact.module_path.as_deref(),
        Some("C:\\Windows\\Installer\\MSI7A3B.tmp")
    );
}

#[test]
fn restart_manager_kept_noise_skipped() {
    let records = vec![
        RecordSpec::new("Microsoft-Windows-RestartManager", 10000)
            .pid(4007)
            .named(&[
                ("RmSessionId", "0"),
                ("UTCStartTime", "2025-03-14T08:32:13Z"),
            ]),
        RecordSpec::new("Microsoft-Windows-RestartManager", 10002).pid(4007),
        RecordSpec::new("Microsoft-Windows-Security-SPP", 1033).data(&["not msi", "x", "y"]),
        RecordSpec::new("ESENT", 326).data(&["svchost", "1"]),
        RecordSpec::new("MsiInstallerX", 1033).data(&["close but no"]),
    ];
    let file = read(&path(), &write_evtx(&records));
    assert_eq!((file.records_total, file.records_kept), (5, 1));
    let rm = win_events(&file)[0];
    assert_eq!((rm.event_id, rm.process_id), (10000, Some(4007)));
    assert_eq!(
        file.events[0].text,
        "Microsoft-Windows-RestartManager 10000: RmSessionId=0 | UTCStartTime=2025-03-14T08:32:13Z"
    );
}

// ---------------------------------------------------------------------------------------------
// Damaged files.

/// About nine chunks, an MSI failure sequence every 500 records.
fn multi_chunk_file() -> (Vec<u8>, usize) {
    let records = noisy_log(1600);
    let bytes = write_evtx(&records);
    let chunks = chunk_count(&bytes);
    assert!(chunks >= 3);
    (bytes, chunks)
}

fn problems_matching(file: &EvtxFile, needle: &str) -> usize {
    file.problems.iter().filter(|p| p.contains(needle)).count()
}

#[test]
fn bad_chunk_magic_skips_that_chunk_only() {
    let (mut bytes, _) = multi_chunk_file();
    let whole = read(&path(), &bytes);
    // The chunk that holds the second MSI failure sequence (records 501 to 505).
    let broken = chunk_of_record(&bytes, 501);
    assert_eq!(chunk_of_record(&bytes, 505), broken);
    let records_in_broken = record_offsets(&bytes, broken).len() as u64;
    flip_chunk_magic(&mut bytes, broken);
    let file = read(&path(), &bytes);
    assert_eq!(
        file.problems,
        vec![format!(
            "Application.evtx: chunk {broken}: bad chunk magic, skipped"
        )]
    );
    assert_eq!(file.records_total, whole.records_total - records_in_broken);
    let kept: Vec<u64> = file.events.iter().filter_map(|e| e.origin.record).collect();
    let expected: Vec<u64> = whole
        .events
        .iter()
        .filter_map(|e| e.origin.record)
        .filter(|r| !(501..=505).contains(r))
        .collect();
    assert_eq!(kept, expected);
}

#[test]
fn bad_crcs_are_reported_and_records_kept() {
    let (mut bytes, _) = multi_chunk_file();
    let whole = read(&path(), &bytes);
    break_file_header_crc(&mut bytes);
    break_chunk_header_crc(&mut bytes, 0);
    break_records_crc(&mut bytes, 2);
    let file = read(&path(), &bytes);
    assert_eq!(
        file.problems,
        vec![
            "Application.evtx: file header CRC32 mismatch, chunks read anyway".to_string(),
            "Application.evtx: chunk 0: header CRC32 mismatch, records read anyway".to_string(),
            "Application.evtx: chunk 2: event records CRC32 mismatch (log not closed cleanly, or damaged), records read anyway".to_string(),
        ]
    );
    assert_eq!(file.records_total, whole.records_total);
    assert_eq!(file.events, whole.events);
}

#[test]
fn zero_size_record_is_reported_and_the_rest_kept() {
    let records: Vec<RecordSpec> = (0..5).map(|step| msi_failure_step(step, 1)).collect();
    let mut bytes = write_evtx(&records);
    zero_record_size(&mut bytes, 0, 2);
    let file = read(&path(), &bytes);
    assert_eq!(ids(&file), vec![1040, 10005, 1033, 1042]);
    assert_eq!(file.problems.len(), 2, "{:?}", file.problems);
    assert!(file.problems[0].starts_with("Application.evtx: chunk 0: event records CRC32 mismatch"));
    assert!(
        file.problems[1].starts_with("Application.evtx: chunk 0: ")
            && file.problems[1].ends_with(", skipped"),
        "{:?}",
        file.problems
    );
}

#[test]
fn truncated_file_keeps_records_before_the_cut() {
    let (bytes, _) = multi_chunk_file();
    let whole = read(&path(), &bytes);
    let cut = chunk_offset(1) + 30_000;
    let file = read(&path(), &truncate(&bytes, cut));
    assert_eq!(
        problems_matching(
            &file,
            "chunk 1: the file ends after 30000 of its 65536 bytes"
        ),
        1
    );
    assert!(file.records_total > 0 && file.records_total < whole.records_total);
    for event in &file.events {
        assert!(whole.events.contains(event));
    }
    let header_only = read(&path(), &truncate(&bytes, 2000));
    assert_eq!(header_only.records_total, 0);
    assert_eq!(problems_matching(&header_only, "ends inside its header"), 1);
}

#[test]
fn never_panics_on_truncation_at_every_997th_byte() {
    // Two chunks are enough to cut through the file header, a chunk header, records and the
    // space between chunks, and keep this test quick in debug builds.
    let bytes = write_evtx(&noisy_log(300));
    assert_eq!(chunk_count(&bytes), 2);
    let whole = read(&path(), &bytes);
    let mut last_total = 0;
    for len in (0..bytes.len()).step_by(997) {
        let file = read(&path(), &bytes[..len]);
        assert!(file.records_total >= last_total, "cut at {len}");
        assert!(file.records_total <= whole.records_total);
        assert!(
            len < FILE_HEADER_SIZE
                || !file.problems.is_empty()
                || (len - FILE_HEADER_SIZE).is_multiple_of(CHUNK_SIZE)
        );
        last_total = file.records_total;
    }
}

// ---------------------------------------------------------------------------------------------
// The real event logs of the shared corpus.

fn corpus_dir() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/evtx");
    [beside, PathBuf::from("/work/shared/corpus/evtx")]
        .into_iter()
        .find(|p| p.is_dir())
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir);
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn read_corpus(dir: &Path, relative: &str) -> EvtxFile {
    let p = dir.join(relative);
    let bytes = std::fs::read(&p).unwrap();
    read(&Arc::from(relative), &bytes)
}

fn msi_ids(file: &EvtxFile) -> BTreeMap<u32, usize> {
    let mut counts = BTreeMap::new();
    for w in win_events(file) {
        if w.provider == "MsiInstaller" {
            *counts.entry(w.event_id).or_default() += 1;
        }
    }
    counts
}

#[test]
fn every_corpus_file_reads_without_panic() {
    let Some(dir) = corpus_dir() else {
        eprintln!("shared corpus not found: skipped");
        return;
    };
    let files = corpus_files(&dir);
    assert!(files.len() >= 40, "{} files", files.len());
    for p in files {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.strip_prefix(&dir).unwrap().display().to_string();
        let file = read(&Arc::from(name.as_str()), &bytes);
        let providers: BTreeMap<String, usize> =
            win_events(&file).iter().fold(BTreeMap::new(), |mut m, w| {
                *m.entry(format!("{} {}", w.provider, w.event_id))
                    .or_default() += 1;
                m
            });
        println!(
            "{name}: records {} kept {} {:?} problems {:?}",
            file.records_total, file.records_kept, providers, file.problems
        );
        assert_eq!(file.records_kept as usize, file.events.len());
        assert!(file.problems.iter().all(|p| p.starts_with(name.as_str())));
    }
}

/// `local_path → {id: count}` from the corpus MANIFEST notes (`MsiInstaller events: yes {…}` or
/// `no`).
fn manifest_msi_counts(dir: &Path) -> BTreeMap<String, BTreeMap<u32, usize>> {
    let manifest = std::fs::read_to_string(dir.join("../MANIFEST.tsv")).unwrap_or_default();
    let mut out = BTreeMap::new();
    for line in manifest.lines().filter(|l| l.starts_with("evtx\t")) {
        let Some(path) = line.split('\t').nth(1) else {
            continue;
        };
        let Some(note) = line.split("MsiInstaller events: ").nth(1) else {
            continue;
        };
        let mut counts = BTreeMap::new();
        if let Some(list) = note.strip_prefix("yes {").and_then(|n| n.split('}').next()) {
            for pair in list.split(',') {
                let (id, n) = pair.split_once(':').unwrap();
                counts.insert(id.trim().parse().unwrap(), n.trim().parse().unwrap());
            }
        }
        let relative = path.trim_start_matches("evtx/").to_string();
        out.insert(relative, counts);
    }
    out
}

#[test]
fn corpus_msi_installer_events_match_the_manifest() {
    let Some(dir) = corpus_dir() else {
        eprintln!("shared corpus not found: skipped");
        return;
    };
    let expected = manifest_msi_counts(&dir);
    assert!(expected.len() >= 40, "{} MANIFEST entries", expected.len());
    for (relative, counts) in &expected {
        if !dir.join(relative).is_file() {
            continue;
        }
        assert_eq!(&msi_ids(&read_corpus(&dir, relative)), counts, "{relative}");
    }
    // The same counts, written out: what the three files with MSI events hold.
    let rogue = read_corpus(&dir, "EVTX-ATTACK-SAMPLES/rogue_msi_url_1040_1042.evtx");
    assert_eq!(msi_ids(&rogue), BTreeMap::from([(1040, 173), (1042, 173)]));
    let fukusuket = read_corpus(&dir, "fukusuket-evtx-parser/Application.evtx");
    assert_eq!(
        msi_ids(&fukusuket),
        BTreeMap::from([
            (1025, 1),
            (1029, 1),
            (1033, 1),
            (1038, 1),
            (1040, 1),
            (1042, 1),
            (11707, 1)
        ])
    );
    let office = read_corpus(&dir, "4renwald-evtx-python/Application.evtx");
    assert_eq!(
        msi_ids(&office),
        BTreeMap::from([
            (1029, 1),
            (1035, 4),
            (1038, 1),
            (1040, 4),
            (1042, 4),
            (11728, 4)
        ])
    );
}

#[test]
fn corpus_msi_events_decode() {
    let Some(dir) = corpus_dir() else {
        eprintln!("shared corpus not found: skipped");
        return;
    };
    let file = read_corpus(&dir, "fukusuket-evtx-parser/Application.evtx");
    let events = win_events(&file);
    let facts: Vec<&MsiInstallerFact> = events.iter().filter_map(|w| w.msi()).collect();
    assert!(facts.contains(&&MsiInstallerFact::FileInUse {
        product: "Parallels Tools".into(),
        file: "C:\\Windows\\system32\\KbdPrlUS.dll".into(),
        process: "ctfmon".into(),
        pid: Some(4548)
    }));
    assert!(facts.iter().any(|f| matches!(
        f,
        MsiInstallerFact::ProductOutcome(ProductOutcome { operation: Operation::Install, product, status: 0, product_code: Some(code), .. })
            if product == "Parallels Tools" && code == "{639D4A0B-C6CC-4253-92BA-6909DCAEA7CF}"
    )));
    assert!(facts.iter().any(|f| matches!(
        f,
        MsiInstallerFact::TransactionBegin { client_pid: 8948, target } if target.ends_with("ParallelsTools-ARM64.msi")
    )));
    let msi = events.iter().find(|w| w.event_id == 1040).unwrap();
    assert_eq!(
        msi.user_sid.as_deref(),
        Some("S-1-5-21-2607610509-2053195791-2170555934-1000")
    );
    assert_eq!(
        (msi.channel.as_str(), msi.computer.as_str()),
        ("Application", "FUKUSUKE16E9")
    );
    assert_eq!(msi.process_id, Some(8824));
    let restart_manager = events
        .iter()
        .filter(|w| w.provider == "Microsoft-Windows-RestartManager")
        .count();
    assert_eq!(restart_manager, 11);

    let system = read_corpus(&dir, "python-evtx/system.evtx");
    let states: Vec<Option<InstallerServiceFact>> = win_events(&system)
        .into_iter()
        .map(|w| w.installer_service().cloned())
        .collect();
    assert_eq!(
        states,
        vec![
            Some(InstallerServiceFact::StateChanged {
                state: "running".into()
            }),
            Some(InstallerServiceFact::StateChanged {
                state: "stopped".into()
            }),
        ]
    );
    assert_eq!(
        system.events[0].text,
        "Service Control Manager 7036: The Windows Installer service entered the running state."
    );
}

#[test]
fn corpus_broken_files_report_their_damage() {
    let Some(dir) = corpus_dir() else {
        eprintln!("shared corpus not found: skipped");
        return;
    };
    let bad_magic = read_corpus(&dir, "omerbenamram-evtx/sample_with_a_bad_chunk_magic.evtx");
    assert_eq!(problems_matching(&bad_magic, "bad chunk magic"), 2);
    assert_eq!(
        problems_matching(&bad_magic, "chunk 6: bad chunk magic, skipped"),
        1
    );
    assert_eq!(
        problems_matching(&bad_magic, "chunk 10: bad chunk magic, skipped"),
        1
    );
    assert_eq!(bad_magic.records_total, 301);

    let string_cache = read_corpus(&dir, "omerbenamram-evtx/security_bad_string_cache.evtx");
    assert_eq!(
        problems_matching(&string_cache, "chunk 0: header CRC32 mismatch"),
        1
    );
    assert_eq!(string_cache.records_total, 2261);

    let sysmon = read_corpus(&dir, "omerbenamram-evtx/sysmon.evtx");
    assert_eq!(
        problems_matching(
            &sysmon,
            "bad chunk magic (past the chunks the file header declares"
        ),
        8
    );
    assert_eq!(sysmon.records_total, 358);

    let zero_size = read_corpus(
        &dir,
        "omerbenamram-evtx/sample-with-zero-data-size-event.evtx",
    );
    assert_eq!(problems_matching(&zero_size, "found `0`, skipped"), 1);
    assert_eq!(zero_size.records_total, 449);

    // Format 3.2 logs that say (flag NO_CRC32) they carry no CRC32: nothing to report.
    let no_crc = read_corpus(&dir, "omerbenamram-evtx/Application_no_crc32.evtx");
    assert!(no_crc.problems.is_empty(), "{:?}", no_crc.problems);
    assert_eq!(no_crc.records_total, 17);

    let rdp = read_corpus(
        &dir,
        "omerbenamram-evtx/2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx",
    );
    assert_eq!(problems_matching(&rdp, "event records CRC32 mismatch"), 2);
    assert_eq!(rdp.records_total, 1910);
}

/// Not a check: timings for the benchmark comparison with `evtx_dump -o jsonl`. Run with
/// `cargo test --release --test evtx_reader -- --ignored --nocapture reader_timing`; it also
/// leaves the generated 200 000-record log in the temp folder for the external tool.
#[test]
#[ignore]
fn reader_timing() {
    let generated = std::env::temp_dir().join("msidiag-evtx-bench-200k.evtx");
    std::fs::write(&generated, write_evtx(&noisy_log(200_000))).unwrap();
    let mut files = vec![generated];
    if let Some(dir) = corpus_dir() {
        files.extend(
            [
                "anotherc0ne-EventLog/System.evtx",
                "omerbenamram-evtx/security.evtx",
                "omerbenamram-evtx/sample-with-irregular-bool-values.evtx",
                "python-evtx/issue_43.evtx",
                "fukusuket-evtx-parser/Application.evtx",
            ]
            .map(|f| dir.join(f)),
        );
    }
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            let name: Arc<str> = Arc::from(file.display().to_string().as_str());
            let best = (0..5)
                .map(|_| {
                    let start = std::time::Instant::now();
                    let out = pool.install(|| read(&name, &bytes));
                    (start.elapsed(), out.records_total, out.records_kept)
                })
                .min()
                .unwrap();
            println!(
                "threads {threads}  {:>8.1} ms  {:>7} records  {:>5} kept  {:>6.1} MB  {}",
                best.0.as_secs_f64() * 1000.0,
                best.1,
                best.2,
                bytes.len() as f64 / 1e6,
                file.display()
            );
        }
    }
}
