//! One install session as written in one MSI log file, and how the dates of its banners were
//! read: what the MSI log reader (`src/sources/msilog/`) hands to the timeline.
//!
//! Plain data only: this module must not parse, correlate or decide anything.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::Event;

/// One install session as written in one log file.
#[derive(Debug, Clone, Serialize)]
pub struct LogSession {
    /// 1-based line of the header (or of the first line for a headerless fragment).
    pub first_line: u64,
    pub last_line: u64,
    /// `Verbose logging started` (true) or `Logging started` / no header (false).
    pub verbose: bool,
    pub has_header: bool,
    pub build: Option<String>,
    pub calling_process: Option<String>,
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    /// No closing banner: the process was killed or the copy was cut.
    pub truncated: bool,
    pub date_order: Option<DateOrderDecision>,
    /// Routine engine lines read for their times but not kept as events.
    pub routine_lines: u64,
    /// `UserLanguageID` and `SystemLanguageID` from the property dumps (Windows locale ids).
    pub user_language_id: Option<u32>,
    pub system_language_id: Option<u32>,
    /// The session's action lines were in another UI language and were read with templates
    /// learned from the log (`src/sources/msilog/localized.rs`).
    pub localized: bool,
    #[serde(skip)]
    pub events: Vec<Event>,
}

/// Which component order the session's dates use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    MonthDayYear,
    DayMonthYear,
    YearMonthDay,
}

/// How the order was decided (said in the report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateOrderDecision {
    pub order: DateOrder,
    /// Plain-words reason, e.g. "a day above 12 (31.01.2022)".
    pub reason: String,
    /// False when the dates could be read either way and a default or hint was used.
    pub certain: bool,
}
