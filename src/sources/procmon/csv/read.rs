//! Reader for Procmon CSV exports (UTF-8 with BOM, CRLF or LF, quoted fields), in parallel
//! windows.
//!
//! Columns are mapped by header name, in any order and any subset (the default seven, the
//! long Win10 set, the Win7 order). Rows are rejected on their raw bytes before anything is
//! decoded, and the file is read window by window, so memory does not grow with the file, only
//! with the kept rows. This module must not decide what matters (`filter.rs`) or
//! interpret Detail beyond the life-cycle facts (`detail.rs`).

use std::io;
use std::sync::Arc;

use csv::ByteRecord;
use rayon::prelude::*;

use super::fast::{next_record, skip_line_breaks, Span, Step};
use crate::model::{Event, EventKind, Origin, ProcmonOp, Timestamp};
use crate::sources::keep::ExtraKeep;
use crate::sources::procmon::clock::{parse_date, parse_time_of_day};
use crate::sources::procmon::detail::{lifecycle_facts, LifecycleFacts};
use crate::sources::procmon::filter::{
    classify_result_bytes, is_lifecycle_operation, keep_row_with_temps, ProcessTree, ResultClass,
    TempDirs,
};
use crate::sources::procmon::{non_empty, render_line, Problems, ProcmonFile};
use crate::sources::window::{window_or, Source};

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

/// Windows of the body read (and split) at a time; each worker holds one.
const WINDOW: usize = 1 << 20;
/// Bytes read past a window's end to finish its last record (more when a record is longer).
const MARGIN: usize = 16 << 10;
/// The header is looked for in the first bytes.
const HEAD: usize = 1 << 20;

/// Reads a CSV export; `keep_all` keeps every row instead of filtering.
///
/// The body is cut into windows read in parallel: each window finds its first record after a
/// line break and splits its records ([`fast`](super::fast), or the `csv` crate for odd shapes), keeping
/// only the rows that can matter whatever came before (a signal result or a life-cycle
/// operation). The windows are then joined in order: a window whose first record is not where
/// the previous one stopped (its line break was inside a quoted field) is read again from there.
/// Last, the kept rows go through the process tree and TEMP folders in file order, as one
/// stream would.
pub(in crate::sources::procmon) fn read(
    path: &Arc<str>,
    source: &Source,
    keep_all: bool,
) -> ProcmonFile {
    read_windowed(path, source, keep_all, window_or(WINDOW))
}

/// [`read`], also keeping the rows the user's rules match (`extra`).
pub(in crate::sources::procmon) fn read_keeping(
    path: &Arc<str>,
    source: &Source,
    extra: Option<&ExtraKeep>,
) -> ProcmonFile {
    read_windowed_keeping(path, source, false, window_or(WINDOW), extra)
}

/// [`read`] with windows of `window` bytes.
fn read_windowed(path: &Arc<str>, source: &Source, keep_all: bool, window: usize) -> ProcmonFile {
    read_windowed_keeping(path, source, keep_all, window, None)
}

/// [`read_windowed`], also keeping the rows the user's rules match (`extra`).
fn read_windowed_keeping(
    path: &Arc<str>,
    source: &Source,
    keep_all: bool,
    window: usize,
    extra: Option<&ExtraKeep>,
) -> ProcmonFile {
    let extra = extra.filter(|k| k.wants_rows());
    let mut problems = Problems::new(path);
    let mut file = ProcmonFile::default();
    let head = match source.read_vec(0, HEAD) {
        Ok(head) => head,
        Err(e) => {
            problems.push(format!("cannot be read: {e}"));
            file.problems = problems.finish();
            return file;
        }
    };
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&head[bom..]);
    let mut record = ByteRecord::new();
    let columns = match reader.read_byte_record(&mut record) {
        Ok(true) => Columns::from_header(&record),
        _ => Columns::default(),
    };
    file.has_dates = columns.date_time.is_some();
    if !columns.is_procmon() {
        problems.push("no Procmon CSV header (needs at least the Operation and Result columns)");
        file.problems = problems.finish();
        return file;
    }
    let header_end = bom + reader.position().byte() as usize;
    let body = skip_line_breaks(&head, header_end);
    let mut rows = Rows {
        path,
        columns,
        keep_all,
        extra,
        tree: ProcessTree::default(),
        temps: TempDirs::default(),
    };
    let mut join = Join {
        pos: body as u64,
        line: 1 + memchr::memchr_iter(b'\n', &head[..body.min(head.len())]).count() as u64,
    };
    drop(head);
    let len = source.len();
    let windows: Vec<(u64, u64)> = (body as u64..len)
        .step_by(window)
        .map(|start| (start, (start + window as u64).min(len)))
        .collect();
    let batch = (rayon::current_num_threads() * 16).max(2);
    let split = Split {
        source,
        columns,
        keep_all,
        extra,
    };
    let split_group = |batch_no: usize, group: &[(u64, u64)]| -> Outputs {
        group
            .par_iter()
            // Every window its own job: a thread that runs out steals single windows, instead of
            // sleeping while the other finishes a run of them.
            .with_max_len(1)
            .enumerate()
            .map(|(i, &(start, end))| split.window(start, end, batch_no + i > 0))
            .collect()
    };
    // Joins the windows of one group in order (while the next group is split in parallel).
    let mut join_group = |group: &[(u64, u64)], outputs: Outputs| -> bool {
        for (&(start, end), output) in group.iter().zip(outputs) {
            if join.pos >= end {
                continue; // the previous window's last record covers this one
            }
            let output = match output {
                Ok(out) if out.start == join.pos => Ok(out),
                // Started inside a quoted field (or the read failed): again, from the right place.
                _ => split.window(join.pos.max(start), end, false),
            };
            let output = match output {
                Ok(out) => out,
                Err(e) => {
                    problems.push(format!(
                        "the CSV cannot be read further (byte {}): {e}",
                        join.pos
                    ));
                    return false;
                }
            };
            file.rows_total += output.rows;
            for (rel_line, record) in output.kept.iter() {
                if let Some(event) = rows.row(&record, Some(join.line + rel_line), &mut problems) {
                    file.events.push(event);
                }
            }
            join.pos = output.stop;
            join.line += output.newlines;
        }
        true
    };
    let mut pending: Option<(&[(u64, u64)], Outputs)> = None;
    for (batch_no, group) in windows.chunks(batch).enumerate() {
        let (joined, outputs) = rayon::join(
            || pending.take().is_none_or(|(g, o)| join_group(g, o)),
            || split_group(batch_no * batch, group),
        );
        if !joined {
            pending = None;
            break;
        }
        pending = Some((group, outputs));
    }
    if let Some((group, outputs)) = pending {
        join_group(group, outputs);
    }
    file.rows_kept = file.events.len() as u64;
    file.problems = problems.finish();
    file
}

/// The windows of one group, split.
type Outputs = Vec<io::Result<WindowOut>>;

/// Where the joined windows stand: the next record's position and its line.
struct Join {
    pos: u64,
    line: u64,
}

/// What one window gave.
struct WindowOut {
    /// Where its first record starts.
    start: u64,
    /// Where the record after its last one starts (line breaks skipped).
    stop: u64,
    /// Line breaks from `start` to `stop`.
    newlines: u64,
    rows: u64,
    /// The rows that may matter, with their line relative to `start`'s.
    kept: KeptRows,
}

/// The kept rows of one window in three allocations (bytes, field ends, rows). The joining
/// thread frees them: one allocation per row made the splitting threads wait on the
/// allocator's lock for every row the other thread freed.
#[derive(Default)]
struct KeptRows {
    bytes: Vec<u8>,
    /// Where each field ends in `bytes` (a field starts where the one before ends).
    ends: Vec<usize>,
    /// Per row: its line relative to the window's start, its first field, its field count.
    rows: Vec<(u64, usize, usize)>,
}

impl KeptRows {
    fn start_row(&mut self, line: u64) {
        self.rows.push((line, self.ends.len(), 0));
    }

    /// Appends a field to the row started last.
    fn push_field(&mut self, value: &[u8]) {
        self.bytes.extend_from_slice(value);
        self.ends.push(self.bytes.len());
        if let Some(row) = self.rows.last_mut() {
            row.2 += 1;
        }
    }

    fn push_record(&mut self, line: u64, record: &ByteRecord) {
        self.start_row(line);
        for value in record {
            self.push_field(value);
        }
    }

    fn iter(&self) -> impl Iterator<Item = (u64, KeptRow<'_>)> {
        self.rows.iter().map(|&(line, first, count)| {
            (
                line,
                KeptRow {
                    kept: self,
                    first,
                    count,
                },
            )
        })
    }
}

/// One kept row's fields.
struct KeptRow<'a> {
    kept: &'a KeptRows,
    first: usize,
    count: usize,
}

/// Field access shared by the `csv` crate's records and the kept rows.
trait Fields {
    fn get(&self, i: usize) -> Option<&[u8]>;
}

impl Fields for ByteRecord {
    fn get(&self, i: usize) -> Option<&[u8]> {
        ByteRecord::get(self, i)
    }
}

impl Fields for KeptRow<'_> {
    fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.count {
            return None;
        }
        let at = self.first + i;
        let start = if at == 0 { 0 } else { self.kept.ends[at - 1] };
        Some(&self.kept.bytes[start..self.kept.ends[at]])
    }
}

/// Splits windows of one file.
struct Split<'s> {
    source: &'s Source<'s>,
    columns: Columns,
    keep_all: bool,
    /// Rows the user's rules match are kept too.
    extra: Option<&'s ExtraKeep>,
}

impl Split<'_> {
    /// The records starting in `start..end` (from the first line start at or after `start` when
    /// `speculative`, else from `start` itself).
    fn window(&self, start: u64, end: u64, speculative: bool) -> io::Result<WindowOut> {
        // A speculative window looks from the byte before its start, so that a record starting
        // exactly at its start (after a break just before it) is found.
        let start = if speculative {
            start.saturating_sub(1)
        } else {
            start
        };
        let len = self.source.len();
        let mut margin = MARGIN as u64;
        loop {
            let read_len = (end - start + margin) as usize;
            let at_eof = start + read_len as u64 >= len;
            let out = self.source.with(start, read_len, |buf| {
                self.split(buf, start, (end - start) as usize, speculative, at_eof)
            })?;
            match out {
                Some(out) => return Ok(out),
                None if at_eof => unreachable!("the whole rest of the file was read"),
                None => margin = margin.saturating_mul(4),
            }
        }
    }

    /// `None` when the last record (or the line breaks after it) runs past `buf`.
    fn split(
        &self,
        buf: &[u8],
        base: u64,
        limit: usize,
        speculative: bool,
        at_eof: bool,
    ) -> Option<WindowOut> {
        let from = if speculative {
            match line_start(buf, limit) {
                Some(at) => at,
                None => {
                    // No line starts in the window: it holds no record start of its own.
                    let at = limit.min(buf.len());
                    return Some(WindowOut {
                        start: base + at as u64 + 1,
                        stop: base + at as u64 + 1,
                        newlines: 0,
                        rows: 0,
                        kept: KeptRows::default(),
                    });
                }
            }
        } else {
            0
        };
        let first = skip_line_breaks(buf, from);
        let mut out = WindowOut {
            start: base + first as u64,
            stop: base + first as u64,
            newlines: 0,
            rows: 0,
            kept: KeptRows::default(),
        };
        let mut lines = Lines {
            at: first,
            count: 0,
        };
        let mut fields = Vec::new();
        let mut value = Vec::new();
        let mut pos = first;
        loop {
            match next_record(buf, pos, at_eof, &mut fields) {
                Step::Record { start, next } => {
                    if start >= limit {
                        pos = start;
                        break;
                    }
                    out.rows += 1;
                    if self.may_matter(buf, &fields) {
                        out.kept.start_row(lines.to(buf, start));
                        for f in &fields {
                            if f.escaped {
                                value.clear();
                                f.push_value(buf, &mut value);
                                out.kept.push_field(&value);
                            } else {
                                out.kept.push_field(f.raw(buf));
                            }
                        }
                    }
                    pos = next;
                }
                Step::End => {
                    if !at_eof {
                        return None;
                    }
                    pos = buf.len();
                    break;
                }
                Step::NeedMore { start } if start >= limit => {
                    pos = start;
                    break;
                }
                Step::NeedMore { .. } => return None,
                Step::Irregular { start } => {
                    if start >= limit {
                        pos = start;
                        break;
                    }
                    pos = self.crate_records(buf, start, limit, at_eof, &mut lines, &mut out)?;
                    break;
                }
            }
        }
        out.stop = base + pos as u64;
        out.newlines = lines.to(buf, pos);
        Some(out)
    }

    /// The records from `start` on, read by the `csv` crate (shapes the fast splitter leaves to
    /// it). Returns where the record after the last one starts.
    fn crate_records(
        &self,
        buf: &[u8],
        start: usize,
        limit: usize,
        at_eof: bool,
        lines: &mut Lines,
        out: &mut WindowOut,
    ) -> Option<usize> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&buf[start..]);
        let mut record = ByteRecord::new();
        loop {
            let before = start + reader.position().byte() as usize;
            let record_start = skip_line_breaks(buf, before);
            if record_start >= limit || record_start >= buf.len() {
                return (at_eof || record_start < buf.len()).then_some(record_start);
            }
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                _ => return at_eof.then_some(buf.len()),
            }
            let after = start + reader.position().byte() as usize;
            if after >= buf.len() && !at_eof {
                return None;
            }
            out.rows += 1;
            if self.keep_all
                || self.record_may_matter(&record)
                || self
                    .extra
                    .is_some_and(|k| k.row(row_fields(&record, &self.columns)))
            {
                out.kept.push_record(lines.to(buf, record_start), &record);
            }
        }
    }

    /// A row can only matter when its result is a signal or it is a life-cycle operation
    /// (the rest is dropped whatever the rows before said).
    fn may_matter(&self, buf: &[u8], fields: &[Span]) -> bool {
        if self.keep_all {
            return true;
        }
        let value = |column: Option<usize>| -> std::borrow::Cow<'_, [u8]> {
            match column.and_then(|i| fields.get(i)) {
                Some(f) if f.escaped => {
                    let mut v = Vec::new();
                    f.push_value(buf, &mut v);
                    std::borrow::Cow::Owned(v)
                }
                Some(f) => std::borrow::Cow::Borrowed(f.raw(buf)),
                None => std::borrow::Cow::Borrowed(&[]),
            }
        };
        let c = &self.columns;
        is_lifecycle_operation(&value(c.operation))
            || classify_result_bytes(value(c.result).trim_ascii()) != ResultClass::Noise
            || self.extra.is_some_and(|k| {
                k.row_with(|f| {
                    let column = [c.process_name, c.operation, c.path, c.result][f];
                    let text = match value(column) {
                        std::borrow::Cow::Borrowed(b) => String::from_utf8_lossy(b),
                        std::borrow::Cow::Owned(v) => {
                            std::borrow::Cow::Owned(String::from_utf8_lossy(&v).into_owned())
                        }
                    };
                    match text {
                        std::borrow::Cow::Borrowed(t) if f == 3 => {
                            std::borrow::Cow::Borrowed(t.trim())
                        }
                        t if f == 3 => std::borrow::Cow::Owned(t.trim().to_string()),
                        t => t,
                    }
                })
            })
    }

    fn record_may_matter(&self, record: &ByteRecord) -> bool {
        is_lifecycle_operation(field(record, self.columns.operation))
            || classify_result_bytes(field(record, self.columns.result).trim_ascii())
                != ResultClass::Noise
    }
}

/// The first position after a line break in `buf[..=limit]` (`limit` itself when a break
/// ends just before it). A break followed by `"` and a digit (a quoted time, how Procmon rows
/// start) is preferred: a break inside a quoted Detail is rarely followed by that.
fn line_start(buf: &[u8], limit: usize) -> Option<usize> {
    let scan = &buf[..(limit + 1).min(buf.len())];
    let mut first = None;
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'\n', &scan[at..]) {
        let next = at + i + 1;
        if next > limit {
            break;
        }
        first.get_or_insert(next);
        if buf.get(next) == Some(&b'"') && buf.get(next + 1).is_some_and(u8::is_ascii_digit) {
            return Some(next);
        }
        if next - first.unwrap_or(next) > 64 << 10 {
            break;
        }
        at = next;
    }
    first
}

/// Counts line breaks forward through a window (positions must not go backwards).
struct Lines {
    at: usize,
    count: u64,
}

impl Lines {
    /// Line breaks from the window's first record to `pos`.
    fn to(&mut self, buf: &[u8], pos: usize) -> u64 {
        let pos = pos.min(buf.len());
        if pos > self.at {
            self.count += memchr::memchr_iter(b'\n', &buf[self.at..pos]).count() as u64;
            self.at = pos;
        }
        self.count
    }
}

/// Per-file state while streaming rows.
struct Rows<'a> {
    path: &'a Arc<str>,
    columns: Columns,
    keep_all: bool,
    /// Rows the user's rules match are kept too.
    extra: Option<&'a ExtraKeep>,
    tree: ProcessTree,
    temps: TempDirs,
}

impl Rows<'_> {
    /// Decides on one row and builds its event when kept.
    fn row(
        &mut self,
        record: &impl Fields,
        line: Option<u64>,
        problems: &mut Problems,
    ) -> Option<Event> {
        let c = self.columns;
        let operation = field(record, c.operation);
        let result = field(record, c.result).trim_ascii();
        let class = classify_result_bytes(result);
        let lifecycle = is_lifecycle_operation(operation);
        // A row a user rule matches is kept whatever the filter says.
        let wanted = self
            .extra
            .is_some_and(|k| k.row(row_fields(record, &self.columns)));
        let keep_all = self.keep_all || wanted;
        if !keep_all && !lifecycle && class == ResultClass::Noise {
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
        if !keep_all && class == ResultClass::Weak && !tracked && !lifecycle {
            return None;
        }
        let path = text(field(record, c.path));
        if !keep_all && !keep_row_with_temps(tracked, operation, class, &path, &self.temps) {
            return None;
        }
        let operation = text(operation);
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
        record: &impl Fields,
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

/// Process name, operation, path and result of a row, as the user's rules see them.
fn row_fields<'r>(record: &'r impl Fields, c: &Columns) -> [&'r str; 4] {
    let s = |column| std::str::from_utf8(field(record, column)).unwrap_or_default();
    [
        s(c.process_name),
        s(c.operation),
        s(c.path),
        s(c.result).trim(),
    ]
}

fn field(record: &impl Fields, column: Option<usize>) -> &[u8] {
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
        read(
            &Arc::from("t.csv"),
            &Source::Memory(csv.as_bytes()),
            keep_all,
        )
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

    /// A capture with the shapes that make windows hard: quoted line breaks (a Process Start
    /// environment), `""`, blank lines, a row the crate must read, and state carried from row
    /// to row (the msiexec tree and its TEMP folder).
    fn tricky_csv() -> String {
        let mut csv = String::from("\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\",\"Parent PID\"\r\n");
        for i in 0..400 {
            let t = format!("9:{:02}:{:02}.1234567 AM", i / 60, i % 60);
            match i % 50 {
                3 => csv.push_str(&format!("\"{t}\",\"msiexec.exe\",\"{}\",\"Process Start\",\"\",\"SUCCESS\",\"Parent PID: 4, Command line: \"\"msiexec.exe\"\" /i x.msi, Environment: \r\n;\tTEMP=Z:\\Tmp{i}\r\n;\tTMP=Z:\\Tmp{i}\",\"4\"\r\n", 1000 + i)),
                4 => csv.push_str(&format!("\"{t}\",\"msiexec.exe\",\"{}\",\"CreateFile\",\"Z:\\Tmp{}\\x.log\",\"NAME NOT FOUND\",\"\",\"4\"\r\n", 997 + i, i - 1)),
                5 => csv.push_str(&format!("\"{t}\",\"cmd.exe\",\"{}\",\"CreateFile\",\"C:\\Windows\\Installer\\a.msi\",\"ACCESS DENIED\",\"\",\"{}\"\r\n\r\n", 5000 + i, 997 + i)),
                6 => csv.push_str(&format!("\"{t}\",\"odd.exe\",\"7\",\"CreateFile\",\"C:\\Windows\\Temp\\q\"x,\"SHARING VIOLATION\",\"\",\"1\"\n")),
                _ => csv.push_str(&format!("\"{t}\",\"svchost.exe\",\"{}\",\"RegQueryValue\",\"HKLM\\x\",\"{}\",\"Length: 12\",\"600\"\r\n", 900 + i % 7, if i % 3 == 0 { "NAME NOT FOUND" } else { "SUCCESS" })),
            }
        }
        csv
    }

    fn summary(f: &ProcmonFile) -> Vec<(Option<u64>, String)> {
        f.events
            .iter()
            .map(|e| (e.origin.line, e.text.clone()))
            .collect()
    }

    #[test]
    fn windows_of_any_size_read_the_same_rows() {
        let csv = tricky_csv();
        let path = Arc::from("t.csv");
        let source = Source::Memory(csv.as_bytes());
        for keep_all in [false, true] {
            let whole = read_windowed(&path, &source, keep_all, usize::MAX / 4);
            assert!(whole.rows_kept > 10, "{}", whole.rows_kept);
            let rows = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(csv.as_bytes())
                .byte_records()
                .count() as u64;
            assert_eq!(whole.rows_total + 1, rows);
            for window in [1, 2, 3, 17, 64, 100, 333, 1000, 4096] {
                let w = read_windowed(&path, &source, keep_all, window);
                assert_eq!(w.rows_total, whole.rows_total, "window {window}");
                assert_eq!(summary(&w), summary(&whole), "window {window}");
                assert_eq!(w.problems, whole.problems, "window {window}");
            }
        }
    }

    #[test]
    fn lines_are_physical_lines() {
        let csv = tricky_csv();
        let f = read_windowed(
            &Arc::from("t.csv"),
            &Source::Memory(csv.as_bytes()),
            true,
            50,
        );
        let starts: Vec<u64> = f.events.iter().filter_map(|e| e.origin.line).collect();
        // Every row's line starts with a quoted time in this file.
        let lines: Vec<&str> = csv.split('\n').collect();
        for line in starts {
            assert!(lines[line as usize - 1].starts_with("\"9:"), "line {line}");
        }
        // The tree joined through the Process Start rows: their NAME NOT FOUND in TEMP is kept.
        let kept = read_windowed(
            &Arc::from("t.csv"),
            &Source::Memory(csv.as_bytes()),
            false,
            50,
        );
        assert!(kept.events.iter().any(|e| e.text.contains("\\Tmp3\\x.log")));
    }

    #[test]
    fn after_date_splits_time() {
        assert_eq!(after_date("7/31/2020 7:27:31 AM"), "7:27:31 AM");
        assert_eq!(after_date("nothing"), "");
    }
}
