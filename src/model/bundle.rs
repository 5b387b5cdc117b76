//! One run of a WiX Burn bundle as its log writes it (engine, packages, results, restart state,
//! Burn-only failures): what the Burn log reader (`src/sources/burn/`) hands to the timeline.
//!
//! Plain data only: this module must not parse, correlate or decide anything.

use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::Serialize;

/// One cited line of a Burn log: its 1-based line, its time and its exact text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleLine {
    pub line: u64,
    /// Local wall-clock time as the line's `[YYYY-MM-DDTHH:MM:SS]` prefix writes it.
    pub time: Option<NaiveDateTime>,
    pub text: String,
}

/// A package of the bundle's chain as the log shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BundlePackage {
    /// The package id (`vcRuntimeMinimum_x64`, `Installer1.msi`).
    pub id: String,
    /// `msi`, `exe`, `msp`, `msu` when the log shows it (the payload's extension or the
    /// engine's error text), else `None`.
    pub kind: Option<String>,
    /// The package's own log as the bundle names it (`WixBundleLog_<id>`), full path as written.
    pub log_path: Option<String>,
    /// `state:` of `Detected package` (`Absent`, `Present`, …).
    pub detected_state: Option<String>,
    /// `execute:` of `Planned package` (`Install`, `None`, …).
    pub planned_execute: Option<String>,
    /// `Applying execute package` was logged.
    pub applied: bool,
    /// The HRESULT of `Applied execute package: …, result: 0x…`, or of the engine's
    /// `Error 0x…: Failed to … package` line when the run stopped before the result.
    pub result: Option<u32>,
    /// `restart:` of the result line (`None`, `Required`, `Initiated`).
    pub restart: Option<String>,
    /// The `Applying execute package` line.
    pub applying_line: Option<BundleLine>,
    /// The `Applied execute package` line.
    pub result_line: Option<BundleLine>,
    /// Error lines the engine wrote while this package ran (`Error 0x80070643: Failed to
    /// install MSI package.`, retries).
    pub errors: Vec<BundleLine>,
}

/// What kind of Burn-only failure a line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BundleFailureKind {
    /// A payload or container could not be downloaded or acquired.
    Download,
    /// A payload's hash did not match.
    Hash,
    /// A payload's signature could not be verified.
    Signature,
    /// The package cache could not be written or prepared.
    Cache,
    /// A related bundle's cached copy is missing (`Failed to get size of pseudo bundle`, v4
    /// `Detected related bundle missing from cache`).
    RelatedBundleMissing,
    /// The bundle's own condition (a prerequisite check) evaluated to false.
    ConditionFalse,
}

/// One Burn-only failure line and the facts it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleFailure {
    pub kind: BundleFailureKind,
    /// The HRESULT of the line (`Error 0x80091007: …`, `error: 0x80070002`), when written.
    pub hresult: Option<u32>,
    /// The payload, package, container, URL or path the line names, when it names one.
    pub subject: Option<String>,
    pub line: BundleLine,
}

/// One run of a Burn bundle (from `i001: Burn v…` to the next such line or the end).
#[derive(Debug, Clone, Serialize)]
pub struct BundleLog {
    pub path: Arc<str>,
    pub first_line: u64,
    pub last_line: u64,
    /// The engine's version as written (`3.11.100.14523`, `5.0.2+aa65968c`).
    pub engine_version: String,
    /// Its major version (3, 4, 5…).
    pub engine_major: Option<u32>,
    /// `WixBundleName`, when the log sets it.
    pub name: Option<String>,
    /// `WixBundleVersion`, when the log gives it.
    pub version: Option<String>,
    /// `action:` of `Plan begin` (`Install`, `Uninstall`, `Repair`, `Modify`…).
    pub action: Option<String>,
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    pub packages: Vec<BundlePackage>,
    /// `Apply complete, result: 0x…`.
    pub apply_result: Option<u32>,
    /// `restart:` of `Apply complete`.
    pub restart: Option<String>,
    /// `Exit code: 0x…` (or `Shutting down, exit code: 0x…`).
    pub exit_code: Option<u32>,
    /// `restarting: Yes|No` of the exit line.
    pub restarting: Option<bool>,
    /// The exit line (or the shutdown line when no exit line was written).
    pub exit_line: Option<BundleLine>,
    pub failures: Vec<BundleFailure>,
    /// The `Apply complete` line.
    pub apply_line: Option<BundleLine>,
    /// Error lines of the engine that are neither a package's errors nor a Burn-only failure
    /// (`e000: Error 0x80070005: Failed to …`), in file order, at most a few dozen.
    pub engine_errors: Vec<BundleLine>,
    /// The phase (`detect`, `plan`, `apply`) the run was in at its first engine error, from
    /// the last `Detect begin` / `Plan begin` / `Apply begin` before it.
    pub error_phase: Option<String>,
    /// The first HRESULT an engine error line writes (`Error 0x80070005: …`).
    pub error_hresult: Option<u32>,
    /// No `Exit code` line: the run was cut (or is still running).
    pub truncated: bool,
}

impl BundleLog {
    /// A run that starts at `line` of `path` with the engine version as written: nothing read
    /// yet but the start, so it counts as cut until its exit line is seen.
    pub fn started_at(path: Arc<str>, line: u64, engine_version: String) -> Self {
        let engine_major = engine_version
            .split('.')
            .next()
            .and_then(|m| m.parse().ok());
        BundleLog {
            path,
            first_line: line,
            last_line: line,
            engine_version,
            engine_major,
            name: None,
            version: None,
            action: None,
            started: None,
            ended: None,
            packages: Vec::new(),
            apply_result: None,
            restart: None,
            exit_code: None,
            restarting: None,
            exit_line: None,
            failures: Vec::new(),
            apply_line: None,
            engine_errors: Vec::new(),
            error_phase: None,
            error_hresult: None,
            truncated: true,
        }
    }
}
