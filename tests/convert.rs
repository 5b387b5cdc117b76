//! `msidiag convert` against Procmon's own CSV export of the same captures (the corpus oracle
//! pairs): Time of Day, Process Name, PID, Operation, Path and Result must match row for row.
//! Skipped (with a message) when the corpus is not beside the repository.

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    p.join("procmon-pml").is_dir().then_some(p)
}

fn inflate(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(bytes)
        .trim_start_matches('\u{feff}')
        .to_string();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().take(7).map(str::to_string).collect())
        .collect()
}

#[test]
fn converted_captures_match_procmons_own_export() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found beside the repository: skipped");
        return;
    };
    let pairs = [
        (
            "CompressedLogFileUTC32FilesystemPML.PML.zlib",
            "CompressedLogFileUTC32FilesystemCSV.csv.zlib",
        ),
        (
            "CompressedLogFileUTC64ProcessPML.PML.zlib",
            "CompressedLogFileUTC64ProcessCSV.csv.zlib",
        ),
        (
            "CompressedLogFileUTC64RegistryPML.PML.zlib",
            "CompressedLogFileUTC64RegistryCSV.csv.zlib",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (pml, csv) in pairs {
        let capture = dir.path().join("capture.bin");
        std::fs::write(
            &capture,
            inflate(&corpus.join("procmon-pml/procmon-parser").join(pml)),
        )
        .unwrap();
        let out = dir.path().join("out.csv");
        let status = Command::cargo_bin("msidiag")
            .unwrap()
            .arg("convert")
            .arg(&capture)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            status.status.code(),
            Some(0),
            "{pml}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let ours = std::fs::read(&out).unwrap();
        assert!(ours.starts_with(b"\xEF\xBB\xBF\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n"), "{pml}: header");
        let ours = rows(&ours);
        let theirs = rows(&inflate(
            &corpus.join("procmon-csv/procmon-parser").join(csv),
        ));
        assert_eq!(ours.len(), theirs.len(), "{pml}: row count");
        let mut detail_same = 0;
        for (n, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            for col in 0..6 {
                let unknown_op = col == 3 && b[3] == "<Unknown>";
                assert!(
                    a[col] == b[col] || unknown_op,
                    "{pml}: row {} column {col}: {:?} vs {:?}",
                    n + 1,
                    a[col],
                    b[col]
                );
            }
            detail_same += usize::from(a[6] == b[6]);
        }
        eprintln!(
            "{pml}: {} rows, Detail identical in {:.2}%",
            ours.len(),
            100.0 * detail_same as f64 / ours.len() as f64
        );
    }
}

#[test]
fn convert_refuses_what_is_not_a_capture() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.pml");
    std::fs::write(
        &f,
        b"=== Verbose logging started: 1/2/2020  1:02:03 ===\r\n",
    )
    .unwrap();
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .arg("convert")
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x.pml"));
}
