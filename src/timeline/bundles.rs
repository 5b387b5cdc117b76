//! Bundle runs (WiX Burn) on the timeline: each run gets an id (`B1`, `B2`, …) and each of its
//! packages is linked to the install session read from the MSI log the bundle names for it
//! (`WixBundleLog_<id>`), matched by file name, case-insensitively, among the inputs.
//!
//! It only links; it must not diagnose (that is `src/diagnose/bundle.rs`).

use crate::model::BundleLog;

use super::facts::Outcome;
use super::session::InstallSession;

/// One bundle run and the sessions of its packages.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// `B1`, `B2`, … in input order.
    pub id: String,
    pub log: BundleLog,
    /// For each package of `log.packages` (same order), the id of the session read from the
    /// package's own MSI log, when that log is among the inputs.
    pub package_sessions: Vec<Option<String>>,
}

impl Bundle {
    /// The run's outcome from its exit code (a Win32 code or an HRESULT wrapping one):
    /// `unknown` when the log has none.
    pub fn outcome(&self) -> Outcome {
        match self.log.exit_code {
            None => Outcome::Unknown,
            Some(code) => {
                let win32 = if code & 0xFFFF_0000 == 0x8007_0000 {
                    code & 0xFFFF
                } else {
                    code
                };
                Outcome::from_code(i64::from(win32))
            }
        }
    }

    /// The session linked to package `i`, when any.
    pub fn session_of(&self, i: usize) -> Option<&str> {
        self.package_sessions.get(i).and_then(|s| s.as_deref())
    }
}

/// The last component of a Windows or archive path (`C:\T\x.log`, `a.zip!dir/x.log`).
pub fn file_name(path: &str) -> &str {
    path.rsplit(['\\', '/', '!']).next().unwrap_or(path)
}

/// Links every package of `runs` to its MSI log's session among `sessions`.
pub fn link(runs: Vec<BundleLog>, sessions: &[InstallSession]) -> Vec<Bundle> {
    runs.into_iter()
        .enumerate()
        .map(|(n, log)| {
            let package_sessions = log
                .packages
                .iter()
                .map(|p| {
                    let wanted = file_name(p.log_path.as_deref()?);
                    let candidates: Vec<&InstallSession> = sessions
                        .iter()
                        .filter(|s| file_name(&s.path).eq_ignore_ascii_case(wanted))
                        .collect();
                    // One log per package; when the file holds several sessions, the failed
                    // one (else the last) is the package's.
                    candidates
                        .iter()
                        .rev()
                        .find(|s| s.outcome.is_failure())
                        .or(candidates.last())
                        .map(|s| s.id.clone())
                })
                .collect();
            Bundle {
                id: format!("B{}", n + 1),
                log,
                package_sessions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_reads_win32_codes_and_their_hresults() {
        let log = BundleLog::started_at("b.log".into(), 1, "3.14".into());
        let mut b = Bundle {
            id: "B1".into(),
            log,
            package_sessions: Vec::new(),
        };
        for (code, want) in [
            (None, Outcome::Unknown),
            (Some(0), Outcome::Success),
            (Some(3010), Outcome::SuccessRebootRequired),
            (Some(0x8007_0642), Outcome::Cancelled),
            (Some(0x8007_0643), Outcome::Failure),
            (Some(1), Outcome::Failure),
        ] {
            b.log.exit_code = code;
            assert_eq!(b.outcome(), want, "{code:?}");
        }
    }

    #[test]
    fn file_names_of_windows_and_archive_paths() {
        assert_eq!(file_name(r"C:\Temp\a_000_X.log"), "a_000_X.log");
        assert_eq!(file_name("logs.zip!dir/a_000_X.log"), "a_000_X.log");
        assert_eq!(file_name("plain.log"), "plain.log");
    }
}
