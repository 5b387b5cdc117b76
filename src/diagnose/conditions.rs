//! Installs stopped on purpose by the package: a failed launch condition (`LaunchConditions`
//! returning 3 with the message shown to the user) and a blocked downgrade (WiX MajorUpgrade
//! `WIX_DOWNGRADE_DETECTED`; 1638 alone is `another-version-installed`). Each finding quotes the message the user saw. The
//! launch condition's signature and texts are data (`src/kb/rules/conditions.toml`).

use super::data::builtin::signature;
use super::evidence::SessionView;
use super::fixes::{rerun_logged, FixValues};
use super::{ids, Confidence, Finding, Fix};
use crate::model::EventKind;

/// The failing `LaunchConditions` action and the messages shown inside it.
fn failed_launch_conditions(v: &SessionView) -> Option<(usize, Vec<usize>)> {
    let events = v.events();
    // The signature (`Action ended …: LaunchConditions. Return value 3.`) is data.
    let end = *signature(ids::LAUNCH_CONDITION)
        .hits(v, Some(1))
        .cited_except(&[])
        .first()?;
    let start = events[..end]
        .iter()
        .rposition(|e| matches!(&e.kind, EventKind::ActionStart { action } if action == "LaunchConditions"))
        .unwrap_or(end.saturating_sub(20));
    let messages: Vec<usize> = (start + 1..end)
        .filter(|&i| {
            matches!(
                events[i].kind,
                EventKind::ProductMessage { .. } | EventKind::Error { .. } | EventKind::Text
            )
        })
        .collect();
    Some((end, messages))
}

/// The message text of the condition (the `Product: X -- …` form when present).
fn shown_message(v: &SessionView, messages: &[usize]) -> Option<String> {
    let events = v.events();
    messages
        .iter()
        .find_map(|&i| match &events[i].kind {
            EventKind::ProductMessage { message, .. } => Some(message.clone()),
            _ => None,
        })
        .or_else(|| messages.first().map(|&i| events[i].text.trim().to_string()))
}

/// Evidence of a downgrade: `WIX_DOWNGRADE_DETECTED` (or similar) set. Error 1638 alone is
/// not one: another version of the same product code is installed, newer or older
/// (`another-version-installed`, src/kb/rules/exit_codes.toml).
fn downgrade_markers(v: &SessionView) -> Vec<usize> {
    let mut out = v.indices(|e| match &e.kind {
        EventKind::PropertyChange {
            name,
            value: Some(_),
        }
        | EventKind::Property { name, .. } => {
            let n = name.to_ascii_uppercase();
            n == "WIX_DOWNGRADE_DETECTED"
                || n == "NEWERVERSIONDETECTED"
                || n == "NEWER_VERSION_FOUND"
        }
        _ => false,
    });
    out.sort_unstable();
    out.dedup();
    out
}

fn found_related(v: &SessionView) -> Option<(usize, String)> {
    v.events()
        .iter()
        .enumerate()
        .find_map(|(i, e)| match &e.kind {
            EventKind::Text | EventKind::MsiMessage { .. } => {
                let p = e.text.find("Found application: ")?;
                let code: String = e.text[p + 19..]
                    .chars()
                    .take_while(|c| *c != ' ' && *c != '.')
                    .collect();
                code.starts_with('{').then_some((i, code))
            }
            _ => None,
        })
}

pub fn downgrade_blocked(v: &SessionView) -> Vec<Finding> {
    if !v.failed() {
        return Vec::new();
    }
    let markers = downgrade_markers(v);
    let launch = failed_launch_conditions(v);
    let message = launch.as_ref().and_then(|(_, m)| shown_message(v, m));
    let says_newer = message
        .as_deref()
        .is_some_and(|m| m.to_ascii_lowercase().contains("newer version"));
    if markers.is_empty() && !says_newer {
        return Vec::new();
    }
    let related = found_related(v);
    let mut cited = markers.clone();
    if let Some((end, msgs)) = &launch {
        cited.push(*end);
        cited.extend(msgs.iter().copied());
    }
    cited.extend(related.as_ref().map(|(i, _)| *i));
    cited.extend(v.exit_event());
    let values = FixValues::of(v);
    let installed = related.as_ref().map(|(_, c)| c.clone());
    let mut fixes = Vec::new();
    match &installed {
        Some(code) => {
            fixes.push(Fix::cmd("See what is installed under that product code", format!("wmic product where \"IdentifyingNumber='{code}'\" get Name,Version")));
            fixes.push(Fix::cmd("If the older version is really wanted, remove the newer one first (elevated prompt)", format!("msiexec /x {code} /l*v \"%TEMP%\\remove-newer.log\"")));
        }
        None => fixes.push(Fix::text("Find the newer version in Apps & Features and keep it, or uninstall it before installing this older one")),
    }
    fixes.push(rerun_logged(&values));
    vec![Finding {
        evidence: v.evidence(&cited),
        fixes,
        ..v.draft(ids::DOWNGRADE_BLOCKED,
        format!("A newer version of {} is already installed", v.product_label()),
        if markers.is_empty() { Confidence::Medium } else { Confidence::High },
        format!(
            "The package refuses to downgrade: it found a newer version already installed{}{}. Nothing was changed on the machine.",
            installed.map(|c| format!(" ({c})")).unwrap_or_default(),
            message.map(|m| format!(" and showed \"{m}\"")).unwrap_or_default(),
        ))
    }]
}

pub fn launch_condition(v: &SessionView) -> Vec<Finding> {
    let Some((end, messages)) = failed_launch_conditions(v) else {
        return Vec::new();
    };
    if !downgrade_blocked(v).is_empty() {
        return Vec::new();
    }
    let message = shown_message(v, &messages);
    let mut cited = messages.clone();
    cited.push(end);
    cited.extend(v.exit_event());
    let values = FixValues::of(v);
    let rule = signature(ids::LAUNCH_CONDITION);
    let what = match &message {
            Some(m) => format!(
                "The package checked a prerequisite before installing anything and stopped with the message \"{m}\"."
            ),
            None => "The LaunchConditions action failed (a prerequisite check of the package); the log does not show the message.".to_string(),
    };
    let (title, summary) =
        rule.title_and_summary(v, &[("product_label", v.product_label()), ("what", what)]);
    vec![Finding {
        evidence: v.evidence(&cited),
        fixes: vec![
            Fix::text(match &message {
                Some(m) => format!("Do what the message asks (\"{m}\"), then install again"),
                None => "Check the package's prerequisites (LaunchCondition table), install what is missing, then install again".to_string(),
            }),
            rerun_logged(&values),
        ],
        ..v.draft(
            ids::LAUNCH_CONDITION,
            title,
            if message.is_some() { rule.confidence } else { Confidence::Medium },
            summary,
        )
    }]
}
