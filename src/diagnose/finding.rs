//! What a rule produces: a [`Finding`] with its [`Confidence`], the [`Evidence`] it cites and the
//! [`Fix`]es it proposes. Plain data shared by diagnosis and the reports: nothing here decides
//! or matches anything.

use std::borrow::Cow;

use serde::Serialize;

use crate::model::Event;
use crate::timeline::{CitedTime, SessionClock};

/// How sure a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(&self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// A finding's stable id: a constant of `src/diagnose/ids.rs` for built-in rules, an owned
/// string for rules read from files.
pub type FindingId = Cow<'static, str>;

/// One diagnosed cause (or symptom) with its evidence and fixes.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable id, e.g. `ipi-access-denied`.
    pub id: FindingId,
    pub title: String,
    pub confidence: Confidence,
    /// Plain-words explanation, including why this cause and not a competing one.
    pub summary: String,
    /// The session it explains (`S1`, …).
    pub session: Option<String>,
    pub product: Option<String>,
    pub evidence: Vec<Evidence>,
    pub fixes: Vec<Fix>,
    /// Ids of the findings of the same session that explain this one (their rule declares
    /// that it explains this id, e.g. `windows-temp-acl` explains `error-2503-2502`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explained_by: Vec<FindingId>,
    /// Records from outside the session's window that back this finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confirmed_by: Vec<Confirmation>,
}

impl Finding {
    /// A finding with no evidence, fixes or relations yet (the rule adds them).
    pub fn new(
        id: impl Into<FindingId>,
        title: String,
        confidence: Confidence,
        summary: String,
    ) -> Finding {
        Finding {
            id: id.into(),
            title,
            confidence,
            summary,
            session: None,
            product: None,
            evidence: Vec::new(),
            fixes: Vec::new(),
            explained_by: Vec::new(),
            confirmed_by: Vec::new(),
        }
    }
}

/// Where a confirmation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfirmedBy {
    /// The System log of the session's day, whose records could not be placed on the session's
    /// clock (its UTC offset is unknown).
    SystemLogSameDay,
}

/// A confirmation of a finding by records outside its session's window: where they come from
/// and what they say (a clause such as `the Windows Installer service failed to start: …`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confirmation {
    pub source: ConfirmedBy,
    pub what: String,
}

/// One cited place: file, line (or record), time and the exact text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub path: String,
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
    /// The time as its source wrote it (ISO 8601 without zone for local sources, `…Z` for
    /// UTC sources), with the same moment on its session's clock when it can be placed there.
    pub time: Option<CitedTime>,
    pub text: String,
}

impl Evidence {
    /// An event cited on `clock` (its session's, or [`SessionClock::machine`]).
    pub fn from_event(e: &Event, clock: &SessionClock) -> Evidence {
        Evidence {
            path: e.origin.path.to_string(),
            line: e.origin.line,
            record: e.origin.record,
            time: e
                .time
                .as_ref()
                .map(|t| clock.cite(t, e.kind.time_precision())),
            text: e.text.clone(),
        }
    }
}

/// One thing to do: a sentence and, where it applies, the exact command.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    pub description: String,
    pub command: Option<String>,
}

impl Fix {
    pub fn cmd(description: impl Into<String>, command: impl Into<String>) -> Fix {
        Fix {
            description: description.into(),
            command: Some(command.into()),
        }
    }

    pub fn text(description: impl Into<String>) -> Fix {
        Fix {
            description: description.into(),
            command: None,
        }
    }
}

/// The findings of each session, each session's in the order of the list they come from. Built
/// once, so that whatever walks the sessions (the reports, the notes on missing inputs) does not
/// walk every finding again for each session: a folder of hundreds of sessions would make that
/// quadratic.
pub struct FindingsBySession<'a> {
    of_session: std::collections::HashMap<&'a str, Vec<&'a Finding>>,
}

impl<'a> FindingsBySession<'a> {
    pub fn new(findings: &'a [Finding]) -> Self {
        let mut of_session: std::collections::HashMap<&'a str, Vec<&'a Finding>> =
            std::collections::HashMap::new();
        for f in findings {
            if let Some(s) = &f.session {
                of_session.entry(s.as_str()).or_default().push(f);
            }
        }
        FindingsBySession { of_session }
    }

    /// The findings of session `id`, in the list's order (empty if it has none).
    pub fn of(&self, id: &str) -> &[&'a Finding] {
        self.of_session.get(id).map_or(&[], Vec::as_slice)
    }
}
