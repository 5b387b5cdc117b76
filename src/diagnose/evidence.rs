//! Helpers shared by the rules: a read-only view of a session with queries over its events
//! (error codes, failing actions, context lines), and the one place cited evidence is put in
//! time order ([`order_evidence`]).
//!
//! Queries only; no rule logic lives here.

use super::data::index::PatternIndex;
use super::{Confidence, Evidence, Finding, Fix};
use chrono::NaiveDateTime;

use crate::kb::signals::is_benign_note;
use crate::model::{Event, EventKind, MsiInstallerFact, ProcmonOp, Timestamp, WinEvent};
use crate::timeline::{InstallSession, SessionClock, Sourced};

/// A session with the queries rules need.
pub struct SessionView<'a> {
    pub session: &'a InstallSession,
    /// Where the session's moments fall on its clock.
    pub clock: SessionClock,
    /// Machine-wide records no session's window holds (used only where a session's clock is
    /// not aligned and a record of the same day can back its verdict).
    machine: &'a [Event],
    /// The user rules' patterns run once over the session's events (none: rules scan them).
    index: Option<&'a PatternIndex<'a>>,
    /// [`message_code`] of every event, read once for all rules on first use (several rules
    /// ask it of every event; a translated line needs a text search to answer).
    codes: std::sync::OnceLock<Vec<Option<u32>>>,
    /// Which events carry which message number or kind, built on first use (see
    /// [`KindIndex`]).
    kinds: std::sync::OnceLock<KindIndex>,
}

/// The session's events by what rule-file blocks ask first: their message number, their
/// `Info` number, action ends, event log records, Procmon operations. A block asking for one
/// of these tests only those events instead of walking the whole session
/// (`src/diagnose/data/mod.rs`); each list is in event order.
#[derive(Debug, Default)]
pub struct KindIndex {
    /// (message number, event), sorted.
    pub by_code: Vec<(u32, usize)>,
    /// (`Info` number, event), sorted.
    pub by_info: Vec<(u32, usize)>,
    pub action_ends: Vec<usize>,
    pub win_events: Vec<usize>,
    pub procmon: Vec<usize>,
}

impl KindIndex {
    /// The events whose number (in `by_code` or `by_info`) is one of `codes`, in event order.
    pub fn numbered(pairs: &[(u32, usize)], codes: &[u32]) -> Vec<usize> {
        let mut out: Vec<usize> = codes
            .iter()
            .flat_map(|&c| {
                let from = pairs.partition_point(|&(code, _)| code < c);
                pairs[from..]
                    .iter()
                    .take_while(move |&&(code, _)| code == c)
                    .map(|&(_, i)| i)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl<'a> SessionView<'a> {
    pub fn new(session: &'a InstallSession) -> Self {
        SessionView {
            session,
            clock: SessionClock::of(session),
            machine: &[],
            index: None,
            codes: std::sync::OnceLock::new(),
            kinds: std::sync::OnceLock::new(),
        }
    }

    /// A view that can also look at the machine-wide records outside every session.
    pub fn with_machine_events(session: &'a InstallSession, machine: &'a [Event]) -> Self {
        SessionView {
            session,
            clock: SessionClock::of(session),
            machine,
            index: None,
            codes: std::sync::OnceLock::new(),
            kinds: std::sync::OnceLock::new(),
        }
    }

    /// This view with the session's pattern index, which rule-file blocks then consult.
    pub fn with_pattern_index(mut self, index: Option<&'a PatternIndex<'a>>) -> Self {
        self.index = index;
        self
    }

    /// The session's pattern index, when one was built.
    pub fn pattern_index(&self) -> Option<&'a PatternIndex<'a>> {
        self.index
    }

    /// Machine-wide records within a day of this session, when its clock could not be aligned
    /// (so they could not be placed in its window); none when it is aligned.
    pub fn same_day_machine_events(&self) -> Vec<&'a Event> {
        let s = self.session;
        let Some(day) = s.started.map(|t| t.date()) else {
            return Vec::new();
        };
        if s.utc_offset_minutes.is_some() {
            return Vec::new();
        }
        self.machine
            .iter()
            .filter(|e| match e.time {
                Some(Timestamp::Utc(u)) => (u.date_naive() - day).num_days().abs() <= 1,
                _ => false,
            })
            .collect()
    }

    pub fn events(&self) -> &'a [Event] {
        &self.session.events
    }

    pub fn event(&self, i: usize) -> &'a Event {
        &self.session.events[i]
    }

    /// `message_code` of the session's event `i` (read once per session, for every rule).
    pub fn message_code_at(&self, i: usize) -> Option<u32> {
        let codes = self
            .codes
            .get_or_init(|| self.events().iter().map(message_code).collect());
        codes.get(i).copied().flatten()
    }

    /// The session's events by number and kind (built once per session, for every rule).
    pub fn kind_index(&self) -> &KindIndex {
        self.kinds.get_or_init(|| {
            let mut ix = KindIndex::default();
            for (i, e) in self.events().iter().enumerate() {
                if let Some(code) = self.message_code_at(i) {
                    ix.by_code.push((code, i));
                }
                match &e.kind {
                    EventKind::Info { code, .. } => ix.by_info.push((*code, i)),
                    EventKind::ActionEnded { .. } => ix.action_ends.push(i),
                    EventKind::WinEvent(_) => ix.win_events.push(i),
                    EventKind::Procmon(_) => ix.procmon.push(i),
                    _ => {}
                }
            }
            ix.by_code.sort_unstable();
            ix.by_info.sort_unstable();
            ix
        })
    }

    /// A finding about this session citing `cited` and the engine's exit line.
    pub fn finding(
        &self,
        id: &'static str,
        title: String,
        confidence: Confidence,
        summary: String,
        cited: &[usize],
        fixes: Vec<Fix>,
    ) -> Finding {
        let mut cited = cited.to_vec();
        cited.extend(self.exit_event());
        Finding {
            evidence: self.evidence(&cited),
            fixes,
            ..self.draft(id, title, confidence, summary)
        }
    }

    /// A finding about this session with no evidence or fixes yet (the rule adds them).
    pub fn draft(
        &self,
        id: impl Into<super::FindingId>,
        title: String,
        confidence: Confidence,
        summary: String,
    ) -> Finding {
        Finding {
            session: Some(self.session.id.clone()),
            product: self.session.product.clone(),
            ..Finding::new(id, title, confidence, summary)
        }
    }

    /// The cited events, deduplicated, in time order across sources (see [`order_evidence`]:
    /// within one source the order of its own lines wins, so `Action ended 13:05:17` with
    /// whole seconds does not jump before the `[13:05:17:518]` lines written before it).
    pub fn evidence(&self, indices: &[usize]) -> Vec<Evidence> {
        let mut idx: Vec<usize> = indices.to_vec();
        idx.sort_unstable();
        idx.dedup();
        let mut evidence: Vec<Evidence> =
            idx.into_iter().map(|i| self.cite(self.event(i))).collect();
        order_evidence(&mut evidence, &self.clock);
        evidence
    }

    /// One event cited on the session's clock (not ordered: see [`SessionView::evidence`]).
    pub fn cite(&self, e: &Event) -> Evidence {
        Evidence::from_event(e, &self.clock)
    }

    /// Indices of events that report error `code` as a Windows Installer message
    /// (`Note: 1: N`, `DEBUG: Error N`, `Error N.`, the internal-error dialog, `Product: X -- Error N.`).
    pub fn error_events(&self, codes: &[u32]) -> Vec<usize> {
        KindIndex::numbered(&self.kind_index().by_code, codes)
    }

    pub fn indices(&self, pred: impl Fn(&Event) -> bool) -> Vec<usize> {
        self.events()
            .iter()
            .enumerate()
            .filter(|(_, e)| pred(e))
            .map(|(i, _)| i)
            .collect()
    }

    /// The first `Action ended …. Return value 3.`
    pub fn first_failed_action(&self) -> Option<(usize, &'a str)> {
        self.events()
            .iter()
            .enumerate()
            .find_map(|(i, e)| match &e.kind {
                EventKind::ActionEnded {
                    action,
                    return_value: 3,
                } => Some((i, action.as_str())),
                _ => None,
            })
    }

    /// The `MainEngineThread is returning N` line, if any.
    pub fn exit_event(&self) -> Option<usize> {
        self.session.facts.exit_code.as_ref().map(|s| s.event)
    }

    /// The `Windows Installer installed the product … status` line, if any.
    pub fn outcome_event(&self) -> Option<usize> {
        self.session.facts.outcome_line
    }

    /// Up to `max` events before `before` that say something about a failure: errors,
    /// non-noise notes, custom-action output and other free text.
    pub fn context_before(&self, before: usize, max: usize) -> Vec<usize> {
        let start = before.saturating_sub(400);
        let mut out: Vec<usize> = (start..before)
            .rev()
            .filter(|&i| is_telling(&self.event(i).kind))
            .take(max)
            .collect();
        out.reverse();
        out
    }

    pub fn property(&self, name: &str) -> Option<Sourced<String>> {
        self.session.facts.property(name)
    }

    pub fn product_label(&self) -> String {
        self.session
            .display_name()
            .unwrap_or_else(|| "the product".to_string())
    }

    pub fn failed(&self) -> bool {
        self.session.outcome.is_failure()
    }

    /// The Procmon operations joined to the session, with their event indices.
    pub fn procmon_ops(&self) -> Vec<(usize, &'a ProcmonOp)> {
        self.events()
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match &e.kind {
                EventKind::Procmon(op) => Some((i, op.as_ref())),
                _ => None,
            })
            .collect()
    }

    /// The event log records joined to the session, with their event indices.
    pub fn win_events(&self) -> Vec<(usize, &'a WinEvent)> {
        self.events()
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match &e.kind {
                EventKind::WinEvent(w) => Some((i, w.as_ref())),
                _ => None,
            })
            .collect()
    }
}

/// Puts evidence in time order on `clock`, once, for every report: each item is (re)placed on
/// the clock; within one source the order the items come in wins (a key never goes back in
/// time from one item of a source to the next, and an item without a time takes the latest
/// time of its source so far); sources are merged by time, and items that cannot be placed
/// at all come last, in the order they came in.
pub fn order_evidence(evidence: &mut Vec<Evidence>, clock: &SessionClock) {
    let mut latest: Vec<(String, Option<NaiveDateTime>)> = Vec::new();
    let mut keyed: Vec<(Option<NaiveDateTime>, Evidence)> = evidence
        .drain(..)
        .map(|mut e| {
            if let Some(t) = &mut e.time {
                t.placed = clock.place(&t.written);
            }
            let slot = match latest.iter().position(|(p, _)| *p == e.path) {
                Some(slot) => slot,
                None => {
                    latest.push((e.path.clone(), None));
                    latest.len() - 1
                }
            };
            let own = e.time.and_then(|t| t.placed).map(|p| p.at);
            let key = own.max(latest[slot].1);
            latest[slot].1 = key;
            (key, e)
        })
        .collect();
    keyed.sort_by_key(|(key, _)| (key.is_none(), *key));
    evidence.extend(keyed.into_iter().map(|(_, e)| e));
}

pub use crate::kb::signals::is_denied_result as is_denied;

/// True when `path` lies under `folder` (case-insensitive, `\` separators).
pub fn under(path: &str, folder: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let f = folder.to_ascii_lowercase();
    let f = f.trim_end_matches('\\');
    p == f || p.starts_with(&format!("{f}\\"))
}

/// The Windows Installer message number an event reports, if it reports one: also a
/// translated `Fehler 1920. …` / `エラー 1316。…` line of a localized log (by its number).
pub fn message_code(e: &Event) -> Option<u32> {
    match &e.kind {
        EventKind::Text | EventKind::MsiMessage { .. } => {
            super::numbered::translated_error_code(&e.text)
        }
        kind => kind_message_code(kind),
    }
}

/// [`message_code`] of what an event's kind holds (a translated line is plain text: use
/// [`message_code`] on the event).
fn kind_message_code(kind: &EventKind) -> Option<u32> {
    match kind {
        EventKind::Note { code, .. }
        | EventKind::DebugError { code, .. }
        | EventKind::Error { code, .. }
        | EventKind::InternalErrorDialog { code } => Some(*code),
        EventKind::ProductMessage { message, .. } => product_message_code(message)
            .or_else(|| super::numbered::translated_error_code(message)),
        EventKind::WinEvent(w) => match w.msi() {
            Some(MsiInstallerFact::ProductError { code, .. }) => Some(*code),
            _ => None,
        },
        _ => None,
    }
}

/// `Error 1925. …` or the internal-error text inside a `Product: X -- …` message.
pub fn product_message_code(message: &str) -> Option<u32> {
    if let Some(rest) = message.strip_prefix("Error ") {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with('.') {
            return digits.parse().ok();
        }
    }
    let i = message.find("The error code is ")?;
    let digits: String = message[i + 18..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

fn is_telling(kind: &EventKind) -> bool {
    match kind {
        EventKind::Note { code, args } => {
            !is_benign_note(*code) && !is_benign_ipi_note(*code, args)
        }
        EventKind::DebugError { code, .. } => !is_benign_note(*code),
        EventKind::Error { .. }
        | EventKind::Warning { .. }
        | EventKind::InternalErrorDialog { .. }
        | EventKind::CustomActionReturned { .. }
        | EventKind::ProductMessage { .. }
        | EventKind::Text => true,
        EventKind::MsiMessage { message } => {
            let m = message.to_ascii_lowercase();
            m.contains("error") || m.contains("fail") || m.contains("denied")
        }
        _ => false,
    }
}

/// `Note: 1: 2203 2: …inprogressinstallinfo.ipi 3: -2147287038` (file not found) is in every healthy log.
pub fn is_benign_ipi_note(code: u32, args: &[String]) -> bool {
    code == 2203
        && args.first().is_some_and(|p| {
            p.to_ascii_lowercase()
                .ends_with("inprogressinstallinfo.ipi")
        })
        && args.get(1).is_some_and(|h| h.trim() != "-2147287035")
}
