//! The JSON report, schema `msidiag/1` (documented in docs/json-schema.md). Field names are a
//! contract: add fields, never rename or remove them.

use serde::Serialize;

use crate::diagnose::Finding;
use crate::input::report::InputReport;
use crate::timeline::SessionSummary;
use crate::Analysis;

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
}

#[derive(Serialize)]
struct SessionJson<'a> {
    #[serde(flatten)]
    summary: SessionSummary,
    findings: Vec<&'a str>,
}

/// Renders the analysis as pretty-printed JSON.
pub fn render(analysis: &Analysis) -> String {
    let sessions = analysis
        .sessions
        .iter()
        .map(|s| SessionJson {
            summary: s.summary(),
            findings: analysis
                .findings
                .iter()
                .filter(|f| f.session.as_deref() == Some(s.id.as_str()))
                .map(|f| f.id.as_ref())
                .collect(),
        })
        .collect();
    let report = Report {
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
    };
    serde_json::to_string_pretty(&report).expect("the report is plain data")
}
