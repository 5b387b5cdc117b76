//! Builds [`BundleLog`]s from Burn lines in file order: a run starts at each `i001: Burn v…`
//! header; detect, plan and apply messages fill its packages (id, kind, log file, result,
//! restart); the apply and exit lines give its result and restart state; Burn-only failures
//! (download, hash, signature, cache, missing related bundle, bundle condition) are kept with
//! their line.
//!
//! It must not decide what caused a failure (that is `src/diagnose/`); lines it does not
//! know are ignored.

use std::sync::Arc;

use crate::model::{BundleFailure, BundleFailureKind, BundleLine, BundleLog, BundlePackage};

use super::line::{field, first_hresult, hresult_after, name_after, variable, BurnLine};

/// Accumulates the runs of one file.
pub struct RunBuilder {
    path: Arc<str>,
    runs: Vec<BundleLog>,
    /// Index of the package being applied in the current run.
    executing: Option<usize>,
    /// The phase the current run last began (`Detect begin` i100, `Plan begin` i200,
    /// `Apply begin` i300).
    phase: Option<&'static str>,
}

/// Most engine error lines kept per run.
const MAX_ENGINE_ERRORS: usize = 32;

impl RunBuilder {
    pub fn new(path: Arc<str>) -> RunBuilder {
        RunBuilder {
            path,
            runs: Vec::new(),
            executing: None,
            phase: None,
        }
    }

    /// True when a header has been seen.
    pub fn has_run(&self) -> bool {
        !self.runs.is_empty()
    }

    /// One prefixed line (`number` is 1-based, `text` the whole physical line).
    pub fn line(&mut self, number: u64, l: &BurnLine, text: &str) {
        let cited = BundleLine {
            line: number,
            time: l.time,
            text: text.trim_end_matches(['\r', '\n']).to_string(),
        };
        if l.id == 1 && l.message.starts_with("Burn ") {
            self.start(number, l);
        }
        let Some(run) = self.runs.last_mut() else {
            return;
        };
        run.last_line = number;
        if l.time.is_some() {
            run.ended = l.time;
        }
        let m = l.message;
        if let Some((name, value)) = variable(m) {
            set_variable(run, name, value);
        }
        match (l.severity, l.id) {
            (_, 100) => self.phase = Some("detect"),
            (_, 200) => {
                self.phase = Some("plan");
                run.action = field(m, "action: ").map(str::to_string);
            }
            (_, 300) => self.phase = Some("apply"),
            (_, 101) => {
                if let Some(id) = name_after(m, "Detected package: ") {
                    package(run, id).detected_state = field(m, "state: ").map(str::to_string);
                }
            }
            (_, 201) => {
                if let Some(id) = name_after(m, "Planned package: ") {
                    package(run, id).planned_execute = field(m, "execute: ").map(str::to_string);
                }
            }
            (_, 301) => {
                if let Some(id) = name_after(m, "Applying execute package: ") {
                    let kind = field(m, "path: ").and_then(kind_of_path);
                    let p = package(run, id);
                    p.applied = true;
                    p.applying_line = Some(cited.clone());
                    if p.kind.is_none() {
                        p.kind = kind;
                    }
                    self.executing = run.packages.iter().position(|p| p.id == id);
                }
            }
            (_, 319) => {
                if let Some(id) = name_after(m, "Applied execute package: ") {
                    let p = package(run, id);
                    p.result = hresult_after(m, "result: ");
                    p.restart = field(m, "restart: ").map(str::to_string);
                    p.result_line = Some(cited.clone());
                    self.executing = None;
                }
            }
            (_, 399) => {
                run.apply_line = Some(cited.clone());
                run.apply_result = hresult_after(m, "result: ");
                run.restart = field(m, "restart: ").map(str::to_string);
            }
            (_, 500) if run.exit_code.is_none() => {
                run.exit_code = hresult_after(m, "exit code: ");
                run.exit_line = Some(cited.clone());
            }
            (_, 7) => {
                run.exit_code = hresult_after(m, "Exit code: ");
                run.restarting = field(m, "restarting: ").map(|v| v.eq_ignore_ascii_case("yes"));
                run.exit_line = Some(cited.clone());
                run.truncated = false;
            }
            _ => {}
        }
        if l.severity == 'e' || (l.severity == 'w' && l.id == 109) {
            self.error(&cited, m);
        }
    }

    /// A line without a prefix: the continuation of the previous message (a wrapped value).
    pub fn continuation(&mut self, number: u64, text: &str) {
        if let Some(run) = self.runs.last_mut() {
            run.last_line = number;
            let text = text.trim_end_matches(['\r', '\n']);
            if let Some(last) = run
                .failures
                .last_mut()
                .filter(|f| f.line.line + 1 == number)
            {
                last.line.text.push('\n');
                last.line.text.push_str(text);
            }
        }
    }

    pub fn finish(self) -> Vec<BundleLog> {
        self.runs
    }

    fn start(&mut self, number: u64, l: &BurnLine) {
        let version = l.message["Burn ".len()..]
            .split([',', ' '])
            .find_map(|w| w.strip_prefix('v'))
            .unwrap_or("")
            .to_string();
        self.executing = None;
        self.phase = None;
        let mut run = BundleLog::started_at(self.path.clone(), number, version);
        run.started = l.time;
        run.ended = l.time;
        self.runs.push(run);
    }

    /// An error (or the v4 missing-related-bundle warning): a Burn-only failure, or an error
    /// of the package being applied.
    fn error(&mut self, cited: &BundleLine, m: &str) {
        let Some(run) = self.runs.last_mut() else {
            return;
        };
        if let Some(kind) = failure_kind(m) {
            run.failures.push(BundleFailure {
                kind,
                hresult: first_hresult(m),
                subject: subject(m),
                line: cited.clone(),
            });
            return;
        }
        let package_error = m.contains(" package") || m.contains("retry of package");
        let Some(i) = self.executing.filter(|_| package_error) else {
            if run.engine_errors.is_empty() {
                run.error_phase = self.phase.map(str::to_string);
            }
            if run.error_hresult.is_none() {
                run.error_hresult = first_hresult(m);
            }
            if run.engine_errors.len() < MAX_ENGINE_ERRORS {
                run.engine_errors.push(cited.clone());
            }
            return;
        };
        let p = &mut run.packages[i];
        if p.kind.is_none() {
            p.kind = ["MSI", "MSP", "MSU", "EXE"]
                .iter()
                .find(|k| m.contains(&format!(" {k} package")))
                .map(|k| k.to_ascii_lowercase());
        }
        if p.result.is_none() {
            p.result = first_hresult(m).filter(|&h| h & 0x8000_0000 != 0);
        }
        p.errors.push(cited.clone());
    }
}

/// The package `id` of `run`, added when first named.
fn package<'a>(run: &'a mut BundleLog, id: &str) -> &'a mut BundlePackage {
    let i = match run.packages.iter().position(|p| p.id == id) {
        Some(i) => i,
        None => {
            run.packages.push(BundlePackage {
                id: id.to_string(),
                ..BundlePackage::default()
            });
            run.packages.len() - 1
        }
    };
    &mut run.packages[i]
}

fn set_variable(run: &mut BundleLog, name: &str, value: &str) {
    if let Some(id) = name.strip_prefix("WixBundleLog_") {
        if !value.is_empty() {
            package(run, id).log_path = Some(value.to_string());
        }
    } else if name == "WixBundleName" && !value.is_empty() {
        run.name = Some(value.to_string());
    } else if name == "WixBundleVersion" && !value.is_empty() {
        run.version = Some(value.to_string());
    }
}

fn kind_of_path(path: &str) -> Option<String> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    ["msi", "msp", "msu", "exe"]
        .contains(&ext.as_str())
        .then_some(ext)
}

/// Trust errors a payload's signature check returns (TRUST_E_NOSIGNATURE, TRUST_E_BAD_DIGEST,
/// TRUST_E_CERT_SIGNATURE, TRUST_E_SUBJECT_NOT_TRUSTED, CERT_E_UNTRUSTEDROOT).
const SIGNATURE_ERRORS: &[u32] = &[
    0x800B_0100,
    0x8009_6010,
    0x8009_6004,
    0x800B_0004,
    0x800B_0109,
];

/// Which Burn-only failure an error message reports, if any.
fn failure_kind(m: &str) -> Option<BundleFailureKind> {
    let l = m.to_ascii_lowercase();
    let has = |s: &str| l.contains(s);
    let hresult = first_hresult(m).unwrap_or(0);
    if has("pseudo bundle")
        || has("related bundle missing from cache")
        || has("from related bundle id")
    {
        Some(BundleFailureKind::RelatedBundleMissing)
    } else if has("bundle condition evaluated to false") {
        Some(BundleFailureKind::ConditionFalse)
    } else if has("hash mismatch") || has("verify hash") || hresult == 0x8009_1007 {
        Some(BundleFailureKind::Hash)
    } else if has("signature") || has("certificate") || SIGNATURE_ERRORS.contains(&hresult) {
        Some(BundleFailureKind::Signature)
    } else if has("download")
        || has("acquire")
        || has("send request to url")
        || has("http status")
        || has("resolve source")
    {
        Some(BundleFailureKind::Download)
    } else if has("failed to verify payload")
        || has("failed to cache")
        || has("while caching")
        || has("cache thread")
        || has("secure cache")
        || has("secure per-machine cache")
        || has("cache prepare")
        || has("failed to prepare package")
    {
        Some(BundleFailureKind::Cache)
    } else {
        None
    }
}

/// What a failure line names: the payload, package or container (`payload: X`), else a quoted
/// value (a URL or path), else the value of `path: `, else what follows the last `: `.
fn subject(m: &str) -> Option<String> {
    let value_after = |key: &str, stops: &[char]| {
        let i = m.find(key)?;
        let rest = &m[i + key.len()..];
        let end = rest.find(stops).unwrap_or(rest.len());
        let v = rest[..end].trim().trim_end_matches('.');
        (!v.is_empty()).then(|| v.to_string())
    };
    for key in ["payload: ", "package: ", "container: "] {
        if let Some(v) = value_after(key, &[',', ' ']) {
            return Some(v);
        }
    }
    if let Some(start) = m.find('\'') {
        if let Some(len) = m[start + 1..].find('\'') {
            return Some(m[start + 1..start + 1 + len].to_string());
        }
    }
    if let Some(v) = value_after("path: ", &[',']) {
        return Some(v);
    }
    let (_, after) = m.rsplit_once(": ")?;
    let after = after.trim().trim_end_matches('.');
    (!after.is_empty() && !after.starts_with("0x")).then(|| after.to_string())
}
