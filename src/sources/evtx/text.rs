//! The one-line human text of a kept event log record, shown as evidence in reports:
//! `Provider Id: message`, with the well-known message templates filled from the record's data
//! (English wording, whatever the language of the machine).
//!
//! It must not interpret the record beyond wording it, and always returns a single line.

use crate::model::WinEvent;

use super::msi::{outcome_operation, param, present_data, scm_error_text};
use super::select::{APPLICATION_ERROR, MSI_INSTALLER, RESTART_MANAGER, SCM};
use crate::model::Operation;

/// `MsiInstaller 1033: Windows Installer installed the product. …`
pub(super) fn render(ev: &WinEvent) -> String {
    let message = match ev.provider.as_str() {
        MSI_INSTALLER => msi_message(ev),
        SCM => scm_message(ev),
        APPLICATION_ERROR if ev.event_id == 1000 => crash_message(ev),
        RESTART_MANAGER => named_message(ev),
        _ => None,
    }
    .unwrap_or_else(|| generic_message(ev));
    one_line(&format!("{} {}: {}", ev.provider, ev.event_id, message))
}

fn msi_message(ev: &WinEvent) -> Option<String> {
    let d = |i: usize| ev.data.get(i).map_or("", |s| s.trim());
    let text = match ev.event_id {
        1033..=1035 => {
            let (verb, noun) = outcome_words(outcome_operation(ev.event_id));
            format!(
                "Windows Installer {verb} the product. Product Name: {}. Product Version: {}. Product Language: {}. Manufacturer: {}. {noun} success or error status: {}.",
                d(0), d(1), d(2), d(4), d(3)
            )
        }
        1040 => format!(
            "Beginning a Windows Installer transaction: {}. Client Process Id: {}.",
            d(0),
            d(1)
        ),
        1042 => format!(
            "Ending a Windows Installer transaction: {}. Client Process Id: {}.",
            d(0),
            d(1)
        ),
        10005 | 11000..=11999 => d(0).to_string(),
        1025 => format!(
            "Product: {}. The file {} is being used by the following process: Name: {} , Id {}.",
            d(0),
            d(1),
            d(2),
            d(3)
        ),
        1038 => format!(
            "Windows Installer requires a system restart. Product Name: {}. Product Version: {}. Product Language: {}. Manufacturer: {}. Type of System Restart: {}. Reason for Restart: {}.",
            d(0), d(1), d(2), d(5), d(3), d(4)
        ),
        _ => return None,
    };
    Some(text)
}

fn outcome_words(operation: Operation) -> (&'static str, &'static str) {
    match operation {
        Operation::Install => ("installed", "Installation"),
        Operation::Uninstall => ("removed", "Removal"),
        _ => ("reconfigured", "Reconfiguration"),
    }
}

fn scm_message(ev: &WinEvent) -> Option<String> {
    let p = |n: usize| param(ev, n).trim();
    let text = match ev.event_id {
        7000 => format!(
            "The {} service failed to start due to the following error: {}",
            p(1),
            scm_error_text(p(2))
        ),
        7001 => format!(
            "The {} service depends on the {} service which failed to start because of the following error: {}",
            p(1),
            p(2),
            scm_error_text(p(3))
        ),
        7024 => format!(
            "The {} service terminated with the following service-specific error: {}",
            p(1),
            scm_error_text(p(2))
        ),
        7038 => format!(
            "The {} service was unable to log on as {} with the currently configured password due to the following error: {}",
            p(1),
            p(2),
            scm_error_text(p(3))
        ),
        7041 => format!(
            "The {} service was unable to log on as {} with the currently configured password due to the following error: {} This service account does not have the required user right \"Log on as a service.\"",
            p(1),
            p(2),
            scm_error_text(p(3))
        ),
        7009 => format!(
            "A timeout was reached ({} milliseconds) while waiting for the {} service to connect.",
            p(1),
            p(2)
        ),
        7011 => format!(
            "A timeout ({} milliseconds) was reached while waiting for a transaction response from the {} service.",
            p(1),
            p(2)
        ),
        7023 => format!(
            "The {} service terminated with the following error: {}",
            p(1),
            scm_error_text(p(2))
        ),
        7031 => format!(
            "The {} service terminated unexpectedly. It has done this {} time(s). The following corrective action will be taken in {} milliseconds: {}.",
            p(1), p(2), p(3), p(5)
        ),
        7034 => format!(
            "The {} service terminated unexpectedly. It has done this {} time(s).",
            p(1),
            p(2)
        ),
        7036 => format!("The {} service entered the {} state.", p(1), p(2)),
        7040 => format!(
            "The start type of the {} service was changed from {} to {}.",
            p(1),
            p(2),
            p(3)
        ),
        _ => return named_message(ev),
    };
    Some(text)
}

fn crash_message(ev: &WinEvent) -> Option<String> {
    let fact = ev.crash()?;
    let pid = fact
        .pid
        .map_or_else(String::new, |p| format!(", Process Id: {p:#x}"));
    let path = fact
        .module_path
        .as_ref()
        .map_or_else(String::new, |p| format!(", Faulting module path: {p}"));
    Some(format!(
        "Faulting application name: {}, Faulting module name: {}, Exception code: {}{pid}{path}",
        fact.app, fact.module, fact.exception
    ))
}

/// `name=value | …` for events whose data is all named (UserData, modern SCM).
fn named_message(ev: &WinEvent) -> Option<String> {
    if ev.named.is_empty() {
        return None;
    }
    let parts: Vec<String> = ev
        .named
        .iter()
        .map(|(n, v)| format!("{n}={}", v.trim()))
        .collect();
    Some(parts.join(" | "))
}

/// The present data values joined by ` | `, then the named ones.
fn generic_message(ev: &WinEvent) -> String {
    let mut parts: Vec<String> = present_data(ev).into_iter().map(str::to_string).collect();
    parts.extend(named_message(ev));
    parts.join(" | ")
}

/// Line breaks and tabs become single spaces.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n', '\t'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WinFact;

    fn event(provider: &str, id: u32, data: &[&str], named: &[(&str, &str)]) -> WinEvent {
        let mut ev = WinEvent {
            channel: "Application".into(),
            provider: provider.into(),
            event_id: id,
            record_id: 1,
            computer: "PC".into(),
            user_sid: None,
            process_id: None,
            data: data.iter().map(|s| s.to_string()).collect(),
            named: named
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            binary: None,
            fact: WinFact::None,
        };
        ev.fact = super::super::msi::decode(&ev);
        ev
    }

    #[test]
    fn msi_templates() {
        let outcome = event(
            MSI_INSTALLER,
            1033,
            &["X", "1.0", "1033", "1603", "Contoso", "(NULL)", ""],
            &[],
        );
        assert_eq!(
            render(&outcome),
            "MsiInstaller 1033: Windows Installer installed the product. Product Name: X. Product Version: 1.0. Product Language: 1033. Manufacturer: Contoso. Installation success or error status: 1603."
        );
        let removed = event(MSI_INSTALLER, 1034, &["X", "1", "0", "0", "M"], &[]);
        assert!(render(&removed).contains("removed the product"));
        assert!(render(&removed).contains("Removal success or error status: 0."));
        let begin = event(MSI_INSTALLER, 1040, &["C:\\a.msi", "42", "(NULL)"], &[]);
        assert_eq!(
            render(&begin),
            "MsiInstaller 1040: Beginning a Windows Installer transaction: C:\\a.msi. Client Process Id: 42."
        );
        let failed = event(
            MSI_INSTALLER,
            11708,
            &["Product: X -- Installation failed.\r\n", "(NULL)"],
            &[],
        );
        assert_eq!(
            render(&failed),
            "MsiInstaller 11708: Product: X -- Installation failed."
        );
        let other = event(MSI_INSTALLER, 1029, &["X", "(NULL)", ""], &[]);
        assert_eq!(render(&other), "MsiInstaller 1029: X");
    }

    #[test]
    fn scm_crash_and_restart_manager() {
        let scm = event(
            SCM,
            7036,
            &[],
            &[("param1", "Windows Installer"), ("param2", "running")],
        );
        assert_eq!(
            render(&scm),
            "Service Control Manager 7036: The Windows Installer service entered the running state."
        );
        let crash = event(
            APPLICATION_ERROR,
            1000,
            &[],
            &[
                ("AppName", "msiexec.exe"),
                ("ModuleName", "ca.dll"),
                ("ExceptionCode", "c0000005"),
                ("ProcessId", "0x10"),
            ],
        );
        assert_eq!(
            render(&crash),
            "Application Error 1000: Faulting application name: msiexec.exe, Faulting module name: ca.dll, Exception code: c0000005, Process Id: 0x10"
        );
        let rm = event(
            RESTART_MANAGER,
            10000,
            &[],
            &[("RmSessionId", "0"), ("UTCStartTime", "t")],
        );
        assert_eq!(
            render(&rm),
            "Microsoft-Windows-RestartManager 10000: RmSessionId=0 | UTCStartTime=t"
        );
    }
}
