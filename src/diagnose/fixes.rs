//! Fix templates: concrete commands filled with the real product code, package path, user and
//! folders taken from a session's evidence. When a value is unknown the placeholder says what
//! to put there (`<path to the .msi>`); a command is never filled with an invented value.

use super::evidence::SessionView;
use super::Fix;
use crate::model::Operation;

/// Values fixes are filled with.
pub struct FixValues {
    pub package: String,
    pub product_code: Option<String>,
    pub log_name: String,
    pub user: Option<String>,
    pub operation: Operation,
}

impl FixValues {
    pub fn of(view: &SessionView) -> FixValues {
        let s = view.session;
        let package = s
            .facts
            .package
            .as_ref()
            .map(|p| p.value.clone())
            // `******* Product: {GUID}` names an installed product, not a package.
            .filter(|p| !p.starts_with('{'))
            .or_else(|| view.property("OriginalDatabase").map(|p| p.value))
            // An event-log session: the package its 1040 record names.
            .or_else(|| {
                view.win_events()
                    .into_iter()
                    .find_map(|(_, w)| match w.msi() {
                        Some(crate::model::MsiInstallerFact::TransactionBegin {
                            target, ..
                        }) if target.to_ascii_lowercase().ends_with(".msi") => Some(target.clone()),
                        _ => None,
                    })
            })
            .unwrap_or_else(|| "<path to the .msi>".to_string());
        let base = s
            .product
            .as_deref()
            .map(|p| {
                p.chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
            })
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "msi".to_string());
        let log_name = format!("{base}-{}.log", s.operation.noun());
        FixValues {
            package,
            product_code: s.product_code.clone(),
            log_name,
            user: view.property("LogonUser").map(|p| p.value),
            operation: s.operation,
        }
    }

    /// The msiexec command that repeats this operation with a verbose log.
    pub fn rerun_command(&self) -> String {
        let log = format!("/l*v \"%TEMP%\\{}\"", self.log_name);
        match self.operation {
            Operation::Uninstall => {
                let target = self
                    .product_code
                    .clone()
                    .unwrap_or_else(|| format!("\"{}\"", self.package));
                format!("msiexec /x {target} {log}")
            }
            Operation::Repair => match &self.product_code {
                Some(code) => format!("msiexec /fa {code} {log}"),
                None => format!("msiexec /fa \"{}\" {log}", self.package),
            },
            _ => format!("msiexec /i \"{}\" {log}", self.package),
        }
    }
}

/// "Run it again from an elevated prompt", with the exact command.
pub fn rerun_elevated(v: &FixValues) -> Fix {
    Fix::cmd(
        "Open Command Prompt with \"Run as administrator\" and run the same operation from there, with a verbose log",
        v.rerun_command(),
    )
}

/// "Run it again with a verbose log" (no elevation claim).
pub fn rerun_logged(v: &FixValues) -> Fix {
    Fix::cmd(
        "Run the operation again with a verbose log to confirm the fix",
        v.rerun_command(),
    )
}

/// Shows who holds the Windows Installer mutex / whether an install is registered as running.
pub fn find_running_install() -> Vec<Fix> {
    vec![
        Fix::cmd(
            "See which msiexec processes are running (the service process runs `msiexec.exe /V`)",
            "tasklist /v /fi \"imagename eq msiexec.exe\"",
        ),
        Fix::cmd(
            "Check whether Windows Installer still records an install in progress",
            "reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\InProgress\"",
        ),
        Fix::text("Let the other installation finish (Windows Update and software deployment agents often run one), or restart the machine to clear a stuck one, then retry"),
    ]
}

/// Restores the default access to a folder Windows Installer writes to.
pub fn folder_acl_fixes(folder: &str) -> Vec<Fix> {
    let folder = &command_path(folder);
    vec![
        Fix::cmd("Inspect the folder's permissions (compare with a healthy machine)", format!("icacls \"{folder}\"")),
        Fix::cmd(
            "Give SYSTEM and Administrators full control again (elevated prompt)",
            format!("icacls \"{folder}\" /grant \"NT AUTHORITY\\SYSTEM:(OI)(CI)F\" \"BUILTIN\\Administrators:(OI)(CI)F\""),
        ),
        Fix::text("If security software blocks msiexec.exe there, exclude the folder temporarily and retry"),
    ]
}

/// A path as a quoted command argument takes it: `"D:\App\"` would end in an escaped quote,
/// so a trailing `\` goes (a drive root such as `C:\` keeps it).
pub fn command_path(path: &str) -> String {
    let path = path.trim();
    if path.len() > 3 {
        path.trim_end_matches('\\').to_string()
    } else {
        path.to_string()
    }
}
