//! What a kept event log record means, as typed facts: the MsiInstaller events, Service Control
//! Manager start failures and events about the Windows Installer service, and
//! `Application Error` crashes.
//!
//! The EVTX reader decodes each kept record once (`src/sources/evtx/msi.rs`) and stores the
//! result in [`WinEvent::fact`]; the timeline, the rules and the report read it from there.
//! Plain data only: this module must not decode, correlate or decide anything.

use serde::Serialize;

use super::{ProductOutcome, WinEvent};

/// What one event log record means, decoded once by the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum WinFact {
    /// An `MsiInstaller` record with a known meaning.
    MsiInstaller(MsiInstallerFact),
    /// A `Service Control Manager` record: what it says about the Windows Installer service,
    /// and the start or logon failure of any service it reports (a 7000 about the Windows
    /// Installer service is both).
    ServiceControl {
        installer: Option<InstallerServiceFact>,
        start_failure: Option<ServiceStartFailure>,
    },
    /// An `Application Error` 1000 crash.
    Crash(CrashFact),
    /// Nothing decoded: other MsiInstaller ids, Windows Error Reporting, Restart Manager.
    None,
}

/// The meaning of one `MsiInstaller` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "fact", rename_all = "kebab-case")]
pub enum MsiInstallerFact {
    /// 1033 installed / 1034 removed / 1035 reconfigured, with the msiexec exit status and
    /// the ProductCode from `<Binary>`.
    ProductOutcome(ProductOutcome),
    /// 1040 "Beginning a Windows Installer transaction: X. Client Process Id: N."
    TransactionBegin { target: String, client_pid: u32 },
    /// 1042 "Ending a Windows Installer transaction: X. Client Process Id: N."
    TransactionEnd { target: String, client_pid: u32 },
    /// 10005 (internal error; code from "The error code is N") and 11xxx (error N = id − 10000).
    ProductError {
        code: u32,
        product: Option<String>,
        message: String,
    },
    /// 1025: a file is held by a running process.
    FileInUse {
        product: String,
        file: String,
        process: String,
        pid: Option<u32>,
    },
    /// 1038: reboot required; `kind` 1 immediate / 2 deferred, `reason` 0–4.
    Reboot {
        product: String,
        kind: u32,
        reason: u32,
    },
    /// 1024: a patch could not be installed.
    UpdateFailed {
        product: String,
        update: String,
        code: Option<i64>,
    },
    /// 1026–1028: an Installer configuration key or folder is not secured properly.
    ConfigNotSecured { id: u32, detail: String },
    /// 1004: a component's resource (file or registry path) does not exist.
    ResourceMissing {
        product: String,
        feature: String,
        component: String,
        resource: String,
    },
}

/// What a Service Control Manager event says about the Windows Installer service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "fact", rename_all = "kebab-case")]
pub enum InstallerServiceFact {
    /// 7000: the service failed to start; `error` as Windows wrote it.
    FailedToStart { error: String },
    /// 7009 / 7011: it did not connect or answer in time.
    Timeout,
    /// 7023: it stopped with an error.
    Terminated { error: String },
    /// 7031 / 7034: it terminated unexpectedly, `times` so far.
    Crashed { times: Option<u32> },
    /// 7036: it entered a state ("running", "stopped", localized).
    StateChanged { state: String },
    /// 7040: someone changed its start type.
    StartTypeChanged { from: String, to: String },
    /// 7045: a service was installed (only kept when it is the Installer itself).
    Installed { name: String, image: String },
}

/// Any service that Windows could not start or log on (SCM 7000, 7001, 7009, 7011, 7023, 7024,
/// 7038, 7041): the service a package installs fails this way behind MSI error 1920.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStartFailure {
    /// The service as the event names it (display name for 7000, often the key for 7038).
    pub service: String,
    /// The account it could not log on as (7038, 7041).
    pub account: Option<String>,
    /// What went wrong, in words (`%%N` system errors resolved).
    pub error: String,
    /// A logon failure: wrong password, or no "Log on as a service" right (7038, 7041, 1069).
    pub logon: bool,
}

/// An `Application Error` 1000 crash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrashFact {
    pub app: String,
    pub module: String,
    pub exception: String,
    pub pid: Option<u32>,
    pub module_path: Option<String>,
}

impl WinEvent {
    /// The MsiInstaller fact, when the record is one the reader decoded.
    pub fn msi(&self) -> Option<&MsiInstallerFact> {
        match &self.fact {
            WinFact::MsiInstaller(fact) => Some(fact),
            _ => None,
        }
    }

    /// What the record says about the Windows Installer service, if anything.
    pub fn installer_service(&self) -> Option<&InstallerServiceFact> {
        match &self.fact {
            WinFact::ServiceControl { installer, .. } => installer.as_ref(),
            _ => None,
        }
    }

    /// The start or logon failure of a service the record reports, if any.
    pub fn start_failure(&self) -> Option<&ServiceStartFailure> {
        match &self.fact {
            WinFact::ServiceControl { start_failure, .. } => start_failure.as_ref(),
            _ => None,
        }
    }

    /// The crash the record reports, if any.
    pub fn crash(&self) -> Option<&CrashFact> {
        match &self.fact {
            WinFact::Crash(fact) => Some(fact),
            _ => None,
        }
    }
}
