//! Regression benches of the readers on fixture-sized inputs (a few MB each, generated with the
//! test writers): Procmon CSV and PML, EVTX, verbose MSI log (UTF-16LE). Run with
//! `cargo bench --bench readers`; whole-run throughput on large inputs is `scripts/bench.sh`.

use msidiag_testkit::{evtx_writer, pml_writer};

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use msidiag::sources::msilog::{self, DateHint, SessionOptions};
use msidiag::sources::{evtx, procmon};

/// A Procmon CSV export (long Win10 columns) of about `bytes`: noise from a few processes,
/// and the msiexec tree's failures every 7th row.
fn procmon_csv(bytes: usize) -> Vec<u8> {
    let mut csv = String::from("\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Date & Time\",\"Event Class\",\"Image Path\",\"User\",\"Command Line\",\"TID\",\"Integrity\",\"Parent PID\"\r\n");
    let mut i = 0u64;
    while csv.len() < bytes {
        i += 1;
        let (name, pid, result) = match i % 7 {
            0 => ("msiexec.exe", 4242, "ACCESS DENIED"),
            1 | 2 => ("svchost.exe", 1012, "NAME NOT FOUND"),
            _ => ("Explorer.EXE", 3344, "SUCCESS"),
        };
        csv.push_str(&format!(
            "\"{}:{:02}:{:02}.{:07} AM\",\"{name}\",\"{pid}\",\"CreateFile\",\"C:\\Windows\\Installer\\MSI{i:X}.tmp\",\"{result}\",\"Desired Access: Generic Read, Disposition: Open, Options: Synchronous IO Non-Alert, Attributes: n/a, ShareMode: Read, Write, AllocationSize: n/a\",\"3/14/2025 8:30:00 AM\",\"File System\",\"C:\\Windows\\system32\\{name}\",\"NT AUTHORITY\\SYSTEM\",\"\"\"C:\\Windows\\system32\\{name}\"\" /V\",\"{}\",\"System\",\"700\"\r\n",
            8 + i / 3_600_000 % 4,
            i / 60_000 % 60,
            i / 1000 % 60,
            i % 10_000_000,
            5000 + i % 13
        ));
    }
    csv.into_bytes()
}

fn pml_capture(n: usize) -> Vec<u8> {
    use pml_writer::*;
    let processes = vec![
        PmlProcess::new(4242, 3344, "msiexec.exe"),
        PmlProcess::new(1012, 700, "svchost.exe"),
        PmlProcess::new(3344, 3288, "Explorer.EXE"),
    ];
    let t0 = filetime(2025, 3, 14, 8, 0, 0, 0);
    let events = (0..n)
        .map(|i| {
            let (process, result) = match i % 7 {
                0 => (0, ACCESS_DENIED),
                1 | 2 => (1, NAME_NOT_FOUND),
                _ => (2, SUCCESS),
            };
            let mut e = PmlEvent::new(
                process,
                t0 + i as u64 * 1000,
                result,
                PmlDetail::CreateFile {
                    path: format!("C:\\Windows\\Installer\\MSI{i:X}.tmp"),
                    access: 0x8012_0089,
                    disposition: 1,
                    options: 0x20,
                    attributes: 0,
                    share: 7,
                    open_result: Some(1),
                },
            );
            e.stack_depth = 16;
            e
        })
        .collect();
    PmlCapture {
        is64: true,
        processes,
        events,
    }
    .to_bytes()
}

/// A UTF-16LE verbose log of about `bytes`, mostly routine engine lines.
fn msilog_utf16(bytes: usize) -> Vec<u8> {
    let mut text = String::from("=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n");
    let mut i = 0u64;
    while text.len() * 2 < bytes {
        i += 1;
        let ms = i % 1000;
        let line = match i % 10 {
            0..=3 => format!("MSI (s) (A0:C8) [08:32:13:{ms:03}]: Component: C_{i}; Installed: Absent;   Request: Local;   Action: Local"),
            4..=6 => format!("MSI (s) (A0:C8) [08:32:13:{ms:03}]: Executing op: FileCopy(SourceName=f{i}.dll|file{i}.dll,DestName=file{i}.dll,Attributes=512,FileSize=4096)"),
            7 => format!("MSI (s) (A0:C8) [08:32:13:{ms:03}]: Note: 1: 2205 2:  3: _RemoveFilePath "),
            8 => format!("Action start 8:32:13: Act{i}."),
            _ => format!("Action ended 8:32:13: Act{i}. Return value 1."),
        };
        text.push_str(&line);
        text.push_str("\r\n");
    }
    text.push_str("MSI (s) (A0:C8) [08:32:14:050]: MainEngineThread is returning 1603\r\n=== Verbose logging stopped: 3/14/2025  8:32:14 ===\r\n");
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn readers(c: &mut Criterion) {
    let mut group = c.benchmark_group("readers");
    group.sample_size(20);

    let csv = procmon_csv(4 << 20);
    let path: Arc<str> = Arc::from("bench.csv");
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function("procmon_csv", |b| b.iter(|| procmon::read_csv(&path, &csv)));

    let pml = pml_capture(20_000);
    let path: Arc<str> = Arc::from("bench.pml");
    group.throughput(Throughput::Bytes(pml.len() as u64));
    group.bench_function("procmon_pml", |b| b.iter(|| procmon::read_pml(&path, &pml)));

    let log = evtx_writer::write_evtx(&evtx_writer::noisy_log(20_000));
    let path: Arc<str> = Arc::from("bench.evtx");
    group.throughput(Throughput::Bytes(log.len() as u64));
    group.bench_function("evtx", |b| b.iter(|| evtx::read(&path, &log)));

    let msi = msilog_utf16(4 << 20);
    let path: Arc<str> = Arc::from("bench.log");
    let options = SessionOptions {
        date_hint: DateHint::None,
    };
    group.throughput(Throughput::Bytes(msi.len() as u64));
    group.bench_function("msilog_utf16", |b| {
        b.iter(|| msilog::read(&path, &msi, options))
    });
    group.finish();
}

criterion_group!(benches, readers);
criterion_main!(benches);
