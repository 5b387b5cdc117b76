//! Rules over install sessions that produce findings: a root cause, a confidence, the evidence
//! (file:line and exact text) and fixes filled with the real values from the evidence.
//!
//! One file per root-cause family; each rule reads a session and returns findings. Rules must
//! derive every finding from parsed events (never from file names) and must not print.

mod access;
mod bundle;
mod cache;
mod conditions;
pub(crate) mod custom_action;
pub mod data;
mod defs;
mod engine;
mod environment;
mod event_messages;
mod evidence;
pub mod explain;
mod failed_action;
mod file_errors;
mod finding;
mod fixes;
mod generic;
pub(crate) mod ids;
mod ipi;
mod machine;
mod missing;
mod numbered;
mod ranking;
pub(crate) mod registry;
mod services;
mod session_notes;

use rayon::prelude::*;

pub use bundle::bundle_findings;
pub use evidence::{order_evidence, SessionView};
pub use finding::{
    Confidence, Confirmation, ConfirmedBy, Evidence, Finding, FindingId, FindingsBySession, Fix,
};
pub use registry::{FindingDoc, Origin, Registry, Rule};

use crate::input::report::InputReport;
use crate::model::{Event, Timestamp};
use crate::timeline::{InstallSession, SessionClock, Timeline};

/// Runs the built-in rules on every session (see [`run_with`]).
pub fn run(timeline: &Timeline) -> Vec<Finding> {
    run_with(timeline, &Registry::builtin())
}

/// Runs every rule of `registry` on every session; findings are ordered by session, then
/// confidence. Fallback rules run on a session, in order, only while no rule found anything.
/// Machine-wide records outside every session get their own findings (session `null`).
pub fn run_with(timeline: &Timeline, registry: &Registry) -> Vec<Finding> {
    run_with_done(timeline, &SessionRules::new(registry), &mut [])
}

/// The rules of a registry, sorted for running on one session at a time.
pub struct SessionRules<'r> {
    registry: &'r Registry,
    rules: Vec<&'r dyn Rule>,
    fallbacks: Vec<&'r dyn Rule>,
    /// The user rules' patterns, compiled once into one set per field, are run once per event
    /// of a session, and every user rule reads their hits from that index.
    pattern_sets: Option<data::index::PatternSets>,
}

impl<'r> SessionRules<'r> {
    pub fn new(registry: &'r Registry) -> Self {
        SessionRules {
            registry,
            rules: registry.rules().filter(|r| !r.is_fallback()).collect(),
            fallbacks: registry.rules().filter(|r| r.is_fallback()).collect(),
            pattern_sets: data::index::PatternSets::new(
                &registry
                    .rules()
                    .filter(|r| matches!(r.origin(), Origin::UserFile { .. }))
                    .filter_map(|r| r.data())
                    .collect::<Vec<_>>(),
            ),
        }
    }

    /// The findings of one session, given the machine-wide records outside every session.
    pub fn run(&self, session: &InstallSession, machine_events: &[Event]) -> Vec<Finding> {
        let index = self.pattern_sets.as_ref().map(|p| p.index(&session.events));
        let view = SessionView::with_machine_events(session, machine_events)
            .with_pattern_index(index.as_ref());
        // Rules are independent: they run in parallel (each rule walks the whole session,
        // millions of events in a large log); the order of the results is kept.
        let per_rule: Vec<Vec<Finding>> = self
            .rules
            .par_iter()
            .map(|rule| rule.check(&view))
            .collect();
        let mut found: Vec<Finding> = per_rule.into_iter().flatten().collect();
        // Fallbacks in order, each only while nothing was found (the numbered-error rule
        // before first-failure).
        for rule in &self.fallbacks {
            if !found.is_empty() {
                break;
            }
            found = rule.check(&view);
        }
        ranking::merge_same_cause(&mut found);
        link_explanations(&mut found, self.registry);
        // A cause before the symptoms it explains, at the same confidence.
        found.sort_by_key(|f| (std::cmp::Reverse(f.confidence), !f.explained_by.is_empty()));
        failed_action::name_failed_action(&view, &mut found);
        found
    }
}

/// What diagnosis keeps of a session diagnosed alone, so that its events can be dropped:
/// its findings and the notes [`missing_evidence_notes`] would write about it.
pub struct Diagnosed {
    pub findings: Vec<Finding>,
    pub reboot_note: Option<String>,
    pub swallowed_note: Option<String>,
}

/// Diagnoses a session that nothing else in the run can join (no machine-wide records):
/// what [`run_with`] and [`missing_evidence_notes`] would say about it.
pub fn diagnose_alone(session: &InstallSession, rules: &SessionRules) -> Diagnosed {
    Diagnosed {
        findings: rules.run(session, &[]),
        reboot_note: session_notes::reboot_note(session),
        swallowed_note: session_notes::swallowed_note(session),
    }
}

/// [`run_with`], where `done[i]` (when present) holds the findings of session `i` diagnosed
/// alone by [`diagnose_alone`] (they are moved out; its notes stay).
pub fn run_with_done(
    timeline: &Timeline,
    rules: &SessionRules,
    done: &mut [Option<Diagnosed>],
) -> Vec<Finding> {
    let mut taken: Vec<Option<Vec<Finding>>> = (0..timeline.sessions.len())
        .map(|i| {
            done.get_mut(i)
                .and_then(Option::as_mut)
                .map(|d| std::mem::take(&mut d.findings))
        })
        .collect();
    // Sessions are independent: they run in parallel; the order of the results is kept.
    let per_session: Vec<Vec<Finding>> = timeline
        .sessions
        .par_iter()
        // Every session its own job: a thread that runs out steals single sessions, instead of
        // sleeping while the other finishes a run of them.
        .with_max_len(1)
        .zip(taken.par_iter_mut())
        .map(|(session, taken)| match taken.take() {
            Some(found) => found,
            None => rules.run(session, &timeline.machine_events),
        })
        .collect();
    let mut all: Vec<Finding> = per_session.into_iter().flatten().collect();
    let machine = machine::machine_findings(&timeline.machine_events);
    let machine_events: Vec<&crate::model::Event> = timeline.machine_events.iter().collect();
    for m in machine {
        match same_day_session_finding(&mut all, &m, timeline) {
            // The rule already took the same-day records into account.
            Some(f) if !f.confirmed_by.is_empty() => {}
            Some(f) => {
                // The service records could not be placed inside the session's window (its
                // clock is not aligned) but fall on the same day: they back the log's verdict.
                let what = match m.id.as_ref() {
                    ids::MSISERVER_BROKEN => machine::msiserver_problems(&machine_events)
                        .map(|what| format!("the Windows Installer service {what}")),
                    _ => None,
                }
                .unwrap_or_else(|| m.summary.trim_end_matches('.').to_string());
                f.confirmed_by.push(Confirmation {
                    source: ConfirmedBy::SystemLogSameDay,
                    what,
                });
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

/// Each finding of a session lists the findings of the same session that the registry says
/// explain it (e.g. `windows-temp-acl` explains `error-2503-2502`), in the order they were found.
fn link_explanations(found: &mut [Finding], registry: &Registry) {
    let ids: Vec<FindingId> = found.iter().map(|f| f.id.clone()).collect();
    for symptom in found.iter_mut() {
        symptom.explained_by = ids
            .iter()
            .filter(|cause| *cause != &symptom.id && registry.explains(cause, &symptom.id))
            .fold(Vec::new(), |mut seen, cause| {
                if !seen.contains(cause) {
                    seen.push(cause.clone());
                }
                seen
            });
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
/// lack and what to collect next time; sessions that succeeded but need a restart; and errors
/// successful sessions went on past.
pub fn missing_evidence_notes(
    timeline: &Timeline,
    findings: &[Finding],
    inputs: &[InputReport],
) -> Vec<String> {
    missing_evidence_notes_done(timeline, findings, inputs, &[])
}

/// [`missing_evidence_notes`], taking the notes of the sessions diagnosed alone from `done`
/// (as in [`run_with_done`]).
pub fn missing_evidence_notes_done(
    timeline: &Timeline,
    findings: &[Finding],
    inputs: &[InputReport],
    done: &[Option<Diagnosed>],
) -> Vec<String> {
    let done = |i: usize| done.get(i).and_then(Option::as_ref);
    let mut notes = missing::notes(timeline, findings, inputs);
    let sessions = || timeline.sessions.iter().enumerate();
    notes.extend(sessions().filter_map(|(i, s)| match done(i) {
        Some(d) => d.reboot_note.clone(),
        None => session_notes::reboot_note(s),
    }));
    notes.extend(sessions().filter_map(|(i, s)| match done(i) {
        Some(d) => d.swallowed_note.clone(),
        None => session_notes::swallowed_note(s),
    }));
    notes
}
