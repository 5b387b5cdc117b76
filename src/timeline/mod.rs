//! The timeline: install sessions assembled from everything the sources read.
//!
//! Today a session comes from one MSI log session; event logs and Procmon captures will join
//! here with clock alignment. This module must not diagnose (rules live in `diagnose`).

pub mod facts;

use std::sync::Arc;

use chrono::NaiveDateTime;
use serde::Serialize;

pub use facts::{Outcome, SessionFacts, Sourced};

use crate::model::{Event, EventKind, Operation};
use crate::sources::msilog::LogSession;

/// One msiexec transaction as far as the inputs show it.
#[derive(Debug, Clone)]
pub struct InstallSession {
    /// Stable id within one run: `S1`, `S2`, … in input order.
    pub id: String,
    pub path: Arc<str>,
    pub first_line: u64,
    pub last_line: u64,
    pub product: Option<String>,
    pub product_code: Option<String>,
    pub version: Option<String>,
    pub operation: Operation,
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    pub outcome: Outcome,
    pub exit_code: Option<i64>,
    pub truncated: bool,
    pub verbose: bool,
    pub events: Vec<Event>,
    pub facts: SessionFacts,
}

/// The JSON view of a session (`sessions[]` in the output contract).
#[derive(Debug, Clone, Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub source: String,
    pub product: Option<String>,
    pub product_code: Option<String>,
    pub version: Option<String>,
    pub operation: Operation,
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    pub outcome: Outcome,
    pub exit_code: Option<i64>,
}

impl InstallSession {
    pub fn from_log_session(id: String, path: &Arc<str>, log: LogSession) -> InstallSession {
        let facts = SessionFacts::from_events(&log.events);
        let exit_code = facts.exit_code.as_ref().map(|s| s.value);
        let status = facts.status;
        let outcome = match (exit_code.or(status), log.truncated) {
            (Some(code), _) => Outcome::from_code(code),
            (None, true) => Outcome::Unknown,
            (None, false) => outcome_from_actions(&log.events),
        };
        let product = facts
            .product_name
            .as_ref()
            .map(|s| s.value.clone())
            .or_else(|| facts.property("ProductName").map(|s| s.value))
            .or_else(|| product_from_messages(&log.events));
        let version = facts
            .version
            .clone()
            .or_else(|| facts.property("ProductVersion").map(|s| s.value));
        InstallSession {
            id,
            path: path.clone(),
            first_line: log.first_line,
            last_line: log.last_line,
            product,
            product_code: facts
                .property("ProductCode")
                .or_else(|| facts.engine_product_code.clone())
                .map(|s| s.value),
            version,
            operation: facts.operation(),
            started: log.started,
            ended: log.ended,
            outcome,
            exit_code,
            truncated: log.truncated,
            verbose: log.verbose,
            events: log.events,
            facts,
        }
    }

    pub fn summary(&self) -> SessionSummary {
        SessionSummary {
            id: self.id.clone(),
            source: format!("{}:{}-{}", self.path, self.first_line, self.last_line),
            product: self.product.clone(),
            product_code: self.product_code.clone(),
            version: self.version.clone(),
            operation: self.operation,
            started: self.started,
            ended: self.ended,
            outcome: self.outcome,
            exit_code: self.exit_code,
        }
    }
}

/// Without an exit code: `INSTALL` (or the top action) returning 3 is a failure.
fn outcome_from_actions(events: &[Event]) -> Outcome {
    let top = events.iter().rev().find_map(|e| match &e.kind {
        EventKind::ActionEnded {
            action,
            return_value,
        } if action.chars().all(|c| c.is_ascii_uppercase()) => Some(*return_value),
        _ => None,
    });
    match top {
        Some(1) => Outcome::Success,
        Some(2) => Outcome::Cancelled,
        Some(3) => Outcome::Failure,
        _ => Outcome::Unknown,
    }
}

fn product_from_messages(events: &[Event]) -> Option<String> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::ProductMessage { product, .. } => Some(product.clone()),
        _ => None,
    })
}

/// Builds sessions from the MSI log sessions of all inputs, in input order.
pub fn build(logs: Vec<(Arc<str>, Vec<LogSession>)>) -> Vec<InstallSession> {
    let mut out = Vec::new();
    for (path, sessions) in logs {
        for s in sessions {
            let id = format!("S{}", out.len() + 1);
            out.push(InstallSession::from_log_session(id, &path, s));
        }
    }
    out
}
