//! The built-in rules written in Rust, one unit struct per rule, and [`RULES`], the table that
//! lists them in the order they run (the model is ripgrep's flag definitions: one struct per
//! flag, one table). Each rule declares the findings it produces, what each explains, a
//! one-line doc and its usual fixes; its check lives in the module of its root-cause family.
//! The rules whose signature is data (`src/kb/rules/*.toml`) take their doc, usual fixes and
//! origin from their rule file ([`signature`]).
//!
//! Adding a rule: write its check in a family module, add a unit struct here and put it in
//! [`RULES`] (and a row in the README's findings table; a test checks both). This file must not
//! hold matching logic.

use std::borrow::Cow;
use std::sync::OnceLock;

use super::data::builtin::signature;
use super::evidence::SessionView;
use super::ids::*;
use super::registry::{FindingDoc, Origin, Rule, Texts};
use super::Finding;
use super::{
    access, cache, conditions, custom_action, engine, environment, event_messages, file_errors,
    generic, ipi, machine, numbered, services,
};
use crate::kb::families;
use crate::kb::fix_texts::*;

/// Usual fixes that only the registry's docs need (the others are shared with `explain <CODE>`).
const FIX_LAUNCH_CONDITION: &str = "Read the message the install showed (quoted in the finding): install or enable the prerequisite it names, or run on a supported system, then retry.";
const FIX_SERVICE_CONFIG: &str = "Check the service's account, password and \"Log on as a service\" right, and its dependencies (sc qc <service name>), then start it by hand (sc start <service name>) to see Windows' own error.";
const FIX_CRASH_DUMP: &str = "Give the vendor the crash details; collect a dump next time: reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows\\Windows Error Reporting\\LocalDumps\\msiexec.exe\" /v DumpType /t REG_DWORD /d 2 /f";
const FIX_FIRST_FAILURE: &str = "Feed the event logs (Application, System) and a Process Monitor capture of a new attempt to msidiag; the notes say what is missing.";

/// `ipi::ipi_access_denied`.
pub struct IpiAccessDenied;

impl Rule for IpiAccessDenied {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[
        FindingDoc::of(
            IPI_ACCESS_DENIED,
            "2503/2502 with `Note: 1: 2203 … inprogressinstallinfo.ipi 3: -2147287035`: the server was denied `C:\\Windows\\Installer`",
            &[],
            &[FIX_VERBOSE_INSTALL, FIX_INSTALLER_FOLDER_ACL],
        ),
        FindingDoc::of(
            NOT_ELEVATED,
            "the installer ran without administrator rights (no `MsiRunningElevated`, `AdminUser`, `Privileged`; or Procmon's medium integrity)",
            &[ERROR_2503_2502],
            &[FIX_VERBOSE_INSTALL],
        ),
        FindingDoc::of(
            INSTALLER_FOLDER_ACL,
            "access to `C:\\Windows\\Installer` denied although the install ran elevated: the folder's permissions (or security software)",
            &[ERROR_2503_2502],
            &[FIX_INSTALLER_FOLDER_ACL, FIX_AV_EXCLUDE],
        ),
        ];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        ipi::ipi_access_denied(view)
    }
}

/// `ipi::error_2503_without_ipi`.
pub struct Error2503WithoutIpi;

impl Rule for Error2503WithoutIpi {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[
        FindingDoc::of(
            ERROR_2503_2502,
            "2503/2502 without the access-denied signature: the sequence, first failing action, TEMP and the lines before it",
            &[],
            &[FIX_READ_LOG, FIX_WINDOWS_TEMP_ACL, FIX_USER_TEMP_CHECK, FIX_SERVICE_REREGISTER],
        ),
        ];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        ipi::error_2503_without_ipi(view)
    }
}

/// `custom_action::custom_action_failed`.
pub struct CustomActionFailed;

impl Rule for CustomActionFailed {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[
        FindingDoc::of(
            CUSTOM_ACTION_FAILED,
            "a custom action returned an error: name, type (deferred/immediate, elevated/impersonated), code, its own output",
            &[],
            &[FIX_READ_LOG, FIX_AV_EXCLUDE],
        ),
        ];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        custom_action::custom_action_failed(view)
    }
}

/// `conditions::downgrade_blocked`.
pub struct DowngradeBlocked;

impl Rule for DowngradeBlocked {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[FindingDoc::of(
            DOWNGRADE_BLOCKED,
            "a newer version is installed (`WIX_DOWNGRADE_DETECTED`, or the package says so)",
            &[],
            &[FIX_FIND_PRODUCT, FIX_VERBOSE_UNINSTALL],
        )];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        conditions::downgrade_blocked(view)
    }
}

/// `conditions::launch_condition`.
pub struct LaunchCondition;

impl Rule for LaunchCondition {
    fn findings(&self) -> &[FindingDoc] {
        std::slice::from_ref(&signature(LAUNCH_CONDITION).doc)
    }

    fn origin(&self) -> Origin {
        signature(LAUNCH_CONDITION).origin.clone()
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        conditions::launch_condition(view)
    }
}

/// `environment::another_install`.
pub struct AnotherInstall;

impl Rule for AnotherInstall {
    fn findings(&self) -> &[FindingDoc] {
        std::slice::from_ref(&signature(ANOTHER_INSTALL).doc)
    }

    fn origin(&self) -> Origin {
        signature(ANOTHER_INSTALL).origin.clone()
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        environment::another_install(view)
    }
}

/// `environment::files_in_use`.
pub struct FilesInUse;

impl Rule for FilesInUse {
    fn findings(&self) -> &[FindingDoc] {
        std::slice::from_ref(&signature(FILES_IN_USE).doc)
    }

    fn origin(&self) -> Origin {
        signature(FILES_IN_USE).origin.clone()
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        environment::files_in_use(view)
    }
}

/// `environment::insufficient_privileges`.
pub struct InsufficientPrivileges;

impl Rule for InsufficientPrivileges {
    fn findings(&self) -> &[FindingDoc] {
        std::slice::from_ref(&signature(INSUFFICIENT_PRIVILEGES).doc)
    }

    fn origin(&self) -> Origin {
        signature(INSUFFICIENT_PRIVILEGES).origin.clone()
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        environment::insufficient_privileges(view)
    }
}

/// `environment::service_start_failed`.
pub struct ServiceStartFailed;

impl Rule for ServiceStartFailed {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[FindingDoc::of(
            SERVICE_START_FAILED,
            "1920: a service the package installs would not start; with the System log, why",
            &[],
            &[FIX_SERVICE_CONFIG],
        )];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        environment::service_start_failed(view)
    }
}

/// `environment::policy_blocked`.
pub struct PolicyBlocked;

impl Rule for PolicyBlocked {
    fn findings(&self) -> &[FindingDoc] {
        std::slice::from_ref(&signature(POLICY_BLOCKED).doc)
    }

    fn origin(&self) -> Origin {
        signature(POLICY_BLOCKED).origin.clone()
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        environment::policy_blocked(view)
    }
}

/// `cache::cache_and_source`: the installer cache and source family (docs and usual fixes
/// from the failure families of `src/kb/data/families.tsv`).
pub struct CacheAndSource;

impl Rule for CacheAndSource {
    fn findings(&self) -> &[FindingDoc] {
        static DOCS: OnceLock<Vec<FindingDoc>> = OnceLock::new();
        DOCS.get_or_init(|| {
            [
                OLD_VERSION_NOT_REMOVED,
                PATCH_MISSING,
                PACKAGE_CODE_MISMATCH,
                CACHED_PACKAGE_MISSING,
                SOURCE_MISSING,
            ]
            .into_iter()
            .filter_map(families::family)
            .map(family_doc)
            .collect()
        })
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        cache::cache_and_source(view)
    }
}

/// `environment::temp_unwritable`.
pub struct TempUnwritable;

impl Rule for TempUnwritable {
    fn findings(&self) -> &[FindingDoc] {
        std::slice::from_ref(&signature(TEMP_UNWRITABLE).doc)
    }

    fn origin(&self) -> Origin {
        signature(TEMP_UNWRITABLE).origin.clone()
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        environment::temp_unwritable(view)
    }
}

/// `machine::session_machine_findings`.
pub struct MachineRecords;

impl Rule for MachineRecords {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[
        FindingDoc::of(
            MSISERVER_BROKEN,
            "the Windows Installer service is disabled, fails to start or crashes (SCM 7000/7009/7023/7031/7034/7040; 1719/1601)",
            &[ERROR_2503_2502],
            &[FIX_SERVICE_QUERY, FIX_SERVICE_DEMAND, FIX_SERVICE_REREGISTER, FIX_SYSTEM_FILES],
        ),
        FindingDoc::of(
            CUSTOM_ACTION_CRASH,
            "msiexec.exe crashed (Application Error 1000), usually in a custom action DLL",
            &[],
            &[FIX_CRASH_DUMP, FIX_AV_EXCLUDE],
        ),
        ];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        machine::session_machine_findings(view)
    }
}

/// `access::windows_temp_acl`.
pub struct WindowsTempAcl;

impl Rule for WindowsTempAcl {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[
        FindingDoc::of(
            WINDOWS_TEMP_ACL,
            "msiexec (SYSTEM) denied in `C:\\Windows\\Temp` (Procmon; 2336/1632 on that path in the log)",
            &[ERROR_2503_2502],
            &[FIX_WINDOWS_TEMP_ACL, FIX_WINDOWS_TEMP_IS_FILE],
        ),
        ];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        access::windows_temp_acl(view)
    }
}

/// `access::user_temp_broken`.
pub struct UserTempBroken;

impl Rule for UserTempBroken {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[
        FindingDoc::of(
            USER_TEMP_BROKEN,
            "the installer's TEMP/TMP (Procmon's process environment, the log's `TempFolder`) is missing or unwritable",
            &[ERROR_2503_2502],
            &[FIX_USER_TEMP_CHECK, FIX_USER_TEMP_RESET, FIX_USER_TEMP_ACL],
        ),
        ];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        access::user_temp_broken(view)
    }
}

/// `access::config_msi_acl`.
pub struct ConfigMsiAcl;

impl Rule for ConfigMsiAcl {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[FindingDoc::of(
            CONFIG_MSI_ACL,
            "msiexec denied in `C:\\Config.Msi` (the rollback folder)",
            &[ERROR_2503_2502],
            &[FIX_INSTALLER_FOLDER_ACL, FIX_AV_EXCLUDE],
        )];
        DOCS
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        access::config_msi_acl(view)
    }
}

/// `access::installer_folder_from_procmon`.
pub struct InstallerFolderFromProcmon;

impl Rule for InstallerFolderFromProcmon {
    fn findings(&self) -> &[FindingDoc] {
        // The same two causes as the log rule, from Process Monitor alone.
        IpiAccessDenied.findings().get(1..).unwrap_or_default()
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        access::installer_folder_from_procmon(view)
    }
}

/// `numbered::decoded_error`: a fallback that reports the decisive numbered error of a failed
/// session as its failure family (`src/kb/data/families.tsv`) or as `installer-error`.
pub struct NumberedError;

impl Rule for NumberedError {
    fn findings(&self) -> &[FindingDoc] {
        static DOCS: OnceLock<Vec<FindingDoc>> = OnceLock::new();
        DOCS.get_or_init(|| families::all_families().iter().map(family_doc).collect())
    }

    fn is_fallback(&self) -> bool {
        true
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        numbered::decoded_error(view)
    }
}

/// A failure family's doc: its meaning, and its fix templates as usual fixes.
fn family_doc(f: &'static families::Family) -> FindingDoc {
    FindingDoc {
        id: Cow::Borrowed(f.id),
        doc: Cow::Borrowed(f.meaning),
        explains: Texts::Static(&f.explains),
        fixes: Texts::Owned(
            f.fixes
                .iter()
                .map(|x| {
                    // Placeholders the rule fills from the log read as `<name>` here.
                    let description =
                        format!("{}{}", families::fill(x.description, &[]), x.condition());
                    match x.command {
                        Some(c) => format!("{description}: {}", families::fill(c, &[])),
                        None => description,
                    }
                })
                .collect(),
        ),
    }
}

/// `generic::first_failure`: the last fallback, when no other rule found anything in a failed session.
pub struct FirstFailure;

impl Rule for FirstFailure {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[FindingDoc::of(
            FIRST_FAILURE,
            "nothing specific matched: the first `Return value 3` and the errors above it",
            &[],
            &[FIX_READ_LOG, FIX_FIRST_FAILURE],
        )];
        DOCS
    }

    fn is_fallback(&self) -> bool {
        true
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        generic::first_failure(view)
    }
}

/// The docs of failure families (`src/kb/data/families.tsv`), for rules that report them.
fn family_docs(ids: &[&'static str]) -> Vec<FindingDoc> {
    ids.iter()
        .copied()
        .filter_map(families::family)
        .map(family_doc)
        .collect()
}

/// Declares a rule whose findings are failure families and whose check is one function.
macro_rules! family_rule {
    ($(#[$doc:meta])* $name:ident, [$($id:expr),+ $(,)?], $check:path) => {
        $(#[$doc])*
        pub struct $name;

        impl Rule for $name {
            fn findings(&self) -> &[FindingDoc] {
                static DOCS: OnceLock<Vec<FindingDoc>> = OnceLock::new();
                DOCS.get_or_init(|| family_docs(&[$($id),+]))
            }

            fn check(&self, view: &SessionView) -> Vec<Finding> {
                $check(view)
            }
        }
    };
}

family_rule!(
    /// `file_errors::file_and_registry_errors`: 1301–1336 / 1401–1410 read by their system error.
    FileAndRegistryErrors,
    [INSUFFICIENT_PRIVILEGES, FILES_IN_USE, DISK_FULL, INVALID_DRIVE, CABINET_CORRUPT],
    file_errors::file_and_registry_errors
);
family_rule!(
    /// `services::service_errors`: 1921, 1922, 1923 and the service marked for deletion.
    ServiceErrors,
    [SERVICE_STOP_FAILED, SERVICE_DELETE_FAILED, SERVICE_INSTALL_FAILED, SERVICE_MARKED_FOR_DELETION],
    services::service_errors
);
family_rule!(
    /// `engine::package_server_error`: 2755.
    PackageServerError,
    [PACKAGE_SERVER_ERROR],
    engine::package_server_error
);
family_rule!(
    /// `engine::package_unopenable`: 1619/1620 with 2203 on the package path.
    PackageUnopenable,
    [PACKAGE_UNOPENABLE],
    engine::package_unopenable
);
family_rule!(
    /// `engine::user_cancelled`: 1602.
    UserCancelled,
    [USER_CANCELLED],
    engine::user_cancelled
);
family_rule!(
    /// `engine::script_engine_broken`: 2738/2739.
    ScriptEngineBroken,
    [SCRIPT_ENGINE_BROKEN],
    engine::script_engine_broken
);
family_rule!(
    /// `engine::assembly_install_failed`: 1935/1937/1938.
    AssemblyInstallFailed,
    [ASSEMBLY_INSTALL_FAILED],
    engine::assembly_install_failed
);

/// `event_messages::package_message_in_event_log`: an event-log-only session whose MsiInstaller
/// record carries the package's own message (no Windows Installer number), or a 1015 record
/// (the client could not connect to the service).
pub struct PackageMessageInEventLog;

impl Rule for PackageMessageInEventLog {
    fn findings(&self) -> &[FindingDoc] {
        // The same findings as the log's LaunchConditions rule and the service rule (1015).
        static DOCS: OnceLock<Vec<FindingDoc>> = OnceLock::new();
        DOCS.get_or_init(|| {
            LaunchCondition
                .findings()
                .iter()
                .chain(MachineRecords.findings().iter().take(1))
                .cloned()
                .collect()
        })
    }

    fn check(&self, view: &SessionView) -> Vec<Finding> {
        event_messages::package_message_in_event_log(view)
    }
}

/// `bundle::bundle_findings`: WiX Burn bundle runs. A bundle is not an install session: its
/// findings are made over the timeline's bundles (`diagnose::bundle_findings`), so the session
/// check finds nothing; the rule is here to declare its findings.
pub struct BundleRuns;

impl Rule for BundleRuns {
    fn findings(&self) -> &[FindingDoc] {
        const DOCS: &[FindingDoc] = &[
            FindingDoc::of(
                BUNDLE_PACKAGE_FAILED,
                "a WiX Burn bundle's package failed (`Applied execute package: X, result: 0x8…`) and its MSI log (named by the bundle) is not among the inputs",
                &[],
                &[FIX_BUNDLE_PACKAGE_LOG],
            ),
            FindingDoc::of(
                BUNDLE_CACHE_FAILED,
                "a bundle could not download, verify (hash, signature) or cache a payload",
                &[],
                &[FIX_BUNDLE_CACHE],
            ),
            FindingDoc::of(
                BUNDLE_RELATED_BUNDLE_MISSING,
                "a related bundle's cached copy is missing (`Failed to get size of pseudo bundle`, v4 `Detected related bundle missing from cache`)",
                &[OLD_VERSION_NOT_REMOVED],
                &[FIX_BUNDLE_RELATED],
            ),
            FindingDoc::of(
                BUNDLE_PREREQUISITE_BLOCKED,
                "the bundle's own condition (`Bundle condition evaluated to false`) blocked it before any package ran",
                &[],
                &[FIX_LAUNCH_CONDITION],
            ),
            FindingDoc::of(
                BUNDLE_FAILED,
                "a bundle run failed (`Apply complete` / `Exit code` a failure) and no package's MSI log, payload, cache or condition line explains it: the failing phase, its result decoded and the engine's error lines",
                &[],
                &[FIX_BUNDLE_FAILED],
            ),
        ];
        DOCS
    }

    fn check(&self, _: &SessionView) -> Vec<Finding> {
        Vec::new()
    }
}

const FIX_BUNDLE_PACKAGE_LOG: &str = "Collect the package's MSI log the bundle names (`WixBundleLog_<package>`, `<bundle>_<time>_NNN_<package>.log` in %TEMP%) and analyse it with the bundle log.";
const FIX_BUNDLE_CACHE: &str = "Check the connection (proxy, firewall, TLS) or use the offline installer (setup.exe /layout); delete %ProgramData%\\Package Cache\\.unverified after a hash mismatch; check the Package Cache folder's permissions.";
const FIX_BUNDLE_FAILED: &str = "Read the bundle log's first error line (it names the cause), fix it and rerun the bundle with a log (setup.exe /log), collecting the packages' MSI logs it writes beside it.";
const FIX_BUNDLE_RELATED: &str = "Restore the earlier bundle's setup file at its cached path, or repair/uninstall it from its original setup, then rerun the bundle.";

/// Every built-in rule written in Rust, in the order they run on a session.
pub const RULES: &[&dyn Rule] = &[
    &IpiAccessDenied,
    &Error2503WithoutIpi,
    &CustomActionFailed,
    &DowngradeBlocked,
    &LaunchCondition,
    &AnotherInstall,
    // Before the environment rules: when both read the same cause, the merged finding keeps
    // the file rule's words (the object named, the elevation).
    &FileAndRegistryErrors,
    &FilesInUse,
    &InsufficientPrivileges,
    &ServiceStartFailed,
    &PolicyBlocked,
    &CacheAndSource,
    &ServiceErrors,
    &PackageServerError,
    &PackageUnopenable,
    &UserCancelled,
    &ScriptEngineBroken,
    &AssemblyInstallFailed,
    &PackageMessageInEventLog,
    &TempUnwritable,
    &MachineRecords,
    &WindowsTempAcl,
    &UserTempBroken,
    &ConfigMsiAcl,
    &InstallerFolderFromProcmon,
    &NumberedError,
    &FirstFailure,
    &BundleRuns,
];
