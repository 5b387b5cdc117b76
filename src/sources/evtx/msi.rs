//! What a kept event log record says, decoded from its positional and named data: the
//! MsiInstaller events (domain reference §3.1), the Service Control Manager start failures and
//! events about the Windows Installer service, and Application Error crashes (§3.3).
//!
//! [`decode`] is called once per kept record by the reader (`chunk.rs`), which stores the
//! result in [`WinEvent::fact`]; every later stage reads that fact (the types live in
//! `src/model/win_facts.rs`) and never decodes again. Pure functions over one [`WinEvent`];
//! they must not correlate events, look at other records, or decide what a failure means (that
//! is the timeline's and the rules' job).

use crate::model::{
    CrashFact, InstallerServiceFact, MsiInstallerFact, Operation, ProductOutcome,
    ServiceStartFailure, WinEvent, WinFact,
};

use super::select::{self, APPLICATION_ERROR, MSI_INSTALLER, SCM};

/// What a kept record means: the reader calls this once per kept record and stores the result
/// in [`WinEvent::fact`].
pub(super) fn decode(ev: &WinEvent) -> WinFact {
    match ev.provider.as_str() {
        MSI_INSTALLER => msi_fact(ev).map_or(WinFact::None, WinFact::MsiInstaller),
        SCM => {
            let installer = service_fact(ev);
            let start_failure = service_start_failure(ev);
            if installer.is_none() && start_failure.is_none() {
                WinFact::None
            } else {
                WinFact::ServiceControl {
                    installer,
                    start_failure,
                }
            }
        }
        APPLICATION_ERROR => crash_fact(ev).map_or(WinFact::None, WinFact::Crash),
        _ => WinFact::None,
    }
}

/// Decodes an `MsiInstaller` event; `None` for ids without a decoded meaning and for records
/// from other providers.
fn msi_fact(ev: &WinEvent) -> Option<MsiInstallerFact> {
    if ev.provider != MSI_INSTALLER {
        return None;
    }
    let fact = match ev.event_id {
        1033..=1035 => product_outcome(ev),
        1040 | 1042 => transaction(ev),
        10005 => internal_error(ev),
        11000..=11999 => authored_error(ev),
        1025 => file_in_use(ev),
        1038 => reboot(ev),
        1024 => update_failed(ev),
        1026..=1028 => MsiInstallerFact::ConfigNotSecured {
            id: ev.event_id,
            detail: present_data(ev).join(" | "),
        },
        1004 => MsiInstallerFact::ResourceMissing {
            product: data(ev, 0).to_string(),
            feature: data(ev, 1).to_string(),
            component: data(ev, 2).to_string(),
            resource: data(ev, 3).to_string(),
        },
        _ => return None,
    };
    Some(fact)
}

/// The Operation an outcome event id reports.
pub(super) fn outcome_operation(event_id: u32) -> Operation {
    match event_id {
        1033 => Operation::Install,
        1034 => Operation::Uninstall,
        1035 => Operation::Repair,
        _ => Operation::Unknown,
    }
}

fn product_outcome(ev: &WinEvent) -> MsiInstallerFact {
    MsiInstallerFact::ProductOutcome(ProductOutcome {
        operation: outcome_operation(ev.event_id),
        product: data(ev, 0).to_string(),
        version: optional_data(ev, 1),
        language: optional_data(ev, 2),
        manufacturer: optional_data(ev, 4),
        status: data(ev, 3).trim().parse().unwrap_or(0),
        product_code: ev.binary.as_deref().and_then(product_code_from_binary),
    })
}

fn transaction(ev: &WinEvent) -> MsiInstallerFact {
    let target = data(ev, 0).to_string();
    let client_pid = data(ev, 1).trim().parse().unwrap_or(0);
    if ev.event_id == 1040 {
        MsiInstallerFact::TransactionBegin { target, client_pid }
    } else {
        MsiInstallerFact::TransactionEnd { target, client_pid }
    }
}

fn internal_error(ev: &WinEvent) -> MsiInstallerFact {
    let text = data(ev, 0);
    let (product, message) = split_product_message(text);
    MsiInstallerFact::ProductError {
        code: error_code_in_text(text).unwrap_or(0),
        product,
        message,
    }
}

fn authored_error(ev: &WinEvent) -> MsiInstallerFact {
    let (product, message) = split_product_message(data(ev, 0));
    MsiInstallerFact::ProductError {
        code: ev.event_id - 10000,
        product,
        message,
    }
}

fn file_in_use(ev: &WinEvent) -> MsiInstallerFact {
    MsiInstallerFact::FileInUse {
        product: data(ev, 0).to_string(),
        file: data(ev, 1).to_string(),
        process: data(ev, 2).to_string(),
        pid: data(ev, 3).trim().parse().ok(),
    }
}

fn reboot(ev: &WinEvent) -> MsiInstallerFact {
    MsiInstallerFact::Reboot {
        product: data(ev, 0).to_string(),
        kind: data(ev, 3).trim().parse().unwrap_or(0),
        reason: data(ev, 4).trim().parse().unwrap_or(0),
    }
}

fn update_failed(ev: &WinEvent) -> MsiInstallerFact {
    MsiInstallerFact::UpdateFailed {
        product: data(ev, 0).to_string(),
        update: data(ev, 1).to_string(),
        code: parse_code(data(ev, 2)),
    }
}

/// `Product: X -- message` → (Some(X), message); other text → (None, text).
fn split_product_message(text: &str) -> (Option<String>, String) {
    let text = text.trim();
    if let Some((product, message)) = text
        .strip_prefix("Product: ")
        .and_then(|rest| rest.split_once(" -- "))
    {
        return (Some(product.trim().to_string()), message.trim().to_string());
    }
    (None, text.to_string())
}

/// `… The error code is 2503. …` → 2503.
fn error_code_in_text(text: &str) -> Option<u32> {
    let after = text.split_once("error code is")?.1.trim_start();
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A decimal or `0x` hex error code.
fn parse_code(text: &str) -> Option<i64> {
    let text = text.trim();
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// The ProductCode at the start of an MsiInstaller `<Binary>`: hex of ASCII `{GUID}` then more.
fn product_code_from_binary(hex: &str) -> Option<String> {
    let head = hex.trim().get(..76)?;
    let bytes = select::hex_bytes(head)?;
    let text = std::str::from_utf8(&bytes).ok()?;
    is_braced_guid(text).then(|| text.to_ascii_uppercase())
}

fn is_braced_guid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 38
        && bytes[0] == b'{'
        && bytes[37] == b'}'
        && bytes[1..37].iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Data[i], or "" when missing.
fn data(ev: &WinEvent, i: usize) -> &str {
    ev.data.get(i).map_or("", String::as_str)
}

/// Data[i] unless missing, empty or `(NULL)`.
fn optional_data(ev: &WinEvent, i: usize) -> Option<String> {
    let value = data(ev, i).trim();
    (!value.is_empty() && value != "(NULL)").then(|| value.to_string())
}

/// The data values that say something (not empty, not `(NULL)`).
pub(super) fn present_data(ev: &WinEvent) -> Vec<&str> {
    ev.data
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty() && *v != "(NULL)")
        .collect()
}

/// Decodes an SCM event about the Windows Installer service; `None` for any other record.
fn service_fact(ev: &WinEvent) -> Option<InstallerServiceFact> {
    if ev.provider != SCM || !select::concerns_windows_installer_service(ev) {
        return None;
    }
    let fact = match ev.event_id {
        7000 => InstallerServiceFact::FailedToStart {
            error: scm_error_text(param(ev, 2)),
        },
        7009 | 7011 => InstallerServiceFact::Timeout,
        7023 => InstallerServiceFact::Terminated {
            error: scm_error_text(param(ev, 2)),
        },
        7031 | 7034 => InstallerServiceFact::Crashed {
            times: param(ev, 2).trim().parse().ok(),
        },
        7036 => InstallerServiceFact::StateChanged {
            state: param(ev, 2).to_string(),
        },
        7040 => InstallerServiceFact::StartTypeChanged {
            from: param(ev, 2).to_string(),
            to: param(ev, 3).to_string(),
        },
        7045 => InstallerServiceFact::Installed {
            name: named_or(ev, "ServiceName", 1).to_string(),
            image: named_or(ev, "ImagePath", 2).to_string(),
        },
        _ => return None,
    };
    Some(fact)
}

/// Decodes an SCM start or logon failure of any service; `None` for any other record.
fn service_start_failure(ev: &WinEvent) -> Option<ServiceStartFailure> {
    if ev.provider != SCM {
        return None;
    }
    let p = |n: usize| param(ev, n).trim();
    let (service, account, error) = match ev.event_id {
        7000 | 7023 => (p(1), None, scm_error_text(p(2))),
        7001 => (
            p(1),
            None,
            format!(
                "it depends on the {} service, which failed to start: {}",
                p(2),
                scm_error_text(p(3))
            ),
        ),
        7009 | 7011 => (p(2), None, format!("no answer within {} ms", p(1))),
        7024 => (p(1), None, service_specific_text(p(2))),
        7038 => (p(1), Some(p(2)), scm_error_text(p(3))),
        7041 => (
            p(1),
            Some(p(2)),
            "the account does not have the user right \"Log on as a service\"".to_string(),
        ),
        _ => return None,
    };
    if service.is_empty() {
        return None;
    }
    let logon = matches!(ev.event_id, 7038 | 7041)
        || [p(2), p(3)].contains(&"%%1069")
        || error.to_ascii_lowercase().contains("logon failure");
    Some(ServiceStartFailure {
        service: service.to_string(),
        account: account.filter(|a| !a.is_empty()).map(str::to_string),
        error,
        logon,
    })
}

/// An SCM error value in words: events store a system error as `%%1058`, which Event Viewer
/// replaces with the error's text; any other value is returned as it is.
pub(super) fn scm_error_text(value: &str) -> String {
    let value = value.trim();
    match value
        .strip_prefix("%%")
        .and_then(|digits| digits.parse::<u32>().ok())
    {
        Some(code) => match crate::kb::hresult::win32_error(code) {
            Some((_, text)) => format!("{} (error {code})", text.trim_end_matches('.')),
            None => format!("system error {code}"),
        },
        None => value.to_string(),
    }
}

/// 7024's error: the SCM writes the service's own number as a message insert (`%%3`), which
/// Event Viewer shows as the system message of that number ("The system cannot find the path
/// specified."); the number is the service's, so it is named as such.
fn service_specific_text(value: &str) -> String {
    let value = value.trim();
    let digits = value.strip_prefix("%%").unwrap_or(value);
    match digits.parse::<u32>() {
        Ok(code) => match crate::kb::hresult::win32_error(code) {
            Some((_, text)) => format!(
                "service-specific error {code}, shown as \"{}\"",
                text.trim_end_matches('.')
            ),
            None => format!("service-specific error {code}"),
        },
        Err(_) => format!("service-specific error {value}"),
    }
}

/// SCM parameter `%n` (1-based): named `paramN`, or unnamed Data[n−1] on older systems.
pub(super) fn param(ev: &WinEvent, n: usize) -> &str {
    named_or(ev, &format!("param{n}"), n)
}

/// Named value `name`, or unnamed Data[n−1].
fn named_or<'a>(ev: &'a WinEvent, name: &str, n: usize) -> &'a str {
    named(ev, name).unwrap_or_else(|| data(ev, n.saturating_sub(1)))
}

fn named<'a>(ev: &'a WinEvent, name: &str) -> Option<&'a str> {
    ev.named
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Decodes an `Application Error` 1000 event (named data on current Windows, positional on
/// older); `None` for any other record.
fn crash_fact(ev: &WinEvent) -> Option<CrashFact> {
    if ev.provider != APPLICATION_ERROR || ev.event_id != 1000 {
        return None;
    }
    let module_path = named_or(ev, "ModulePath", 12).trim();
    Some(CrashFact {
        app: named_or(ev, "AppName", 1).trim().to_string(),
        module: named_or(ev, "ModuleName", 4).trim().to_string(),
        exception: named_or(ev, "ExceptionCode", 7).trim().to_string(),
        pid: parse_hex_pid(named_or(ev, "ProcessId", 9)),
        module_path: (!module_path.is_empty()).then(|| module_path.to_string()),
    })
}

/// Application Error writes the process id in hex, with or without `0x`.
fn parse_hex_pid(text: &str) -> Option<u32> {
    let text = text.trim();
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    u32::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(provider: &str, id: u32, data: &[&str]) -> WinEvent {
        WinEvent {
            channel: "Application".into(),
            provider: provider.into(),
            event_id: id,
            record_id: 7,
            computer: "PC".into(),
            user_sid: None,
            process_id: None,
            data: data.iter().map(|s| s.to_string()).collect(),
            named: Vec::new(),
            binary: None,
            fact: WinFact::None,
        }
    }

    const CODE_HEX: &str = "7B36333944344130422D433643432D343235332D393242412D3639303944434145413743467D3030303032623262";

    #[test]
    fn product_outcome_with_product_code() {
        let mut ev = event(
            "MsiInstaller",
            1033,
            &[
                "Contoso",
                "1.2.3",
                "1033",
                "1603",
                "Contoso Ltd",
                "(NULL)",
                "",
            ],
        );
        ev.binary = Some(CODE_HEX.into());
        assert_eq!(
            msi_fact(&ev),
            Some(MsiInstallerFact::ProductOutcome(ProductOutcome {
                operation: Operation::Install,
                product: "Contoso".into(),
                version: Some("1.2.3".into()),
                language: Some("1033".into()),
                manufacturer: Some("Contoso Ltd".into()),
                status: 1603,
                product_code: Some("{639D4A0B-C6CC-4253-92BA-6909DCAEA7CF}".into()),
            }))
        );
        assert_eq!(product_code_from_binary("7B36"), None);
        assert_eq!(product_code_from_binary(&"30".repeat(40)), None);
    }

    #[test]
    fn transactions_errors_and_files_in_use() {
        let begin = event("MsiInstaller", 1040, &["C:\\a.msi", "8948", "(NULL)"]);
        assert_eq!(
            msi_fact(&begin),
            Some(MsiInstallerFact::TransactionBegin {
                target: "C:\\a.msi".into(),
                client_pid: 8948
            })
        );
        let internal = event(
            "MsiInstaller",
            10005,
            &["Product: Contoso -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , "],
        );
        assert!(matches!(
            msi_fact(&internal),
            Some(MsiInstallerFact::ProductError { code: 2503, product: Some(p), .. }) if p == "Contoso"
        ));
        let failed = event(
            "MsiInstaller",
            11708,
            &["Product: Contoso -- Installation failed."],
        );
        assert_eq!(
            msi_fact(&failed),
            Some(MsiInstallerFact::ProductError {
                code: 1708,
                product: Some("Contoso".into()),
                message: "Installation failed.".into()
            })
        );
        let in_use = event(
            "MsiInstaller",
            1025,
            &["Parallels Tools", "C:\\x.dll", "ctfmon", "4548"],
        );
        assert_eq!(
            msi_fact(&in_use),
            Some(MsiInstallerFact::FileInUse {
                product: "Parallels Tools".into(),
                file: "C:\\x.dll".into(),
                process: "ctfmon".into(),
                pid: Some(4548)
            })
        );
        let reboot = event(
            "MsiInstaller",
            1038,
            &["Office", "16.0", "0", "2", "1", "Microsoft"],
        );
        assert_eq!(
            msi_fact(&reboot),
            Some(MsiInstallerFact::Reboot {
                product: "Office".into(),
                kind: 2,
                reason: 1
            })
        );
        let patch = event("MsiInstaller", 1024, &["Office", "KB1", "0x80070643"]);
        assert!(matches!(
            msi_fact(&patch),
            Some(MsiInstallerFact::UpdateFailed {
                code: Some(0x80070643),
                ..
            })
        ));
        assert_eq!(msi_fact(&event("Other", 1033, &[])), None);
        assert_eq!(msi_fact(&event("MsiInstaller", 1029, &["x"])), None);
    }

    #[test]
    fn service_facts_for_the_installer_only() {
        let mut start = event(SCM, 7000, &[]);
        start.named = vec![
            ("param1".into(), "Windows Installer".into()),
            ("param2".into(), "Access is denied.".into()),
        ];
        assert_eq!(
            service_fact(&start),
            Some(InstallerServiceFact::FailedToStart {
                error: "Access is denied.".into()
            })
        );
        let old_style = event(
            SCM,
            7040,
            &["Windows Installer", "demand start", "disabled", "msiserver"],
        );
        assert_eq!(
            service_fact(&old_style),
            Some(InstallerServiceFact::StartTypeChanged {
                from: "demand start".into(),
                to: "disabled".into()
            })
        );
        let spooler = event(SCM, 7000, &["Print Spooler", "x"]);
        assert_eq!(service_fact(&spooler), None);
    }

    #[test]
    fn crash_fact_named_and_positional() {
        let positional = event(
            APPLICATION_ERROR,
            1000,
            &[
                "msiexec.exe",
                "5.0",
                "t",
                "CustomAction.dll",
                "1.0",
                "t",
                "c0000005",
                "0x1",
                "10c4",
                "t",
                "C:\\Windows\\System32\\msiexec.exe",
                "C:\\Windows\\Installer\\MSI1.tmp",
            ],
        );
        assert_eq!(
            crash_fact(&positional),
            Some(CrashFact {
                app: "msiexec.exe".into(),
                module: "CustomAction.dll".into(),
                exception: "c0000005".into(),
                pid: Some(0x10c4),
                module_path: Some("C:\\Windows\\Installer\\MSI1.tmp".into()),
            })
        );
        let mut named = event(APPLICATION_ERROR, 1000, &[]);
        named.named = vec![
            ("AppName".into(), "msiexec.exe".into()),
            ("ModuleName".into(), "ntdll.dll".into()),
            ("ExceptionCode".into(), "c0000374".into()),
            ("ProcessId".into(), "0x1a2b".into()),
        ];
        let fact = crash_fact(&named).unwrap();
        assert_eq!(fact.pid, Some(0x1a2b));
        assert_eq!(fact.module_path, None);
        assert_eq!(crash_fact(&event(WER, 1001, &[])), None);
    }

    #[test]
    fn decode_keeps_every_fact_of_a_record() {
        // A 7000 about the Windows Installer service is both a start failure and a service fact.
        let mut start = event(SCM, 7000, &[]);
        start.named = vec![
            ("param1".into(), "Windows Installer".into()),
            ("param2".into(), "%%5".into()),
        ];
        let WinFact::ServiceControl {
            installer: Some(InstallerServiceFact::FailedToStart { error }),
            start_failure: Some(failure),
        } = decode(&start)
        else {
            panic!("{:?}", decode(&start));
        };
        assert_eq!(error, failure.error);
        assert_eq!(failure.service, "Windows Installer");
        // A start failure of another service only.
        let spooler = event(SCM, 7000, &["Print Spooler", "x"]);
        assert!(matches!(
            decode(&spooler),
            WinFact::ServiceControl {
                installer: None,
                start_failure: Some(_)
            }
        ));
        assert_eq!(
            decode(&event(SCM, 7036, &["Print Spooler", "running"])),
            WinFact::None
        );
        assert_eq!(decode(&event(MSI_INSTALLER, 1029, &["x"])), WinFact::None);
        assert!(matches!(
            decode(&event(MSI_INSTALLER, 11708, &["Product: A -- Failed."])),
            WinFact::MsiInstaller(MsiInstallerFact::ProductError { code: 1708, .. })
        ));
        assert!(matches!(
            decode(&event(APPLICATION_ERROR, 1000, &["msiexec.exe"])),
            WinFact::Crash(CrashFact { .. })
        ));
        assert_eq!(decode(&event(WER, 1001, &[])), WinFact::None);
    }

    use super::super::select::WER;
}
