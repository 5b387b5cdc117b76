//! Failures of the engine or of the package file itself, read from their numbers:
//! 2755 (the service could not open the package) → `package-server-error`; 1619/1620 or 2203
//! on the package path → `package-unopenable`; 1602 / `Return value 2` → `user-cancelled` (low:
//! says where the cancel happened and what was on screen before it); 2738/2739 →
//! `script-engine-broken`; 1935/1937/1938 → `assembly-install-failed` with the assembly and the
//! HRESULT decoded. Causes and fix templates come from `kb/data/families.tsv`.
//!
//! It must not match translated sentences: numbers, fields and paths only.

use super::evidence::SessionView;
use super::fixes::FixValues;
use super::numbered::{
    as_pairs, family_fixes_for, numbered_errors, session_values, Form, Numbered,
};
use super::{Confidence, Finding, Fix};
use crate::kb::{self, families};
use crate::model::EventKind;

fn exit_in(v: &SessionView, codes: &[i64]) -> bool {
    v.session.exit_code.is_some_and(|c| codes.contains(&c))
        || v.session.facts.status.is_some_and(|c| codes.contains(&c))
}

/// What a finding says: its title, confidence and summary.
struct Words {
    title: String,
    confidence: Confidence,
    summary: String,
}

fn family_finding(
    v: &SessionView,
    id: &'static str,
    words: Words,
    cited: &[usize],
    values: &[(&'static str, String)],
    mut extra: Vec<Fix>,
) -> Finding {
    let key = values
        .iter()
        .find(|(k, _)| *k == "fix_key")
        .map(|(_, v)| v.as_str());
    if let Some(f) = families::family(id) {
        for fix in family_fixes_for(f, key, &as_pairs(values)) {
            if !extra.contains(&fix) {
                extra.push(fix);
            }
        }
    }
    v.finding(
        id,
        words.title,
        words.confidence,
        words.summary,
        cited,
        extra,
    )
}

/// 2755: `Server returned unexpected error [2] attempting to install package [3].`
pub fn package_server_error(v: &SessionView) -> Vec<Finding> {
    if !(v.failed() || v.session.truncated || v.session.log_events > 0) {
        return Vec::new();
    }
    let all = numbered_errors(v);
    let mine: Vec<&Numbered> = all.iter().filter(|n| n.code == 2755).collect();
    let Some(first) = mine
        .iter()
        .find(|n| !n.args.is_empty())
        .or(mine.first())
        .copied()
    else {
        return Vec::new();
    };
    let fv = FixValues::of(v);
    let mut values = session_values(v, &fv);
    let package = first
        .args
        .get(1)
        .filter(|p| !p.is_empty())
        .cloned()
        .unwrap_or_else(|| fv.package.clone());
    values.retain(|(k, _)| *k != "package");
    values.push(("package", package.clone()));
    let system = first.system_error();
    let mut cited: Vec<usize> = mine.iter().map(|n| n.index).collect();
    cited.extend(v.context_before(first.index, 4));
    let drive = package
        .get(..2)
        .filter(|d| d.ends_with(':'))
        .map(str::to_ascii_uppercase);
    let where_words = match drive.as_deref() {
        Some("C:") | None => String::new(),
        Some(d) => format!(" The package is on {d}: a RAM disk, SUBST or mapped network drive exists only in the user's session, not for SYSTEM."),
    };
    let summary = format!(
        "The Windows Installer service could not open the package {package} (error 2755{}). The service runs as SYSTEM and must be able to read the file itself.{where_words}",
        system.as_ref().map(|e| format!(", system error {}", e.describe())).unwrap_or_default()
    );
    vec![family_finding(
        v,
        "package-server-error",
        Words {
            title: format!("The Windows Installer service could not open {package}"),
            confidence: Confidence::High,
            summary,
        },
        &cited,
        &values,
        Vec::new(),
    )]
}

/// 1619/1620, with the `Note: 1: 2203` records on the package path.
pub fn package_unopenable(v: &SessionView) -> Vec<Finding> {
    if !v.failed() {
        return Vec::new();
    }
    let all = numbered_errors(v);
    let shown: Vec<&Numbered> = all
        .iter()
        .filter(|n| matches!(n.code, 1619 | 1620) && n.form != Form::Note)
        .collect();
    if shown.is_empty() && !exit_in(v, &[1619, 1620]) {
        return Vec::new();
    }
    let opens: Vec<&Numbered> = all
        .iter()
        .filter(|n| {
            n.code == 2203
                && n.args.first().is_some_and(|p| {
                    let p = p.to_ascii_lowercase();
                    p.ends_with(".msi") || p.ends_with(".msp") || p.ends_with(".mst")
                })
        })
        .collect();
    let fv = FixValues::of(v);
    let mut values = session_values(v, &fv);
    let package = opens
        .first()
        .and_then(|n| n.args.first().cloned())
        .unwrap_or_else(|| fv.package.clone());
    values.retain(|(k, _)| *k != "package");
    values.push(("package", package.clone()));
    let system = opens.first().and_then(|n| n.system_error());
    let mut cited: Vec<usize> = shown.iter().map(|n| n.index).collect();
    cited.extend(opens.iter().map(|n| n.index));
    let code = v
        .session
        .exit_code
        .or(v.session.facts.status)
        .unwrap_or(1619);
    let why = match system.as_ref().and_then(|e| e.win32) {
        Some(5) => " Access to it was denied: the installer (running as SYSTEM for a per-machine install, or as the user) may not read it.",
        Some(2) | Some(3) => " The file or its folder was not found at that path.",
        Some(32) | Some(33) => " Another process held the file open.",
        _ => "",
    };
    let summary = format!(
        "Windows Installer could not open the package {package} ({code}{}).{why}",
        system
            .as_ref()
            .map(|e| format!("; opening it gave {}", e.describe()))
            .unwrap_or_default()
    );
    vec![family_finding(
        v,
        "package-unopenable",
        Words {
            title: format!("The package {package} could not be opened"),
            confidence: Confidence::High,
            summary,
        },
        &cited,
        &values,
        Vec::new(),
    )]
}

/// 1602: says where the cancel happened and what was shown just before it.
pub fn user_cancelled(v: &SessionView) -> Vec<Finding> {
    let cancelled_exit = exit_in(v, &[1602]);
    if !cancelled_exit {
        return Vec::new();
    }
    let returned_2 = v.indices(|e| {
        matches!(
            e.kind,
            EventKind::ActionEnded {
                return_value: 2,
                ..
            }
        )
    });
    let first_2 = returned_2.first().copied();
    let where_ = first_2.and_then(|i| match &v.event(i).kind {
        EventKind::ActionEnded { action, .. } => Some(action.clone()),
        _ => None,
    });
    let all = numbered_errors(v);
    let shown_before = all
        .iter()
        .rev()
        .find(|n| n.form.is_shown() && first_2.is_none_or(|f| n.index < f));
    let ui = v.property("UILevel").map(|p| p.value.trim().to_string());
    let who = match ui.as_deref() {
        Some("2") => "The install ran without UI (UILevel 2), so the cancel came from the program that started it, or from a refused elevation prompt.".to_string(),
        Some(level) => format!("The install showed its UI (UILevel {level}), so the user pressed Cancel or refused the elevation prompt."),
        None => "The user (or the program that started the install) cancelled it.".to_string(),
    };
    let mut cited: Vec<usize> = returned_2.iter().take(3).copied().collect();
    cited.extend(shown_before.map(|n| n.index));
    let fv = FixValues::of(v);
    let values = session_values(v, &fv);
    let mut extra = Vec::new();
    let before = match shown_before {
        Some(n) => {
            extra.push(Fix::cmd(
                format!("The cancel answered error {}: deal with it first", n.code),
                format!("msidiag explain {}", n.code),
            ));
            format!(" Just before, the installer showed error {}: \"{}\" — the cancel most likely answered that dialog, so that error is the cause to fix.", n.code, n.decoded())
        }
        None => String::new(),
    };
    // Changes start with the install script (InstallInitialize, `Executing op:` lines); a cancel
    // in the dialogs before it changed nothing.
    let script_ran = v.events()[..first_2.unwrap_or(v.events().len())]
        .iter()
        .any(|e| {
            e.text.contains("Executing op: ")
                || matches!(&e.kind, EventKind::ActionStart { action } if action == "InstallInitialize")
        });
    let changes = if script_ran {
        "Nothing is left half-installed: the changes made so far were rolled back."
    } else {
        "It stopped before the install script ran, so nothing on the machine was changed."
    };
    let summary = format!(
        "The {} of {} was cancelled (1602){}. {who}{before} {changes}",
        fv.operation.noun(),
        v.product_label(),
        where_
            .as_ref()
            .map(|a| format!(" during {a}"))
            .unwrap_or_default(),
    );
    vec![family_finding(
        v,
        "user-cancelled",
        Words {
            title: format!(
                "The {} was cancelled{}",
                fv.operation.noun(),
                where_.map(|a| format!(" during {a}")).unwrap_or_default()
            ),
            confidence: Confidence::Low,
            summary,
        },
        &cited,
        &values,
        extra,
    )]
}

/// 2738/2739: the script engine could not be loaded for a script custom action.
pub fn script_engine_broken(v: &SessionView) -> Vec<Finding> {
    if !(v.failed() || v.session.truncated) {
        return Vec::new();
    }
    let all = numbered_errors(v);
    let mine: Vec<&Numbered> = all
        .iter()
        .filter(|n| matches!(n.code, 2738 | 2739))
        .collect();
    let Some(first) = mine.first() else {
        return Vec::new();
    };
    let engine = if first.code == 2738 {
        "VBScript"
    } else {
        "JScript"
    };
    let action = mine.iter().find_map(|n| {
        n.args
            .first()
            .filter(|a| !a.trim().is_empty())
            .cloned()
            .or_else(|| {
                let lower = n.text.to_ascii_lowercase();
                let p = lower.find("custom action ")?;
                let name = n.text[p + 14..].split_whitespace().next()?;
                Some(name.trim_end_matches('.').to_string())
            })
    });
    let fv = FixValues::of(v);
    let values = session_values(v, &fv);
    let mut cited: Vec<usize> = mine.iter().map(|n| n.index).collect();
    cited.extend(v.first_failed_action().map(|(i, _)| i));
    let summary = format!(
        "The {engine} custom action{} could not start because Windows Installer could not load the {engine} engine (error {}). The package itself is not at fault: {engine} is missing (removed as an optional feature, or by a clean-up tool), blocked by policy, or registered for the user instead of the machine. This ranks above the custom action's own failure, which it causes.",
        action.as_ref().map(|a| format!(" {a}")).unwrap_or_default(),
        first.code
    );
    vec![family_finding(
        v,
        "script-engine-broken",
        Words {
            title: format!("The {engine} engine is not available to Windows Installer"),
            confidence: Confidence::High,
            summary,
        },
        &cited,
        &values,
        Vec::new(),
    )]
}

/// 1935/1937/1938: an assembly could not be installed; the HRESULT says why.
pub fn assembly_install_failed(v: &SessionView) -> Vec<Finding> {
    if !(v.failed() || v.session.truncated) {
        return Vec::new();
    }
    let all = numbered_errors(v);
    let mine: Vec<&Numbered> = all
        .iter()
        .filter(|n| matches!(n.code, 1935 | 1937 | 1938))
        .collect();
    let Some(first) = mine
        .iter()
        .find(|n| n.form.is_shown())
        .or(mine.first())
        .copied()
    else {
        return Vec::new();
    };
    let assembly = first
        .args
        .get(4)
        .filter(|a| !a.is_empty())
        .cloned()
        .or_else(|| first.text.split('\'').nth(1).map(str::to_string))
        .or_else(|| {
            let p = first.text.find("assembly name: ")?;
            Some(first.text[p + 15..].trim().to_string())
        })
        .or_else(|| first.args.first().filter(|a| !a.is_empty()).cloned());
    let hresult = first.system_error();
    let fv = FixValues::of(v);
    let mut values = session_values(v, &fv);
    if let Some(h) = &hresult {
        values.push(("hresult", h.raw.clone()));
    }
    let bits = hresult
        .as_ref()
        .and_then(|h| kb::parse_code(&h.raw))
        .and_then(kb::code_bits);
    let family = families::family("assembly-install-failed");
    let key = bits.map(|b| format!("0x{b:08X}"));
    let specific = key
        .as_deref()
        .and_then(|k| family.and_then(|f| f.keyed_cause(k)));
    if let Some(k) = &key {
        values.push(("fix_key", k.clone()));
    }
    let mut cited: Vec<usize> = mine.iter().map(|n| n.index).collect();
    cited.extend(
        v.indices(|e| e.text.contains("Assembly Error:"))
            .into_iter()
            .take(3),
    );
    cited.extend(v.first_failed_action().map(|(i, _)| i));
    let name = assembly
        .clone()
        .unwrap_or_else(|| "an assembly".to_string());
    let short = name.split(',').next().unwrap_or(&name).to_string();
    let summary = format!(
        "Windows Installer could not install the assembly {name} (error {}{}).{}",
        first.code,
        hresult
            .as_ref()
            .map(|h| format!(", HRESULT {}", h.describe()))
            .unwrap_or_default(),
        specific.map(|c| format!(" {c}")).unwrap_or_default()
    );
    vec![family_finding(
        v,
        "assembly-install-failed",
        Words {
            title: format!("The assembly {short} could not be installed"),
            confidence: Confidence::High,
            summary,
        },
        &cited,
        &values,
        Vec::new(),
    )]
}
