//! The fix and cause sentences that more than one place shows: the per-code advice of
//! `msidiag explain <CODE>` (`src/kb/advice.rs`) and the usual fixes of each finding in the
//! rule registry (`src/diagnose/defs.rs`, shown by `msidiag explain <finding-id>`). One text,
//! written once.
//!
//! A text that contains a `<placeholder>` says "(template: …)" and must be filled in before use.
//! It must not hold anything but constant sentences.

pub const FIX_VERBOSE_INSTALL: &str = "Run the install from an elevated Command Prompt (Run as administrator) with a verbose log (template: fill in <package.msi>): msiexec /i \"<package.msi>\" /l*v \"%TEMP%\\install.log\"";
pub const FIX_VERBOSE_UNINSTALL: &str = "Uninstall from an elevated Command Prompt with a verbose log (template: fill in <ProductCode or package.msi>): msiexec /x <ProductCode or package.msi> /l*v \"%TEMP%\\uninstall.log\"";
pub const FIX_READ_LOG: &str = "In the verbose log, search for the first \"Return value 3\" and read the ~20 lines above it; the last Error/Note/custom-action output before it is the real cause.";
pub const FIX_SERVICE_QUERY: &str = "Check the Windows Installer service: sc qc msiserver (expect START_TYPE 3 DEMAND_START and BINARY_PATH_NAME C:\\Windows\\system32\\msiexec.exe /V)";
pub const FIX_SERVICE_DEMAND: &str = "Set it back to manual start and start it: sc config msiserver start= demand && net start msiserver";
pub const FIX_SERVICE_REREGISTER: &str =
    "Re-register the Windows Installer: msiexec /unregister then msiexec /regserver";
pub const FIX_SYSTEM_FILES: &str =
    "Repair system files: sfc /scannow then DISM /Online /Cleanup-Image /RestoreHealth";
pub const FIX_SCM_EVENTS: &str = "Look in the System event log for Service Control Manager events 7000/7009/7023/7031/7034 about \"Windows Installer\".";
pub const FIX_REBOOT: &str =
    "Restart the computer: it ends stuck installations and runs pending file renames, then retry.";
pub const FIX_WINDOWS_TEMP_ACL: &str = "Restore the default ACL on C:\\Windows\\Temp: takeown /F C:\\Windows\\Temp /A then icacls C:\\Windows\\Temp /grant \"NT AUTHORITY\\SYSTEM:(OI)(CI)F\" \"BUILTIN\\Administrators:(OI)(CI)F\" \"CREATOR OWNER:(OI)(CI)(IO)F\" \"BUILTIN\\Users:(CI)(S,WD,AD,X)\"";
pub const FIX_WINDOWS_TEMP_IS_FILE: &str = "If C:\\Windows\\Temp has become a file, rename it and recreate the folder: mkdir C:\\Windows\\Temp";
pub const FIX_USER_TEMP_CHECK: &str = "Check the user's TEMP/TMP: reg query HKCU\\Environment /v TEMP and reg query HKCU\\Environment /v TMP (default %USERPROFILE%\\AppData\\Local\\Temp)";
pub const FIX_USER_TEMP_RESET: &str = "Reset TEMP/TMP for the user (not elevated, as that user), make sure the folder exists, then log off and on: setx TEMP \"%USERPROFILE%\\AppData\\Local\\Temp\" && setx TMP \"%USERPROFILE%\\AppData\\Local\\Temp\"";
pub const FIX_USER_TEMP_ACL: &str = "Give the user, SYSTEM and Administrators full control on the user's temp folder (template: fill in <user>): icacls \"%LOCALAPPDATA%\\Temp\" /grant \"<user>:(OI)(CI)F\" \"SYSTEM:(OI)(CI)F\" \"Administrators:(OI)(CI)F\"";
pub const FIX_INSTALLER_FOLDER_ACL: &str = "Inspect the ACLs of the installer folders (owner SYSTEM; SYSTEM and Administrators full control expected): icacls C:\\Windows\\Installer and icacls C:\\Config.Msi. Never delete the contents of C:\\Windows\\Installer.";
pub const FIX_AV_EXCLUDE: &str = "Temporarily disable or exclude security software for C:\\Windows\\Installer, C:\\Windows\\Temp and %TEMP%, retry, and confirm with Process Monitor which process holds or blocks the file.";
pub const FIX_FIND_PRODUCT: &str = "Find the installed product and its ProductCode (template: fill in <Product Name>): reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s /f \"<Product Name>\" (and the same under HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall)";
pub const FIX_RECACHE_SOURCE: &str = "Give Windows Installer the original package again and re-cache it (template: fill in <original package.msi>, same version as installed): msiexec /fv \"<original package.msi>\" /l*v \"%TEMP%\\recache.log\"";
pub const FIX_SOURCEMGMT: &str =
    "In the verbose log, the SOURCEMGMT: lines show every source path that was tried.";
pub const FIX_POLICY_QUERY: &str = "Check installer policies: reg query HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer and reg query HKCU\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer (DisableMSI, DisableUserInstalls); gpresult /h \"%TEMP%\\gp.html\" shows which GPO sets them.";
pub const FIX_ANOTHER_INSTALL: &str = "See what is installing right now: tasklist /v /fi \"imagename eq msiexec.exe\"; the Application log events 1040/1042 (MsiInstaller) show which transaction began and never ended.";
pub const FIX_PENDING_RENAMES: &str = "See what waits for the restart: reg query \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\" /v PendingFileRenameOperations";

pub const CAUSE_NOT_ELEVATED: &str = "The installation was not elevated: a per-machine install (or an uninstall from Control Panel/Explorer) ran from a standard-user or non-elevated context.";
pub const CAUSE_AV: &str =
    "Security software (antivirus/EDR) blocked or locked the file msiexec was writing.";
