//! JSON Lines (`analyze --jsonl`, documented in docs/jsonl.md, schema
//! docs/msidiag-jsonl.schema.json): one object per line, of type `session`, `finding` or
//! `event` (every event of the merged timeline that `--timeline-csv` writes), for search
//! engines and timeline tools (Timesketch, Elasticsearch/OpenSearch `_bulk`, Splunk HEC,
//! DuckDB `read_json`).
//!
//! Every line carries `type`, `case`, `host` (when a source names the computer), `message`
//! (one human sentence), `datetime` (ISO 8601 in UTC, only when the clock is known) and
//! `timestamp_desc`, then the object's own fields: a session's and a finding's as in
//! `msidiag/1` (`src/report/json.rs`), an event's as the timeline CSV columns. It writes what
//! the analysis holds; it must not decide anything.

use std::io::Write;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use crate::diagnose::{Finding, FindingsBySession};
use crate::model::{Event, EventKind, Timestamp};
use crate::report::Analysis;
use crate::timeline::InstallSession;

/// The value of `timestamp_desc` for each kind of line.
pub const SESSION_START: &str = "Session start";
pub const FINDING_EVIDENCE: &str = "First evidence";
pub const MSI_LOG_LINE: &str = "MSI log line";
pub const EVENT_RECORD: &str = "Event record";
pub const PROCMON_EVENT: &str = "Process Monitor event";
pub const NO_TIME: &str = "No time";

/// Writes every line of `a` for the case named `case`.
pub fn write<W: Write>(a: &Analysis, case: &str, mut out: W) -> std::io::Result<()> {
    let host = case_host(a);
    let mut line = |mut head: Map<String, Value>, body: Value| -> std::io::Result<()> {
        if let Value::Object(fields) = body {
            for (k, v) in fields {
                head.entry(k).or_insert(v);
            }
        }
        serde_json::to_writer(&mut out, &Value::Object(head))?;
        out.write_all(b"\n")
    };
    let by_session = FindingsBySession::new(&a.findings);
    for s in &a.sessions {
        let host = session_host(s).or(host.clone());
        let findings: Vec<&str> = by_session.of(&s.id).iter().map(|f| f.id.as_ref()).collect();
        let mut body = serde_json::to_value(s.summary()).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut body {
            m.insert("findings".into(), serde_json::json!(findings));
        }
        let when = s.started_utc.or_else(|| {
            s.started
                .zip(s.utc_offset_minutes)
                .map(|(t, o)| (t - Duration::minutes(o.into())).and_utc())
        });
        line(
            head(
                "session",
                case,
                host.as_deref(),
                session_message(s),
                when,
                SESSION_START,
            ),
            body,
        )?;
    }
    for f in &a.findings {
        let session = f
            .session
            .as_deref()
            .and_then(|id| a.sessions.iter().find(|s| s.id == id));
        let host = session.and_then(session_host).or(host.clone());
        let offset = session.and_then(|s| s.utc_offset_minutes);
        let when = f
            .evidence
            .iter()
            .find_map(|e| e.time.and_then(|t| utc(&t.written, offset)));
        let shown = Finding {
            summary: super::relations::summary(f, &a.findings),
            ..f.clone()
        };
        let body = serde_json::to_value(&shown).unwrap_or(Value::Null);
        line(
            head(
                "finding",
                case,
                host.as_deref(),
                sentence(&f.title),
                when,
                FINDING_EVIDENCE,
            ),
            body,
        )?;
    }
    for s in &a.sessions {
        let host = session_host(s).or(host.clone());
        for e in &s.events {
            let when = e.time.and_then(|t| utc(&t, s.utc_offset_minutes));
            let desc = match (&e.kind, when) {
                (_, None) if e.time.is_none() => NO_TIME,
                (EventKind::WinEvent(_), _) => EVENT_RECORD,
                (EventKind::Procmon(_), _) => PROCMON_EVENT,
                _ => MSI_LOG_LINE,
            };
            line(
                head("event", case, host.as_deref(), event_message(e), when, desc),
                event_fields(&s.id, e),
            )?;
        }
    }
    out.flush()
}

/// The fields every line starts with.
fn head(
    kind: &str,
    case: &str,
    host: Option<&str>,
    message: String,
    when: Option<DateTime<Utc>>,
    desc: &str,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), kind.into());
    m.insert("case".into(), case.into());
    if let Some(h) = host {
        m.insert("host".into(), h.into());
    }
    m.insert("message".into(), message.into());
    if let Some(t) = when {
        m.insert(
            "datetime".into(),
            t.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string().into(),
        );
    }
    m.insert("timestamp_desc".into(), desc.into());
    m
}

/// A time as UTC: a UTC reading as it is, a local one shifted by the session's offset when it
/// is known; `None` otherwise.
fn utc(t: &Timestamp, offset_minutes: Option<i32>) -> Option<DateTime<Utc>> {
    match t {
        Timestamp::Utc(u) => Some(*u),
        Timestamp::Local(l) => offset_minutes.map(|o| (*l - Duration::minutes(o.into())).and_utc()),
        Timestamp::LocalTimeOfDay(_) => None,
    }
}

/// The computer an event record of the session names, else the log's `ComputerName`.
fn session_host(s: &InstallSession) -> Option<String> {
    s.events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WinEvent(w) if !w.computer.is_empty() => Some(w.computer.clone()),
            _ => None,
        })
        .or_else(|| s.facts.property("ComputerName").map(|p| p.value))
        .filter(|h| !h.trim().is_empty())
}

/// The first computer any session or machine-wide record names.
pub(crate) fn case_host(a: &Analysis) -> Option<String> {
    a.sessions.iter().find_map(session_host).or_else(|| {
        a.machine_events.iter().find_map(|e| match &e.kind {
            EventKind::WinEvent(w) if !w.computer.is_empty() => Some(w.computer.clone()),
            _ => None,
        })
    })
}

/// `Contoso Widget 2.4.1: install failed with exit code 1603.`
fn session_message(s: &InstallSession) -> String {
    let mut m = s
        .product
        .clone()
        .unwrap_or_else(|| "Unknown product".into());
    if let Some(v) = super::shown_version(s) {
        m.push(' ');
        m.push_str(v);
    }
    let outcome = match s.outcome {
        crate::timeline::Outcome::Success => "succeeded",
        crate::timeline::Outcome::SuccessRebootRequired => "succeeded (reboot required)",
        crate::timeline::Outcome::Failure => "failed",
        crate::timeline::Outcome::Cancelled => "was cancelled",
        crate::timeline::Outcome::Unknown => "has an unknown outcome",
    };
    m.push_str(&format!(": {} {outcome}", s.operation.as_str()));
    if let Some(c) = s.exit_code {
        m.push_str(&format!(" with exit code {c}"));
    }
    m.push('.');
    m
}

/// A title as a sentence (with its final stop).
fn sentence(title: &str) -> String {
    let t = title.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// An event's message: its text on one line (continuation lines joined with ` / `).
fn event_message(e: &Event) -> String {
    let text = e.text.trim_end_matches(['\r', '\n']);
    text.split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The timeline CSV's columns of an event (`src/report/csv.rs`).
fn event_fields(session: &str, e: &Event) -> Value {
    let (time, clock) = match &e.time {
        Some(Timestamp::Utc(t)) => (
            Some(t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
            Some("utc"),
        ),
        Some(Timestamp::Local(t)) => (
            Some(t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()),
            Some("local"),
        ),
        Some(Timestamp::LocalTimeOfDay(t)) => (
            Some(t.format("%H:%M:%S%.3f").to_string()),
            Some("local-time-of-day"),
        ),
        None => (None, None),
    };
    let kind = serde_json::to_value(&e.kind)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_default();
    let mut m = Map::new();
    m.insert("session".into(), session.into());
    if let (Some(t), Some(c)) = (time, clock) {
        m.insert("time".into(), t.into());
        m.insert("clock".into(), c.into());
    }
    m.insert("source".into(), e.origin.path.as_ref().into());
    if let Some(l) = e.origin.line {
        m.insert("line".into(), l.into());
    }
    if let Some(r) = e.origin.record {
        m.insert("record".into(), r.into());
    }
    m.insert("kind".into(), kind.into());
    m.insert("text".into(), e.text.clone().into());
    Value::Object(m)
}

/// The case name of a run: the name of its first input root (a zip's without `.zip`).
pub fn case_name(paths: &[std::path::PathBuf]) -> String {
    paths
        .first()
        .and_then(|p| {
            let p = if p.as_os_str().is_empty() || p.ends_with(".") {
                std::fs::canonicalize(p).ok()?
            } else {
                p.clone()
            };
            let name = p.file_name()?.to_string_lossy().to_string();
            Some(
                name.strip_suffix(".zip")
                    .or_else(|| name.strip_suffix(".ZIP"))
                    .unwrap_or(&name)
                    .to_string(),
            )
        })
        .unwrap_or_else(|| "case".into())
}
