//! Runs the built `msidiag analyze … --json -` on one path and returns the parsed report.
//! Shared by the test files that check the JSON contract; it must not check findings itself.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// `msidiag analyze ARGS --json - PATH`, which must exit 0 and print valid JSON.
pub fn analyze_json(args: &[&str], path: &Path) -> Value {
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .arg("analyze")
        .args(args)
        .args(["--json", "-"])
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: bad JSON: {e}", path.display()))
}
