//! Nothing is lost when many sessions come in one large MSI log: the report of a log made of
//! every fixture and corpus MSI log appended one after another (as `/l+v` appends do, as many
//! times as makes a file of 64 MiB or more, which the CLI reads window by window and, with
//! `--json` only, diagnoses session by session as it reads, dropping each session's events)
//! must give, session by session, the same sessions and the same findings with the same
//! evidence (line, time, exact text) as each of those logs read on its own.
//!
//! The pieces are the MSI logs under `fixtures/cases/*/input` and, when it is beside the
//! repository, `../shared/corpus/msilog` (read in place, never copied). Only session ids, file
//! names and line offsets may differ; they are mapped before comparing.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use msidiag::input::decode::decode;
use msidiag::input::sniff::{sniff, InputKind};
use serde_json::Value;

/// Every file under `dir`, sorted by path.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The text of every MSI log piece, each ending in a line break.
fn pieces() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("fixtures/cases"), &mut files);
    files_under(&root.join("../shared/corpus/msilog"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|p| {
            p.components().any(|c| c.as_os_str() == "input")
                || p.starts_with(root.join("../shared"))
        })
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            if sniff(&bytes) != InputKind::Msilog {
                return None;
            }
            let mut text = decode(&bytes).text;
            // A piece without its own header would continue the previous piece's session.
            if !text.trim_start().starts_with("===") {
                return None;
            }
            if !text.ends_with('\n') {
                text.push_str("\r\n");
            }
            Some((p, text))
        })
        .collect()
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

fn analyze(path: &Path, json: &Path) -> Value {
    analyze_with(path, json, &[])
}

/// [`analyze`] with more arguments.
fn analyze_with(path: &Path, json: &Path, more: &[&str]) -> Value {
    Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--no-user-rules", "--json"])
        .arg(json)
        .args(more)
        .arg(path)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap()
}

/// One session and its findings with the file name, the session id and `offset` lines taken
/// out, so that a session of the large log compares equal to the same session read alone.
fn normalized_sessions(report: &Value, offset_of: impl Fn(u64) -> u64) -> Vec<Value> {
    let findings = report["findings"].as_array().unwrap();
    report["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap();
            let source = s["source"].as_str().unwrap();
            let (first, last) = source
                .rsplit_once(':')
                .and_then(|(_, r)| r.split_once('-'))
                .map(|(a, b)| (a.parse::<u64>().unwrap(), b.parse::<u64>().unwrap()))
                .unwrap();
            let offset = offset_of(first);
            let mut session = s.clone();
            let obj = session.as_object_mut().unwrap();
            obj.remove("id");
            obj.remove("sources");
            obj.insert(
                "source".into(),
                format!("{}-{}", first - offset, last - offset).into(),
            );
            let mut own: Vec<Value> = findings
                .iter()
                .filter(|f| f["session"] == id)
                .map(|f| {
                    let mut f = f.clone();
                    let obj = f.as_object_mut().unwrap();
                    obj.remove("session");
                    if let Some(evidence) = obj.get_mut("evidence").and_then(Value::as_array_mut) {
                        for e in evidence {
                            let e = e.as_object_mut().unwrap();
                            e.remove("path");
                            if let Some(line) = e.get("line").and_then(Value::as_u64) {
                                e.insert("line".into(), (line - offset).into());
                            }
                        }
                    }
                    f
                })
                .collect();
            own.sort_by_key(|f| f.to_string());
            obj.insert("findings".into(), Value::Array(own));
            session
        })
        .collect()
}

/// Files of this size and more are read window by window (`LARGE_INPUT` in src/lib.rs).
const LARGE_INPUT: usize = 64 << 20;

#[test]
fn a_large_log_of_appended_sessions_reports_what_each_log_reports_alone() {
    let pieces = pieces();
    assert!(
        pieces.len() >= 20,
        "expected the fixture MSI logs, found {}",
        pieces.len()
    );
    let dir = tempfile::tempdir().unwrap();
    // Enough copies for a log the CLI reads as a large file (64 MiB and more: window by
    // window, each session diagnosed as it is read and its events dropped, since `--json`
    // lists no event), and at least two (as `/l+v` appends do).
    let one_copy: usize = pieces
        .iter()
        .map(|(_, t)| t.encode_utf16().count() * 2)
        .sum();
    let copies = (LARGE_INPUT / one_copy + 1).max(2);
    // Each piece alone, and where it starts in the large log (0-based line offset).
    let mut expected = Vec::new();
    let mut starts = Vec::new();
    let mut whole = String::new();
    let mut lines = 0u64;
    for copy in 0..copies {
        for (i, (path, text)) in pieces.iter().enumerate() {
            if copy == 0 {
                let alone = dir.path().join(format!("piece{i}.log"));
                std::fs::write(&alone, utf16le(text)).unwrap();
                let report = analyze(&alone, &dir.path().join(format!("piece{i}.json")));
                let sessions = normalized_sessions(&report, |_| 0);
                assert!(!sessions.is_empty(), "{} gave no session", path.display());
                expected.push(sessions);
            }
            starts.push(lines);
            whole.push_str(text);
            lines += text.matches('\n').count() as u64;
        }
    }
    let big = dir.path().join("appended.log");
    let whole = utf16le(&whole);
    assert!(
        whole.len() >= LARGE_INPUT,
        "the appended log is a large input"
    );
    std::fs::write(&big, whole).unwrap();
    let report = analyze(&big, &dir.path().join("appended.json"));
    // The piece a session starts in gives its line offset.
    let offset_of = |first_line: u64| {
        let i = starts.partition_point(|&s| s < first_line) - 1;
        starts[i]
    };
    let got = normalized_sessions(&report, offset_of);
    let want: Vec<Value> = (0..copies)
        .flat_map(|_| expected.iter().flatten().cloned())
        .collect();
    assert_eq!(got.len(), want.len(), "session count");
    let findings: usize = got
        .iter()
        .map(|s| s["findings"].as_array().unwrap().len())
        .sum();
    assert!(
        findings > 0,
        "the pieces hold failing sessions with findings"
    );
    for (n, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "session {} of the appended log", n + 1);
    }
    // A report that lists events keeps every session whole: the JSON report (notes, inputs and
    // all) is the same as when each session was diagnosed as it was read.
    let jsonl = dir.path().join("appended.jsonl");
    let whole_read = analyze_with(
        &big,
        &dir.path().join("appended-whole.json"),
        &["--jsonl", jsonl.to_str().unwrap()],
    );
    assert_eq!(
        whole_read, report,
        "the JSON report with and without --jsonl"
    );
}
