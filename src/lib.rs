//! msidiag: offline diagnosis of Windows Installer (MSI) failures.
//!
//! Point [`analyze`] at verbose MSI logs (files or folders) and get the install sessions they
//! contain, the findings that explain the failed ones (root cause, confidence, evidence with
//! file:line, fixes as commands) and every problem met while reading.
//!
//! ```
//! use msidiag::{analyze, Options};
//! let log = "=== Verbose logging started: 3/14/2025  8:31:55  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
//! MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287035\r\n\
//! MSI (s) (A0:C8) [08:32:13:155]: Note: 1: 2503\r\n\
//! Action ended 8:32:13: InstallFinalize. Return value 3.\r\n\
//! MSI (s) (A0:C8) [08:32:14:050]: MainEngineThread is returning 1603\r\n\
//! === Verbose logging stopped: 3/14/2025  8:32:14 ===\r\n";
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("install.log");
//! std::fs::write(&path, log).unwrap();
//! let analysis = analyze(&[path], &Options::default()).unwrap();
//! assert!(analysis.findings.iter().any(|f| f.id == "ipi-access-denied"));
//! ```
//!
//! Data flow: `input` (discover, sniff, decode) → `sources` (bytes → events) → `timeline`
//! (install sessions) → `diagnose` (rules → findings) → `report` (text, JSON).

pub mod diagnose;
pub mod input;
pub mod kb;
pub mod model;
pub mod redact;
pub mod report;
pub mod sources;
pub mod timeline;
pub mod tz;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use diagnose::Finding;
use input::discover::discover;
use input::sniff::{sniff, InputKind};
use sources::msilog::{self, DateHint, DateOrder, LogSession, SessionOptions};
use timeline::InstallSession;
pub use tz::TzSpec;

/// What the caller can tune.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Time zone of the machine the logs come from (overrides inference).
    pub tz: Option<TzSpec>,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Day/month order for ambiguous MSI log dates.
    pub date_order: Option<DateOrder>,
}

/// How one input was read.
#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    pub path: String,
    pub kind: &'static str,
    pub encoding: Option<&'static str>,
    /// `ok`, `truncated`, `unsupported`, `unrecognized`, `empty` or `error`.
    pub status: &'static str,
    pub problems: Vec<String>,
}

impl InputReport {
    /// True when the input contributed data to the analysis.
    pub fn usable(&self) -> bool {
        matches!(self.status, "ok" | "truncated")
    }
}

/// The result of a run.
#[derive(Debug)]
pub struct Analysis {
    pub inputs: Vec<InputReport>,
    pub sessions: Vec<InstallSession>,
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
    pub tz: Option<TzSpec>,
}

impl Analysis {
    /// True when at least one input could be read.
    pub fn any_usable_input(&self) -> bool {
        self.inputs.iter().any(InputReport::usable)
    }
}

/// Errors that stop a whole run (single-file problems never do).
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("could not start worker threads: {0}")]
    Threads(String),
}

struct ReadInput {
    report: InputReport,
    sessions: Vec<LogSession>,
}

/// Reads every input (files and folders, recursively), builds sessions and runs the rules.
pub fn analyze(paths: &[PathBuf], options: &Options) -> Result<Analysis, AnalyzeError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| AnalyzeError::Threads(e.to_string()))?;
    let found = discover(paths);
    let session_options = SessionOptions {
        date_hint: options.date_order.map_or(DateHint::None, DateHint::User),
    };
    let read: Vec<ReadInput> = pool.install(|| {
        found
            .files
            .par_iter()
            .map(|f| read_one(&f.path, session_options))
            .collect()
    });
    let mut inputs = Vec::with_capacity(read.len());
    let mut logs = Vec::new();
    for r in read {
        if !r.sessions.is_empty() {
            logs.push((Arc::<str>::from(r.report.path.as_str()), r.sessions));
        }
        inputs.push(r.report);
    }
    let sessions = timeline::build(logs);
    let findings = pool.install(|| diagnose::run(&sessions));
    let mut notes: Vec<String> = found.problems;
    notes.extend(clock_notes(options));
    if sessions.iter().any(|s| !s.verbose) {
        notes.push("Some sessions come from non-verbose logs: they lack most details. Collect logs with `msiexec /l*v`.".into());
    }
    Ok(Analysis {
        inputs,
        sessions,
        findings,
        notes,
        tz: options.tz.clone(),
    })
}

fn clock_notes(options: &Options) -> Vec<String> {
    vec![match &options.tz {
        Some(tz) => format!("MSI log times are local; --tz {tz} was used to convert them to UTC."),
        None => "MSI log times are the machine's local time as written; no time zone was given (--tz) so they are not converted to UTC.".to_string(),
    }]
}

fn read_one(path: &std::path::Path, options: SessionOptions) -> ReadInput {
    let display: Arc<str> = Arc::from(path.display().to_string());
    let mut report = InputReport {
        path: display.to_string(),
        kind: InputKind::Unknown.as_str(),
        encoding: None,
        status: "error",
        problems: Vec::new(),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            report.problems.push(format!("{display}: cannot read: {e}"));
            return ReadInput {
                report,
                sessions: Vec::new(),
            };
        }
    };
    let kind = sniff(&bytes);
    report.kind = kind.as_str();
    match kind {
        InputKind::Msilog => {
            let file = msilog::read(&display, &bytes, options);
            report.encoding = Some(file.encoding.as_str());
            report.status = if file.sessions.iter().any(|s| s.truncated) {
                "truncated"
            } else {
                "ok"
            };
            report.problems = file.problems;
            ReadInput {
                report,
                sessions: file.sessions,
            }
        }
        InputKind::Empty => {
            report.status = "empty";
            report
                .problems
                .push(format!("{display}: the file is empty"));
            ReadInput {
                report,
                sessions: Vec::new(),
            }
        }
        InputKind::Unknown => {
            report.status = "unrecognized";
            report.problems.push(format!(
                "{display}: not a verbose MSI log, event log (.evtx) or Process Monitor capture (checked the content, not the name)"
            ));
            ReadInput {
                report,
                sessions: Vec::new(),
            }
        }
        other => {
            report.status = "unsupported";
            report.problems.push(format!(
                "{display}: recognised as {} but this version does not analyse that kind yet",
                other.as_str()
            ));
            ReadInput {
                report,
                sessions: Vec::new(),
            }
        }
    }
}
