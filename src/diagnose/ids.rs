//! The stable finding ids of the built-in rules, as constants (`ids::WINDOWS_TEMP_ACL`), so that
//! rules, the relations between findings and the tests name a finding one way.
//!
//! The numbered-error fallback (`src/diagnose/numbered.rs`) also reports the ids of the failure
//! families of `src/kb/data/families.tsv`.
//!
//! What each id means, what it explains and its usual fixes are declared with its rule in
//! `src/diagnose/defs.rs`; the README's findings table documents them (a test checks both agree).
//! This file only names ids: it must not hold rule logic or English text.

pub const IPI_ACCESS_DENIED: &str = "ipi-access-denied";
pub const NOT_ELEVATED: &str = "not-elevated";
pub const INSTALLER_FOLDER_ACL: &str = "installer-folder-acl";
pub const ERROR_2503_2502: &str = "error-2503-2502";
pub const CUSTOM_ACTION_FAILED: &str = "custom-action-failed";
pub const LAUNCH_CONDITION: &str = "launch-condition";
pub const DOWNGRADE_BLOCKED: &str = "downgrade-blocked";
pub const ANOTHER_INSTALL: &str = "another-install";
pub const FILES_IN_USE: &str = "files-in-use";
pub const INSUFFICIENT_PRIVILEGES: &str = "insufficient-privileges";
pub const SERVICE_START_FAILED: &str = "service-start-failed";
pub const POLICY_BLOCKED: &str = "policy-blocked";
pub const SOURCE_MISSING: &str = "source-missing";
pub const OLD_VERSION_NOT_REMOVED: &str = "old-version-not-removed";
pub const PATCH_MISSING: &str = "patch-missing";
pub const PACKAGE_CODE_MISMATCH: &str = "package-code-mismatch";
pub const CACHED_PACKAGE_MISSING: &str = "cached-package-missing";
pub const DISK_FULL: &str = "disk-full";
pub const INVALID_DRIVE: &str = "invalid-drive";
pub const CABINET_CORRUPT: &str = "cabinet-corrupt";
pub const SERVICE_STOP_FAILED: &str = "service-stop-failed";
pub const SERVICE_DELETE_FAILED: &str = "service-delete-failed";
pub const SERVICE_INSTALL_FAILED: &str = "service-install-failed";
pub const SERVICE_MARKED_FOR_DELETION: &str = "service-marked-for-deletion";
pub const ASSEMBLY_INSTALL_FAILED: &str = "assembly-install-failed";
pub const PACKAGE_SERVER_ERROR: &str = "package-server-error";
pub const PACKAGE_UNOPENABLE: &str = "package-unopenable";
pub const USER_CANCELLED: &str = "user-cancelled";
pub const SCRIPT_ENGINE_BROKEN: &str = "script-engine-broken";
/// The numbered-error fallback's id when no failure family names the error.
pub const INSTALLER_ERROR: &str = "installer-error";
pub const TEMP_UNWRITABLE: &str = "temp-unwritable";
pub const WINDOWS_TEMP_ACL: &str = "windows-temp-acl";
pub const USER_TEMP_BROKEN: &str = "user-temp-broken";
pub const CONFIG_MSI_ACL: &str = "config-msi-acl";
pub const MSISERVER_BROKEN: &str = "msiserver-broken";
pub const CUSTOM_ACTION_CRASH: &str = "custom-action-crash";
pub const FIRST_FAILURE: &str = "first-failure";
pub const BUNDLE_PACKAGE_FAILED: &str = "bundle-package-failed";
pub const BUNDLE_CACHE_FAILED: &str = "bundle-cache-failed";
pub const BUNDLE_RELATED_BUNDLE_MISSING: &str = "bundle-related-bundle-missing";
pub const BUNDLE_PREREQUISITE_BLOCKED: &str = "bundle-prerequisite-blocked";
pub const BUNDLE_FAILED: &str = "bundle-failed";
