//! "Why nothing was found": when a failed session has no finding above low confidence, say precisely what
//! the inputs lack (no verbose log, no event log, a Procmon capture that misses the failure
//! window) and what to collect next time. It must not invent causes.

use super::{ids, Finding};
use crate::input::report::InputReport;
use crate::timeline::{Outcome, Timeline};

pub fn notes(timeline: &Timeline, findings: &[Finding], inputs: &[InputReport]) -> Vec<String> {
    let has = |kind: &str| inputs.iter().any(|i| i.kind == kind && i.usable());
    let mut out = Vec::new();
    let by_session = super::FindingsBySession::new(findings);
    for s in &timeline.sessions {
        if !s.outcome.is_failure() && s.outcome != Outcome::Unknown {
            continue;
        }
        // A low-confidence finding names a symptom, not a cause shown by evidence: the session
        // still gets what to collect next time.
        let of_session = by_session.of(&s.id);
        let specific = of_session
            .iter()
            .any(|f| f.id != ids::FIRST_FAILURE && f.confidence > super::Confidence::Low);
        // A cancel whose finding says where it happened needs no more inputs.
        let cancel_explained = s.outcome == Outcome::Cancelled
            && of_session.iter().any(|f| f.id == ids::USER_CANCELLED);
        if specific || cancel_explained {
            continue;
        }
        let mut lacks = Vec::new();
        if s.log_events == 0 {
            lacks.push("no verbose MSI log of it (run `msiexec /i <package> /l*v \"%TEMP%\\install.log\"`, or set the Logging policy to `voicewarmupx`)".to_string());
        } else if !s.verbose {
            lacks.push("its MSI log is not verbose (use /l*v)".to_string());
        }
        if !has("evtx") {
            lacks.push("no Application/System event log (`wevtutil epl Application app.evtx`, `wevtutil epl System system.evtx`)".to_string());
        }
        let procmon_joined = s
            .related()
            .iter()
            .any(|e| matches!(e.kind, crate::model::EventKind::Procmon(_)));
        if !has("procmon-pml") && !has("procmon-csv") {
            lacks.push("no Process Monitor capture of the failure (Procmon, File > Save as PML, while reproducing)".to_string());
        } else if !procmon_joined {
            lacks.push("the Procmon capture does not cover this session's msiexec processes or time window (start the capture before the install, and do not filter msiexec out)".to_string());
        }
        if s.truncated {
            lacks.push(match s.outcome {
                Outcome::Failure => "the log is cut after the failure".to_string(),
                _ => "the log is cut before the end".to_string(),
            });
        }
        if !lacks.is_empty() {
            // The sentence says what the session's outcome says, and nothing more.
            let what = match s.outcome {
                Outcome::Cancelled => "was cancelled and no cause could be shown with certainty",
                Outcome::Unknown => "has no outcome in these inputs (the log ends before the install did) and no failure could be shown in what was read",
                _ => "failed and no cause could be shown with certainty",
            };
            out.push(format!(
                "{} ({}) {what}: {}.",
                s.id,
                s.display_name().as_deref().unwrap_or("unknown product"),
                lacks.join("; ")
            ));
        }
    }
    out
}
