//! A reader that stops reading the text summary (`msidiag analyze … | head`) ends the run
//! quietly: no panic, the exit code the run would have had. The summary is written to stdout
//! as it is made (`src/report/text.rs`, `write_styled`), so the run meets the closed pipe
//! while writing; this must not write in the repository (the input is made in a temporary
//! folder).

use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_ends_the_summary_quietly() {
    let log = std::fs::read("fixtures/cases/user-cancelled/input/cancelled.log").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.log");
    // 400 sessions: a summary of some 400 KB, far more than a pipe holds, so the run is still
    // writing when the reader goes away.
    std::fs::write(&path, log.repeat(400)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_msidiag"))
        .args(["analyze", "--no-user-rules", "--color", "never"])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    assert_eq!(&head, b"msidiag: 1");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
