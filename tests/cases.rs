//! Runs the binary on every fixture case under `fixtures/cases/<case>/input` and checks the
//! findings, sessions and inputs against `fixtures/cases/<case>/expected.json`, plus the JSON
//! contract itself.

use msidiag_testkit::run;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases")
}

/// The finding with `id` in a report.
fn finding<'a>(report: &'a Value, id: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()?
        .iter()
        .find(|f| f["id"] == id)
}

/// The `{ finding id: expectation }` entries of `key` in an `expected.json`.
fn per_finding<'a>(
    expected: &'a Value,
    key: &str,
) -> impl Iterator<Item = (&'a String, &'a Value)> {
    expected[key].as_object().into_iter().flatten()
}

fn ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// Every finding, session and input carries the fields the contract promises.
fn check_contract(case: &str, r: &Value) {
    assert_eq!(r["schema"], "msidiag/1", "{case}");
    for i in r["inputs"].as_array().unwrap() {
        for k in ["path", "kind", "encoding", "status", "problems"] {
            assert!(i.get(k).is_some(), "{case}: input lacks {k}");
        }
    }
    for s in r["sessions"].as_array().unwrap() {
        for k in [
            "source",
            "product",
            "product_code",
            "version",
            "operation",
            "started",
            "ended",
            "outcome",
            "exit_code",
        ] {
            assert!(s.get(k).is_some(), "{case}: session lacks {k}");
        }
    }
    for f in r["findings"].as_array().unwrap() {
        for k in [
            "id",
            "title",
            "confidence",
            "summary",
            "product",
            "evidence",
            "fixes",
        ] {
            assert!(f.get(k).is_some(), "{case}: finding lacks {k}");
        }
        assert!(
            ["high", "medium", "low"].contains(&f["confidence"].as_str().unwrap()),
            "{case}"
        );
        for field in ["title", "summary"] {
            let text = f[field].as_str().unwrap();
            if let Some(problem) = imprecise(text) {
                panic!("{case}: {} {field} {problem}: {text}", f["id"]);
            }
        }
        let evidence = f["evidence"].as_array().unwrap();
        assert!(!evidence.is_empty(), "{case}: {} has no evidence", f["id"]);
        for e in evidence {
            for k in ["path", "line", "time", "text"] {
                assert!(e.get(k).is_some(), "{case}: evidence lacks {k}");
            }
            assert!(!e["text"].as_str().unwrap().is_empty(), "{case}");
        }
        let fixes = f["fixes"].as_array().unwrap();
        assert!(!fixes.is_empty(), "{case}: {} has no fix", f["id"]);
        let commands: Vec<&str> = fixes.iter().filter_map(|x| x["command"].as_str()).collect();
        for (i, c) in commands.iter().enumerate() {
            // `"D:\App\"` ends in an escaped quote on a Windows command line.
            assert!(
                !c.contains("\\\""),
                "{case}: {} fix ends a quoted path in \\: {c}",
                f["id"]
            );
            assert!(
                !commands[..i].contains(c),
                "{case}: {} repeats the fix {c}",
                f["id"]
            );
        }
    }
    assert!(r["notes"].is_array(), "{case}");
}

/// A title or summary that names nothing (`''`, `()`, `""`) or repeats a word ("the the";
/// case matters, so a display name and a service name that differ only in case are fine).
fn imprecise(text: &str) -> Option<String> {
    for empty in ["''", "()", "\"\"", "( )"] {
        if text.contains(empty) {
            return Some(format!("holds an empty name {empty}"));
        }
    }
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .collect();
    words
        .windows(2)
        .find(|w| w[0] == w[1] && w[0].chars().any(char::is_alphabetic))
        .map(|w| format!("repeats the word {:?}", w[0]))
}

fn check_case(dir: &Path) -> Result<(), String> {
    let case = dir.file_name().unwrap().to_string_lossy().to_string();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
            .map_err(|e| format!("{case}: expected.json: {e}"))?;
    let r = run::analyze_json(&[], &dir.join("input"));
    check_contract(&case, &r);
    let got = ids(&r);
    for want in expected["findings"].as_array().unwrap() {
        let want = want.as_str().unwrap();
        if !got.iter().any(|g| g == want) {
            return Err(format!("{case}: missing finding {want}; got {got:?}"));
        }
    }
    for absent in expected["absent_findings"].as_array().into_iter().flatten() {
        let absent = absent.as_str().unwrap();
        if got.iter().any(|g| g == absent) {
            return Err(format!("{case}: unexpected finding {absent}; got {got:?}"));
        }
    }
    if expected["findings"].as_array().unwrap().is_empty() && !got.is_empty() {
        return Err(format!("{case}: expected no finding, got {got:?}"));
    }
    for want in expected["inputs"].as_array().into_iter().flatten() {
        let file = want["file"].as_str().unwrap();
        let input = r["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(file))
            .ok_or_else(|| format!("{case}: no input {file}"))?;
        for k in ["kind", "encoding", "status"] {
            if want.get(k).is_some() && input[k] != want[k] {
                return Err(format!(
                    "{case}: input {file} {k} = {} (expected {})",
                    input[k], want[k]
                ));
            }
        }
        for part in want["problems_contain"].as_array().into_iter().flatten() {
            let part = part.as_str().unwrap();
            let problems = input["problems"].as_array().unwrap();
            if !problems.iter().any(|p| p.as_str().unwrap().contains(part)) {
                return Err(format!(
                    "{case}: no problem of input {file} holds {part:?}: {problems:?}"
                ));
            }
        }
    }
    let notes: Vec<&str> = r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    for want in expected["notes_contain"].as_array().into_iter().flatten() {
        let want = want.as_str().unwrap();
        if !notes.iter().any(|n| n.contains(want)) {
            return Err(format!("{case}: no note holds {want:?}; notes: {notes:?}"));
        }
    }
    for unwanted in expected["notes_lack"].as_array().into_iter().flatten() {
        let unwanted = unwanted.as_str().unwrap();
        if let Some(n) = notes.iter().find(|n| n.contains(unwanted)) {
            return Err(format!("{case}: a note holds {unwanted:?}: {n}"));
        }
    }
    for (id, files) in per_finding(&expected, "finding_evidence") {
        let finding = finding(&r, id).ok_or_else(|| format!("{case}: no finding {id}"))?;
        for file in files.as_array().unwrap() {
            let file = file.as_str().unwrap();
            let cited = finding["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["path"].as_str().unwrap().ends_with(file));
            if !cited {
                return Err(format!("{case}: {id} cites nothing from {file}"));
            }
        }
    }
    for (id, lines) in per_finding(&expected, "finding_evidence_lines") {
        let finding = finding(&r, id).ok_or_else(|| format!("{case}: no finding {id}"))?;
        let cited: Vec<u64> = finding["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["line"].as_u64())
            .collect();
        for line in lines.as_array().unwrap() {
            let line = line.as_u64().unwrap();
            if !cited.contains(&line) {
                return Err(format!(
                    "{case}: {id} does not cite line {line}; cites {cited:?}"
                ));
            }
        }
    }
    for (id, lines) in per_finding(&expected, "finding_evidence_lines_absent") {
        let finding = finding(&r, id).ok_or_else(|| format!("{case}: no finding {id}"))?;
        for line in lines.as_array().unwrap() {
            let line = line.as_u64().unwrap();
            if finding["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["line"].as_u64() == Some(line))
            {
                return Err(format!(
                    "{case}: {id} cites line {line}, which is not its own"
                ));
            }
        }
    }
    for (id, times) in per_finding(&expected, "finding_evidence_times") {
        let finding = finding(&r, id).ok_or_else(|| format!("{case}: no finding {id}"))?;
        for (line, want) in times.as_object().unwrap() {
            let line: u64 = line.parse().unwrap();
            let got = finding["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["line"].as_u64() == Some(line))
                .map(|e| e["time"].clone())
                .ok_or_else(|| format!("{case}: {id} does not cite line {line}"))?;
            if got != *want {
                return Err(format!(
                    "{case}: {id} cites line {line} at {got}, expected {want}"
                ));
            }
        }
    }
    for (id, confidence) in per_finding(&expected, "finding_confidence") {
        let got = finding(&r, id).map(|f| f["confidence"].clone());
        if got.as_ref() != Some(confidence) {
            return Err(format!(
                "{case}: {id} confidence {got:?}, expected {confidence}"
            ));
        }
    }
    for (id, parts) in per_finding(&expected, "finding_summary") {
        let summary = finding(&r, id)
            .and_then(|f| f["summary"].as_str())
            .ok_or_else(|| format!("{case}: no finding {id}"))?;
        for part in parts.as_array().unwrap() {
            let part = part.as_str().unwrap();
            if !summary.contains(part) {
                return Err(format!("{case}: {id} summary lacks {part:?}: {summary}"));
            }
        }
    }
    for (id, commands) in per_finding(&expected, "finding_fix_commands") {
        let got: Vec<&str> = finding(&r, id).ok_or_else(|| format!("{case}: no finding {id}"))?
            ["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["command"].as_str())
            .collect();
        for want in commands.as_array().unwrap() {
            let want = want.as_str().unwrap();
            if !got.contains(&want) {
                return Err(format!(
                    "{case}: {id} lacks the fix command {want:?}; got {got:?}"
                ));
            }
        }
    }
    for want in expected["clocks"].as_array().into_iter().flatten() {
        let file = want["file"].as_str().unwrap();
        let clock = r["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["source"].as_str().unwrap().ends_with(file))
            .ok_or_else(|| format!("{case}: no clock entry for {file}"))?;
        for k in ["utc_offset_minutes", "method"] {
            if want.get(k).is_some() && clock[k] != want[k] {
                return Err(format!(
                    "{case}: clock of {file} {k} = {} (expected {})",
                    clock[k], want[k]
                ));
            }
        }
    }
    if let Some(sessions) = expected["sessions"].as_array() {
        let got_sessions = r["sessions"].as_array().unwrap();
        if got_sessions.len() != sessions.len() {
            return Err(format!(
                "{case}: {} sessions, expected {}",
                got_sessions.len(),
                sessions.len()
            ));
        }
        for (n, (want, got)) in sessions.iter().zip(got_sessions).enumerate() {
            for (k, v) in want.as_object().unwrap() {
                if got[k] != *v {
                    return Err(format!(
                        "{case}: session {} {k} = {} (expected {v})",
                        n + 1,
                        got[k]
                    ));
                }
            }
        }
    }
    check_bundles(&case, &expected, &r)?;
    Ok(())
}

/// `bundles`: the bundle runs in order, each listed field equal (`packages` element by
/// element, only the fields listed); when the case expects none, the report has none.
fn check_bundles(case: &str, expected: &Value, r: &Value) -> Result<(), String> {
    let got = r["bundles"].as_array().cloned().unwrap_or_default();
    let Some(want) = expected["bundles"].as_array() else {
        if !got.is_empty() {
            return Err(format!("{case}: unexpected bundles {got:?}"));
        }
        return Ok(());
    };
    if got.len() != want.len() {
        return Err(format!(
            "{case}: {} bundles, expected {}",
            got.len(),
            want.len()
        ));
    }
    for (n, (want, got)) in want.iter().zip(&got).enumerate() {
        for (k, v) in want.as_object().unwrap() {
            if k == "packages" {
                let packages = got[k].as_array().cloned().unwrap_or_default();
                let wanted = v.as_array().unwrap();
                if packages.len() != wanted.len() {
                    return Err(format!(
                        "{case}: bundle {} has {} packages",
                        n + 1,
                        packages.len()
                    ));
                }
                for (p, (w, g)) in wanted.iter().zip(&packages).enumerate() {
                    for (pk, pv) in w.as_object().unwrap() {
                        if g[pk] != *pv {
                            return Err(format!(
                                "{case}: bundle {} package {} {pk} = {} (expected {pv})",
                                n + 1,
                                p + 1,
                                g[pk]
                            ));
                        }
                    }
                }
            } else if got[k] != *v {
                return Err(format!(
                    "{case}: bundle {} {k} = {} (expected {v})",
                    n + 1,
                    got[k]
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_fixture_case_matches_its_expectations() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.json").exists())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 10,
        "expected at least 10 fixture cases, found {}",
        dirs.len()
    );
    let failures: Vec<String> = dirs.iter().filter_map(|d| check_case(d).err()).collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_input_is_exit_2_and_names_the_path() {
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "/nonexistent/msidiag-missing.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("msidiag-missing.log"));
}

#[test]
fn garbage_file_is_reported_and_other_inputs_still_analysed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("setup.log"),
        [0u8, 159, 146, 150, 1, 2, 3, 255, 0, 7],
    )
    .unwrap();
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json", "-"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "only garbage: no readable input"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["inputs"][0]["status"], "unrecognized");
    assert!(r["inputs"][0]["problems"][0]
        .as_str()
        .unwrap()
        .contains("setup.log"));

    let case = cases_dir().join("deferred-ca-failure/input");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json", "-"])
        .arg(dir.path())
        .arg(&case)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(ids(&r).contains(&"custom-action-failed".to_string()));
}

#[test]
fn bad_tz_is_a_usage_error() {
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--tz", "Mars/Base", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Bad values of `--tz` and `--threads` (parsed by clap) and an output that cannot be written
/// exit 2 with msidiag's own one-line message, not clap's.
#[test]
fn usage_errors_exit_2_with_their_message() {
    let input = cases_dir().join("2503-not-elevated/input");
    let missing = std::env::temp_dir().join("msidiag-no-such-dir-for-usage-test/out.json");
    let runs: [(Vec<&std::ffi::OsStr>, &str); 4] = [
        (
            vec!["analyze".as_ref(), "--tz".as_ref(), "+25:00".as_ref()],
            "msidiag: --tz: '+25:00' is not an offset like +05:30 or -08:00\n",
        ),
        (
            vec!["convert".as_ref(), "--tz".as_ref(), "Mars/Base".as_ref()],
            "msidiag: --tz: 'Mars/Base' is neither an offset like +05:30 nor a time zone name like Europe/Berlin\n",
        ),
        (
            vec!["analyze".as_ref(), "--threads".as_ref(), "0".as_ref()],
            "msidiag: --threads must be at least 1\n",
        ),
        (
            vec!["analyze".as_ref(), "--json".as_ref(), missing.as_os_str()],
            "msidiag: cannot write ",
        ),
    ];
    for (args, message) in runs {
        let out = Command::cargo_bin("msidiag")
            .unwrap()
            .args(&args)
            .arg(&input)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with(message), "{args:?}: {stderr}");
    }
}

#[test]
fn tz_adds_utc_times() {
    let case = cases_dir().join("midnight-non-us-date/input");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--tz", "+05:30", "--json", "-"])
        .arg(&case)
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["sessions"][0]["started"], "2025-11-24T23:59:41");
    assert_eq!(r["sessions"][0]["started_utc"], "2025-11-24T18:29:41Z");
}

#[test]
fn json_to_file_keeps_the_text_summary_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--json"])
        .arg(&target)
        .arg(cases_dir().join("2503-not-elevated/input"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not-elevated"), "{text}");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(target).unwrap()).unwrap();
    assert_eq!(r["schema"], "msidiag/1");
}

#[test]
fn one_thread_and_two_threads_give_the_same_report() {
    for case in [
        "xs-windows-temp-acl",
        "xs-not-elevated-procmon-csv",
        "two-sessions",
    ] {
        let input = cases_dir().join(case).join("input");
        let one = run::analyze_json(&["--threads", "1"], &input);
        let two = run::analyze_json(&["--threads", "2"], &input);
        assert_eq!(one, two, "{case}");
    }
}

#[test]
fn a_same_day_system_log_explains_1920_when_the_log_clock_is_not_aligned() {
    // xs-service-logon-failure without its Application log: nothing aligns the MSI log's
    // clock, so the System records stay outside the session but fall on its day.
    let from = cases_dir().join("xs-service-logon-failure/input");
    let dir = tempfile::tempdir().unwrap();
    for file in ["ContosoSync-install.log", "System.evtx"] {
        std::fs::copy(from.join(file), dir.path().join(file)).unwrap();
    }
    let r = run::analyze_json(&[], dir.path());
    let f = finding(&r, "service-start-failed").expect("service-start-failed");
    let summary = f["summary"].as_str().unwrap();
    assert!(
        summary.contains("the System log of the same day says why")
            && summary.contains("(error 1326)")
            && summary.contains("UTC offset is unknown"),
        "{summary}"
    );
    let cites_system = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["path"].as_str().unwrap().ends_with("System.evtx"));
    assert!(cites_system, "{f}");
}

#[test]
fn precision_check_catches_empty_names_and_doubled_words() {
    assert!(imprecise("Custom action A custom action failed").is_none());
    assert!(imprecise("Service '' (x) could not be installed").is_some());
    assert!(imprecise("Custom action  () failed").is_some());
    assert!(imprecise("Then the the install failed").is_some());
    assert!(imprecise("Error 1714 1714 was shown").is_none());
    assert!(imprecise("Service 'A' (a) could not be installed").is_none());
}

#[test]
fn a_version_already_in_the_product_name_is_not_repeated() {
    let log = "=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
MSI (s) (A0:C8) [08:32:13:154]: Windows Installer installed the product. Product Name: ServicePulse 1.0.1. Product Version: 1.0.1. Product Language: 1033. Manufacturer: Particular. Installation success or error status: 0.\r\n\
Property(S): ProductName = ServicePulse 1.0.1\r\n\
Property(S): ProductVersion = 1.0.1\r\n\
MSI (s) (A0:C8) [08:32:14:050]: MainEngineThread is returning 0\r\n\
=== Verbose logging stopped: 3/14/2025  8:32:14 ===\r\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("install.log");
    std::fs::write(&path, log).unwrap();
    let html = dir.path().join("report.html");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--color", "never", "--html"])
        .arg(&html)
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ServicePulse 1.0.1  install"), "{text}");
    assert!(!text.contains("1.0.1 1.0.1"), "{text}");
    let page = std::fs::read_to_string(html).unwrap();
    assert!(
        !page.contains("1.0.1 1.0.1"),
        "the HTML repeats the version"
    );
}
