//! The JSON report, schema `msidiag/1` (documented in docs/json-schema.md). Field names are a
//! contract: add fields, never rename or remove them.

use serde::Serialize;

use crate::diagnose::{Finding, FindingsBySession};
use crate::input::report::InputReport;
use crate::report::Analysis;
use crate::timeline::SessionSummary;

pub const SCHEMA: &str = "msidiag/1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool_version: &'static str,
    inputs: &'a [InputReport],
    clocks: &'a [crate::timeline::ClockAlignment],
    sessions: Vec<SessionJson<'a>>,
    findings: Vec<Finding>,
    notes: &'a [String],
    /// Present only when the inputs hold a WiX Burn bundle log.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    bundles: Vec<BundleJson<'a>>,
}

#[derive(Serialize)]
struct SessionJson<'a> {
    #[serde(flatten)]
    summary: SessionSummary,
    findings: Vec<&'a str>,
}

/// Renders the analysis as pretty-printed JSON.
pub fn render(analysis: &Analysis) -> String {
    serde_json::to_string_pretty(&report(analysis)).expect("the report is plain data")
}

/// Writes [`render`]'s text and a newline to `out` as it is serialized (a large run's report
/// is never held whole in memory).
pub fn write(analysis: &Analysis, out: &mut impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report(analysis))?;
    writeln!(out)
}

/// The report's serialized form.
fn report(analysis: &Analysis) -> Report<'_> {
    let by_session = FindingsBySession::new(&analysis.findings);
    let sessions = analysis
        .sessions
        .iter()
        .map(|s| SessionJson {
            summary: s.summary(),
            findings: by_session.of(&s.id).iter().map(|f| f.id.as_ref()).collect(),
        })
        .collect();
    Report {
        schema: SCHEMA,
        tool_version: env!("CARGO_PKG_VERSION"),
        inputs: &analysis.inputs,
        clocks: &analysis.clocks,
        sessions,
        // The summary a reader sees, with the sentences of the finding's relations.
        findings: analysis
            .findings
            .iter()
            .map(|f| Finding {
                summary: super::relations::summary(f, &analysis.findings),
                ..f.clone()
            })
            .collect(),
        notes: &analysis.notes,
        bundles: bundles(analysis),
    }
}

/// A bundle run (WiX Burn) in `bundles[]`: the run, its packages (each linked to the session
/// of its MSI log when that log is among the inputs) and the ids of the findings that explain
/// it (its own, and those of its failed packages' sessions).
#[derive(Serialize)]
struct BundleJson<'a> {
    id: &'a str,
    source: String,
    engine_version: &'a str,
    engine_major: Option<u32>,
    name: Option<&'a str>,
    version: Option<&'a str>,
    action: Option<&'a str>,
    started: Option<chrono::NaiveDateTime>,
    ended: Option<chrono::NaiveDateTime>,
    outcome: crate::timeline::Outcome,
    apply_result: Option<String>,
    exit_code: Option<String>,
    restart: Option<&'a str>,
    restarting: Option<bool>,
    packages: Vec<PackageJson<'a>>,
    findings: Vec<&'a str>,
}

#[derive(Serialize)]
struct PackageJson<'a> {
    id: &'a str,
    kind: Option<&'a str>,
    log: Option<&'a str>,
    result: Option<String>,
    restart: Option<&'a str>,
    session: Option<&'a str>,
}

fn hex(v: u32) -> String {
    format!("0x{v:08X}")
}

fn bundles(analysis: &Analysis) -> Vec<BundleJson<'_>> {
    analysis
        .bundles
        .iter()
        .map(|ab| {
            let b = &ab.bundle;
            let log = &b.log;
            let packages: Vec<PackageJson> = log
                .packages
                .iter()
                .enumerate()
                .map(|(i, p)| PackageJson {
                    id: &p.id,
                    kind: p.kind.as_deref(),
                    log: p
                        .log_path
                        .as_deref()
                        .map(crate::timeline::bundles::file_name),
                    result: p.result.map(hex),
                    restart: p.restart.as_deref(),
                    session: b.session_of(i),
                })
                .collect();
            let failed_sessions: Vec<&str> = packages
                .iter()
                .zip(&log.packages)
                .filter(|(_, p)| p.result.is_some_and(|r| r & 0x8000_0000 != 0))
                .filter_map(|(j, _)| j.session)
                .collect();
            let mut findings: Vec<&str> = ab.findings.iter().map(|f| f.as_ref()).collect();
            findings.extend(
                analysis
                    .findings
                    .iter()
                    .filter(|f| {
                        f.session
                            .as_deref()
                            .is_some_and(|s| failed_sessions.contains(&s))
                    })
                    .map(|f| f.id.as_ref()),
            );
            BundleJson {
                id: &b.id,
                source: format!("{}:{}-{}", log.path, log.first_line, log.last_line),
                engine_version: &log.engine_version,
                engine_major: log.engine_major,
                name: log.name.as_deref(),
                version: log.version.as_deref(),
                action: log.action.as_deref(),
                started: log.started,
                ended: log.ended,
                outcome: b.outcome(),
                apply_result: log.apply_result.map(hex),
                exit_code: log.exit_code.map(hex),
                restart: log.restart.as_deref(),
                restarting: log.restarting,
                packages,
                findings,
            }
        })
        .collect()
}
