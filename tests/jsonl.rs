//! JSON Lines (`analyze --jsonl`): every line of every fixture case's output validates against
//! docs/msidiag-jsonl.schema.json (which takes the session and finding fields from
//! docs/msidiag-1.schema.json), the lines match the JSON report and the timeline CSV one for
//! one, and DuckDB reads the output with `read_json(..., format='newline_delimited')` and
//! counts the same findings per id.
//!
//! DuckDB is the `duckdb` Python package in the venv `scripts/install-duckdb.sh` makes under
//! `target/`; without it the DuckDB test fails when `CI` is set and is skipped with a message
//! otherwise. These tests write only to their temporary folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use msidiag::{analyze, report, Options};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<(String, PathBuf)> {
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("fixtures/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("input").is_dir())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                p.join("input"),
            )
        })
        .collect();
    cases.sort();
    cases
}

fn schema(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("docs").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Resolves the msidiag/1 schema by its `$id` (the JSON Lines schema refers to it).
struct Msidiag1;

impl jsonschema::Retrieve for Msidiag1 {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str() == "urn:msidiag:schema:msidiag-1" {
            Ok(schema("msidiag-1.schema.json"))
        } else {
            Err(format!("unknown schema {uri}").into())
        }
    }
}

fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(Msidiag1)
        .build(&schema("msidiag-jsonl.schema.json"))
        .expect("the JSON Lines schema compiles")
}

/// The analysis of `input` (with the machine's zone `tz` when given).
fn analysis(input: &Path, tz: Option<&str>) -> msidiag::Analysis {
    let options = Options {
        tz: tz.map(|t| t.parse().unwrap()),
        ..Options::default()
    };
    analyze(&[input.to_path_buf()], &options).unwrap()
}

/// The JSON Lines of `input` for the case `case`, parsed.
fn lines(input: &Path, case: &str, tz: Option<&str>) -> Vec<Value> {
    let analysis = analysis(input, tz);
    let mut out = Vec::new();
    report::jsonl::write(&analysis, case, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "{case}: the last line ends"
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{case}: {e}: {l}")))
        .collect()
}

#[test]
fn the_schema_is_valid_json_schema() {
    let s = schema("msidiag-jsonl.schema.json");
    if let Err(e) = jsonschema::meta::validate(&s) {
        panic!("docs/msidiag-jsonl.schema.json is not a valid JSON Schema: {e}");
    }
}

#[test]
fn every_line_of_every_fixture_case_validates_and_matches_the_reports() {
    let validator = validator();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (case, input) in cases() {
        for tz in [None, Some("+05:30")] {
            let all = lines(&input, &case, tz);
            for (n, line) in all.iter().enumerate() {
                for e in validator.iter_errors(line) {
                    problems.push(format!(
                        "{case} {tz:?} line {}: at {}: {e}",
                        n + 1,
                        e.instance_path()
                    ));
                }
                assert_eq!(line["case"], case.as_str());
                checked += 1;
            }
            // One line per session and finding of the JSON report, and per timeline CSV row.
            let analysis = analysis(&input, tz);
            let count = |t: &str| all.iter().filter(|l| l["type"] == t).count();
            assert_eq!(count("session"), analysis.sessions.len(), "{case}");
            assert_eq!(count("finding"), analysis.findings.len(), "{case}");
            let events: usize = analysis.sessions.iter().map(|s| s.events.len()).sum();
            assert_eq!(count("event"), events, "{case}");
            let mut csv = Vec::new();
            report::csv::write_timeline(&analysis, &mut csv).unwrap();
            let rows = csv::Reader::from_reader(&csv[3..]).records().count();
            assert_eq!(rows, events, "{case}: the timeline CSV's rows");
        }
    }
    assert!(checked > 1000, "lines checked: {checked}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn datetime_is_utc_only_when_the_clock_is_known() {
    let input = root().join("fixtures/cases/2503-not-elevated/input");
    // The log alone: local times whose offset is unknown, so no datetime anywhere.
    let all = lines(&input, "c", None);
    assert!(all.iter().all(|l| l.get("datetime").is_none()));
    assert!(all
        .iter()
        .any(|l| l["timestamp_desc"] == "MSI log line" && l["line"] == 382));
    // With the machine's zone the same line is placed in UTC: 08:32:02.081 at +05:30.
    let all = lines(&input, "c", Some("+05:30"));
    let line = all
        .iter()
        .find(|l| l["type"] == "event" && l["line"] == 382)
        .unwrap();
    assert_eq!(line["datetime"], "2025-03-14T03:02:02.081+00:00");
    assert_eq!(line["time"], "2025-03-14T08:32:02.081");
    let session = all.iter().find(|l| l["type"] == "session").unwrap();
    assert_eq!(session["timestamp_desc"], "Session start");
    assert_eq!(session["host"], "FIN-LT-0412");
    assert_eq!(
        session["message"],
        "Contoso Widget 2.4.1: install failed with exit code 1603."
    );
}

#[test]
fn the_validator_rejects_a_line_that_breaks_the_contract() {
    let validator = validator();
    let input = root().join("fixtures/cases/2503-not-elevated/input");
    let all = lines(&input, "c", None);
    let mut finding = all.iter().find(|l| l["type"] == "finding").unwrap().clone();
    finding["confidence"] = Value::from("certain");
    assert!(!validator.is_valid(&finding));
    let mut event = all.iter().find(|l| l["type"] == "event").unwrap().clone();
    event["datetime"] = Value::from("14/03/2025 08:32");
    assert!(!validator.is_valid(&event));
    event.as_object_mut().unwrap().remove("datetime");
    event.as_object_mut().unwrap().remove("case");
    assert!(!validator.is_valid(&event));
}

#[test]
fn the_cli_writes_json_lines_to_stdout_with_the_case_name() {
    let input = root().join("fixtures/cases/2503-not-elevated/input");
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--jsonl", "-", "--case", "PC-0412"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["type"], "session", "no text summary before the lines");
    assert!(text
        .lines()
        .all(|l| serde_json::from_str::<Value>(l).unwrap()["case"] == "PC-0412"));
    // Without --case: the input root's name.
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["analyze", "--jsonl", "-"])
        .arg(&input)
        .output()
        .unwrap();
    let first: Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["case"], "input");
}

// ---------------------------------------------------------------------------------------------
// DuckDB

/// The venv's Python with `duckdb`, or `None` (skip) outside CI.
fn duckdb_python() -> Option<PathBuf> {
    let python = std::env::var_os("MSIDIAG_DUCKDB_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/duckdb-venv/bin/python"));
    let ok = std::process::Command::new(&python)
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    let why = format!(
        "DuckDB is not installed ({} cannot import duckdb). Install it with scripts/install-duckdb.sh.",
        python.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
    None
}

#[test]
fn duckdb_reads_the_lines_and_counts_the_findings_per_id() {
    let Some(python) = duckdb_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("all.jsonl");
    let mut text = String::new();
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    let mut sessions = 0u64;
    let mut with_lines = 0u64;
    for (case, input) in cases() {
        let all = lines(&input, &case, None);
        with_lines += u64::from(!all.is_empty());
        for line in all {
            match line["type"].as_str() {
                Some("finding") => {
                    *expected
                        .entry(line["id"].as_str().unwrap().to_string())
                        .or_default() += 1
                }
                Some("session") => sessions += 1,
                _ => {}
            }
            text.push_str(&serde_json::to_string(&line).unwrap());
            text.push('\n');
        }
    }
    std::fs::write(&file, text).unwrap();
    let script = r#"
import duckdb, json, sys
con = duckdb.connect()
rel = f"read_json('{sys.argv[1]}', format='newline_delimited', union_by_name=true, maximum_object_size=67108864)"
findings = con.execute(f"select id, count(*) from {rel} where type = 'finding' group by id order by id").fetchall()
sessions = con.execute(f"select count(*) from {rel} where type = 'session'").fetchone()[0]
cases = con.execute(f"select count(distinct \"case\") from {rel}").fetchone()[0]
print(json.dumps({"findings": {k: v for k, v in findings}, "sessions": sessions, "cases": cases}))
"#;
    let out = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duckdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got_findings: BTreeMap<String, u64> =
        serde_json::from_value(got["findings"].clone()).unwrap();
    assert_eq!(got_findings, expected);
    assert!(expected.len() >= 10, "{expected:?}");
    assert_eq!(got["sessions"], sessions);
    assert_eq!(got["cases"], with_lines);
}
