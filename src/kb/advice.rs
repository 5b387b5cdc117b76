//! Hand-written common causes and fixes for the codes that show up in failed installs,
//! keyed separately by table (the same number means different things as an exit code and
//! as an Error-table message). Written in our own words from the project's domain notes.
//!
//! Fix strings are concrete commands where possible. A fix that contains a `<placeholder>`
//! says "(template: …)" and must be filled in before use. Commands assume an elevated
//! Command Prompt unless they say otherwise.
//!
//! It must not: claim a cause it cannot back, or hold codes that are not in the tables
//! (tests check every key against the tables).

/// Causes and fixes for one code in one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// What usually leads to the code, most common first.
    pub causes: &'static [&'static str],
    /// What to run or check, most effective first.
    pub fixes: &'static [&'static str],
}

/// Advice for a code read as an msiexec exit code / API return value.
pub fn exit_code_advice(code: u32) -> Option<&'static Advice> {
    EXIT_CODE_ADVICE
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, advice)| advice)
}

/// Advice for a code read as a Windows Installer Error-table message.
pub fn message_advice(code: u32) -> Option<&'static Advice> {
    MESSAGE_ADVICE
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, advice)| advice)
}

/// Advice for an HRESULT value (full 32 bits).
pub fn hresult_advice(value: u32) -> Option<&'static Advice> {
    HRESULT_ADVICE
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, advice)| advice)
}

/// Advice for a Win32 error code.
pub fn win32_advice(code: u32) -> Option<&'static Advice> {
    WIN32_ADVICE
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, advice)| advice)
}

// The fix and cause texts shared with the finding docs of the rule registry live in
// `src/kb/fix_texts.rs`.
use super::fix_texts::*;

// ---- exit codes ---------------------------------------------------------------------------

const EXIT_CODE_ADVICE: &[(u32, Advice)] = &[
    (87, Advice {
        causes: &["The msiexec command line is malformed: an unknown option, a property value with spaces that is not quoted, or a quote that does not close."],
        fixes: &["Quote every path and property value with spaces, and check the options against msiexec /? (template): msiexec /i \"<package.msi>\" PROPERTY=\"value with spaces\" /l*v \"%TEMP%\\install.log\""],
    }),
    (1624, Advice {
        causes: &["A transform (.mst) given with TRANSFORMS= is missing, unreadable or not made for this package."],
        fixes: &["Check the path of every .mst on the command line and that it was made for this exact package version."],
    }),
    (1635, Advice {
        causes: &["The patch (.msp) given, or a patch already installed whose cached copy in C:\\Windows\\Installer was deleted, could not be opened."],
        fixes: &["Get the same patch file again and reapply it (template): msiexec /p \"<patch.msp>\" /l*v \"%TEMP%\\patch.log\"", "Restore deleted .msp files in C:\\Windows\\Installer under their cached names; never clean that folder by hand."],
    }),
    (1636, Advice {
        causes: &["The patch file is damaged or incomplete (an interrupted download or copy), is not a Windows Installer patch, or could not be read."],
        fixes: &["Compare its checksum with the vendor's (template): certutil -hashfile \"<patch.msp>\" SHA256; download it again to a local folder and reapply it."],
    }),
    (1642, Advice {
        causes: &["The patch does not apply to what is installed: another version, edition or language of the product, or the product is not installed."],
        fixes: &["Check the installed version (Programs and Features, or the log's ProductVersion) against the versions the patch targets, and use the patch made for it."],
    }),
    (1643, Advice {
        causes: &["A policy forbids applying the patch (DisablePatch, or non-administrators may not patch)."],
        fixes: &["Check the Windows Installer policies: reg query \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\Installer\"; apply the patch as an administrator."],
    }),
    (1649, Advice {
        causes: &["The patch is not allowed to be removed (it was not authored as uninstallable), or it is a security update that must stay."],
        fixes: &["Remove the whole product instead, or install the next version that supersedes the patch."],
    }),
    (1601, Advice {
        causes: &[
            "The Windows Installer service (msiserver) is disabled (Start = 4) or cannot start.",
            "The Windows Installer COM registration is damaged.",
            "Windows is in Safe Mode, where msiserver does not run by default (see 1652).",
            "Damaged system files.",
        ],
        fixes: &[FIX_SERVICE_QUERY, FIX_SERVICE_DEMAND, FIX_SERVICE_REREGISTER, FIX_SCM_EVENTS, FIX_SYSTEM_FILES],
    }),
    (1602, Advice {
        causes: &[
            "Someone clicked Cancel, or declined a prompt (UAC, files-in-use) during the installation.",
            "A custom action reported \"user exit\" (action return value 2 in the log).",
        ],
        fixes: &[
            "Run it again and let it finish; for unattended runs add /qn (template: fill in <package.msi>): msiexec /i \"<package.msi>\" /qn /l*v \"%TEMP%\\install.log\"",
            "In the verbose log, \"Return value 2\" marks the action that ended the installation.",
        ],
    }),
    (1603, Advice {
        causes: &[
            "Generic fatal error: the real cause is earlier in the verbose log (the first \"Return value 3\").",
            "A custom action failed (messages 1720-1723, \"CustomAction … returned actual error code N\").",
            "Access denied: installer not elevated, or broken ACLs on C:\\Windows\\Installer, C:\\Windows\\Temp or %TEMP% (often seen as 2503/2502).",
            "A service the package installs failed to start (message 1920).",
            "Files locked by another process or security software; disk full.",
        ],
        fixes: &[FIX_VERBOSE_INSTALL, FIX_READ_LOG, "Feed the verbose log and the Application/System event logs to msidiag to get the cause ranked with evidence."],
    }),
    (1605, Advice {
        causes: &[
            "The product is not installed in this context: wrong ProductCode, or it was installed per-user for another user / per-machine vs per-user mismatch.",
        ],
        fixes: &[FIX_FIND_PRODUCT],
    }),
    (1612, Advice {
        causes: &[
            "A repair, uninstall or patch needs the original package and it is no longer where it was installed from (network share gone, extracted temp folder deleted).",
            "The cached copy in C:\\Windows\\Installer is missing.",
        ],
        fixes: &[FIX_RECACHE_SOURCE, FIX_SOURCEMGMT],
    }),
    (1618, Advice {
        causes: &[
            "Another installation holds the _MSIExecute mutex: Windows Update, SCCM/Intune, or a setup that chains MSIs.",
            "A hung msiexec process, or a stuck installation after a crash.",
        ],
        fixes: &[
            "Wait for the other installation to finish and retry; deployment scripts should retry on 1618.",
            FIX_ANOTHER_INSTALL,
            FIX_REBOOT,
        ],
    }),
    (1619, Advice {
        causes: &[
            "The package path is wrong or the file is missing.",
            "No read access to the package: network share permissions, or a SYSTEM-context deployment that cannot reach the share.",
            "Incomplete or blocked download.",
        ],
        fixes: &[
            "Check the path (template: fill in <package.msi>): dir \"<package.msi>\"",
            "Copy the package to a local folder and install from there (template: fill in <\\\\server\\share\\package.msi>): copy \"<\\\\server\\share\\package.msi>\" C:\\Temp\\",
            "Unblock a downloaded package (template): powershell -Command Unblock-File -Path \"<package.msi>\"",
        ],
    }),
    (1620, Advice {
        causes: &[
            "The file is not a valid MSI: corrupt or truncated download, an EXE or HTML page saved as .msi.",
            "The package needs a newer Windows Installer.",
        ],
        fixes: &[
            "Download it again and compare the hash with the vendor's (template): certutil -hashfile \"<package.msi>\" SHA256",
            "A valid MSI is an OLE compound file: its first bytes are D0 CF 11 E0.",
        ],
    }),
    (1622, Advice {
        causes: &[
            "The folder given to /l*v does not exist or is not writable.",
            "The Logging policy writes to a %TEMP% that is broken.",
        ],
        fixes: &[
            "Log to a folder that exists (template): msiexec /i \"<package.msi>\" /l*v \"%TEMP%\\install.log\"",
            "Check where %TEMP% points: echo %TEMP%",
        ],
    }),
    (1625, Advice {
        causes: &[
            "Blocked by policy: DisableMSI (1 = only managed installs, 2 = always) or DisableUserInstalls.",
            "Software Restriction Policies / AppLocker / WDAC block the package.",
        ],
        fixes: &[FIX_POLICY_QUERY, "Install per-machine from an elevated prompt, or ask the administrator to allow or publish the package."],
    }),
    (1632, Advice {
        causes: &[
            "TEMP/TMP points to a missing folder, a RAM disk, or a folder with custom ACLs.",
            "C:\\Windows\\Temp (TEMP of the SYSTEM service) has a broken ACL or has become a file.",
            "The disk holding TEMP is full.",
        ],
        fixes: &[FIX_USER_TEMP_CHECK, FIX_USER_TEMP_RESET, FIX_USER_TEMP_ACL, FIX_WINDOWS_TEMP_ACL, FIX_WINDOWS_TEMP_IS_FILE],
    }),
    (1633, Advice {
        causes: &["The package is built for another platform (e.g. an x64 package on 32-bit Windows)."],
        fixes: &["Get the package built for this platform from the vendor."],
    }),
    (1638, Advice {
        causes: &[
            "Another version of the product is installed and this package is not authored to upgrade it (no major upgrade for that version).",
        ],
        fixes: &[FIX_FIND_PRODUCT, FIX_VERBOSE_UNINSTALL, "Then install the new version."],
    }),
    (1639, Advice {
        causes: &[
            "A mistyped msiexec switch, a path with spaces without quotes, or a property value with spaces without quotes.",
        ],
        fixes: &[
            "Quote paths and values (template): msiexec /i \"<package.msi>\" PROPERTY=\"value with spaces\" /l*v \"%TEMP%\\install.log\"",
            "List the valid switches: msiexec /?",
        ],
    }),
    (1641, Advice {
        causes: &["Success: the installer started a restart (the package forced it, or the user accepted a restart prompt)."],
        fixes: &["Nothing to fix. In deployments add /norestart (or REBOOT=ReallySuppress) and restart on your own schedule."],
    }),
    (1652, Advice {
        causes: &["Windows is running in Safe Mode, where the Windows Installer service is not available."],
        fixes: &[
            "Restart normally and install again.",
            "If it must run in Safe Mode, msiserver needs the key HKLM\\SYSTEM\\CurrentControlSet\\Control\\SafeBoot\\Minimal\\MSIServer (default value \"Service\").",
        ],
    }),
    (3010, Advice {
        causes: &[
            "Success, but files were in use and will be replaced at restart, or the package scheduled a restart.",
        ],
        fixes: &["Restart the computer; treat 3010 as success in deployment tools.", FIX_PENDING_RENAMES],
    }),
];

// ---- Error-table messages ---------------------------------------------------------------

const SERVICE_CHECKS: &[&str] = &[
    FIX_SERVICE_QUERY,
    FIX_SERVICE_DEMAND,
    FIX_SERVICE_REREGISTER,
    FIX_SCM_EVENTS,
    FIX_SYSTEM_FILES,
];

const MESSAGE_ADVICE: &[(u32, Advice)] = &[
    (1303, Advice {
        causes: &[
            CAUSE_NOT_ELEVATED,
            "The target folder's ACL denies the installer (folder created by another user or tool, inheritance removed).",
            "Controlled Folder Access or security software protects the folder.",
        ],
        fixes: &[
            FIX_VERBOSE_INSTALL,
            "Inspect the folder's ACL (template: fill in <folder>): icacls \"<folder>\"",
            "Restore ownership and access (template): takeown /F \"<folder>\" /R /A then icacls \"<folder>\" /grant \"NT AUTHORITY\\SYSTEM:(OI)(CI)F\" \"BUILTIN\\Administrators:(OI)(CI)F\"",
        ],
    }),
    (1306, Advice {
        causes: &["Another process has the file open: the application itself, a service, or security software."],
        fixes: &[
            "Close the application that uses the file and click Retry.",
            "Find which process has a DLL loaded (template: fill in <file.dll>): tasklist /m <file.dll>",
            FIX_REBOOT,
        ],
    }),
    (1310, Advice {
        causes: &[
            "Note the field order: [3] is the file, [2] the system error. 5 = access denied (ACL, not elevated, security software), 32 = in use, 112 = disk full.",
            CAUSE_AV,
        ],
        fixes: &[
            "Decode the system error number (template): msidiag explain <system error>",
            "Inspect the target folder's ACL (template): icacls \"<folder>\"",
            FIX_AV_EXCLUDE,
        ],
    }),
    (1311, Advice {
        causes: &[
            "The external cabinet (.cab) that belongs next to the .msi is missing: only the .msi was copied, or the media/extraction folder changed.",
        ],
        fixes: &["Copy the whole installation folder (the .msi and its .cab files) and run from there.", FIX_RECACHE_SOURCE],
    }),
    (1316, Advice {
        causes: &[
            "The original source on the network cannot be read.",
            "A repair/upgrade uses a package with a different file name than the one originally installed, so the cached source does not match.",
        ],
        fixes: &["Use the original package with its original file name and location.", FIX_RECACHE_SOURCE, FIX_SOURCEMGMT],
    }),
    (1500, Advice {
        causes: &["Another installation is running and holds the _MSIExecute mutex (same situation as exit code 1618)."],
        fixes: &["Wait for it to finish and retry.", FIX_ANOTHER_INSTALL, FIX_REBOOT],
    }),
    (1603, Advice {
        causes: &[
            "Informational (\"Info 1603.\"): a file to be replaced is held open by the named process; the installer will replace it at restart. This is not the fatal exit code 1603.",
        ],
        fixes: &[
            "Close the named process (Name/Id in the message) before installing, or accept the restart (exit code 3010).",
            "End the process if it is safe to do so (template: fill in <Id>): taskkill /PID <Id>",
        ],
    }),
    (1706, Advice {
        causes: &["The installer needs the original source (repair, feature add, patch) and none of the recorded source locations is reachable."],
        fixes: &[FIX_RECACHE_SOURCE, FIX_SOURCEMGMT],
    }),
    (1708, Advice {
        causes: &["Summary message for a failed installation (event 11708); the cause is logged before it."],
        fixes: &[FIX_READ_LOG, FIX_VERBOSE_INSTALL],
    }),
    (1719, Advice {
        causes: &[
            "The Windows Installer service is disabled, cannot start, or its registration is damaged.",
            "Windows is in Safe Mode.",
        ],
        fixes: SERVICE_CHECKS,
    }),
    (1720, Advice {
        causes: &[
            "A VBScript/JScript custom action raised a script error (the message gives the error, line and column).",
            "The script engine is missing, unregistered or blocked by security software.",
        ],
        fixes: &[
            "Read the script error text, line and column in the message and report them to the package vendor.",
            "Re-register the script engines: regsvr32 %SystemRoot%\\System32\\vbscript.dll and regsvr32 %SystemRoot%\\System32\\jscript.dll (on 64-bit Windows also the copies in %SystemRoot%\\SysWOW64)",
            FIX_AV_EXCLUDE,
        ],
    }),
    (1721, Advice {
        causes: &[
            "An EXE custom action could not be started: the program is missing, the path is wrong, or it is blocked (AppLocker, security software).",
        ],
        fixes: &["Run the command shown in the message (location/command) by hand from an elevated prompt and note the error.", FIX_AV_EXCLUDE],
    }),
    (1722, Advice {
        causes: &["An EXE custom action ran but returned a failure exit code (its own error: a missing prerequisite, a failed configuration step, access denied)."],
        fixes: &[
            "Run the command shown in the message (action/location/command) by hand from an elevated prompt and read its output and exit code.",
            "Read the custom action's own output just above the error in the verbose log; check the vendor's log files.",
        ],
    }),
    (1723, Advice {
        causes: &[
            "A DLL custom action could not be loaded or called: missing dependency (often a Visual C++ runtime), missing export, or the DLL was quarantined.",
            "The DLL could not be extracted to C:\\Windows\\Installer\\MSIxxxx.tmp or C:\\Windows\\Temp (ACL, security software).",
        ],
        fixes: &["Install the prerequisites the vendor lists (e.g. the Visual C++ redistributable).", FIX_AV_EXCLUDE, FIX_INSTALLER_FOLDER_ACL, FIX_WINDOWS_TEMP_ACL],
    }),
    (1730, Advice {
        causes: &[CAUSE_NOT_ELEVATED],
        fixes: &[FIX_VERBOSE_UNINSTALL],
    }),
    (1920, Advice {
        causes: &[
            "The service account has a wrong password or lacks the \"Log on as a service\" right.",
            "A dependency of the service is missing or disabled, or the service crashes on start (missing runtime, bad configuration).",
        ],
        fixes: &[
            "While the Retry dialog is open, read the System log (Service Control Manager 7000/7009/7023/7031/7034) and Application Error 1000 events.",
            "Inspect and try the service by hand (template: fill in <ServiceName>): sc qc \"<ServiceName>\" then net start \"<ServiceName>\"",
            "Grant the account \"Log on as a service\" (secpol.msc > Local Policies > User Rights Assignment) or fix its password.",
        ],
    }),
    (1923, Advice {
        causes: &[
            "A service with the same name already exists or is marked for deletion (Win32 error 1072), e.g. left over from an earlier version.",
            CAUSE_NOT_ELEVATED,
        ],
        fixes: &[
            "Check for a leftover service (template: fill in <ServiceName>): sc query \"<ServiceName>\"",
            "Close services.msc and any tool holding the service open, remove a confirmed leftover with sc delete \"<ServiceName>\" (template), restart the computer and retry.",
        ],
    }),
    (1925, Advice {
        causes: &[CAUSE_NOT_ELEVATED],
        fixes: &[FIX_VERBOSE_INSTALL],
    }),
    (2203, Advice {
        causes: &[
            "Field [3] is an HRESULT (negative decimal). With C:\\Windows\\Installer\\inprogressinstallinfo.ipi and -2147287038 (STG_E_FILENOTFOUND) this note is normal and harmless.",
            "With inprogressinstallinfo.ipi and -2147287035 (STG_E_ACCESSDENIED) the installer could not mark the install as in progress: not elevated, or a broken ACL on C:\\Windows\\Installer; 2503/2502 follow.",
            "For a package path: the package could not be opened (missing, no access).",
        ],
        fixes: &["Decode field [3] (template): msidiag explain <field 3>", FIX_VERBOSE_INSTALL, FIX_INSTALLER_FOLDER_ACL],
    }),
    (2336, Advice {
        causes: &[
            "The installer could not create a temp file in the folder in [3]: TEMP/TMP point to a bad folder, C:\\Windows\\Temp has a broken ACL, or security software blocks it.",
        ],
        fixes: &[FIX_USER_TEMP_CHECK, FIX_USER_TEMP_RESET, FIX_WINDOWS_TEMP_ACL, FIX_AV_EXCLUDE],
    }),
    (2502, Advice {
        causes: &["Follow-on error of 2503: finalization found no open installation. Fix the cause of 2503."],
        fixes: &[FIX_VERBOSE_INSTALL, FIX_READ_LOG],
    }),
    (2503, Advice {
        causes: &[
            CAUSE_NOT_ELEVATED,
            "Broken ACL on C:\\Windows\\Temp (SYSTEM, Administrators or Users entries removed, or the folder became a file).",
            "The user's TEMP/TMP point to a missing folder, a RAM disk, or a folder with custom ACLs.",
            "The Windows Installer service or its registration is damaged.",
            "Broken ACL on C:\\Windows\\Installer or C:\\Config.Msi (when an elevated run fails too).",
            CAUSE_AV,
        ],
        fixes: &[
            FIX_VERBOSE_INSTALL,
            FIX_VERBOSE_UNINSTALL,
            FIX_WINDOWS_TEMP_ACL,
            FIX_WINDOWS_TEMP_IS_FILE,
            FIX_USER_TEMP_CHECK,
            FIX_USER_TEMP_RESET,
            FIX_SERVICE_REREGISTER,
            FIX_INSTALLER_FOLDER_ACL,
        ],
    }),
    (2738, Advice {
        causes: &["The VBScript engine (vbscript.dll) is not registered, missing, or blocked, so the VBScript custom action cannot run."],
        fixes: &[
            "Re-register VBScript: regsvr32 %SystemRoot%\\System32\\vbscript.dll (on 64-bit Windows also regsvr32 %SystemRoot%\\SysWOW64\\vbscript.dll)",
            FIX_AV_EXCLUDE,
        ],
    }),
    (2739, Advice {
        causes: &["The JScript engine (jscript.dll) is not registered, missing, or blocked, so the JScript custom action cannot run."],
        fixes: &[
            "Re-register JScript: regsvr32 %SystemRoot%\\System32\\jscript.dll (on 64-bit Windows also regsvr32 %SystemRoot%\\SysWOW64\\jscript.dll)",
            FIX_AV_EXCLUDE,
        ],
    }),
    (2762, Advice {
        causes: &["Package authoring error: an action that changes the system is sequenced outside InstallInitialize/InstallFinalize (ICE77)."],
        fixes: &["Report it to the package vendor; validate the package (ICE77) with Orca or the SDK's msival2."],
    }),
];

// ---- HRESULTs and Win32 errors ---------------------------------------------------------

const HRESULT_ADVICE: &[(u32, Advice)] = &[
    (0x8003_0005, Advice {
        causes: &[
            "In \"Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287035\": the installer could not write its in-progress marker. Usually not elevated; otherwise a broken ACL on C:\\Windows\\Installer. 2503 and 2502 follow.",
        ],
        fixes: &[FIX_VERBOSE_INSTALL, FIX_INSTALLER_FOLDER_ACL],
    }),
    (0x8003_0002, Advice {
        causes: &[
            "In \"Note: 1: 2203 … inprogressinstallinfo.ipi 3: -2147287038\" this is normal: the marker file does not exist yet. Not a failure by itself.",
        ],
        fixes: &[],
    }),
];

const WIN32_ADVICE: &[(u32, Advice)] = &[
    (2, Advice {
        causes: &[
            "A file the operation names does not exist: a package, cabinet or custom-action file that was moved, cleaned up or quarantined.",
            "The path was built from a property that is empty or points elsewhere on this machine.",
        ],
        fixes: &["Find the path in the same log line (or the Note fields before it) and check that it exists; copy the package and its .cab files to a local folder and run it from there."],
    }),
    (3, Advice {
        causes: &[
            "A folder of the path does not exist: a removed drive, an unmapped network drive, or a remembered install folder on a disk that is gone.",
            "A TEMP or TMP variable points at a folder that was deleted.",
        ],
        fixes: &["Check the folder named in the log (dir \"<folder>\" (template)); for a remembered install folder, pass a folder that exists (INSTALLDIR=...) or repair from the original package."],
    }),
    (53, Advice {
        causes: &["The network path (a share the package or its source lives on) cannot be reached, or the account running the install (SYSTEM for the service) has no access to it."],
        fixes: &["Copy the package to a local folder and run it from there, or check that the computer account can reach the share (template): dir \"\\\\<server>\\<share>\""],
    }),
    (110, Advice {
        causes: &["The file could not be opened: it is missing, locked, on a drive the service cannot see (RAM disk, SUBST or a mapped drive of the user), or blocked by security software."],
        fixes: &["Run the package from a local folder on C:, not from a mapped, SUBST or RAM drive, with a verbose log (template): msiexec /i \"C:\\Temp\\<package.msi>\" /l*v \"%TEMP%\\install.log\""],
    }),
    (1057, Advice {
        causes: &["The account a service is configured to run as does not exist, is mistyped (missing domain or .\\ prefix) or its password is wrong."],
        fixes: &["Check the account the package passes (the ServiceInstall op's StartName, or the property the vendor documents), then retry with a valid account and password."],
    }),
    (1072, Advice {
        causes: &["The service was deleted but a handle to it is still open (services.msc, Event Viewer, Task Manager, a monitoring agent, its own process), so Windows keeps it marked for deletion."],
        fixes: &["Close the Services console, Event Viewer and Task Manager; if sc queryex <service> (template) still shows it, restart the machine, then retry."],
    }),
    (1073, Advice {
        causes: &["A service with the same name already exists, often left behind by an earlier version or a failed uninstall."],
        fixes: &["Inspect it (template): sc qc <service>; remove the leftover product properly, or delete the stale service (sc delete <service>, template) and restart, then retry."],
    }),
    (1392, Advice {
        causes: &["The file or directory on disk is corrupted (file system damage), or a cloud-sync or filter driver returns a broken file."],
        fixes: &["Check the disk (chkdsk C: /scan), and on a damaged system run: sfc /scannow; then retry from a fresh copy of the package."],
    }),
    (5, Advice {
        causes: &[CAUSE_NOT_ELEVATED, "An ACL denies access to the file, folder or registry key.", CAUSE_AV],
        fixes: &[FIX_VERBOSE_INSTALL, "Use Process Monitor (filter Result is ACCESS DENIED) to find the exact path, then inspect it with icacls (template): icacls \"<path>\""],
    }),
    (32, Advice {
        causes: &["Another process has the file open without sharing: the application, a service, or security software."],
        fixes: &["Close the application, or find the holder with Process Monitor / tasklist /m <file.dll> (template).", FIX_REBOOT],
    }),
    (112, Advice {
        causes: &["The target or the temp drive is full."],
        fixes: &["Free space on the system drive and on the drive TEMP points to, then retry."],
    }),
    (1058, Advice {
        causes: &["The service is disabled (start type 4)."],
        fixes: &["Check the start type (template): sc qc \"<ServiceName>\"; for Windows Installer: sc config msiserver start= demand"],
    }),
    (1069, Advice {
        causes: &["The service account's password is wrong or the account lacks \"Log on as a service\"."],
        fixes: &["Fix the password or grant \"Log on as a service\" (secpol.msc > Local Policies > User Rights Assignment)."],
    }),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::{hresult, tables};

    const REQUIRED_EXIT_CODES: &[u32] = &[
        1603, 1618, 1619, 1620, 1622, 1625, 1632, 1638, 1639, 1601, 1612, 1602, 3010, 1641,
    ];
    const REQUIRED_MESSAGES: &[u32] = &[
        1303, 1306, 1310, 1311, 1316, 1500, 1603, 1706, 1719, 1720, 1721, 1722, 1723, 1920, 1923,
        1925, 1730, 2203, 2336, 2502, 2503, 2738, 2739, 2762,
    ];

    #[test]
    fn required_exit_codes_have_causes_and_fixes() {
        for &code in REQUIRED_EXIT_CODES {
            let advice =
                exit_code_advice(code).unwrap_or_else(|| panic!("no advice for exit {code}"));
            assert!(
                !advice.causes.is_empty() && !advice.fixes.is_empty(),
                "exit {code}"
            );
        }
    }

    #[test]
    fn required_messages_have_causes_and_fixes() {
        for &code in REQUIRED_MESSAGES {
            let advice =
                message_advice(code).unwrap_or_else(|| panic!("no advice for message {code}"));
            assert!(
                !advice.causes.is_empty() && !advice.fixes.is_empty(),
                "message {code}"
            );
        }
    }

    #[test]
    fn every_key_exists_in_its_table() {
        for (code, _) in EXIT_CODE_ADVICE {
            assert!(tables::exit_code(*code).is_some(), "exit {code}");
        }
        for (code, _) in MESSAGE_ADVICE {
            assert!(tables::msi_message(*code).is_some(), "message {code}");
        }
        for (value, _) in HRESULT_ADVICE {
            assert!(
                hresult::hresult(*value).name.is_some(),
                "hresult {value:#x}"
            );
        }
        for (code, _) in WIN32_ADVICE {
            assert!(hresult::win32_error(*code).is_some(), "win32 {code}");
        }
    }

    #[test]
    fn placeholders_are_marked_as_templates() {
        let all_fixes = EXIT_CODE_ADVICE
            .iter()
            .chain(MESSAGE_ADVICE)
            .chain(HRESULT_ADVICE)
            .chain(WIN32_ADVICE)
            .flat_map(|(_, advice)| advice.fixes.iter());
        for fix in all_fixes {
            let has_placeholder = fix.contains('<') && fix.contains('>');
            assert_eq!(has_placeholder, fix.contains("template"), "{fix}");
        }
    }

    #[test]
    fn fixes_carry_the_key_commands() {
        let fixes_2503 = message_advice(2503).unwrap().fixes.join("\n");
        assert!(fixes_2503.contains("msiexec /i \"<package.msi>\" /l*v \"%TEMP%\\install.log\""));
        assert!(fixes_2503.contains("icacls C:\\Windows\\Temp"));
        let fixes_1601 = exit_code_advice(1601).unwrap().fixes.join("\n");
        assert!(fixes_1601.contains("sc config msiserver start= demand"));
        assert!(fixes_1601.contains("net start msiserver"));
        assert!(fixes_1601.contains("msiexec /unregister then msiexec /regserver"));
    }
}
