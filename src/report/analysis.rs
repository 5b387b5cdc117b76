//! The result of a run, as every report reads it: the inputs and how they were read, the
//! install sessions, the machine-wide records, the clock alignments, the findings, the
//! bundle runs and the notes. It is plain data built by `src/lib.rs`; it must not read inputs or run rules.

use crate::diagnose::{Finding, FindingId};
use crate::input::report::InputReport;
use crate::model::Event;
use crate::report::log_context::LogContext;
use crate::timeline::{Bundle, ClockAlignment, InstallSession};
use crate::tz::TzSpec;

/// The result of a run.
#[derive(Debug)]
pub struct Analysis {
    pub inputs: Vec<InputReport>,
    pub sessions: Vec<InstallSession>,
    /// Machine-wide records (Windows Installer service, msiexec crashes) outside every session.
    pub machine_events: Vec<Event>,
    /// How each source's clock was aligned.
    pub clocks: Vec<ClockAlignment>,
    pub findings: Vec<Finding>,
    /// WiX Burn bundle runs, their packages linked to sessions, and their own findings.
    pub bundles: Vec<AnalyzedBundle>,
    pub notes: Vec<String>,
    pub tz: Option<TzSpec>,
    /// The MSI log lines around the evidence, when asked for (`Options::context`).
    pub context: Option<LogContext>,
}

impl Analysis {
    /// True when at least one input gave data to the analysis.
    pub fn any_usable_input(&self) -> bool {
        self.inputs.iter().any(InputReport::usable)
    }

    /// True when at least one input was read through, even if it held nothing.
    pub fn any_readable_input(&self) -> bool {
        self.inputs.iter().any(InputReport::readable)
    }
}

/// One bundle run (WiX Burn) with the ids of its own findings (in [`Analysis::findings`],
/// session `null`); a failed package linked to a session has that session's findings instead.
#[derive(Debug)]
pub struct AnalyzedBundle {
    pub bundle: Bundle,
    pub findings: Vec<FindingId>,
}
