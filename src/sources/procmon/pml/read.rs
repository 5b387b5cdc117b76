//! Turns the records of a PML capture into events: process from the process table, UTC time,
//! result name, decoded operation/path/detail, and the keep decision.
//!
//! The msiexec process tree is computed once from the process table (by process entry, so a
//! reused PID is not confused with the installer). Records that cannot matter are rejected on
//! their fixed header, before their details are decoded. This module must not parse the
//! container (`capture.rs`) or detail structures (`decode.rs`) itself.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::sources::procmon::clock::filetime_to_utc;
use rayon::prelude::*;

use super::capture::{Capture, Process, RawEvent};
use super::decode::{decode, Decoded};
use super::names::{class_name, CLASS_PROCESS};
use crate::model::{Event, EventKind, Origin, ProcmonOp, Timestamp};
use crate::sources::keep::ExtraKeep;
use crate::sources::procmon::detail::{lifecycle_facts, LifecycleFacts};
use crate::sources::procmon::filter::{
    classify_result, is_msiexec, keep_row_with_temps, ResultClass, TempDirs,
};
use crate::sources::procmon::results::{known_result_name, result_name};
use crate::sources::procmon::{non_empty, render_line, Problems, ProcmonFile};
use crate::sources::window::{window_or, Source};

/// Process operations kept for the installer's processes: Process Create, Exit, Start.
const LIFECYCLE_OPERATIONS: [u16; 3] = [1, 2, 7];

/// Records decided on by one worker at a time.
const BATCH: usize = 16 * 1024;

/// Reads a capture; `keep_all` keeps every record instead of filtering.
///
/// Indexed records are read in batches in parallel: each record is judged on its own (result,
/// class, whether its process belongs to the installer's tree) and only the ones that may be
/// kept are decoded. The TEMP folders learnt from the tree's `Process Start` records are applied
/// afterwards, in capture order, as one stream would.
pub(in crate::sources::procmon) fn read(
    path: &Arc<str>,
    source: &Source,
    keep_all: bool,
) -> ProcmonFile {
    read_batched(path, source, keep_all, window_or(BATCH), None)
}

/// [`read`], also keeping the records the user's rules match (`extra`).
pub(in crate::sources::procmon) fn read_keeping(
    path: &Arc<str>,
    source: &Source,
    extra: Option<&ExtraKeep>,
) -> ProcmonFile {
    read_batched(path, source, false, window_or(BATCH), extra)
}

/// [`read`] with batches of `batch_len` records.
fn read_batched(
    path: &Arc<str>,
    source: &Source,
    keep_all: bool,
    batch_len: usize,
    extra: Option<&ExtraKeep>,
) -> ProcmonFile {
    let extra = extra.filter(|k| k.wants_rows());
    let mut problems = Problems::new(path);
    let mut file = ProcmonFile {
        has_dates: true,
        ..ProcmonFile::default()
    };
    let Some(capture) = Capture::open(source, &mut problems) else {
        file.problems = problems.finish();
        return file;
    };
    let judge = Judge {
        capture: &capture,
        tracked: installer_processes(&capture),
        keep_all,
        extra,
    };
    let mut records = Records {
        path,
        capture: &capture,
        temps: TempDirs::default(),
        keep_all,
        extra,
    };
    let mut unknown_processes = 0u64;
    let mut take = |batch: Batch, file: &mut ProcmonFile, problems: &mut Problems| {
        file.rows_total += batch.records;
        unknown_processes += batch.unknown_processes;
        for problem in batch.problems {
            problems.push(problem);
        }
        problems.add_suppressed(batch.suppressed);
        for candidate in batch.candidates {
            if let Some(event) = records.event(candidate) {
                file.events.push(event);
            }
        }
    };
    match capture.indexed_count() {
        Some(count) => {
            let starts: Vec<u64> = (0..count).step_by(batch_len).collect();
            let group = (rayon::current_num_threads() * 4).max(2);
            let judge_group = |starts: &[u64]| -> Vec<Batch> {
                starts
                    .par_iter()
                    // Every batch its own job: a thread that runs out steals single batches,
                    // instead of sleeping while the other finishes a run of them.
                    .with_max_len(1)
                    .map(|&first| {
                        let mut batch = Batch::default();
                        let located = capture.locate(first, batch_len);
                        capture.for_each_located(&located, |index, record| {
                            judge.record(index, record, &mut batch)
                        });
                        batch
                    })
                    .collect()
            };
            // One group's events are built in order while the next group is judged.
            let mut pending: Option<Vec<Batch>> = None;
            for starts in starts.chunks(group) {
                let ((), batches) = rayon::join(
                    || {
                        for batch in pending.take().unwrap_or_default() {
                            take(batch, &mut file, &mut problems);
                        }
                    },
                    || judge_group(starts),
                );
                pending = Some(batches);
            }
            for batch in pending.unwrap_or_default() {
                take(batch, &mut file, &mut problems);
            }
        }
        None => {
            let mut batch = Batch::default();
            capture.walk(|index, record| {
                judge.record(index, record, &mut batch);
                if batch.candidates.len() + batch.problems.len() >= batch_len {
                    take(std::mem::take(&mut batch), &mut file, &mut problems);
                }
            });
            take(batch, &mut file, &mut problems);
        }
    }
    if unknown_processes > 0 {
        problems.push(format!(
            "{unknown_processes} events name a process that is not in the process table"
        ));
    }
    file.rows_kept = file.events.len() as u64;
    file.problems = problems.finish();
    file
}

/// What one worker made of a batch of records, in capture order.
#[derive(Default)]
struct Batch {
    records: u64,
    unknown_processes: u64,
    problems: Vec<String>,
    /// Problems past the cap, only counted.
    suppressed: u64,
    candidates: Vec<Candidate>,
    /// The class of each result status met in this batch (a capture uses a handful), so that
    /// the status table and the class's name tests run once per status, not once per record.
    result_classes: Vec<(u32, ResultClass)>,
}

/// Statuses whose class a batch remembers; a damaged capture's other statuses are looked up
/// every time.
const REMEMBERED_STATUSES: usize = 32;

/// A record that may be kept, decoded.
struct Candidate {
    index: u64,
    process_index: u32,
    tid: u32,
    class: u32,
    filetime: u64,
    result: String,
    result_class: ResultClass,
    tracked: bool,
    /// A user rule matches it: kept whatever the filter says.
    wanted: bool,
    decoded: Decoded,
    facts: LifecycleFacts,
}

/// The decisions that need nothing but the record and the process table.
struct Judge<'c, 'a> {
    capture: &'c Capture<'a>,
    tracked: HashSet<u32>,
    keep_all: bool,
    /// Records the user's rules match are kept too (decoded to be tested).
    extra: Option<&'c ExtraKeep>,
}

impl Judge<'_, '_> {
    fn record(&self, index: u64, record: Result<RawEvent<'_>, String>, batch: &mut Batch) {
        batch.records += 1;
        let raw = match record {
            Ok(raw) => raw,
            Err(reason) => return batch.problem(format!("event {index}: {reason}")),
        };
        let processes = &self.capture.processes;
        if !processes.is_empty() && !processes.contains_key(&raw.process_index) {
            batch.unknown_processes += 1;
        }
        if class_name(raw.class).is_none() {
            batch.problem(format!(
                "event {index}: unknown event class {} (damaged record?)",
                raw.class
            ));
        }
        let lifecycle = raw.class == CLASS_PROCESS && LIFECYCLE_OPERATIONS.contains(&raw.operation);
        let result_class = batch.result_class(raw.result);
        let tracked = self.tracked.contains(&raw.process_index);
        let mut wanted = None;
        if !self.keep_all {
            let cannot_matter = match result_class {
                ResultClass::Noise => !(lifecycle && tracked),
                ResultClass::Weak => !tracked,
                ResultClass::Strong => false,
            };
            if cannot_matter {
                // Only with user rules: decode the record to test it against them.
                let Some(extra) = self.extra else { return };
                let decoded = decode(&raw, self.capture);
                let name = processes
                    .get(&raw.process_index)
                    .map_or("", |p| p.name.as_str());
                let result = result_name(raw.result);
                if !extra.row([name, &decoded.operation, &decoded.path, result.trim()]) {
                    return;
                }
                wanted = Some(decoded);
            }
        }
        let is_wanted = wanted.is_some();
        let decoded = wanted.unwrap_or_else(|| decode(&raw, self.capture));
        let facts = if lifecycle {
            lifecycle_facts(&decoded.operation, &decoded.detail)
        } else {
            LifecycleFacts::default()
        };
        batch.candidates.push(Candidate {
            index,
            process_index: raw.process_index,
            tid: raw.tid,
            class: raw.class,
            filetime: raw.filetime,
            result: result_name(raw.result),
            result_class,
            tracked,
            wanted: is_wanted,
            decoded,
            facts,
        });
    }
}

impl Batch {
    /// How result `status` counts (remembered for the batch).
    fn result_class(&mut self, status: u32) -> ResultClass {
        if let Some(&(_, class)) = self.result_classes.iter().find(|(s, _)| *s == status) {
            return class;
        }
        let class = match known_result_name(status) {
            Some(name) => classify_result(name),
            None => ResultClass::Noise, // `0x…`: never a signal name
        };
        if self.result_classes.len() < REMEMBERED_STATUSES {
            self.result_classes.push((status, class));
        }
        class
    }

    /// Keeps the first problems of a batch (the file's list is capped anyway).
    fn problem(&mut self, text: String) {
        if self.problems.len() < Problems::MAX + 1 {
            self.problems.push(text);
        } else {
            self.suppressed += 1;
        }
    }
}

/// Process-table entries of the msiexec tree: msiexec.exe itself and, transitively, every
/// process whose parent PID belongs to the tree (a breadth-first walk, linear in the table).
fn installer_processes(capture: &Capture) -> HashSet<u32> {
    let mut children: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    for (&index, process) in &capture.processes {
        children
            .entry(process.parent_pid)
            .or_default()
            .push((index, process.pid));
    }
    let mut tracked: HashSet<u32> = HashSet::new();
    let mut queue: Vec<u32> = Vec::new();
    for (&index, process) in &capture.processes {
        if is_msiexec(process.name.as_bytes()) && tracked.insert(index) {
            queue.push(process.pid);
        }
    }
    let mut walked: HashSet<u32> = HashSet::new();
    while let Some(pid) = queue.pop() {
        if !walked.insert(pid) {
            continue;
        }
        for &(index, child_pid) in children.get(&pid).map(Vec::as_slice).unwrap_or_default() {
            if tracked.insert(index) {
                queue.push(child_pid);
            }
        }
    }
    tracked
}

/// The decisions that follow the capture's order (TEMP folders learnt so far), and the events.
struct Records<'c, 'a> {
    path: &'c Arc<str>,
    capture: &'c Capture<'a>,
    temps: TempDirs,
    keep_all: bool,
    /// Records the user's rules match are kept too.
    extra: Option<&'c ExtraKeep>,
}

impl Records<'_, '_> {
    fn event(&mut self, c: Candidate) -> Option<Event> {
        let Candidate {
            index,
            process_index,
            tid,
            class,
            filetime,
            result,
            result_class,
            tracked,
            wanted,
            decoded,
            facts,
        } = c;
        if tracked {
            self.temps.learn(facts.env_temp.as_deref());
            self.temps.learn(facts.env_tmp.as_deref());
        }
        let wanted = wanted
            || self.extra.is_some_and(|k| {
                let name = self
                    .capture
                    .processes
                    .get(&process_index)
                    .map_or("", |p| p.name.as_str());
                k.row([name, &decoded.operation, &decoded.path, result.trim()])
            });
        if !self.keep_all
            && !wanted
            && !keep_row_with_temps(
                tracked,
                decoded.operation.as_bytes(),
                result_class,
                &decoded.path,
                &self.temps,
            )
        {
            return None;
        }
        let unknown = Process::default();
        let process = self
            .capture
            .processes
            .get(&process_index)
            .unwrap_or(&unknown);
        let op = ProcmonOp {
            process_name: process.name.clone(),
            pid: process.pid,
            tid: Some(tid),
            event_class: class_name(class).map(str::to_string),
            operation: decoded.operation,
            path: decoded.path,
            result,
            detail: decoded.detail,
            user: non_empty(process.user.clone()),
            integrity: non_empty(process.integrity.clone()),
            command_line: non_empty(process.command_line.clone()),
            image_path: non_empty(process.image_path.clone()),
            parent_pid: Some(process.parent_pid),
            env_temp: facts.env_temp,
            env_tmp: facts.env_tmp,
        };
        let time = filetime_to_utc(filetime).map(Timestamp::Utc);
        Some(Event {
            origin: Origin {
                path: self.path.clone(),
                line: None,
                record: Some(index),
            },
            text: render_line(time.as_ref(), &op),
            time,
            thread: None,
            kind: EventKind::Procmon(Box::new(op)),
        })
    }
}
