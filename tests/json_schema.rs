//! Validates the `--json` output against the published schema `docs/msidiag-1.schema.json`:
//! the output of every fixture case (with and without `--tz`) and of a cross-source case
//! (MSI log + event logs + Procmon CSV, which fills records, client PID, user SID and a
//! machine-wide finding).
//!
//! The published schema leaves objects open (fields are only ever added within `msidiag/1`);
//! these tests also validate against a closed copy, so a field the tool writes but the schema
//! does not name fails here. They must not change the schema or the fixtures.

use msidiag_testkit::{cross_source, run};

use std::path::PathBuf;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/msidiag-1.schema.json"))
        .expect("docs/msidiag-1.schema.json is readable");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// The same schema with every object closed (`additionalProperties: false`).
fn closed(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> =
                map.iter().map(|(k, v)| (k.clone(), closed(v))).collect();
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                out.insert("additionalProperties".into(), Value::Bool(false));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(closed).collect()),
        other => other.clone(),
    }
}

/// Every validation error of `report` against both schemas, as readable lines.
fn errors(label: &str, report: &Value) -> Vec<String> {
    let open = schema();
    let mut out = Vec::new();
    for (kind, s) in [("schema", open.clone()), ("closed schema", closed(&open))] {
        let validator = jsonschema::validator_for(&s).expect("the schema compiles");
        for e in validator.iter_errors(report) {
            out.push(format!("{label} ({kind}): at {}: {e}", e.instance_path()));
        }
    }
    out
}

#[test]
fn the_schema_is_valid_json_schema() {
    let s = schema();
    if let Err(e) = jsonschema::meta::validate(&s) {
        panic!("docs/msidiag-1.schema.json is not a valid JSON Schema: {e}");
    }
    assert_eq!(s["properties"]["schema"]["const"], "msidiag/1");
    assert_eq!(
        s["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "the schema names its draft"
    );
}

#[test]
fn every_fixture_case_validates_against_the_schema() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/cases"))
        .unwrap()
        .map(|e| e.unwrap().path().join("input"))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "fixture cases found: {}", cases.len());
    let mut problems = Vec::new();
    for input in &cases {
        let case = input
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        for args in [&[][..], &["--tz", "+05:30"][..]] {
            let report = run::analyze_json(args, input);
            problems.extend(errors(&format!("{case} {args:?}"), &report));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_cross_source_report_validates_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    cross_source::write_case(dir.path());
    let report = run::analyze_json(&[], dir.path());
    let kinds: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"evtx") && kinds.contains(&"procmon-csv"),
        "{kinds:?}"
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["session"].is_null()),
        "a machine-wide finding (session null) is covered"
    );
    assert!(report["sessions"][0]["client_pid"].is_u64());
    let problems = errors("cross-source", &report);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_validator_rejects_a_report_that_breaks_the_contract() {
    let mut report = run::analyze_json(&[], &root().join("fixtures/cases/2503-not-elevated/input"));
    report["findings"][0]["confidence"] = Value::from("certain");
    report["sessions"][0]["undocumented_field"] = Value::from(1);
    let problems = errors("broken", &report);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("schema)") && p.contains("/findings/0/confidence")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("closed schema") && p.contains("undocumented_field")),
        "{problems:#?}"
    );
}

#[test]
fn the_json_docs_point_at_the_schema_file() {
    let doc = std::fs::read_to_string(root().join("docs/json-schema.md")).unwrap();
    assert!(doc.contains("msidiag-1.schema.json"));
}
