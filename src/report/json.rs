//! The JSON report, schema `msidiag/1` (documented in docs/json-schema.md). Field names are a
//! contract: add fields, never rename or remove them.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

use crate::diagnose::Finding;
use crate::timeline::SessionSummary;
use crate::{Analysis, InputReport};

pub const SCHEMA: &str = "msidiag/1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool_version: &'static str,
    inputs: &'a [InputReport],
    sessions: Vec<SessionJson>,
    findings: &'a [Finding],
    notes: &'a [String],
}

#[derive(Serialize)]
struct SessionJson {
    #[serde(flatten)]
    summary: SessionSummary,
    /// Only when `--tz` is given: the local times converted to UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    started_utc: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ended_utc: Option<DateTime<Utc>>,
    findings: Vec<&'static str>,
}

fn to_utc(a: &Analysis, t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    a.tz.as_ref()?.to_utc(t?)
}

/// Renders the analysis as pretty-printed JSON.
pub fn render(analysis: &Analysis) -> String {
    let sessions = analysis
        .sessions
        .iter()
        .map(|s| SessionJson {
            summary: s.summary(),
            started_utc: to_utc(analysis, s.started),
            ended_utc: to_utc(analysis, s.ended),
            findings: analysis
                .findings
                .iter()
                .filter(|f| f.session.as_deref() == Some(s.id.as_str()))
                .map(|f| f.id)
                .collect(),
        })
        .collect();
    let report = Report {
        schema: SCHEMA,
        tool_version: env!("CARGO_PKG_VERSION"),
        inputs: &analysis.inputs,
        sessions,
        findings: &analysis.findings,
        notes: &analysis.notes,
    };
    serde_json::to_string_pretty(&report).expect("the report is plain data")
}
