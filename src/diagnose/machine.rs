//! Machine-wide evidence from event logs: the Windows Installer service failing (SCM 7000,
//! 7009/7011, 7023, 7031/7034, 7040 to disabled) → `msiserver-broken`, and msiexec.exe crashing
//! (Application Error 1000, often in a custom action DLL) → `custom-action-crash`.
//!
//! The same checks run on a session's joined records and on the records outside every session.

use super::evidence::SessionView;

use super::evidence::order_evidence;
use super::finding::{Confirmation, ConfirmedBy};
use super::{ids, Confidence, Evidence, Finding, Fix};
use crate::model::{Event, EventKind, InstallerServiceFact};
use crate::timeline::SessionClock;

fn service_failures(events: &[&Event]) -> Vec<(usize, String)> {
    events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let EventKind::WinEvent(w) = &e.kind else {
                return None;
            };
            let what = match w.installer_service()? {
                InstallerServiceFact::FailedToStart { error } => {
                    format!("failed to start: {error}")
                }
                InstallerServiceFact::Timeout => {
                    "did not respond in time when starting".to_string()
                }
                InstallerServiceFact::Terminated { error } => {
                    format!("stopped with an error: {error}")
                }
                InstallerServiceFact::Crashed { times } => {
                    format!(
                        "terminated unexpectedly{}",
                        times.map(|t| format!(" ({t} times)")).unwrap_or_default()
                    )
                }
                InstallerServiceFact::StartTypeChanged { to, .. }
                    if to.to_ascii_lowercase().contains("disabled")
                        || to.to_ascii_lowercase().contains("deaktiviert") =>
                {
                    format!("start type was changed to {to}")
                }
                _ => return None,
            };
            Some((i, what))
        })
        .collect()
}

/// What the records say happened to the Windows Installer service ("start type was changed
/// to disabled; failed to start: …"), if anything.
pub(super) fn msiserver_problems(events: &[&Event]) -> Option<String> {
    let failures = service_failures(events);
    (!failures.is_empty()).then(|| {
        failures
            .into_iter()
            .map(|(_, what)| what)
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn msiserver_finding(events: &[&Event], session: Option<&SessionView>) -> Option<Finding> {
    let failures = service_failures(events);
    let what = msiserver_problems(events)?;
    let disabled = failures.iter().any(|(_, w)| w.starts_with("start type"));
    let mut fixes = vec![
        Fix::cmd("Check the service configuration (expect START_TYPE 3 DEMAND_START, msiexec.exe /V, LocalSystem)", "sc qc msiserver"),
    ];
    if disabled {
        fixes.push(Fix::cmd(
            "Set the service back to manual start",
            "sc config msiserver start= demand",
        ));
    }
    fixes.extend([
        Fix::cmd("Start it and watch for errors", "net start msiserver"),
        Fix::cmd(
            "Re-register Windows Installer (elevated prompt)",
            "msiexec /unregister && msiexec /regserver",
        ),
        Fix::cmd(
            "Repair system files if it still fails",
            "sfc /scannow && DISM /Online /Cleanup-Image /RestoreHealth",
        ),
    ]);
    Some(Finding {
        session: session.map(|v| v.session.id.clone()),
        product: session.and_then(|v| v.session.product.clone()),
        evidence: cited(failures.iter().map(|(i, _)| events[*i]), session),
        fixes,
        ..Finding::new(
            ids::MSISERVER_BROKEN,
            "The Windows Installer service (msiserver) is not working".to_string(),
            Confidence::High,
            format!(
                "The System log shows the Windows Installer service {what}. Without a working service no package can install or uninstall (typical errors 1601, 1719, 2503)."
            ),
        )
    })
}

/// Records cited on the session's clock (UTC outside every session), in time order.
fn cited<'e>(
    events: impl Iterator<Item = &'e Event>,
    session: Option<&SessionView>,
) -> Vec<Evidence> {
    let clock = session.map_or(SessionClock::machine(), |v| v.clock);
    let mut evidence: Vec<Evidence> = events.map(|e| Evidence::from_event(e, &clock)).collect();
    order_evidence(&mut evidence, &clock);
    evidence
}

fn crash_finding(events: &[&Event], session: Option<&SessionView>) -> Option<Finding> {
    let crashes: Vec<(usize, String, String, String)> = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let EventKind::WinEvent(w) = &e.kind else {
                return None;
            };
            let c = w.crash()?;
            c.app.to_ascii_lowercase().contains("msiexec").then(|| {
                (
                    i,
                    c.module.clone(),
                    c.exception.clone(),
                    c.module_path.clone().unwrap_or_default(),
                )
            })
        })
        .collect();
    let (_, module, exception, module_path) = crashes.first()?.clone();
    let in_ca_dll = module.to_ascii_lowercase().starts_with("msi")
        && module.to_ascii_lowercase().ends_with(".tmp");
    let summary = format!(
        "An msiexec.exe process crashed (exception {exception}) in module {module}{}. {}",
        if module_path.is_empty() {
            String::new()
        } else {
            format!(" ({module_path})")
        },
        if in_ca_dll {
            "The module is a custom action DLL extracted by Windows Installer (MSIxxxx.tmp): the package's own code crashed."
        } else {
            "When the module is not part of Windows, it is usually a custom action DLL or software injected into msiexec (security products)."
        }
    );
    Some(Finding {
        session: session.map(|v| v.session.id.clone()),
        product: session.and_then(|v| v.session.product.clone()),
        evidence: cited(crashes.iter().map(|(i, ..)| events[*i]), session),
        fixes: vec![
            Fix::text("Give the package vendor the crash details; check whether security software injects a DLL into msiexec.exe and exclude it temporarily"),
            Fix::cmd("Collect a crash dump next time", "reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows\\Windows Error Reporting\\LocalDumps\\msiexec.exe\" /v DumpType /t REG_DWORD /d 2 /f"),
        ],
        ..Finding::new(
            ids::CUSTOM_ACTION_CRASH,
            format!("msiexec.exe crashed in {module}"),
            Confidence::High,
            summary,
        )
    })
}

/// Findings from a session's joined machine records, and the log's own service errors
/// (1719 "service could not be accessed", exit 1601, 1631, 1652).
pub fn session_machine_findings(v: &SessionView) -> Vec<Finding> {
    let related: Vec<&Event> = v.session.related().iter().collect();
    let mut out: Vec<Finding> = msiserver_finding(&related, Some(v)).into_iter().collect();
    if out.is_empty() {
        out.extend(service_unreachable_in_log(v));
    }
    out.extend(crash_finding(&related, Some(v)));
    out
}

fn service_unreachable_in_log(v: &SessionView) -> Option<Finding> {
    let mut cited = v.error_events(&[1719, 1631, 1652]);
    let exit = v
        .session
        .exit_code
        .filter(|c| matches!(c, 1601 | 1631 | 1652));
    if cited.is_empty() && exit.is_none() {
        return None;
    }
    cited.extend(v.indices(|e| matches!(&e.kind, EventKind::MsiMessage { message } if message.contains("Failed to connect to server"))));
    cited.extend(v.exit_event());
    // The System log of the same day, when the session's clock could not be aligned.
    let same_day: Vec<&Event> = if v.session.related().is_empty() {
        v.same_day_machine_events()
    } else {
        Vec::new()
    };
    let confirmation = msiserver_problems(&same_day);
    let system_log = if !v.session.related().is_empty() {
        "shows nothing about it in this session's window"
    } else if confirmation.is_some() {
        "could not be placed on this session's clock"
    } else {
        "was not among the inputs or could not be placed on this session's clock"
    };
    let mut finding = Finding {
        session: Some(v.session.id.clone()),
        product: v.session.product.clone(),
        evidence: v.evidence(&cited),
        fixes: vec![
            Fix::cmd("Check the service configuration (expect START_TYPE 3 DEMAND_START, msiexec.exe /V, LocalSystem)", "sc qc msiserver"),
            Fix::cmd("Set the service back to manual start if it is disabled", "sc config msiserver start= demand"),
            Fix::cmd("Start it and watch for errors", "net start msiserver"),
            Fix::cmd("Re-register Windows Installer (elevated prompt)", "msiexec /unregister && msiexec /regserver"),
        ],
        ..Finding::new(
            ids::MSISERVER_BROKEN,
            "The Windows Installer service could not be reached".to_string(),
            Confidence::Medium,
            format!(
                "The client could not reach the Windows Installer service (1719/1601): the service is disabled, cannot start, or its registration is damaged. The System event log (Service Control Manager 7000/7040) says which; it {system_log}."
            ),
        )
    };
    if let Some(what) = confirmation {
        finding.confirmed_by.push(Confirmation {
            source: ConfirmedBy::SystemLogSameDay,
            what: format!("the Windows Installer service {what}"),
        });
        finding.evidence.extend(
            service_failures(&same_day)
                .iter()
                .map(|(i, _)| Evidence::from_event(same_day[*i], &v.clock)),
        );
        order_evidence(&mut finding.evidence, &v.clock);
        finding.confidence = Confidence::High;
    }
    Some(finding)
}

/// Findings from records no session holds.
pub fn machine_findings(events: &[Event]) -> Vec<Finding> {
    let all: Vec<&Event> = events.iter().collect();
    msiserver_finding(&all, None)
        .into_iter()
        .chain(crash_finding(&all, None))
        .collect()
}
