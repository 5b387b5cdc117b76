//! Output formats, one per file: `json` (the machine contract `msidiag/1`), `jsonl` (JSON Lines for search and timeline tools), `csv` (evidence
//! rows and the merged timeline), `text` (the terminal summary) and `html` (the self-contained
//! ticket report); `relations` writes the sentences of a finding's relations, for all of them;
//! `actions` tabulates a session's actions; `fleet` summarises a case for `msidiag fleet`
//! (its index page is `html/fleet_index.rs`);
//! `log_context` plans the log lines shown around evidence (`--context`);
//! `redact` (`--redact`) hides user and machine names before any of them runs.
//! Renderers read an
//! [`Analysis`] (`analysis.rs`); they must not change it or decide anything, and must escape or
//! neutralise any text that comes from the inputs.
//!
//! Times are placed on each session's clock, and evidence is ordered, by diagnosis
//! (`src/timeline/clock.rs`, `src/diagnose/finding.rs`): the writers show those values and
//! never parse a time back out of a string.

pub mod actions;
mod analysis;
pub mod csv;
pub mod fleet;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod log_context;
pub mod redact;
pub(crate) mod relations;
pub mod text;

pub use analysis::{Analysis, AnalyzedBundle};

use chrono::{NaiveDate, NaiveDateTime};

use crate::model::Timestamp;
use crate::timeline::{CitedTime, ClockKind, InstallSession, Outcome};

/// An evidence time as the text and HTML reports show it: the moment on its session's clock
/// (`true` when that clock is UTC), or the reading as written when it could not be placed
/// there; without the date when it falls on `day`, and without a fraction when the source
/// wrote whole seconds.
pub(crate) fn shown_time(t: &CitedTime, day: Option<NaiveDate>) -> (String, bool) {
    let time_format = format!("%H:%M:%S{}", t.fraction());
    let (at, utc): (NaiveDateTime, bool) = match (t.shown(), t.written) {
        (Some(p), _) => (p.at, p.clock == ClockKind::Utc),
        (None, Timestamp::Utc(u)) => (u.naive_utc(), true),
        (None, Timestamp::Local(l)) => (l, false),
        (None, Timestamp::LocalTimeOfDay(tod)) => {
            return (tod.format(&time_format).to_string(), false)
        }
    };
    let text = if Some(at.date()) == day {
        at.format(&time_format).to_string()
    } else {
        at.format(&format!("%Y-%m-%d {time_format}")).to_string()
    };
    (text, utc)
}

/// `1 failed`, `1 failed, 1 cancelled, 2 with unknown outcome`: each session counted under
/// its own outcome, so a cancelled or unknown session is never counted as failed.
pub(crate) fn outcome_counts(sessions: &[InstallSession]) -> String {
    let count = |o: Outcome| sessions.iter().filter(|s| s.outcome == o).count();
    let mut parts = vec![format!("{} failed", count(Outcome::Failure))];
    let cancelled = count(Outcome::Cancelled);
    if cancelled > 0 {
        parts.push(format!("{cancelled} cancelled"));
    }
    let unknown = count(Outcome::Unknown);
    if unknown > 0 {
        parts.push(format!("{unknown} with unknown outcome"));
    }
    parts.join(", ")
}

/// The day a session's times are shown against (its local start, else its UTC start).
pub(crate) fn session_day(s: &InstallSession) -> Option<NaiveDate> {
    s.started
        .map(|t| t.date())
        .or(s.started_utc.map(|t| t.date_naive()))
}

/// The session's version as a heading shows it after the product: none when the log gave none,
/// or when the product name already ends with it (`ServicePulse 1.0.1` is not followed by
/// `1.0.1` again).
pub(crate) fn shown_version(s: &InstallSession) -> Option<&str> {
    let version = s.version.as_deref()?.trim();
    let product = s.product.as_deref().unwrap_or("").trim_end();
    (!version.is_empty() && !product.to_lowercase().ends_with(&version.to_lowercase()))
        .then_some(version)
}
