//! Process Monitor reader: CSV exports and native PML captures in, Procmon events out.
//!
//! [`read_csv`] and [`read_pml`] keep only what an install diagnosis needs (the msiexec process
//! tree's failures and life cycle, and anyone's hard failures on installer paths; see
//! `filter.rs`); [`read_csv_all`] and [`read_pml_all`] keep every row (for conversion), and
//! [`write_csv`] writes events back as Procmon's default CSV export. Each event carries
//! `EventKind::Procmon` and a one-line text `HH:MM:SS.fffffff process.exe (PID) Operation Path
//! -> RESULT  Detail`. Detail accessors (`child_pid`, `exit_status`, …) are on
//! [`crate::model::ProcmonOp`] in `detail.rs`. CSV events cite their 1-based
//! physical line (`Origin::line`), PML events their 0-based record number in capture order
//! (`Origin::record`). CSV times are local (`LocalTimeOfDay`, or `Local` with a `Date & Time`
//! column); PML times are UTC.
//!
//! The CSV format lives in `csv/` (reader, fast record splitter, writer), the PML format in
//! `pml/` (container, record decoding, names, reader); the pieces both share (time formats in
//! `clock.rs`, the keep decision in `filter.rs`, Detail's life-cycle facts in `detail.rs`,
//! result names in `results.rs`) sit here.
//!
//! This module only reads and writes: it must not diagnose, must not fail on any input (what
//! cannot be read becomes a problem naming the file and the row or event), and must not hold
//! more than the kept events in memory.

pub mod clock;
mod csv;
pub(crate) mod detail;
pub(crate) mod filter;
mod pml;
pub mod results;

use std::fmt::Display;
use std::sync::Arc;

use crate::model::{Event, ProcmonOp, Timestamp};
use crate::sources::window::Source;

pub use csv::write::write_csv;
pub use filter::{is_installer_path, is_signal_result};

/// Everything read from one Procmon file.
#[derive(Debug, Default)]
pub struct ProcmonFile {
    /// The kept rows, in file order.
    pub events: Vec<Event>,
    /// Problems met while reading, each naming the file (at most a few dozen; repeats summed).
    pub problems: Vec<String>,
    /// Rows (CSV) or event records (PML) read.
    pub rows_total: u64,
    /// Rows turned into events.
    pub rows_kept: u64,
    /// True when times carry dates (PML, or a CSV with a `Date & Time` column).
    pub has_dates: bool,
}

/// Reads a Procmon CSV export, keeping the rows a diagnosis needs.
pub fn read_csv(path: &Arc<str>, bytes: &[u8]) -> ProcmonFile {
    csv::read::read(path, &Source::Memory(bytes), false)
}

/// [`read_csv`] from any source (a large file is read window by window, in parallel).
pub fn read_csv_source(path: &Arc<str>, source: &Source) -> ProcmonFile {
    csv::read::read(path, source, false)
}

/// [`read_csv_source`], also keeping the rows the user's rules match (`keep`).
pub fn read_csv_source_keeping(
    path: &Arc<str>,
    source: &Source,
    keep: Option<&crate::sources::keep::ExtraKeep>,
) -> ProcmonFile {
    csv::read::read_keeping(path, source, keep)
}

/// Reads a Procmon CSV export, keeping every row.
pub fn read_csv_all(path: &Arc<str>, bytes: &[u8]) -> ProcmonFile {
    csv::read::read(path, &Source::Memory(bytes), true)
}

/// Reads a native PML capture, keeping the records a diagnosis needs.
pub fn read_pml(path: &Arc<str>, bytes: &[u8]) -> ProcmonFile {
    pml::read::read(path, &Source::Memory(bytes), false)
}

/// [`read_pml`] from any source (a large file is read in windows, in parallel).
pub fn read_pml_source(path: &Arc<str>, source: &Source) -> ProcmonFile {
    pml::read::read(path, source, false)
}

/// [`read_pml_source`], also keeping the records the user's rules match (`keep`).
pub fn read_pml_source_keeping(
    path: &Arc<str>,
    source: &Source,
    keep: Option<&crate::sources::keep::ExtraKeep>,
) -> ProcmonFile {
    pml::read::read_keeping(path, source, keep)
}

/// Reads a native PML capture, keeping every record (for conversion to CSV).
pub fn read_pml_all(path: &Arc<str>, bytes: &[u8]) -> ProcmonFile {
    pml::read::read(path, &Source::Memory(bytes), true)
}

/// The one-line rendering of an operation:
/// `HH:MM:SS.fffffff process.exe (PID) Operation Path -> RESULT  Detail` (line breaks and tabs
/// of the Detail, such as a Process Start environment, become spaces).
pub fn render_line(time: Option<&Timestamp>, op: &ProcmonOp) -> String {
    let clock = match time {
        // A capture's clock is UTC (the machine's zone is not in the file): say so, since
        // the log lines cited beside it are in local time.
        Some(Timestamp::Utc(t)) => format!("{} UTC", clock::format_24h(t.time())),
        Some(Timestamp::Local(t)) => clock::format_24h(t.time()),
        Some(Timestamp::LocalTimeOfDay(t)) => clock::format_24h(*t),
        None => "??:??:??.???????".to_string(),
    };
    let mut line = format!("{clock} {} ({}) {}", op.process_name, op.pid, op.operation);
    if !op.path.is_empty() {
        line.push(' ');
        line.push_str(&op.path);
    }
    line.push_str(" -> ");
    line.push_str(&op.result);
    if !op.detail.is_empty() {
        line.push_str("  ");
        line.extend(
            op.detail
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c }),
        );
    }
    line
}

/// Collects problems for one file, prefixed with its path, capped so that a file damaged
/// everywhere cannot fill memory.
pub(crate) struct Problems {
    path: Arc<str>,
    list: Vec<String>,
    suppressed: u64,
}

impl Problems {
    pub(crate) const MAX: usize = 50;

    pub(crate) fn new(path: &Arc<str>) -> Self {
        Problems {
            path: path.clone(),
            list: Vec::new(),
            suppressed: 0,
        }
    }

    pub(crate) fn push(&mut self, message: impl Display) {
        if self.list.len() < Self::MAX {
            self.list.push(format!("{}: {message}", self.path));
        } else {
            self.suppressed += 1;
        }
    }

    /// Counts problems that were not kept (capped elsewhere) with the suppressed ones.
    pub(crate) fn add_suppressed(&mut self, n: u64) {
        self.suppressed += n;
    }

    pub(crate) fn finish(mut self) -> Vec<String> {
        if self.suppressed > 0 {
            self.list.push(format!(
                "{}: … and {} more problems not listed",
                self.path, self.suppressed
            ));
        }
        self.list
    }
}

/// `None` for an empty string.
fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    #[test]
    fn one_line_rendering() {
        let op = ProcmonOp {
            process_name: "msiexec.exe".into(),
            pid: 4242,
            tid: None,
            event_class: None,
            operation: "CreateFile".into(),
            path: r"C:\Windows\Installer\x.ipi".into(),
            result: "ACCESS DENIED".into(),
            detail: "Desired Access: Generic Write, Environment: \r;\tTEMP=C:\\T".into(),
            user: None,
            integrity: None,
            command_line: None,
            image_path: None,
            parent_pid: None,
            env_temp: None,
            env_tmp: None,
        };
        let t = Timestamp::LocalTimeOfDay(
            NaiveTime::from_hms_nano_opt(16, 33, 14, 306_261_400).unwrap(),
        );
        assert_eq!(
            render_line(Some(&t), &op),
            "16:33:14.3062614 msiexec.exe (4242) CreateFile C:\\Windows\\Installer\\x.ipi -> ACCESS DENIED  Desired Access: Generic Write, Environment:  ; TEMP=C:\\T"
        );
    }

    #[test]
    fn problems_are_capped() {
        let path: Arc<str> = Arc::from("x.csv");
        let mut p = Problems::new(&path);
        for i in 0..1000 {
            p.push(format!("row {i}"));
        }
        let list = p.finish();
        assert_eq!(list.len(), Problems::MAX + 1);
        assert!(list[0].starts_with("x.csv: row 0"));
        assert!(list.last().unwrap().contains("950 more"));
    }
}
