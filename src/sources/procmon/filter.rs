//! Which Procmon rows matter for an install diagnosis, decided row by row while streaming.
//!
//! Kept: every row of the msiexec process tree (msiexec.exe client, service and custom-action
//! servers, and their descendants) that failed with a signal result, their process
//! start/create/exit rows, and any process's hard failure on an installer path
//! (docs/formats.md §2, §4). This module only decides; it must not parse files, allocate per
//! dropped row, or grow with anything but the number of tracked processes.

use std::collections::HashSet;

/// How a `Result` value counts for the diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultClass {
    /// Success and the routine failures every capture is full of (BUFFER OVERFLOW, REPARSE …).
    Noise,
    /// A failure worth reporting wherever it happens in the installer's processes.
    Strong,
    /// A failure that is noise except on installer paths (NAME NOT FOUND, PATH NOT FOUND).
    Weak,
}

/// Classifies a Procmon result name (case-insensitive).
pub fn classify_result(result: &str) -> ResultClass {
    classify_result_bytes(result.trim().as_bytes())
}

/// [`classify_result`] on the raw bytes of a CSV field, without decoding it.
pub fn classify_result_bytes(result: &[u8]) -> ResultClass {
    // Besides the denied accesses (`src/kb/signals.rs`).
    const STRONG: &[&[u8]] = &[
        b"SHARING VIOLATION",
        b"NAME COLLISION",
        b"DISK FULL",
        b"CANNOT DELETE",
        b"DELETE PENDING",
    ];
    const WEAK: &[&[u8]] = &[b"NAME NOT FOUND", b"PATH NOT FOUND"];
    if crate::kb::signals::is_denied_result_bytes(result)
        || STRONG.iter().any(|s| s.eq_ignore_ascii_case(result))
    {
        ResultClass::Strong
    } else if WEAK.iter().any(|s| s.eq_ignore_ascii_case(result)) {
        ResultClass::Weak
    } else {
        ResultClass::Noise
    }
}

/// True for the failure results a diagnosis looks at: ACCESS DENIED, PRIVILEGE NOT HELD,
/// SHARING VIOLATION, NAME COLLISION, DISK FULL, CANNOT DELETE, DELETE PENDING, and
/// NAME NOT FOUND / PATH NOT FOUND (those two only matter on installer paths).
pub fn is_signal_result(result: &str) -> bool {
    classify_result(result) != ResultClass::Noise
}

/// True when `path` (file or registry, any case, `HKLM`/`HKEY_LOCAL_MACHINE`/`\REGISTRY\MACHINE`,
/// with or without `WOW6432Node`) is one Windows Installer depends on: `C:\Windows\Installer`,
/// `C:\Config.Msi`, `C:\Windows\Temp`, `C:\Windows\SystemTemp`, `…\AppData\Local\Temp`, the
/// Installer registry keys (`…\CurrentVersion\Installer`, `Classes\Installer`,
/// `Software\Microsoft\Installer`), the msiserver service key, the Installer policies and
/// `PendingFileRenameOperations`.
pub fn is_installer_path(path: &str) -> bool {
    let normal = normalize_path(path);
    FILE_PLACES
        .iter()
        .any(|place| contains_component(&normal, place))
        || REGISTRY_PLACES
            .iter()
            .any(|place| contains_component(&normal, place))
        || normal.starts_with("hkcr\\installer") && component_ends(&normal, "hkcr\\installer".len())
        || normal.contains("\\control\\session manager\\pendingfilerenameoperations")
}

/// Folders (matched as whole path components, anywhere in the path).
const FILE_PLACES: &[&str] = &[
    ":\\windows\\installer",
    ":\\config.msi",
    ":\\windows\\temp",
    ":\\windows\\systemtemp",
    "\\appdata\\local\\temp",
    "\\local settings\\temp",
];

/// Registry keys under any hive (matched as whole key components).
const REGISTRY_PLACES: &[&str] = &[
    "\\software\\microsoft\\windows\\currentversion\\installer",
    "\\software\\classes\\installer",
    "\\software\\microsoft\\installer",
    "\\software\\policies\\microsoft\\windows\\installer",
    "\\services\\msiserver",
];

/// Lower-cases, unifies registry root spellings and drops `\WOW6432Node`.
fn normalize_path(path: &str) -> String {
    let mut lower = path.trim().to_ascii_lowercase().replace('/', "\\");
    for (long, short) in [
        ("hkey_local_machine", "hklm"),
        ("\\registry\\machine", "hklm"),
        ("hkey_classes_root", "hkcr"),
        ("hkey_current_user", "hkcu"),
        ("hkey_users", "hku"),
        ("\\registry\\user", "hku"),
    ] {
        if lower.starts_with(long) {
            lower.replace_range(..long.len(), short);
            break;
        }
    }
    lower.replace("\\wow6432node", "")
}

/// `needle` occurs in `haystack` and ends at a component boundary (end or `\`).
fn contains_component(haystack: &str, needle: &str) -> bool {
    haystack
        .match_indices(needle)
        .any(|(at, _)| component_ends(haystack, at + needle.len()))
}

fn component_ends(s: &str, end: usize) -> bool {
    matches!(s.as_bytes().get(end), None | Some(b'\\'))
}

/// True for `msiexec.exe` in any case (client, service, custom-action server).
pub fn is_msiexec(process_name: &[u8]) -> bool {
    process_name
        .trim_ascii()
        .eq_ignore_ascii_case(b"msiexec.exe")
}

/// True for the process life-cycle operations that are kept for tracked processes.
pub fn is_lifecycle_operation(operation: &[u8]) -> bool {
    matches!(
        operation,
        b"Process Start" | b"Process Create" | b"Process Exit"
    )
}

/// The msiexec process tree, followed through the rows in capture order.
#[derive(Debug, Default)]
pub struct ProcessTree {
    pids: HashSet<u32>,
}

impl ProcessTree {
    /// Decides whether a row's process belongs to the tree, learning from it: msiexec.exe by
    /// name, or a parent (Parent PID column, `Process Start` detail) already in the tree.
    pub fn observe(&mut self, process_name: &[u8], pid: u32, parent_pid: Option<u32>) -> bool {
        if self.pids.contains(&pid) {
            return true;
        }
        let joins = is_msiexec(process_name) || parent_pid.is_some_and(|p| self.pids.contains(&p));
        if joins {
            self.pids.insert(pid);
        }
        joins
    }

    /// A tracked process created `child`: the child joins the tree.
    pub fn created(&mut self, child: u32) {
        self.pids.insert(child);
    }

    /// The process exited: its PID may be reused by an unrelated process later.
    pub fn exited(&mut self, pid: u32) {
        self.pids.remove(&pid);
    }
}

/// The TEMP/TMP folders of the tracked processes (from their `Process Start` environment):
/// NAME/PATH NOT FOUND there matter as much as on the installer paths (a TEMP that points to
/// a missing folder is a classic cause of 2503/1632).
#[derive(Debug, Default)]
pub struct TempDirs {
    dirs: Vec<String>,
}

impl TempDirs {
    /// Remembers a TEMP value (at most a few dozen distinct folders are kept).
    pub fn learn(&mut self, dir: Option<&str>) {
        let Some(dir) = dir.map(|d| d.trim().trim_end_matches('\\').to_ascii_lowercase()) else {
            return;
        };
        if dir.len() >= 3 && self.dirs.len() < 64 && !self.dirs.contains(&dir) {
            self.dirs.push(dir);
        }
    }

    /// True when `path` is one of the folders or inside one.
    pub fn holds(&self, path: &str) -> bool {
        let p = path.to_ascii_lowercase();
        self.dirs.iter().any(|d| {
            p == *d || (p.starts_with(d.as_str()) && p.as_bytes().get(d.len()) == Some(&b'\\'))
        })
    }
}

/// Whether a row is kept, from what the row says and whether its process is tracked, also
/// keeping the tracked processes' NAME/PATH NOT FOUND in their TEMP folders (`temps`).
pub fn keep_row_with_temps(
    tracked: bool,
    operation: &[u8],
    result: ResultClass,
    path: &str,
    temps: &TempDirs,
) -> bool {
    if tracked && is_lifecycle_operation(operation) {
        return true;
    }
    match result {
        ResultClass::Noise => false,
        ResultClass::Strong => tracked || is_installer_path(path),
        ResultClass::Weak => tracked && (is_installer_path(path) || temps.holds(path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`keep_row_with_temps`] without TEMP folders.
    fn keep_row(tracked: bool, operation: &[u8], result: ResultClass, path: &str) -> bool {
        keep_row_with_temps(tracked, operation, result, path, &TempDirs::default())
    }

    #[test]
    fn installer_file_paths() {
        assert!(is_installer_path(
            r"C:\Windows\Installer\inprogressinstallinfo.ipi"
        ));
        assert!(is_installer_path(r"c:\windows\installer"));
        assert!(is_installer_path(r"C:\WINDOWS\Installer\MSI1A2B.tmp"));
        assert!(is_installer_path(r"D:\Config.Msi\3f2a.rbs"));
        assert!(is_installer_path(r"C:\Windows\Temp\MSI123.LOG"));
        assert!(is_installer_path(r"C:\Windows\SystemTemp\x.tmp"));
        assert!(is_installer_path(
            r"C:\Users\bob\AppData\Local\Temp\MSIa1b2c.LOG"
        ));
        assert!(is_installer_path(r"C:\Users\bob\AppData\Local\Temp"));
        assert!(!is_installer_path(r"C:\Windows\InstallerBackup\x"));
        assert!(!is_installer_path(r"C:\Windows\System32\msi.dll"));
        assert!(!is_installer_path(r"C:\Users\bob\AppData\Local\Tempest\x"));
        assert!(!is_installer_path(""));
    }

    #[test]
    fn installer_registry_paths() {
        assert!(is_installer_path(
            r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Installer\InProgress"
        ));
        assert!(is_installer_path(
            r"HKEY_LOCAL_MACHINE\Software\Microsoft\Windows\CurrentVersion\Installer\UserData\S-1-5-18"
        ));
        assert!(is_installer_path(
            r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Installer"
        ));
        assert!(is_installer_path(
            r"\REGISTRY\MACHINE\SYSTEM\CurrentControlSet\Services\msiserver\Start"
        ));
        assert!(is_installer_path(
            r"HKLM\System\ControlSet001\Services\MSIServer"
        ));
        assert!(is_installer_path(
            r"HKLM\SOFTWARE\Policies\Microsoft\Windows\Installer\DisableMSI"
        ));
        assert!(is_installer_path(
            r"HKCU\Software\Policies\Microsoft\Windows\Installer\AlwaysInstallElevated"
        ));
        assert!(is_installer_path(
            r"HKLM\System\CurrentControlSet\Control\Session Manager\PendingFileRenameOperations"
        ));
        assert!(is_installer_path(r"HKCR\Installer\Products\ABC"));
        assert!(is_installer_path(r"HKEY_CLASSES_ROOT\Installer"));
        assert!(is_installer_path(
            r"HKLM\SOFTWARE\Classes\Installer\Features"
        ));
        assert!(is_installer_path(
            r"HKCU\Software\Microsoft\Installer\Products"
        ));
        assert!(!is_installer_path(
            r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Installers"
        ));
        assert!(!is_installer_path(
            r"HKLM\System\CurrentControlSet\Services\msiserverx"
        ));
        assert!(!is_installer_path(r"HKCR\InstallerX"));
        assert!(!is_installer_path(r"HKLM\SOFTWARE\Microsoft\Windows"));
    }

    #[test]
    fn signal_results() {
        for r in [
            "ACCESS DENIED",
            "access denied",
            "PRIVILEGE NOT HELD",
            "SHARING VIOLATION",
            "NAME COLLISION",
            "NAME NOT FOUND",
            "PATH NOT FOUND",
        ] {
            assert!(is_signal_result(r), "{r}");
        }
        for r in [
            "SUCCESS",
            "BUFFER OVERFLOW",
            "REPARSE",
            "NO MORE ENTRIES",
            "FAST IO DISALLOWED",
            "END OF FILE",
            "",
            "0xC000046F",
        ] {
            assert!(!is_signal_result(r), "{r}");
        }
        assert_eq!(classify_result(" NAME NOT FOUND "), ResultClass::Weak);
        assert_eq!(classify_result("Sharing Violation"), ResultClass::Strong);
    }

    #[test]
    fn tree_follows_children_and_exits() {
        let mut tree = ProcessTree::default();
        assert!(tree.observe(b"MsiExec.exe", 100, None));
        assert!(!tree.observe(b"explorer.exe", 5, None));
        tree.created(200);
        assert!(tree.observe(b"cmd.exe", 200, Some(100)));
        assert!(tree.observe(b"rundll32.exe", 300, Some(200)));
        tree.exited(200);
        assert!(!tree.observe(b"notepad.exe", 200, Some(5)));
    }

    #[test]
    fn keep_rules() {
        let inst = r"C:\Windows\Installer\x.msi";
        assert!(keep_row(true, b"Process Exit", ResultClass::Noise, ""));
        assert!(!keep_row(false, b"Process Exit", ResultClass::Noise, ""));
        assert!(keep_row(true, b"CreateFile", ResultClass::Strong, r"C:\x"));
        assert!(keep_row(false, b"CreateFile", ResultClass::Strong, inst));
        assert!(!keep_row(
            false,
            b"CreateFile",
            ResultClass::Strong,
            r"C:\x"
        ));
        assert!(keep_row(true, b"CreateFile", ResultClass::Weak, inst));
        let mut temps = TempDirs::default();
        temps.learn(Some("Z:\\Temp\\"));
        assert!(keep_row_with_temps(
            true,
            b"CreateFile",
            ResultClass::Weak,
            r"z:\temp\MSI1.LOG",
            &temps
        ));
        assert!(!keep_row_with_temps(
            true,
            b"CreateFile",
            ResultClass::Weak,
            r"Z:\Tempest\x",
            &temps
        ));
        assert!(!keep_row(true, b"CreateFile", ResultClass::Weak, r"C:\x"));
        assert!(!keep_row(false, b"CreateFile", ResultClass::Weak, inst));
        assert!(!keep_row(true, b"CreateFile", ResultClass::Noise, inst));
    }
}
