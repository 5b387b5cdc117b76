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
pub mod report;
pub mod sources;
pub mod timeline;
pub mod tz;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use input::discover::{discover, load, FoundFile};
pub use input::report::{InputReport, InputStatus};
use input::sniff::{sniff, InputKind};
use model::{DateOrder, LogSession};
pub use report::{Analysis, AnalyzedBundle};
use sources::msilog::{self, DateHint, SessionOptions};
use sources::window::Source;
pub use tz::TzSpec;

/// What the caller can tune.
#[derive(Clone, Default)]
pub struct Options {
    /// Time zone of the machine the logs come from (overrides inference).
    pub tz: Option<TzSpec>,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Day/month order for ambiguous MSI log dates.
    pub date_order: Option<DateOrder>,
    /// Rules read from rule files (`diagnose::data`), run after the built-in ones.
    pub rules: Vec<std::sync::Arc<dyn diagnose::Rule>>,
    /// Read the MSI log lines this many lines around each evidence line again, for the HTML
    /// report (`report::log_context`); `None`: no context.
    pub context: Option<u64>,
    /// The caller's reports do not list the sessions' events (no HTML, JSON Lines, timeline
    /// CSV or redaction: `Analysis::sessions[].events` may be left empty). Then, when the run
    /// has no event log records nor Procmon operations that could join a session, each session
    /// of a large MSI log is diagnosed as soon as it is read and its events are dropped, so
    /// that memory does not follow the log's size. Every report is the same either way.
    pub drop_events: bool,
}

/// Errors that stop a whole run (single-file problems never do).
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("could not start worker threads: {0}")]
    Threads(String),
}

/// What one file gave.
#[derive(Default)]
struct ReadInput {
    report: InputReport,
    log_sessions: Vec<LogSession>,
    evtx_events: Vec<model::Event>,
    procmon_events: Vec<model::Event>,
    procmon_has_dates: bool,
    bundle_runs: Vec<model::BundleLog>,
    /// A large MSI log left to be read after the other inputs (`Options::drop_events`).
    deferred: bool,
    /// Its sessions, built and diagnosed alone as they were read (events dropped).
    built: Vec<timeline::InstallSession>,
}

/// Progress of a run, reported from worker threads (the CLI draws a bar from it).
pub trait Progress: Sync {
    /// Discovery is done: this many files will be read.
    fn started(&self, files: usize);
    /// One file has been read.
    fn file_done(&self, path: &str);
}

/// A [`Progress`] that reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn started(&self, _: usize) {}
    fn file_done(&self, _: &str) {}
}

/// Reads every input (files and folders, recursively), builds sessions and runs the rules.
pub fn analyze(paths: &[PathBuf], options: &Options) -> Result<Analysis, AnalyzeError> {
    analyze_with_progress(paths, options, &NoProgress)
}

/// [`analyze`], telling `progress` how far reading has got.
pub fn analyze_with_progress(
    paths: &[PathBuf],
    options: &Options,
    progress: &dyn Progress,
) -> Result<Analysis, AnalyzeError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| AnalyzeError::Threads(e.to_string()))?;
    let found = discover(paths);
    let session_options = SessionOptions {
        date_hint: options.date_order.map_or(DateHint::None, DateHint::User),
    };
    let keep = extra_keep(&options.rules);
    progress.started(found.files.len());
    // The rules (the built-in rule files parsed, their regexes compiled: about 2 ms) are built
    // by whichever thread is free while the inputs are read, not after them on one thread.
    let (mut read, registry): (Vec<ReadInput>, _) = pool.install(|| {
        rayon::join(
            || {
                found
                    .files
                    .par_iter()
                    // Every file its own job: a thread that runs out steals single files,
                    // instead of sleeping while the other finishes a run of them.
                    .with_max_len(1)
                    .map(|f| {
                        let r = read_one(f, session_options, keep.as_ref(), options.drop_events);
                        if !r.deferred {
                            progress.file_done(&f.display);
                        }
                        r
                    })
                    .collect()
            },
            || diagnose::Registry::with_loaded(options.rules.clone()),
        )
    });
    // Large MSI logs last, one after another (each read in parallel windows): when nothing
    // read can join their sessions, each is diagnosed as it is read and its events dropped.
    let alone = read
        .iter()
        .all(|r| r.evtx_events.is_empty() && r.procmon_events.is_empty());
    let rules = diagnose::SessionRules::new(&registry);
    let mut done: Vec<Option<diagnose::Diagnosed>> = Vec::new();
    for (r, f) in read.iter_mut().zip(&found.files) {
        if r.deferred {
            if alone {
                let first_id = done.len();
                let streamed = Streamed {
                    options: session_options,
                    keep: keep.as_ref(),
                    tz: options.tz.as_ref(),
                    rules: &rules,
                };
                if !pool.install(|| streamed.read(f, r, first_id, &mut done)) {
                    *r = read_one(f, session_options, keep.as_ref(), false);
                }
            } else {
                *r = read_one(f, session_options, keep.as_ref(), false);
            }
            progress.file_done(&f.display);
        }
        done.extend(r.log_sessions.iter().map(|_| None));
    }
    let mut inputs = Vec::with_capacity(read.len());
    let mut data = timeline::SourceData::default();
    for r in read {
        let path = Arc::<str>::from(r.report.path.as_str());
        if !r.log_sessions.is_empty() {
            data.logs
                .push((path.clone(), timeline::LogSessions::Read(r.log_sessions)));
        }
        if !r.built.is_empty() {
            data.logs
                .push((path.clone(), timeline::LogSessions::Built(r.built)));
        }
        if !r.evtx_events.is_empty() {
            data.evtx.push((path.clone(), r.evtx_events));
        }
        if !r.procmon_events.is_empty() {
            data.procmon
                .push((path, r.procmon_events, r.procmon_has_dates));
        }
        data.bundles.extend(r.bundle_runs);
        inputs.push(r.report);
    }
    inputs.extend(found.unread_archives);
    let timeline = pool.install(|| timeline::build(data, options.tz.as_ref()));
    let mut findings = pool.install(|| diagnose::run_with_done(&timeline, &rules, &mut done));
    let mut bundles: Vec<AnalyzedBundle> = timeline
        .bundles
        .iter()
        .map(|b| AnalyzedBundle {
            bundle: b.clone(),
            findings: Vec::new(),
        })
        .collect();
    for (i, f) in diagnose::bundle_findings(&timeline) {
        bundles[i].findings.push(f.id.clone());
        findings.push(f);
    }
    let mut notes: Vec<String> = found.problems;
    notes.extend(timeline.notes.iter().cloned());
    if timeline
        .sessions
        .iter()
        .any(|s| !s.verbose && s.log_events > 0)
    {
        notes.push("Some sessions come from non-verbose logs: they lack most details. Collect logs with `msiexec /l*v`.".into());
    }
    notes.extend(diagnose::missing_evidence_notes_done(
        &timeline, &findings, &inputs, &done,
    ));
    let context = options
        .context
        .map(|radius| pool.install(|| read_context(&findings, &inputs, &found.files, radius)));
    Ok(Analysis {
        context,
        inputs,
        sessions: timeline.sessions,
        machine_events: timeline.machine_events,
        clocks: timeline.clocks,
        findings,
        bundles,
        notes,
        tz: options.tz.clone(),
    })
}

/// The log lines around the MSI-log evidence of `findings`, read again from the inputs.
fn read_context(
    findings: &[diagnose::Finding],
    inputs: &[InputReport],
    files: &[FoundFile],
    radius: u64,
) -> report::log_context::LogContext {
    use report::log_context::{LogContext, DEFAULT_CAP};
    let logs: std::collections::HashSet<&str> = inputs
        .iter()
        .filter(|i| i.kind == InputKind::Msilog.as_str())
        .map(|i| i.path.as_str())
        .collect();
    let mut context = LogContext::plan(findings, radius, DEFAULT_CAP, |p| logs.contains(p));
    let read: Vec<(String, Result<_, String>)> = context
        .ranges()
        .into_par_iter()
        .map(|(path, ranges)| {
            let lines = match files.iter().find(|f| f.display == path) {
                Some(found) => input::excerpt::read_lines(found, &ranges)
                    .map_err(|e| format!("{path}: cannot read the log again for context: {e}")),
                None => Err(format!("{path}: not found again for context")),
            };
            (path.to_string(), lines)
        })
        .collect();
    for (path, lines) in read {
        match lines {
            Ok(lines) => {
                context.lines.insert(path, lines);
            }
            Err(problem) => context.problems.push(problem),
        }
    }
    context
}

/// What the rule files' blocks ask the readers to keep besides their own lines and rows
/// (`None` without rule files: the readers then pay nothing).
fn extra_keep(rules: &[Arc<dyn diagnose::Rule>]) -> Option<sources::keep::ExtraKeep> {
    use diagnose::data::SourceKind;
    let (mut lines, mut rows) = (Vec::new(), Vec::new());
    for m in rules
        .iter()
        .filter_map(|r| r.data())
        .flat_map(|d| &d.matchers)
    {
        match m.source {
            SourceKind::MsiLog => lines.push(sources::keep::LineBlock {
                line: m.line.as_ref(),
                errors: &m.errors,
                needs_info_or_action: !m.infos.is_empty()
                    || m.action.is_some()
                    || m.returned.is_some(),
            }),
            SourceKind::Procmon => rows.push(sources::keep::RowPattern {
                process: m.process.clone(),
                operation: m.operation.clone(),
                path: m.path.clone(),
                result: m.result.clone(),
            }),
            SourceKind::Evtx | SourceKind::Session => {}
        }
    }
    sources::keep::ExtraKeep::new(&lines, &rows)
}

/// How the sessions of a large MSI log are read, built, diagnosed and dropped one at a time.
struct Streamed<'a> {
    options: SessionOptions,
    keep: Option<&'a sources::keep::ExtraKeep>,
    tz: Option<&'a TzSpec>,
    rules: &'a diagnose::SessionRules<'a>,
}

impl Streamed<'_> {
    /// Reads the deferred MSI log `found` into `r`: each session gets the id `timeline::build`
    /// would give it (after the `first_id` sessions of the inputs before), is built alone,
    /// diagnosed (pushed to `done`) and kept without its events. False (nothing read) when the
    /// file is no longer a large file that can be opened: the caller reads it as any input.
    fn read(
        &self,
        found: &FoundFile,
        r: &mut ReadInput,
        first_id: usize,
        done: &mut Vec<Option<diagnose::Diagnosed>>,
    ) -> bool {
        let display: Arc<str> = Arc::from(found.display.as_str());
        let Some(file) = open_large(found) else {
            return false;
        };
        let source = Source::File {
            file: &file,
            len: file.metadata().map_or(0, |m| m.len()),
        };
        let mut built = Vec::new();
        let mut file_start = None;
        let mut truncated = false;
        let read =
            msilog::read_source_streaming(&display, &source, self.options, self.keep, &mut |log| {
                let id = format!("S{}", first_id + built.len() + 1);
                let start = *file_start.get_or_insert(log.started);
                truncated |= log.truncated;
                let mut session = timeline::session_alone(id, &display, log, self.tz, start);
                done.push(Some(diagnose::diagnose_alone(&session, self.rules)));
                session.drop_events();
                built.push(session);
            });
        r.report.encoding = Some(read.encoding.as_str());
        if truncated {
            r.report.status = InputStatus::Truncated;
        }
        r.report.problems = read.problems;
        r.built = built;
        true
    }
}

/// Reads one input. With `defer_large_msilog`, a large MSI log is only recognised
/// (`ReadInput::deferred`): [`Streamed`] reads it after the other inputs.
fn read_one(
    found: &FoundFile,
    options: SessionOptions,
    keep: Option<&sources::keep::ExtraKeep>,
    defer_large_msilog: bool,
) -> ReadInput {
    let display: Arc<str> = Arc::from(found.display.as_str());
    let mut r = ReadInput {
        report: InputReport {
            path: display.to_string(),
            kind: InputKind::Unknown.as_str(),
            encoding: None,
            status: InputStatus::Error,
            problems: Vec::new(),
        },
        ..ReadInput::default()
    };
    // Large files on disk are read window by window by the readers (memory stays bounded);
    // the rest is loaded whole.
    let large = open_large(found);
    let loaded;
    let mut load_note = None;
    let source = match &large {
        Some(file) => Source::File {
            file,
            len: file.metadata().map_or(0, |m| m.len()),
        },
        None => match load(found) {
            Ok(b) => {
                load_note = b.note().map(|n| format!("{display}: {n}"));
                loaded = b;
                Source::Memory(&loaded)
            }
            Err(e) => {
                r.report
                    .problems
                    .push(format!("{display}: cannot read: {e}"));
                return r;
            }
        },
    };
    let bytes = match source.read_vec(0, SNIFF_HEAD) {
        Ok(head) => head,
        Err(e) => {
            r.report
                .problems
                .push(format!("{display}: cannot read: {e}"));
            return r;
        }
    };
    let kind = sniff(&bytes);
    r.report.kind = kind.as_str();
    r.report.status = InputStatus::Ok;
    match kind {
        InputKind::Msilog if defer_large_msilog && large.is_some() => r.deferred = true,
        InputKind::Msilog => {
            let file = msilog::read_source_keeping(&display, &source, options, keep);
            r.report.encoding = Some(file.encoding.as_str());
            if file.sessions.iter().any(|s| s.truncated) {
                r.report.status = InputStatus::Truncated;
            }
            r.report.problems = file.problems;
            r.log_sessions = file.sessions;
        }
        InputKind::Evtx => {
            let file = sources::evtx::read_source(&display, &source);
            r.report.problems = file.problems;
            if file.records_total == 0 {
                // Setup and Forwarded Events logs are often sound and empty.
                r.report
                    .no_records("the event log holds no records", "no readable event record");
            }
            r.evtx_events = file.events;
        }
        InputKind::ProcmonCsv | InputKind::ProcmonPml => {
            let file = if kind == InputKind::ProcmonCsv {
                r.report.encoding = Some(input::decode::detect(&bytes).as_str());
                sources::procmon::read_csv_source_keeping(&display, &source, keep)
            } else {
                sources::procmon::read_pml_source_keeping(&display, &source, keep)
            };
            r.report.problems = file.problems;
            if file.rows_total == 0 {
                r.report.no_records(
                    "the capture holds no events",
                    "no readable Process Monitor row",
                );
            }
            r.procmon_events = file.events;
            r.procmon_has_dates = file.has_dates;
        }
        InputKind::BurnLog => {
            let file = sources::burn::read_source(&display, &source);
            r.report.encoding = Some(file.encoding.as_str());
            if file.runs.iter().any(|b| b.truncated) {
                r.report.status = InputStatus::Truncated;
            }
            r.report.problems = file.problems;
            r.bundle_runs = file.runs;
        }
        InputKind::Empty => {
            r.report.status = InputStatus::Empty;
            r.report
                .problems
                .push(format!("{display}: the file is empty"));
        }
        InputKind::Unknown if read_pasted(&mut r, &display, &source, options, keep) => {}
        InputKind::Unknown => {
            r.report.status = InputStatus::Unrecognized;
            r.report.problems.push(format!(
                "{display}: not a verbose MSI log, event log (.evtx) or Process Monitor capture (checked the content, not the name)"
            ));
        }
        other => {
            r.report.status = InputStatus::Unsupported;
            r.report.problems.push(format!(
                "{display}: recognised as {} but this version does not analyse that kind yet",
                other.as_str()
            ));
        }
    }
    r.report.problems.extend(load_note);
    r
}

/// Reads an input that is not a log as written but a pasted excerpt of one (quote marks, a
/// flattened line, literal `\r\n`, a CI tool's clock prefix: `input::paste`), when undoing the
/// paste gives an MSI log. Says how the text was normalised; line numbers stay the file's own.
fn read_pasted(
    r: &mut ReadInput,
    display: &Arc<str>,
    source: &Source,
    options: SessionOptions,
    keep: Option<&sources::keep::ExtraKeep>,
) -> bool {
    let Some(bytes) = source.memory().filter(|b| b.len() <= MAX_EXCERPT) else {
        return false;
    };
    let decoded = input::decode::decode(bytes);
    let Some(excerpt) = input::paste::normalise(&decoded.text) else {
        return false;
    };
    if sniff(excerpt.text().as_bytes()) != InputKind::Msilog {
        return false;
    }
    let file = msilog::read_excerpt(
        display,
        &excerpt.lines,
        &excerpt.origins,
        decoded.encoding,
        options,
        keep,
    );
    r.report.kind = InputKind::Msilog.as_str();
    r.report.encoding = Some(file.encoding.as_str());
    if file.sessions.iter().any(|s| s.truncated) {
        r.report.status = InputStatus::Truncated;
    }
    r.report.problems.push(format!(
        "{display}: a pasted excerpt, not a log as written: {}; the MSI log lines were read from the result",
        excerpt.how.join("; ")
    ));
    r.report.problems.extend(file.problems);
    r.log_sessions = file.sessions;
    true
}

/// Largest input tried as a pasted excerpt (pastes are small; a large unrecognised file is not one).
const MAX_EXCERPT: usize = 16 << 20;

/// Disk files at least this large are read window by window instead of loaded whole.
const LARGE_INPUT: u64 = 64 << 20;
/// Bytes sniffed and used for encoding detection (the readers read the rest themselves).
const SNIFF_HEAD: usize = 1 << 20;

/// The open file when `found` is a large regular file on disk.
fn open_large(found: &FoundFile) -> Option<std::fs::File> {
    #[allow(irrefutable_let_patterns)]
    let input::discover::FileSource::Disk(path) = &found.source
    else {
        return None;
    };
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    (meta.is_file() && meta.len() >= LARGE_INPUT).then_some(file)
}
