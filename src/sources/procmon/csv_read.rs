//! Streaming reader for Procmon CSV exports (UTF-8 with BOM, CRLF or LF, quoted fields).
//!
//! Columns are mapped by header name, in any order and any subset (the default seven, the
//! long Win10 set, the Win7 order). One `ByteRecord` is reused for the whole file and rows are
//! rejected on their raw bytes before anything is decoded, so memory does not grow with the
//! file, only with the kept rows. This module must not decide what matters (`filter.rs`) or
//! interpret Detail beyond the life-cycle facts (`detail.rs`).

use std::sync::Arc;

use csv::ByteRecord;

use super::clock::{parse_date, parse_time_of_day};
use super::detail::{lifecycle_facts, LifecycleFacts};
use super::filter::{
    classify_result_bytes, is_lifecycle_operation, keep_row_with_temps, ProcessTree, ResultClass,
    TempDirs,
};
use super::{non_empty, render_line, Problems, ProcmonFile};
use crate::model::{Event, EventKind, Origin, ProcmonOp, Timestamp};

/// Positions of the columns this reader uses.
#[derive(Debug, Default, Clone, Copy)]
struct Columns {
    time_of_day: Option<usize>,
    date_time: Option<usize>,
    process_name: Option<usize>,
    pid: Option<usize>,
    operation: Option<usize>,
    path: Option<usize>,
    result: Option<usize>,
    detail: Option<usize>,
    event_class: Option<usize>,
    tid: Option<usize>,
    user: Option<usize>,
    integrity: Option<usize>,
    command_line: Option<usize>,
    image_path: Option<usize>,
    parent_pid: Option<usize>,
}

impl Columns {
    fn from_header(header: &ByteRecord) -> Columns {
        let mut c = Columns::default();
        for (i, name) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(name).trim().to_ascii_lowercase();
            let slot = match name.as_str() {
                "time of day" => &mut c.time_of_day,
                "date & time" => &mut c.date_time,
                "process name" => &mut c.process_name,
                "pid" => &mut c.pid,
                "operation" => &mut c.operation,
                "path" => &mut c.path,
                "result" => &mut c.result,
                "detail" => &mut c.detail,
                "event class" => &mut c.event_class,
                "tid" => &mut c.tid,
                "user" => &mut c.user,
                "integrity" => &mut c.integrity,
                "command line" => &mut c.command_line,
                "image path" => &mut c.image_path,
                "parent pid" => &mut c.parent_pid,
                _ => continue,
            };
            slot.get_or_insert(i);
        }
        c
    }

    /// A Procmon export names at least its operation and result columns.
    fn is_procmon(&self) -> bool {
        self.operation.is_some() && self.result.is_some()
    }
}

/// Reads a CSV export; `keep_all` keeps every row instead of filtering.
pub(super) fn read(path: &Arc<str>, bytes: &[u8], keep_all: bool) -> ProcmonFile {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut problems = Problems::new(path);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = ByteRecord::new();
    let columns = match reader.read_byte_record(&mut record) {
        Ok(true) => Columns::from_header(&record),
        _ => Columns::default(),
    };
    let mut file = ProcmonFile {
        has_dates: columns.date_time.is_some(),
        ..ProcmonFile::default()
    };
    if !columns.is_procmon() {
        problems.push("no Procmon CSV header (needs at least the Operation and Result columns)");
        file.problems = problems.finish();
        return file;
    }
    let mut rows = Rows {
        path,
        columns,
        keep_all,
        tree: ProcessTree::default(),
        temps: TempDirs::default(),
        lines: LineCounter::new(bytes),
    };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                problems.push(format!("the CSV cannot be read further: {error}"));
                break;
            }
        }
        file.rows_total += 1;
        if let Some(event) = rows.row(&record, &mut problems) {
            file.events.push(event);
        }
    }
    file.rows_kept = file.events.len() as u64;
    file.problems = problems.finish();
    file
}

/// Per-file state while streaming rows.
struct Rows<'a> {
    path: &'a Arc<str>,
    columns: Columns,
    keep_all: bool,
    tree: ProcessTree,
    temps: TempDirs,
    lines: LineCounter<'a>,
}

/// 1-based physical line numbers of record starts, counted forward once over the bytes (the
/// csv crate's own line count lags by one after CRLF).
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line of the record whose reading started at byte `offset` (line breaks left over
    /// from the previous record are skipped). Offsets must not go backwards.
    fn line_of(&mut self, offset: u64) -> u64 {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.counted_to {
            let newlines = memchr::memchr_iter(b'\n', &self.bytes[self.counted_to..start]).count();
            self.line += newlines as u64;
            self.counted_to = start;
        }
        self.line
    }
}

impl Rows<'_> {
    /// Decides on one row and builds its event when kept.
    fn row(&mut self, record: &ByteRecord, problems: &mut Problems) -> Option<Event> {
        let c = self.columns;
        let operation = field(record, c.operation);
        let result = field(record, c.result).trim_ascii();
        let class = classify_result_bytes(result);
        let lifecycle = is_lifecycle_operation(operation);
        if !self.keep_all && !lifecycle && class == ResultClass::Noise {
            return None;
        }
        let name = field(record, c.process_name);
        let pid = number(field(record, c.pid)).unwrap_or(0);
        let facts = if lifecycle {
            let operation = std::str::from_utf8(operation).unwrap_or_default();
            lifecycle_facts(operation, &text(field(record, c.detail)))
        } else {
            LifecycleFacts::default()
        };
        let parent_pid = number(field(record, c.parent_pid)).or(facts.parent_pid);
        let tracked = self.tree.observe(name, pid, parent_pid);
        if tracked && operation == b"Process Create" {
            if let Some(child) = facts.child_pid {
                self.tree.created(child);
            }
        }
        if operation == b"Process Exit" {
            self.tree.exited(pid);
        }
        if tracked {
            self.temps.learn(facts.env_temp.as_deref());
            self.temps.learn(facts.env_tmp.as_deref());
        }
        // NAME/PATH NOT FOUND are frequent: drop them before decoding anything when untracked.
        if !self.keep_all && class == ResultClass::Weak && !tracked && !lifecycle {
            return None;
        }
        let path = text(field(record, c.path));
        if !self.keep_all && !keep_row_with_temps(tracked, operation, class, &path, &self.temps) {
            return None;
        }
        let operation = text(operation);
        let line = record.position().map(|p| self.lines.line_of(p.byte()));
        let time = self.time(record, line, problems);
        // `Process Start` names the process's own command line; `Process Create` the child's.
        let own_command_line = facts.command_line.filter(|_| operation == "Process Start");
        let op = ProcmonOp {
            process_name: text(name),
            pid,
            tid: number(field(record, c.tid)),
            event_class: non_empty(text(field(record, c.event_class))),
            operation,
            path,
            result: text(result),
            detail: text(field(record, c.detail)),
            user: non_empty(text(field(record, c.user))),
            integrity: non_empty(text(field(record, c.integrity))),
            command_line: non_empty(text(field(record, c.command_line))).or(own_command_line),
            image_path: non_empty(text(field(record, c.image_path))),
            parent_pid,
            env_temp: facts.env_temp,
            env_tmp: facts.env_tmp,
        };
        Some(Event {
            origin: Origin {
                path: self.path.clone(),
                line,
                record: None,
            },
            text: render_line(time.as_ref(), &op),
            time,
            thread: None,
            kind: EventKind::Procmon(Box::new(op)),
        })
    }

    /// `Time of Day`, combined with the date of `Date & Time` when the export has it.
    fn time(
        &self,
        record: &ByteRecord,
        line: Option<u64>,
        problems: &mut Problems,
    ) -> Option<Timestamp> {
        let c = self.columns;
        let date_text = c.date_time.map(|i| text(field(record, Some(i))));
        let time_text = match c.time_of_day {
            Some(i) => text(field(record, Some(i))),
            None => date_text.as_deref().map(after_date).unwrap_or_default(),
        };
        let where_ = line.map_or_else(String::new, |l| format!("line {l}: "));
        let Some(time) = parse_time_of_day(&time_text) else {
            if !time_text.is_empty() || c.time_of_day.is_some() {
                problems.push(format!("{where_}unreadable time `{time_text}`"));
            }
            return None;
        };
        match date_text {
            None => Some(Timestamp::LocalTimeOfDay(time)),
            Some(d) => match parse_date(&d) {
                Some(date) => Some(Timestamp::Local(date.and_time(time))),
                None => {
                    problems.push(format!("{where_}unreadable date `{d}`"));
                    Some(Timestamp::LocalTimeOfDay(time))
                }
            },
        }
    }
}

/// The time part of a `Date & Time` value (`7/31/2020 7:27:31 AM` → `7:27:31 AM`).
fn after_date(date_time: &str) -> String {
    date_time
        .split_once(char::is_whitespace)
        .map(|(_, t)| t.trim().to_string())
        .unwrap_or_default()
}

fn field(record: &ByteRecord, column: Option<usize>) -> &[u8] {
    column.and_then(|i| record.get(i)).unwrap_or(b"")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A decimal number field (PID, TID, Parent PID).
fn number(bytes: &[u8]) -> Option<u32> {
    std::str::from_utf8(bytes).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(csv: &str, keep_all: bool) -> ProcmonFile {
        read(&Arc::from("t.csv"), csv.as_bytes(), keep_all)
    }

    #[test]
    fn maps_columns_by_name_in_any_order() {
        let csv = "\u{feff}\"Result\",\"PID\",\"Operation\",\"Process Name\",\"Time of Day\",\"Path\"\r\n\
                   \"ACCESS DENIED\",\"12\",\"CreateFile\",\"msiexec.exe\",\"4:33:14.3062614 PM\",\"C:\\x\"\r\n";
        let f = read_str(csv, false);
        assert_eq!(f.rows_total, 1);
        assert_eq!(f.rows_kept, 1);
        let EventKind::Procmon(op) = &f.events[0].kind else {
            panic!()
        };
        assert_eq!(op.pid, 12);
        assert_eq!(op.path, "C:\\x");
        assert_eq!(f.events[0].origin.line, Some(2));
        assert!(!f.has_dates);
    }

    #[test]
    fn not_a_procmon_csv() {
        let f = read_str("a,b\r\n1,2\r\n", false);
        assert!(f.events.is_empty());
        assert_eq!(f.problems.len(), 1);
        let f = read_str("", false);
        assert_eq!(f.problems.len(), 1);
    }

    #[test]
    fn after_date_splits_time() {
        assert_eq!(after_date("7/31/2020 7:27:31 AM"), "7:27:31 AM");
        assert_eq!(after_date("nothing"), "");
    }
}
