//! `msidiag fleet`: 200 generated cases (copies of fixture failures and successes, and corrupt
//! collections: a folder of garbage, a damaged zip, a path that does not exist) give the right
//! counts in index.html, fleet.csv and fleet.jsonl, each read case gets its own reports, and
//! a run where no case can be read exits 2. The expected counts come from analysing one copy
//! of each kind through the library, never from numbers written here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use msidiag::report::fleet::CaseSummary;
use msidiag::{analyze, Options};
use serde_json::Value;

const KINDS: &[&str] = &[
    "2503-not-elevated",
    "deferred-ca-failure",
    "success",
    "garbage",
    "2503-not-elevated",
    "success",
    "damaged-zip",
    "deferred-ca-failure",
    "missing",
    "success",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases")
        .join(name)
        .join("input")
}

/// Writes case `i` of `kind` under `root`; returns its path.
fn write_case(root: &Path, i: usize, kind: &str) -> PathBuf {
    let path = root.join(format!("pc-{i:03}"));
    match kind {
        "garbage" => {
            std::fs::create_dir(&path).unwrap();
            let bytes: Vec<u8> = (0..4096u32)
                .map(|n| (n.wrapping_mul(2654435761) >> 24) as u8)
                .collect();
            std::fs::write(path.join("install.log"), bytes).unwrap();
            path
        }
        "damaged-zip" => {
            let zip = path.with_extension("zip");
            let mut bytes = b"PK\x03\x04".to_vec();
            bytes.extend((0..2000u32).map(|n| (n * 7 % 251) as u8));
            std::fs::write(&zip, bytes).unwrap();
            zip
        }
        "missing" => path,
        fixture_name => {
            std::fs::create_dir(&path).unwrap();
            for entry in std::fs::read_dir(fixture(fixture_name)).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), path.join(entry.file_name())).unwrap();
            }
            path
        }
    }
}

#[test]
fn two_hundred_cases_give_the_right_counts_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("cases");
    std::fs::create_dir(&inputs).unwrap();
    let out = dir.path().join("out");
    let cases: Vec<(PathBuf, &str)> = (0..200)
        .map(|i| {
            let kind = KINDS[i % KINDS.len()];
            (write_case(&inputs, i, kind), kind)
        })
        .collect();

    // What each readable kind gives, from the library.
    let mut per_kind: BTreeMap<&str, (CaseSummary, Vec<Value>)> = BTreeMap::new();
    for kind in ["2503-not-elevated", "deferred-ca-failure", "success"] {
        let a = analyze(&[fixture(kind)], &Options::default()).unwrap();
        let mut lines = Vec::new();
        msidiag::report::jsonl::write(&a, "x", &mut lines).unwrap();
        let lines: Vec<Value> = String::from_utf8(lines)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        per_kind.insert(kind, (CaseSummary::of("x", "x", &a), lines));
    }
    let readable = |k: &str| per_kind.contains_key(k);

    let output = Command::cargo_bin("msidiag")
        .unwrap()
        .args(["fleet", "--threads", "2", "--out"])
        .arg(&out)
        .args(cases.iter().map(|(p, _)| p))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // fleet.csv: one row per machine, the outcome each kind gives.
    let csv_text = std::fs::read_to_string(out.join("fleet.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 200);
    for ((path, kind), row) in cases.iter().zip(&rows) {
        let case = path.file_stem().unwrap().to_string_lossy();
        assert_eq!(&row[0], case.as_ref());
        match per_kind.get(kind) {
            Some((s, _)) => {
                assert_eq!(row[3], s.outcome, "{case} ({kind})");
                assert_eq!(
                    &row[4],
                    s.top.as_ref().map_or("", |t| t.0.as_str()),
                    "{case}"
                );
                assert_eq!(row[2], s.products.join("; "));
                assert!(out.join(case.as_ref()).join("report.html").is_file());
                assert!(out.join(case.as_ref()).join("report.json").is_file());
            }
            None => {
                assert_eq!(&row[3], "unreadable", "{case} ({kind})");
                assert!(!row[7].is_empty(), "{case}: why it was not read");
            }
        }
    }

    // fleet.jsonl: every read case's lines, its own case name on each.
    let jsonl = std::fs::read_to_string(out.join("fleet.jsonl")).unwrap();
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected_lines: usize = cases
        .iter()
        .filter_map(|(_, k)| per_kind.get(k))
        .map(|(_, l)| l.len())
        .sum();
    assert_eq!(lines.len(), expected_lines);
    let mut findings_per_id: BTreeMap<String, usize> = BTreeMap::new();
    for l in lines.iter().filter(|l| l["type"] == "finding") {
        *findings_per_id
            .entry(l["id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let mut expected_per_id: BTreeMap<String, usize> = BTreeMap::new();
    for (_, k) in &cases {
        if let Some((_, l)) = per_kind.get(k) {
            for f in l.iter().filter(|l| l["type"] == "finding") {
                *expected_per_id
                    .entry(f["id"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
    }
    assert_eq!(findings_per_id, expected_per_id);
    let read_cases = cases.iter().filter(|(_, k)| readable(k)).count();
    let distinct: std::collections::BTreeSet<&str> =
        lines.iter().map(|l| l["case"].as_str().unwrap()).collect();
    assert_eq!(distinct.len(), read_cases);

    // index.html: counts, and each root cause with the machines it hits.
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    let count = |id: &str| {
        let at = index.find(&format!("id=\"{id}\">")).unwrap() + id.len() + 6;
        index[at..at + index[at..].find('<').unwrap()]
            .parse::<usize>()
            .unwrap()
    };
    assert_eq!(count("count-machines"), 200);
    let outcome = |o: &str| {
        cases
            .iter()
            .filter(|(_, k)| {
                per_kind
                    .get(k)
                    .map_or("unreadable", |(s, _)| s.outcome.as_str())
                    == o
            })
            .count()
    };
    assert_eq!(count("count-failure"), outcome("failure"));
    assert_eq!(count("count-unreadable"), outcome("unreadable"));
    assert!(outcome("failure") > 0 && outcome("unreadable") > 0 && outcome("success") > 0);
    let mut machines_per_cause: BTreeMap<String, usize> = BTreeMap::new();
    for (_, k) in &cases {
        if let Some((s, _)) = per_kind.get(k) {
            let ids: std::collections::BTreeSet<&str> =
                s.hits.iter().map(|h| h.id.as_str()).collect();
            for id in ids {
                *machines_per_cause.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    assert!(!machines_per_cause.is_empty());
    let mut previous = usize::MAX;
    for part in index.split("<tr data-finding=\"").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        let at = part.find("machines\">").unwrap() + 10;
        let n: usize = part[at..at + part[at..].find('<').unwrap()]
            .parse()
            .unwrap();
        assert_eq!(Some(&n), machines_per_cause.get(id), "{id}");
        assert!(n <= previous, "ranked by machines hit");
        previous = n;
    }
    assert_eq!(
        index.matches("<tr data-finding=").count(),
        machines_per_cause.len()
    );
    // Links to each read machine's report; the unreadable ones listed with why.
    assert_eq!(index.matches("/report.html\"").count(), read_cases);
    assert!(index.contains("id=\"unreadable\""));
    // Self-contained, in the case report's style, and running nothing.
    assert!(index.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    assert!(!index.contains("<script") && !index.contains(" src="));
    assert!(index.contains(".verdict {"), "the case report's stylesheet");
}

#[test]
fn a_fleet_where_no_case_can_be_read_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("msidiag")
        .unwrap()
        .args(["fleet", "--out"])
        .arg(&out)
        .arg(dir.path().join("nowhere"))
        .assert()
        .code(2);
    assert!(out.join("index.html").is_file(), "the index still says why");
}
