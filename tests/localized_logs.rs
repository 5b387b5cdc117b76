//! The same failures logged by Windows in other UI languages and regional formats give the
//! same diagnosis as the English logs: each English case below is translated by the testkit's
//! generator (`crates/msidiag-testkit/src/localize.rs`) into Japanese, German, French, Spanish,
//! Simplified Chinese, Russian and a made-up language, written as UTF-16LE with a BOM into a
//! temporary folder, and analysed; findings, failing action, outcome, exit code and session
//! times must equal the English original's, and the session must report the log's language.

use std::path::{Path, PathBuf};

use msidiag::model::EventKind;
use msidiag::{analyze, Analysis, Options};
use msidiag_testkit::localize::{localize, utf16le_bom, Language, LANGUAGES};

/// English cases (`fixtures/cases/<case>/input/<file>`) and whether their slashed banner
/// dates are month-first.
const CASES: &[(&str, &str, bool)] = &[
    ("2503-not-elevated", "install.log", true),
    ("deferred-ca-failure", "agent-install.log", true),
    ("launch-condition", "installation.log", false),
    ("two-sessions", "setup_verbose.txt", true),
    ("truncated-service-start", "sync_install.log", true),
    ("file-access-denied", "MSI8e3c1.LOG", true),
    ("success", "WoodgroveReader-install.log", true),
];

fn case_input(case: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cases")
        .join(case)
        .join("input")
        .join(file)
}

/// What must not change with the language, per session.
#[derive(Debug, PartialEq)]
struct Diagnosis {
    outcome: String,
    exit_code: Option<i64>,
    started: Option<String>,
    ended: Option<String>,
    failing_action: Option<String>,
    /// Finding ids with their confidence.
    findings: Vec<(String, String)>,
}

fn diagnoses(a: &Analysis) -> Vec<Diagnosis> {
    a.sessions
        .iter()
        .map(|s| {
            let mut findings: Vec<(String, String)> = a
                .findings
                .iter()
                .filter(|f| f.session.as_deref() == Some(s.id.as_str()))
                .map(|f| (f.id.to_string(), format!("{:?}", f.confidence)))
                .collect();
            findings.sort_unstable();
            Diagnosis {
                outcome: s.outcome.as_str().to_string(),
                exit_code: s.exit_code,
                started: s.started.map(|t| t.to_string()),
                ended: s.ended.map(|t| t.to_string()),
                failing_action: s.events.iter().find_map(|e| match &e.kind {
                    EventKind::ActionEnded {
                        action,
                        return_value: 3,
                    } => Some(action.clone()),
                    _ => None,
                }),
                findings,
            }
        })
        .collect()
}

fn analyse(path: &Path) -> Analysis {
    analyze(&[path.to_path_buf()], &Options::default()).unwrap()
}

/// Lines the generator must have translated: none of these may stay in a localized log.
fn assert_translated(text: &str, where_: &str) {
    for english in [
        "Action start ",
        "Action ended ",
        "Return value ",
        ": Product: ",
        "=== Verbose logging",
        "=== Logging",
        "The error code is ",
    ] {
        assert!(
            !text.contains(english),
            "{where_}: `{english}` left in English"
        );
    }
}

fn check_language(lang: &Language, dir: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    for &(case, file, month_first) in CASES {
        let original = case_input(case, file);
        let bytes = std::fs::read(&original).unwrap();
        let english = msidiag::input::decode::decode(&bytes).text;
        let localized = localize(&english, lang, month_first);
        let where_ = format!("{case} in {}", lang.code);
        assert_translated(&localized, &where_);
        let path = dir.join(format!("{case}-{}.log", lang.code));
        std::fs::write(&path, utf16le_bom(&localized)).unwrap();
        let english_analysis = analyse(&original);
        let expected = diagnoses(&english_analysis);
        let analysis = analyse(&path);
        let got = diagnoses(&analysis);
        if got != expected {
            failures.push(format!(
                "{where_}:\n  english   {expected:?}\n  localized {got:?}"
            ));
        }
        if !expected
            .iter()
            .any(|d| d.failing_action.is_some() || !d.findings.is_empty() || d.outcome == "success")
        {
            failures.push(format!(
                "{where_}: the English case shows nothing to compare"
            ));
        }
        // A log cut before its property dump (truncated-service-start) names no language.
        for (e, s) in english_analysis.sessions.iter().zip(&analysis.sessions) {
            if e.user_language.is_some() && s.user_language.map(|l| l.id) != Some(lang.lcid) {
                failures.push(format!(
                    "{where_}: session {} reports language {:?}",
                    s.id, s.user_language
                ));
            }
        }
        if analysis
            .inputs
            .iter()
            .flat_map(|i| &i.problems)
            .any(|p| p.contains("no `Verbose logging started` header"))
        {
            failures.push(format!(
                "{where_}: the translated header was not recognised"
            ));
        }
    }
    failures
}

#[test]
fn localized_logs_give_the_english_diagnosis() {
    let dir = tempfile::tempdir().unwrap();
    let failures: Vec<String> = LANGUAGES
        .iter()
        .flat_map(|lang| check_language(lang, dir.path()))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_known_languages_are_named() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, name) in LANGUAGES.iter().zip([
        Some("ja-JP"),
        Some("de-DE"),
        Some("fr-FR"),
        Some("es-ES"),
        Some("zh-CN"),
        Some("ru-RU"),
        None,
    ]) {
        let bytes = std::fs::read(case_input("success", "WoodgroveReader-install.log")).unwrap();
        let text = localize(&msidiag::input::decode::decode(&bytes).text, lang, true);
        let path = dir.path().join(format!("success-{}.log", lang.code));
        std::fs::write(&path, utf16le_bom(&text)).unwrap();
        let a = analyse(&path);
        let language = a.sessions[0].user_language.unwrap();
        assert_eq!(language.name, name, "{}", lang.code);
        assert_eq!(a.sessions[0].system_language.map(|l| l.id), Some(lang.lcid));
    }
}
