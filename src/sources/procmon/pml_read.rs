//! Turns the records of a PML capture into events: process from the process table, UTC time,
//! result name, decoded operation/path/detail, and the keep decision.
//!
//! The msiexec process tree is computed once from the process table (by process entry, so a
//! reused PID is not confused with the installer). Records that cannot matter are rejected on
//! their fixed header, before their details are decoded. This module must not parse the
//! container (`pml.rs`) or detail structures (`pml_detail.rs`) itself.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::clock::filetime_to_utc;
use super::detail::lifecycle_facts;
use super::filter::{classify_result, is_msiexec, keep_row_with_temps, ResultClass, TempDirs};
use super::pml::{Capture, Process, RawEvent};
use super::pml_detail::decode;
use super::pml_names::{class_name, CLASS_PROCESS};
use super::results::result_name;
use super::{non_empty, render_line, Problems, ProcmonFile};
use crate::model::{Event, EventKind, Origin, ProcmonOp, Timestamp};

/// Process operations kept for the installer's processes: Process Create, Exit, Start.
const LIFECYCLE_OPERATIONS: [u16; 3] = [1, 2, 7];

/// Reads a capture; `keep_all` keeps every record instead of filtering.
pub(super) fn read(path: &Arc<str>, bytes: &[u8], keep_all: bool) -> ProcmonFile {
    let mut problems = Problems::new(path);
    let mut file = ProcmonFile {
        has_dates: true,
        ..ProcmonFile::default()
    };
    let Some(capture) = Capture::open(bytes, &mut problems) else {
        file.problems = problems.finish();
        return file;
    };
    let mut reader = Records {
        path,
        capture: &capture,
        tracked: installer_processes(&capture),
        temps: TempDirs::default(),
        keep_all,
    };
    let mut unknown_processes = 0u64;
    capture.for_each_event(|index, record| {
        file.rows_total += 1;
        match record {
            Ok(raw) => {
                if !capture.processes.is_empty()
                    && !capture.processes.contains_key(&raw.process_index)
                {
                    unknown_processes += 1;
                }
                if class_name(raw.class).is_none() {
                    problems.push(format!(
                        "event {index}: unknown event class {} (damaged record?)",
                        raw.class
                    ));
                }
                if let Some(event) = reader.event(index, &raw) {
                    file.events.push(event);
                }
            }
            Err(reason) => problems.push(format!("event {index}: {reason}")),
        }
    });
    if unknown_processes > 0 {
        problems.push(format!(
            "{unknown_processes} events name a process that is not in the process table"
        ));
    }
    file.rows_kept = file.events.len() as u64;
    file.problems = problems.finish();
    file
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

struct Records<'c, 'a> {
    path: &'c Arc<str>,
    capture: &'c Capture<'a>,
    tracked: HashSet<u32>,
    temps: TempDirs,
    keep_all: bool,
}

impl Records<'_, '_> {
    fn event(&mut self, index: u64, raw: &RawEvent) -> Option<Event> {
        let lifecycle = raw.class == CLASS_PROCESS && LIFECYCLE_OPERATIONS.contains(&raw.operation);
        let result = result_name(raw.result);
        let class = classify_result(&result);
        let tracked = self.tracked.contains(&raw.process_index);
        if !self.keep_all {
            let cannot_matter = match class {
                ResultClass::Noise => !(lifecycle && tracked),
                ResultClass::Weak => !tracked,
                ResultClass::Strong => false,
            };
            if cannot_matter {
                return None;
            }
        }
        let decoded = decode(raw, self.capture);
        let facts = if lifecycle {
            lifecycle_facts(&decoded.operation, &decoded.detail)
        } else {
            Default::default()
        };
        if tracked {
            self.temps.learn(facts.env_temp.as_deref());
            self.temps.learn(facts.env_tmp.as_deref());
        }
        if !self.keep_all
            && !keep_row_with_temps(
                tracked,
                decoded.operation.as_bytes(),
                class,
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
            .get(&raw.process_index)
            .unwrap_or(&unknown);
        let op = ProcmonOp {
            process_name: process.name.clone(),
            pid: process.pid,
            tid: Some(raw.tid),
            event_class: class_name(raw.class).map(str::to_string),
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
        let time = filetime_to_utc(raw.filetime).map(Timestamp::Utc);
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
