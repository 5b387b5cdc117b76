//! Rules over install sessions that produce findings: a root cause, a confidence, the evidence
//! (file:line and exact text) and fixes filled with the real values from the evidence.
//!
//! One file per root-cause family; each rule reads a session and returns findings. Rules must
//! derive every finding from parsed events (never from file names) and must not print.

mod access;
mod cache;
mod conditions;
mod custom_action;
mod environment;
mod evidence;
mod finding;
mod fixes;
mod generic;
mod ipi;
mod machine;
mod missing;
mod numbered;

use rayon::prelude::*;

pub use evidence::{order_evidence, SessionView};
pub use finding::{Confidence, Evidence, Finding, Fix};

use crate::input::report::InputReport;
use crate::model::Timestamp;
use crate::timeline::{SessionClock, Timeline};

/// A rule: reads one session, returns zero or more findings.
type Rule = fn(&SessionView) -> Vec<Finding>;

/// The specific rules, run on every session. The general rule runs only when none fires.
const RULES: &[Rule] = &[
    ipi::ipi_access_denied,
    ipi::error_2503_without_ipi,
    custom_action::custom_action_failed,
    conditions::downgrade_blocked,
    conditions::launch_condition,
    environment::another_install,
    environment::files_in_use,
    environment::insufficient_privileges,
    environment::service_start_failed,
    environment::policy_blocked,
    cache::cache_and_source,
    environment::temp_unwritable,
    machine::session_machine_findings,
    access::windows_temp_acl,
    access::user_temp_broken,
    access::config_msi_acl,
    access::installer_folder_from_procmon,
];

/// Runs every rule on every session; findings are ordered by session, then confidence.
/// Machine-wide records outside every session get their own findings (session `null`).
pub fn run(timeline: &Timeline) -> Vec<Finding> {
    // Sessions and rules are independent: both run in parallel (each rule walks the whole
    // session, millions of events in a large log); the order of the results is kept.
    let per_session: Vec<Vec<Finding>> = timeline
        .sessions
        .par_iter()
        .map(|session| {
            let view = SessionView::with_machine_events(session, &timeline.machine_events);
            let per_rule: Vec<Vec<Finding>> = RULES.par_iter().map(|rule| rule(&view)).collect();
            let mut found: Vec<Finding> = per_rule.into_iter().flatten().collect();
            if found.is_empty() {
                found = numbered::decoded_error(&view);
            }
            if found.is_empty() {
                found = generic::first_failure(&view);
            }
            link_2503_to_its_cause(&mut found);
            found.sort_by_key(|f| std::cmp::Reverse(f.confidence));
            found
        })
        .collect();
    let mut all: Vec<Finding> = per_session.into_iter().flatten().collect();
    let machine = machine::machine_findings(&timeline.machine_events);
    let machine_events: Vec<&crate::model::Event> = timeline.machine_events.iter().collect();
    for m in machine {
        match same_day_session_finding(&mut all, &m, timeline) {
            Some(f) => {
                // The service records could not be placed inside the session's window (its
                // clock is not aligned) but fall on the same day: they back the log's verdict.
                f.summary = f.summary.replace(
                    machine::NOT_PLACED,
                    "could not be placed on this session's clock",
                );
                let shown = match m.id {
                    "msiserver-broken" => machine::msiserver_problems(&machine_events)
                        .map(|what| format!("the Windows Installer service {what}")),
                    _ => None,
                }
                .unwrap_or_else(|| m.summary.trim_end_matches('.').to_string());
                f.summary.push_str(&format!(
                    " The System log of the same day confirms it: {shown} (the log's UTC offset is unknown, so the exact order is not)."
                ));
                f.evidence.extend(m.evidence);
                if let Some(s) = f
                    .session
                    .as_deref()
                    .and_then(|id| timeline.sessions.iter().find(|s| s.id == id))
                {
                    order_evidence(&mut f.evidence, &SessionClock::of(s));
                }
                f.confidence = Confidence::High;
            }
            None => all.push(m),
        }
    }
    all
}

/// Causes that make the engine report 2503/2502 (the script cannot be written or started).
const CAUSES_OF_2503: &[&str] = &[
    "windows-temp-acl",
    "user-temp-broken",
    "temp-unwritable",
    "installer-folder-acl",
    "not-elevated",
    "config-msi-acl",
    "msiserver-broken",
];

/// When a session's `error-2503-2502` symptom has a cause found in the same session, the
/// symptom says so (instead of leaving the reader with its generic list of usual causes).
fn link_2503_to_its_cause(found: &mut [Finding]) {
    let causes: Vec<String> = found
        .iter()
        .filter(|f| CAUSES_OF_2503.contains(&f.id))
        .map(|f| format!("{} ({})", f.title, f.id))
        .collect();
    if causes.is_empty() {
        return;
    }
    for symptom in found.iter_mut().filter(|f| f.id == "error-2503-2502") {
        symptom.summary.push_str(&format!(
            " In this session the cause is shown by {}: {}; start with its fixes.",
            if causes.len() == 1 {
                "another finding"
            } else {
                "other findings"
            },
            causes.join("; ")
        ));
    }
}

/// The session finding with the same id whose local day is within a day of the machine
/// finding's UTC evidence (used only when the session's clock is not aligned).
fn same_day_session_finding<'a>(
    all: &'a mut [Finding],
    m: &Finding,
    timeline: &Timeline,
) -> Option<&'a mut Finding> {
    let day = match m.evidence.first()?.time?.written {
        Timestamp::Utc(u) => u.date_naive(),
        Timestamp::Local(l) => l.date(),
        Timestamp::LocalTimeOfDay(_) => return None,
    };
    all.iter_mut().find(|f| {
        f.id == m.id
            && f.session
                .as_deref()
                .and_then(|id| timeline.sessions.iter().find(|s| s.id == id))
                .is_some_and(|s| {
                    s.utc_offset_minutes.is_none()
                        && s.started
                            .is_some_and(|t| (t.date() - day).num_days().abs() <= 1)
                })
    })
}

/// "Why nothing was found": for failed sessions without a specific finding, what the inputs
/// lack and what to collect next time.
pub fn missing_evidence_notes(
    timeline: &Timeline,
    findings: &[Finding],
    inputs: &[InputReport],
) -> Vec<String> {
    missing::notes(timeline, findings, inputs)
}
