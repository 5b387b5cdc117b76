//! Findings of WiX Burn bundle runs that no package MSI log explains: a failed package whose
//! MSI log is not among the inputs (`bundle-package-failed`), payload download, hash,
//! signature or package-cache failures (`bundle-cache-failed`), a related bundle missing from
//! the package cache (`bundle-related-bundle-missing`) and a bundle condition that blocked the
//! run (`bundle-prerequisite-blocked`), and, when a run failed and none of these nor a
//! package's MSI log explains it, a generic `bundle-failed` naming the failing phase and result.
//!
//! A failed package whose MSI log is among the inputs gets no finding here: its session's
//! findings are the bundle's root cause. Every finding cites Burn log lines; it must not read
//! source formats (the Burn reader is `src/sources/burn/`).

use crate::kb::hresult::hresult;
use crate::model::{BundleFailureKind, BundleLine, BundleLog, Precision, Timestamp};
use crate::timeline::{Bundle, Outcome, SessionClock, Timeline};

use super::ids::{
    BUNDLE_CACHE_FAILED, BUNDLE_FAILED, BUNDLE_PACKAGE_FAILED, BUNDLE_PREREQUISITE_BLOCKED,
    BUNDLE_RELATED_BUNDLE_MISSING,
};
use super::{Confidence, Evidence, Finding, Fix};

/// Most failure lines cited per finding.
const MAX_CITED: usize = 8;

/// The findings of every bundle run, each with the index of its bundle in `timeline.bundles`.
pub fn bundle_findings(timeline: &Timeline) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    for (i, b) in timeline.bundles.iter().enumerate() {
        let specific: Vec<Finding> = package_failures(b)
            .into_iter()
            .chain(cache_failure(&b.log))
            .chain(related_bundle_missing(&b.log))
            .chain(condition_false(&b.log))
            .collect();
        let generic = if specific.is_empty() {
            run_failed(b)
        } else {
            None
        };
        for f in specific.into_iter().chain(generic) {
            out.push((i, f));
        }
    }
    out
}

fn cite(path: &str, l: &BundleLine) -> Evidence {
    Evidence {
        path: path.to_string(),
        line: Some(l.line),
        record: None,
        time: l
            .time
            .map(|t| SessionClock::machine().cite(&Timestamp::Local(t), Precision::Seconds)),
        text: l.text.clone(),
    }
}

/// `0x80070643 (ERROR_INSTALL_FAILURE: …)`.
fn described(value: u32) -> String {
    let h = hresult(value);
    match h.name {
        Some(name) => format!("{} ({name}: {})", h.hex(), h.text),
        None => format!("{} ({})", h.hex(), h.text),
    }
}

fn bundle_name(log: &BundleLog) -> String {
    let engine = format!("Burn v{}", log.engine_version);
    match &log.name {
        Some(n) => format!("the bundle \"{n}\" ({engine})"),
        None => format!("the bundle ({engine})"),
    }
}

fn ending(log: &BundleLog) -> String {
    match log.exit_code {
        Some(code) => format!(" The bundle ended with exit code {}.", described(code)),
        None => " The bundle log has no exit code: it was cut.".to_string(),
    }
}

/// A finding about one bundle run: the summary is "<The bundle …><what><how it ended>", the
/// evidence the Burn log `lines`, the product the bundle's name.
fn run_finding<'a>(
    log: &'a BundleLog,
    id: &'static str,
    title: String,
    confidence: Confidence,
    what: String,
    lines: impl IntoIterator<Item = &'a BundleLine>,
    fixes: Vec<Fix>,
) -> Finding {
    let mut f = Finding::new(
        id,
        title,
        confidence,
        format!("{}{what}{}", capitalised(&bundle_name(log)), ending(log)),
    );
    f.product = log.name.clone();
    f.evidence = lines.into_iter().map(|l| cite(&log.path, l)).collect();
    f.fixes = fixes;
    f
}

/// Failed packages whose MSI log is not among the inputs.
fn package_failures(b: &Bundle) -> Vec<Finding> {
    let log = &b.log;
    let mut out = Vec::new();
    for (i, p) in log.packages.iter().enumerate() {
        let Some(result) = p.result.filter(|r| r & 0x8000_0000 != 0) else {
            continue;
        };
        if b.session_of(i).is_some() {
            continue;
        }
        let kind = p
            .kind
            .as_deref()
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        let file = p
            .log_path
            .as_deref()
            .map(crate::timeline::bundles::file_name);
        let missing = match (file, &p.log_path) {
            (Some(f), Some(full)) => format!(
                " Its own log, {f} (written to {full}), holds the cause; it is not among the inputs."
            ),
            _ => " The bundle log names no log file for it.".to_string(),
        };
        let fixes = match (file, &p.log_path) {
            (Some(name), Some(full)) => vec![
                Fix::text(format!(
                    "Collect the package's MSI log {name} (the bundle wrote it to {full}) and analyse it with the bundle log: it names the package's root cause."
                )),
                Fix::cmd(
                    "Analyse both logs together",
                    format!("msidiag analyze \"{}\" \"{full}\"", log.path),
                ),
            ],
            _ => vec![Fix::text(format!(
                "Run the bundle again with a log (setup.exe /log \"%TEMP%\\bundle.log\"): Burn then writes one MSI log per package; collect the one of {}.",
                p.id
            ))],
        };
        let lines = p
            .applying_line
            .iter()
            .chain(p.errors.iter().take(MAX_CITED))
            .chain(p.result_line.iter())
            .chain(log.exit_line.iter());
        out.push(run_finding(
            log,
            BUNDLE_PACKAGE_FAILED,
            format!("Bundle package {} failed ({})", p.id, hresult(result).hex()),
            if p.errors.is_empty() {
                Confidence::Medium
            } else {
                Confidence::High
            },
            format!(
                " ran package {}{kind}, which returned {}.{missing}",
                p.id,
                described(result)
            ),
            lines,
            fixes,
        ));
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Download, hash, signature and package-cache failures, as one finding per run.
fn cache_failure(log: &BundleLog) -> Option<Finding> {
    use BundleFailureKind::*;
    let failures: Vec<_> = log
        .failures
        .iter()
        .filter(|f| matches!(f.kind, Download | Hash | Signature | Cache))
        .collect();
    let first = failures.first()?;
    // The most specific kind names the finding (a hash mismatch is then "failed to cache").
    let kind = [Hash, Signature, Download, Cache]
        .into_iter()
        .find(|k| failures.iter().any(|f| f.kind == *k))
        .unwrap_or(first.kind);
    let lead = failures.iter().find(|f| f.kind == kind).unwrap_or(first);
    // A payload's name reads better than its path in the cache.
    let named =
        |f: &&&crate::model::BundleFailure| f.subject.as_deref().is_some_and(|s| !s.contains('\\'));
    let subject = failures
        .iter()
        .find(named)
        .or(Some(lead))
        .and_then(|f| f.subject.as_deref())
        .unwrap_or("a payload");
    let code = lead
        .hresult
        .map(|h| format!(" The first error is {}.", described(h)))
        .unwrap_or_default();
    let (title, what, fixes) = match kind {
        Hash => (
            format!("Bundle payload failed its hash check: {subject}"),
            "a payload's hash did not match what the bundle expects: the file was replaced, corrupted or is another version (a pointed-to source or a download that changed upstream)",
            vec![
                Fix::text("Delete the partial copy under the package cache's .unverified folder, get the bundle again from the vendor (the same version) and rerun it."),
                Fix::cmd("Remove the unverified copies", "rd /s /q \"%ProgramData%\\Package Cache\\.unverified\""),
            ],
        ),
        Signature => (
            format!("Bundle payload failed its signature check: {subject}"),
            "a payload's signature or certificate could not be verified (a damaged or replaced file, or a certificate check the machine cannot complete)",
            vec![Fix::text("Get the bundle again from the vendor; on machines without internet access, make sure the certificate chain and revocation lists can be checked (or install the root certificates), then rerun it.")],
        ),
        Download => (
            format!("Bundle could not download or acquire {subject}"),
            "the bundle could not download or copy a payload it needs (no connection, a proxy or firewall, TLS, or the payload missing beside the bundle)",
            vec![
                Fix::text("Check that the machine can reach the URL named in the evidence (proxy, firewall, TLS), or use the vendor's full offline installer."),
                Fix::cmd("On a connected machine, download every payload beside the bundle (layout), then run it from there", "setup.exe /layout \"C:\\BundleLayout\""),
            ],
        ),
        _ => (
            format!("Bundle could not cache {subject}"),
            "the bundle could not write or prepare its package cache (permissions on the Package Cache folder, security software, a sharing violation)",
            vec![
                Fix::cmd("Check the package cache's permissions (SYSTEM and Administrators need full control)", "icacls \"%ProgramData%\\Package Cache\""),
                Fix::text("Exclude the package cache from security software, then rerun the bundle."),
            ],
        ),
    };
    let lines = failures
        .iter()
        .take(MAX_CITED)
        .map(|x| &x.line)
        .chain(log.exit_line.iter());
    Some(run_finding(
        log,
        BUNDLE_CACHE_FAILED,
        title,
        Confidence::High,
        format!(" failed before or while caching packages ({subject}): {what}.{code}"),
        lines,
        fixes,
    ))
}

/// `Failed to get size of pseudo bundle` (v3) / `Detected related bundle missing from cache` (v4).
fn related_bundle_missing(log: &BundleLog) -> Option<Finding> {
    let failures: Vec<_> = log
        .failures
        .iter()
        .filter(|f| f.kind == BundleFailureKind::RelatedBundleMissing)
        .collect();
    let first = failures.first()?;
    let subject = first.subject.as_deref().unwrap_or("a related bundle");
    Some(run_finding(
        log,
        BUNDLE_RELATED_BUNDLE_MISSING,
        "A related bundle is missing from the package cache".to_string(),
        Confidence::Medium,
        format!(
            " found an earlier (related) bundle registered on the machine, but its cached copy is gone ({subject}): the bundle cannot upgrade or remove it, and a later package may fail to remove the old version (error 1714)."
        ),
        failures.iter().take(MAX_CITED).map(|x| &x.line),
        vec![
        Fix::text("Put the earlier bundle's setup file back at the cached path named in the evidence (the same version), or repair or uninstall it from its original setup file, then rerun this bundle."),
        ],
    ))
}

/// `Bundle condition evaluated to false`: the bundle's own prerequisite check blocked it.
fn condition_false(log: &BundleLog) -> Option<Finding> {
    let failure = log
        .failures
        .iter()
        .find(|f| f.kind == BundleFailureKind::ConditionFalse)?;
    let condition = failure
        .line
        .text
        .split_once("evaluated to false: ")
        .map(|(_, c)| c.trim())
        .unwrap_or("its condition");
    Some(run_finding(
        log,
        BUNDLE_PREREQUISITE_BLOCKED,
        format!("The bundle's condition blocked it: {condition}"),
        Confidence::High,
        format!(
            " checks the condition `{condition}` before it installs anything; it evaluated to false, so no package ran."
        ),
        std::iter::once(&failure.line).chain(log.exit_line.iter()),
        vec![Fix::text(format!(
            "Meet the condition the bundle checks ({condition}): install the prerequisite it stands for or run on a supported system, then rerun the bundle."
        ))],
    ))
}

/// A failed run (its exit code a failure) that no specific finding and no failed package's
/// linked MSI log explains: the failing phase, the result decoded, the engine's error lines.
fn run_failed(b: &Bundle) -> Option<Finding> {
    if b.outcome() != Outcome::Failure {
        return None;
    }
    let log = &b.log;
    // A failed package linked to its MSI log: that session's findings are the root cause.
    let linked =
        log.packages.iter().enumerate().any(|(i, p)| {
            p.result.is_some_and(|r| r & 0x8000_0000 != 0) && b.session_of(i).is_some()
        });
    if linked {
        return None;
    }
    let failed = |r: &Option<u32>| r.is_some_and(|r| r != 0 && r & 0x8000_0000 != 0);
    let (phase, result) = if failed(&log.apply_result) {
        ("apply", log.apply_result)
    } else {
        let phase = log.error_phase.as_deref().unwrap_or("run");
        (
            match phase {
                "detect" => "detect",
                "plan" => "plan",
                "apply" => "apply",
                _ => "run",
            },
            log.error_hresult,
        )
    };
    let code = result.or(log.exit_code)?;
    let phase_words = match phase {
        "run" => "its run".to_string(),
        p => format!("its {p} phase"),
    };
    // `[pid:tid][time]e000: Error 0x…: Failed to …` → `Error 0x…: Failed to …`.
    let first = log
        .engine_errors
        .first()
        .map(|l| {
            let message = l.text.rsplit_once(']').map_or(l.text.as_str(), |(_, m)| m);
            let message = message.split_once(": ").map_or(message, |(_, m)| m);
            format!(" Its first error line: \"{}\".", message.trim())
        })
        .unwrap_or_default();
    let lines = log
        .engine_errors
        .iter()
        .take(MAX_CITED)
        .chain(log.apply_line.iter())
        .chain(log.exit_line.iter());
    Some(run_finding(
        log,
        BUNDLE_FAILED,
        format!("The bundle failed in {phase_words} ({})", hresult(code).hex()),
        if log.engine_errors.is_empty() {
            Confidence::Low
        } else {
            Confidence::Medium
        },
        format!(
            " failed in {phase_words} with {};{first} No package's MSI log and no payload, cache or condition line explains it: the engine's own error lines are the evidence.",
            described(code)
        ),
        lines,
        vec![Fix::text(
            "Read the bundle log's error lines cited here (the first one is the cause, later ones follow from it); rerun the bundle with a log (setup.exe /log \"%TEMP%\\bundle.log\") after fixing what it names, and collect the packages' MSI logs it writes beside it.",
        )],
    ))
}
