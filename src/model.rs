//! The shared event model: what every source parser produces and every later stage reads.
//!
//! An [`Event`] is one fact read from one input (a log line, an event record, a Procmon row),
//! with its [`Origin`] so that every finding can cite the exact place it came from.
//! Event log records carry what they mean as typed facts ([`WinFact`], decoded once by the
//! reader in `src/sources/evtx/msi.rs`), and an MSI log's install sessions are
//! [`LogSession`]s and a WiX Burn bundle's runs are [`BundleLog`]s, so that later stages read
//! facts without knowing any source format.
//! This module holds plain data only: it must not parse, correlate or decide anything.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use serde::Serialize;

mod bundle;
mod language;
mod log_session;
mod win_facts;

pub use bundle::{BundleFailure, BundleFailureKind, BundleLine, BundleLog, BundlePackage};
pub use language::Language;
pub use log_session::{DateOrder, DateOrderDecision, LogSession};
pub use win_facts::{
    CrashFact, InstallerServiceFact, MsiInstallerFact, ServiceStartFailure, WinFact,
};

/// Where an event was read: the input file and the line, record or byte offset inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The input path as the user gave it (or `archive.zip!inner/path`).
    pub path: Arc<str>,
    /// 1-based physical line number for text inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Record id for event logs and captures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
}

impl Origin {
    pub fn line(path: &Arc<str>, line: u64) -> Self {
        Origin {
            path: path.clone(),
            line: Some(line),
            record: None,
        }
    }

    /// `path:line` or `path#record`, for humans.
    pub fn display(&self) -> String {
        match (self.line, self.record) {
            (Some(l), _) => format!("{}:{}", self.path, l),
            (None, Some(r)) => format!("{}#{}", self.path, r),
            _ => self.path.to_string(),
        }
    }
}

/// The years a Windows clock writes (FILETIME starts in 1601; ISO 8601 has no unsigned form
/// past 9999). A date outside them is damage: readers give such a reading no date.
pub const WINDOWS_YEARS: std::ops::RangeInclusive<i32> = 1601..=9999;

/// True when the year of `t` is one of [`WINDOWS_YEARS`] (the readers drop other times).
pub fn in_windows_years(t: &impl chrono::Datelike) -> bool {
    WINDOWS_YEARS.contains(&t.year())
}

/// When an event happened, in the clock of its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "clock", content = "at", rename_all = "kebab-case")]
pub enum Timestamp {
    /// A true UTC instant (event logs, PML captures).
    Utc(DateTime<Utc>),
    /// Local wall-clock time with a date (MSI logs: header date + per-line time).
    Local(NaiveDateTime),
    /// Local wall-clock time without a date (Procmon CSV `Time of Day`).
    LocalTimeOfDay(NaiveTime),
}

impl Timestamp {
    /// The wall-clock reading as written in the source, without zone.
    pub fn naive(&self) -> Option<NaiveDateTime> {
        match self {
            Timestamp::Utc(t) => Some(t.naive_utc()),
            Timestamp::Local(t) => Some(*t),
            Timestamp::LocalTimeOfDay(_) => None,
        }
    }
}

/// How finely a source wrote a time: `Action ended 9:14:05` has whole seconds, the engine's
/// `[09:14:05:120]` prefix, event logs and Procmon captures have (at least) milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    Seconds,
    Millis,
}

/// Which side of Windows Installer wrote an MSI log line: `(c)` client, `(s)` server, others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Client,
    Server,
    /// Any other context letter (`a`, `N`, …) as written.
    Other(char),
}

impl Side {
    pub fn from_letter(c: char) -> Side {
        match c {
            'c' | 'C' => Side::Client,
            's' | 'S' => Side::Server,
            other => Side::Other(other),
        }
    }
}

/// The MSI log line prefix `MSI (s) (PP:TT) [..]` facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MsiThread {
    pub side: Side,
    pub pid_low: u8,
    pub tid_low: u8,
    /// `!` separator: the line was written from a custom-action thread.
    pub custom_action_thread: bool,
}

/// Where a policy value was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyScope {
    Machine,
    User,
}

/// What kind of install the engine reports in its status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    Install,
    Uninstall,
    Repair,
    Unknown,
}

impl Operation {
    pub fn as_str(&self) -> &'static str {
        match self {
            Operation::Install => "install",
            Operation::Uninstall => "uninstall",
            Operation::Repair => "repair",
            Operation::Unknown => "unknown",
        }
    }

    /// The word for sentences: "the install", "the uninstall", … ("installation" when unknown).
    pub fn noun(&self) -> &'static str {
        match self {
            Operation::Unknown => "installation",
            other => other.as_str(),
        }
    }
}

/// What Windows Installer reports at the end of an install, uninstall or repair: written to the
/// MSI log (`Windows Installer installed the product. … status: N.`) and, as MsiInstaller
/// 1033/1034/1035, to the Application event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductOutcome {
    pub operation: Operation,
    pub product: String,
    pub version: Option<String>,
    pub language: Option<String>,
    pub manufacturer: Option<String>,
    /// The msiexec exit status (0 success, 1603 fatal error, …).
    pub status: i64,
    /// The ProductCode `{GUID}`, when the source carries it (the event's `<Binary>`; the MSI
    /// log line does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
}

/// The meaning of one event. Variants are added by each source; unknown lines stay `Text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EventKind {
    /// `=== Verbose logging started: … ===` (or the non-verbose variant).
    LogStarted {
        verbose: bool,
        build: Option<String>,
        calling_process: Option<String>,
    },
    /// `=== Logging started: … ===` inside a verbose log (the engine side starts logging).
    EngineLoggingStarted,
    /// `=== Logging stopped: … ===` / `=== Verbose logging stopped: … ===`.
    LogStopped {
        verbose: bool,
    },
    ActionStart {
        action: String,
    },
    ActionEnded {
        action: String,
        return_value: u8,
    },
    DoingAction {
        action: String,
    },
    /// `Note: 1: N 2: … 3: …` — an internal error record; `args[0]` is field 2.
    Note {
        code: u32,
        args: Vec<String>,
    },
    /// `DEBUG: Error N:  text`.
    DebugError {
        code: u32,
        message: String,
    },
    /// `Error N. text` (authored message shown to the user).
    Error {
        code: u32,
        message: String,
    },
    /// `Info N. text`.
    Info {
        code: u32,
        message: String,
    },
    /// `Warning N. text`.
    Warning {
        code: u32,
        message: String,
    },
    /// `The installer has encountered an unexpected error … The error code is N.`
    InternalErrorDialog {
        code: u32,
    },
    /// `Product: X -- message` (the text written to the Application event log).
    ProductMessage {
        product: String,
        message: String,
    },
    /// `CustomAction X returned actual error code N` (`ignored`: "… will be translated to
    /// success due to continue marking", i.e. the package tolerates the error).
    CustomActionReturned {
        action: String,
        code: i64,
        ignored: bool,
    },
    /// `Action 20:46:20: Name. Description` — the progress text of an action.
    ActionText {
        action: String,
    },
    /// `Executing op: CustomActionSchedule(Action=X,ActionType=N,…)` and similar.
    CustomActionScheduled {
        action: String,
        action_type: Option<u32>,
    },
    /// `Invoking remote custom action. DLL: X, Entrypoint: Y`.
    CustomActionInvoked {
        dll: String,
        entry_point: String,
    },
    /// `Hello, I'm your 32bit Impersonated custom action server.`
    CustomActionServer {
        bitness: String,
        context: String,
    },
    /// `MainEngineThread is returning N`.
    EngineReturned {
        code: i64,
    },
    /// `Back from server. Return value: N`.
    BackFromServer {
        code: i64,
    },
    /// `Windows Installer installed the product. … status: N.` (boxed: rare and large, it
    /// would make every event as large).
    ProductOutcome(Box<ProductOutcome>),
    /// `Property(S): Name = value` from the end-of-session dumps.
    Property {
        scope: char,
        name: String,
        value: String,
    },
    /// `PROPERTY CHANGE: Adding X property. Its value is 'v'.` and `MSI_LUA: Setting X property to v`.
    PropertyChange {
        name: String,
        value: Option<String>,
    },
    /// `Machine policy value 'X' is N`.
    PolicyValue {
        scope: PolicyScope,
        name: String,
        value: String,
    },
    /// `Running Script: C:\Windows\Installer\MSIxxxx.tmp`.
    RunningScript {
        path: String,
    },
    /// `******* RunEngine:` block (package path, action, command line; boxed: rare and large).
    RunEngine(Box<RunEngine>),
    /// A Windows event log record (EVTX) that a reader kept; see [`WinEvent`]. Shared: the
    /// timeline copies a transaction's begin record into the groups open at the same time.
    WinEvent(Arc<WinEvent>),
    /// A Process Monitor operation (CSV row or PML record); see [`ProcmonOp`].
    Procmon(Box<ProcmonOp>),
    /// Any other `MSI (x)` line.
    MsiMessage {
        message: String,
    },
    /// A line without the MSI prefix that no pattern claims (custom-action output, dialogs…).
    Text,
}

impl EventKind {
    /// How finely the source wrote this event's own time: `Action start 9:14:05: X.` and
    /// `Action ended …` lines carry whole seconds, every other timed line milliseconds.
    pub fn time_precision(&self) -> Precision {
        match self {
            EventKind::ActionStart { .. } | EventKind::ActionEnded { .. } => Precision::Seconds,
            _ => Precision::Millis,
        }
    }
}

/// The `******* RunEngine:` block of an MSI log: what its continuation lines name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunEngine {
    pub product: Option<String>,
    pub action: Option<String>,
    pub command_line: Option<String>,
}

/// One event log record as read: positional `Data` values in order (`(NULL)` kept as written),
/// named data as `name=value` pairs, the `Binary` hex if any, and what the reader decoded
/// from them ([`WinEvent::fact`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WinEvent {
    pub channel: String,
    pub provider: String,
    pub event_id: u32,
    pub record_id: u64,
    pub computer: String,
    /// `Security UserID` SID, when present.
    pub user_sid: Option<String>,
    /// `Execution ProcessID`, when present and not 0.
    pub process_id: Option<u32>,
    /// Unnamed `<Data>` values in order (MsiInstaller and other classic providers).
    pub data: Vec<String>,
    /// Named `<Data Name="x">` values in order (SCM, Application Error, …).
    pub named: Vec<(String, String)>,
    /// `<Binary>` as upper-case hex, when present.
    pub binary: Option<String>,
    /// What the record means, decoded once by the reader (see [`WinFact`]).
    pub fact: WinFact,
}

/// One Process Monitor operation as exported/captured. Fields absent from a CSV export are
/// `None`/empty; `result` is Procmon's own name (`ACCESS DENIED`) or hex for unknown statuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcmonOp {
    pub process_name: String,
    pub pid: u32,
    pub tid: Option<u32>,
    /// `File System`, `Registry`, `Process`, `Network`, `Profiling` when known.
    pub event_class: Option<String>,
    pub operation: String,
    pub path: String,
    pub result: String,
    pub detail: String,
    pub user: Option<String>,
    pub integrity: Option<String>,
    pub command_line: Option<String>,
    pub image_path: Option<String>,
    pub parent_pid: Option<u32>,
    /// TEMP and TMP from a `Process Start` environment block.
    pub env_temp: Option<String>,
    pub env_tmp: Option<String>,
}

/// One fact read from one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub origin: Origin,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<MsiThread>,
    pub kind: EventKind,
    /// The exact text of the line (continuation lines joined with `\n`).
    pub text: String,
}
