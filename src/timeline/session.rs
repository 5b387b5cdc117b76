//! An install session and its JSON summary: one msiexec transaction as far as the inputs show
//! it, built from an MSI log session or an event log transaction. Construction only; matching
//! sources to sessions is `matching` and `procmon_join`.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Serialize;

use super::align;
use super::evtx_groups::EvtxGroup;
use super::facts::{Outcome, SessionFacts};
use crate::model::{Event, EventKind, Language, LogSession, Operation, Side, Timestamp};

/// One msiexec transaction as far as the inputs show it.
#[derive(Debug, Clone)]
pub struct InstallSession {
    /// Stable id within one run: `S1`, `S2`, … (log sessions first, in input order).
    pub id: String,
    /// The file the session was first read from, and its line (or record) range.
    pub path: Arc<str>,
    pub first_line: u64,
    pub last_line: u64,
    pub product: Option<String>,
    pub product_code: Option<String>,
    pub version: Option<String>,
    pub operation: Operation,
    /// Local wall-clock start and end (the machine's time), when known.
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    /// The same instants in UTC, when the clock could be aligned.
    pub started_utc: Option<DateTime<Utc>>,
    pub ended_utc: Option<DateTime<Utc>>,
    /// Local minus UTC, in minutes, for this session's local times.
    pub utc_offset_minutes: Option<i32>,
    pub outcome: Outcome,
    pub exit_code: Option<i64>,
    pub truncated: bool,
    pub verbose: bool,
    /// MSI log events first (in file order), then events joined from other sources.
    pub events: Vec<Event>,
    /// How many of `events` come from the MSI log.
    pub log_events: usize,
    pub facts: SessionFacts,
    /// Every source that contributed, as `path:first-last` (lines), `path#first-last` (record ids) or `path`.
    pub sources: Vec<String>,
    /// msiexec client PID (full, from 1040/1042 or Procmon) when known.
    pub client_pid: Option<u32>,
    /// Low bytes of the client and server PIDs as the MSI log shows them.
    pub client_pid_low: Option<u8>,
    pub server_pid_low: Option<u8>,
    /// Security identifier of the requesting user (event logs).
    pub user_sid: Option<String>,
    /// `UserLanguageID` / `SystemLanguageID` of the MSI log (the machine's language and format).
    pub user_language: Option<Language>,
    pub system_language: Option<Language>,
}

/// The JSON view of a session (`sessions[]` in the output contract).
#[derive(Debug, Clone, Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub source: String,
    pub sources: Vec<String>,
    pub product: Option<String>,
    pub product_code: Option<String>,
    pub version: Option<String>,
    pub operation: Operation,
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_utc: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_utc: Option<DateTime<Utc>>,
    pub outcome: Outcome,
    pub exit_code: Option<i64>,
    pub client_pid: Option<u32>,
    pub user_sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_language: Option<Language>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_language: Option<Language>,
}

impl InstallSession {
    /// What to call the session's product when its name is not known: the product name, else
    /// the package's file name, else `product {GUID}`; `None` when the log shows none of them.
    pub fn display_name(&self) -> Option<String> {
        if let Some(p) = self.product.as_deref().filter(|p| !p.trim().is_empty()) {
            return Some(p.to_string());
        }
        let package = self
            .facts
            .package
            .as_ref()
            .map(|p| p.value.trim())
            .filter(|p| !p.is_empty() && !p.starts_with('{'))
            .map(|p| p.rsplit(['\\', '/']).next().unwrap_or(p).to_string());
        package.or_else(|| self.product_code.as_ref().map(|c| format!("product {c}")))
    }

    pub fn from_log_session(id: String, path: &Arc<str>, log: LogSession) -> InstallSession {
        let facts = SessionFacts::from_events(&log.events);
        let exit_code = facts.exit_code.as_ref().map(|s| s.value);
        let status = facts.status;
        let outcome = match exit_code.or(status) {
            Some(code) => Outcome::from_code(code),
            None => outcome_from_actions(&log.events, log.truncated),
        };
        let product = facts
            .product_name
            .as_ref()
            .map(|s| s.value.clone())
            .or_else(|| facts.property("ProductName").map(|s| s.value))
            .or_else(|| facts.script_product_name.clone())
            .or_else(|| product_from_messages(&log.events));
        let version = facts
            .version
            .clone()
            .or_else(|| facts.property("ProductVersion").map(|s| s.value));
        let pid_low = |side: Side| {
            log.events.iter().find_map(|e| {
                e.thread
                    .filter(|t| t.side == side && !t.custom_action_thread)
                    .map(|t| t.pid_low)
            })
        };
        InstallSession {
            id,
            path: path.clone(),
            first_line: log.first_line,
            last_line: log.last_line,
            product,
            product_code: facts
                .property("ProductCode")
                .or_else(|| facts.engine_product_code.clone())
                .or_else(|| facts.sourcelist_product.clone())
                .map(|s| s.value),
            version,
            operation: facts.operation(),
            started: log.started,
            ended: log.ended,
            started_utc: None,
            ended_utc: None,
            utc_offset_minutes: None,
            outcome,
            // A log without `MainEngineThread is returning` still says its status in the 1033 line.
            exit_code: exit_code.or(status),
            truncated: log.truncated,
            verbose: log.verbose,
            log_events: log.events.len(),
            client_pid_low: pid_low(Side::Client),
            server_pid_low: pid_low(Side::Server),
            events: log.events,
            facts,
            sources: vec![format!("{path}:{}-{}", log.first_line, log.last_line)],
            client_pid: None,
            user_sid: None,
            user_language: log.user_language_id.map(Language::from_id),
            system_language: log.system_language_id.map(Language::from_id),
        }
    }

    pub(super) fn from_evtx_group(id: String, mut g: EvtxGroup) -> InstallSession {
        g.take_concurrent();
        let path = g
            .events
            .first()
            .map(|e| e.origin.path.clone())
            .unwrap_or_else(|| Arc::from(""));
        let records: Vec<u64> = g.events.iter().filter_map(|e| e.origin.record).collect();
        let (first, last) = (
            records.iter().min().copied().unwrap_or(0),
            records.iter().max().copied().unwrap_or(0),
        );
        InstallSession {
            id,
            path: path.clone(),
            first_line: first,
            last_line: last,
            product: g.product.clone(),
            product_code: g.product_code.clone(),
            version: g.version.clone(),
            operation: g.operation,
            started: None,
            ended: None,
            started_utc: g.begin,
            ended_utc: g.end,
            utc_offset_minutes: None,
            outcome: g.status.map_or(Outcome::Unknown, Outcome::from_code),
            exit_code: g.status,
            truncated: false,
            verbose: false,
            log_events: 0,
            facts: SessionFacts::default(),
            sources: vec![format!("{path}#{first}-{last}")],
            client_pid: g.client_pid,
            client_pid_low: None,
            server_pid_low: None,
            user_sid: g.user_sid.clone(),
            user_language: None,
            system_language: None,
            events: g.events,
        }
    }

    pub fn summary(&self) -> SessionSummary {
        SessionSummary {
            id: self.id.clone(),
            source: self.sources.first().cloned().unwrap_or_default(),
            sources: self.sources.clone(),
            product: self.product.clone(),
            product_code: self.product_code.clone(),
            version: self.version.clone(),
            operation: self.operation,
            started: self.started,
            ended: self.ended,
            started_utc: self.started_utc,
            ended_utc: self.ended_utc,
            outcome: self.outcome,
            exit_code: self.exit_code,
            client_pid: self.client_pid,
            user_sid: self.user_sid.clone(),
            user_language: self.user_language,
            system_language: self.system_language,
        }
    }

    /// The related (non-log) events.
    pub fn related(&self) -> &[Event] {
        self.events.get(self.log_events..).unwrap_or_default()
    }

    /// Drops what only diagnosis reads (the events and the property dumps, changes and
    /// policies among the facts), once the session's findings and notes exist: `log_events`
    /// still counts the MSI log events it had. The session's summary is unchanged.
    pub fn drop_events(&mut self) {
        self.events = Vec::new();
        let facts = &mut self.facts;
        facts.server_properties = Default::default();
        facts.client_properties = Default::default();
        facts.changes = Default::default();
        facts.policies = Vec::new();
    }

    /// When the engine reported the outcome (log time), the best anchor for alignment.
    pub(super) fn outcome_local(&self) -> Option<NaiveDateTime> {
        let at = self
            .facts
            .outcome_line
            .and_then(|i| self.events.get(i))
            .and_then(|e| e.time);
        match at {
            Some(Timestamp::Local(t)) => Some(t),
            _ => self.ended,
        }
    }

    pub(super) fn status(&self) -> Option<i64> {
        self.facts.status.or(self.exit_code)
    }

    /// The session's window in UTC, widened by `margin`.
    pub(super) fn utc_window(&self, margin: Duration) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some((
            self.started_utc? - margin,
            self.ended_utc.or(self.started_utc)? + margin,
        ))
    }

    pub(super) fn add_related(&mut self, events: Vec<Event>, source: String) {
        if events.is_empty() {
            return;
        }
        if !self.sources.contains(&source) {
            self.sources.push(source);
        }
        self.events.extend(events);
    }

    pub(super) fn apply_offset(&mut self, offset: i32) {
        self.utc_offset_minutes = Some(offset);
        self.started_utc = self.started.map(|t| align::to_utc(t, offset));
        self.ended_utc = self.ended.map(|t| align::to_utc(t, offset));
    }
}

/// Without an exit code or status: the top-level action (`INSTALL. Return value 3.`) says
/// it: 3 is a failure, 2 a cancel, 1 a success (unless the log is cut: the install could
/// still have failed later). A cut log whose last action returned 3 (error dialogs shown after
/// a failure, like `FatalError`, aside) is a failure too: the log is cut after the failure.
fn outcome_from_actions(events: &[Event], truncated: bool) -> Outcome {
    let ended = || {
        events.iter().rev().filter_map(|e| match &e.kind {
            EventKind::ActionEnded {
                action,
                return_value,
            } => Some((action.as_str(), *return_value)),
            _ => None,
        })
    };
    let top = ended()
        .find(|(action, _)| action.chars().all(|c| c.is_ascii_uppercase()))
        .map(|(_, r)| r);
    match top {
        Some(3) => return Outcome::Failure,
        Some(2) => return Outcome::Cancelled,
        Some(1) if !truncated => return Outcome::Success,
        _ => {}
    }
    // `Product: X -- Installation operation failed.` (the text of event 11708) ends a session
    // whose footer an excerpt left out.
    let told = events.iter().rev().find_map(|e| match &e.kind {
        EventKind::ProductMessage { message, .. } => product_message_outcome(message),
        _ => None,
    });
    if let Some(outcome) = told {
        return outcome;
    }
    let last = ended().find(|(action, _)| !is_error_dialog(action));
    match last {
        Some((_, 3)) if truncated => Outcome::Failure,
        _ => Outcome::Unknown,
    }
}

/// The outcome an engine's closing `Product: X -- …` sentence states (English only: the words
/// are the engine's own messages 1707–1729).
fn product_message_outcome(message: &str) -> Option<Outcome> {
    let m = message.trim();
    let closing = ["Installation ", "Removal ", "Configuration "]
        .iter()
        .any(|w| m.starts_with(w));
    if !closing {
        return None;
    }
    if m.ends_with(" failed.") {
        Some(Outcome::Failure)
    } else if m.ends_with(" completed successfully.") {
        Some(Outcome::Success)
    } else {
        None
    }
}

/// Dialogs a package shows after a failure or a cancel (`FatalError`, `UserExit`, …).
fn is_error_dialog(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    a == "fatalerror"
        || a == "userexit"
        || a == "exitdialog"
        || a.ends_with("dlg")
        || a.ends_with("dialog")
}

fn product_from_messages(events: &[Event]) -> Option<String> {
    events.iter().find_map(|e| match &e.kind {
        EventKind::ProductMessage { product, .. } => Some(product.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn ended(action: &str, return_value: u8) -> Event {
        Event {
            origin: Origin::line(&Arc::from("x.log"), 1),
            time: None,
            thread: None,
            kind: EventKind::ActionEnded {
                action: action.into(),
                return_value,
            },
            text: String::new(),
        }
    }

    #[test]
    fn a_log_cut_after_a_failed_action_is_a_failure() {
        let cut = [ended("CostFinalize", 1), ended("InstallFiles", 3)];
        assert_eq!(outcome_from_actions(&cut, true), Outcome::Failure);
        // The error dialog shown after the failure does not hide it.
        let dialog = [ended("InstallFiles", 3), ended("FatalError", 2)];
        assert_eq!(outcome_from_actions(&dialog, true), Outcome::Failure);
        // A cut log whose last action succeeded says nothing about the outcome.
        let running = [ended("InstallFiles", 3), ended("Rollback", 1)];
        assert_eq!(outcome_from_actions(&running, true), Outcome::Unknown);
        let top_ok = [ended("InstallFiles", 1), ended("INSTALL", 1)];
        assert_eq!(outcome_from_actions(&top_ok, true), Outcome::Unknown);
        assert_eq!(outcome_from_actions(&top_ok, false), Outcome::Success);
        let top_failed = [ended("ExecuteAction", 3), ended("INSTALL", 3)];
        assert_eq!(outcome_from_actions(&top_failed, true), Outcome::Failure);
        assert_eq!(outcome_from_actions(&top_failed, false), Outcome::Failure);
        assert_eq!(outcome_from_actions(&[], true), Outcome::Unknown);
    }
}
