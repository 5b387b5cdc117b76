//! Checks the MSI log reader against the third-party logs in `../shared/corpus/msilog`: every
//! file reads without problems, every session's exit code matches the corpus MANIFEST, and each
//! failing log yields a finding that cites the line where the failing custom action returned.
//! Skipped (with a message) when the corpus is not beside the repository.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    p.join("msilog").is_dir().then_some(p)
}

/// `local_path` → `MainEngineThread returns N` from the MANIFEST notes.
fn manifest_exit_codes(corpus: &Path) -> HashMap<String, i64> {
    let text = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).unwrap();
    text.lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            if cols.first() != Some(&"msilog") {
                return None;
            }
            let note = cols.get(6)?;
            let code = note
                .split("MainEngineThread returns ")
                .nth(1)?
                .split(';')
                .next()?
                .trim()
                .parse()
                .ok()?;
            Some((cols[1].to_string(), code))
        })
        .collect()
}

#[test]
fn corpus_msi_logs_read_cleanly_and_failures_are_explained() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found beside the repository: skipped");
        return;
    };
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json", "-"])
        .arg(corpus.join("msilog"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let inputs = r["inputs"].as_array().unwrap();
    assert!(inputs.len() >= 60, "{} inputs", inputs.len());
    for i in inputs {
        assert_eq!(i["kind"], "msilog", "{}", i["path"]);
        assert_eq!(i["status"], "ok", "{}: {:?}", i["path"], i["problems"]);
        assert!(
            i["problems"].as_array().unwrap().is_empty(),
            "{}: {:?}",
            i["path"],
            i["problems"]
        );
    }
    let expected = manifest_exit_codes(&corpus);
    let sessions = r["sessions"].as_array().unwrap();
    let mut checked = 0;
    for s in sessions {
        let source = s["source"].as_str().unwrap();
        let Some((local, code)) = expected.iter().find(|(k, _)| source.contains(k.as_str())) else {
            continue;
        };
        checked += 1;
        assert_eq!(s["exit_code"].as_i64(), Some(*code), "{local}");
        let ids: Vec<&str> = s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        if *code == 0 {
            assert!(ids.is_empty(), "{local}: a successful log produced {ids:?}");
            continue;
        }
        let log = std::fs::read(corpus.join(local)).unwrap();
        let text: String = String::from_utf16_lossy(
            &log[2..]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        );
        let returned_line = text
            .lines()
            .position(|l| {
                l.contains("returned actual error code") && !l.contains("translated to success")
            })
            .map(|i| i as u64 + 1)
            .unwrap_or_else(|| panic!("{local}: no failing custom action line"));
        let finding = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["session"] == s["id"] && f["id"] == "custom-action-failed")
            .unwrap_or_else(|| panic!("{local}: no custom-action-failed finding ({ids:?})"));
        assert!(
            finding["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["line"].as_u64() == Some(returned_line)),
            "{local}: the finding does not cite line {returned_line}"
        );
    }
    assert!(
        checked >= 50,
        "only {checked} sessions matched MANIFEST rows"
    );
}

/// The WiX Burn bundle logs of the corpus (`other/wixpills-*`) read without problems, with
/// their MSI logs beside them (`msilog/wixpills-*`): every package that ran is linked to the
/// session of the MSI log the bundle names, and the start condition that evaluated to false
/// is `bundle-prerequisite-blocked`.
#[test]
fn corpus_bundle_logs_link_their_packages() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found beside the repository: skipped");
        return;
    };
    let mut cases = 0;
    for entry in std::fs::read_dir(corpus.join("other")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("wixpills-Bundle") {
            continue;
        }
        cases += 1;
        let out = Command::cargo_bin("msidiag")
            .unwrap()
            .args(["analyze", "--json", "-"])
            .arg(&dir)
            .arg(corpus.join("msilog").join(&name))
            .output()
            .unwrap();
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        for i in r["inputs"].as_array().unwrap() {
            assert_eq!(i["status"], "ok", "{}: {:?}", i["path"], i["problems"]);
        }
        let bundles = r["bundles"].as_array().expect("bundles");
        assert!(!bundles.is_empty(), "{name}");
        for b in bundles {
            assert!(
                b["engine_version"].as_str().unwrap().starts_with("3."),
                "{b}"
            );
            for p in b["packages"].as_array().unwrap() {
                if p["result"].is_string() {
                    assert!(p["session"].is_string(), "{name}: {p} has no session");
                }
            }
            let blocked = b["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "bundle-prerequisite-blocked");
            assert_eq!(blocked, b["exit_code"] == "0x00000001", "{name}: {b}");
        }
    }
    assert_eq!(cases, 3, "three bundle folders in the corpus");
}
