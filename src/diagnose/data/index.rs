//! One pattern index per session for the user rules' match blocks: every distinct pattern of
//! a field (`msilog` line, `evtx` data, `procmon` process / operation / path / result) goes
//! into one `RegexSet` per field, run once per event of the session; each pattern keeps the
//! events it matched (a posting list). A block then tests only the events its pattern names
//! ([`PatternIndex::candidates`]) with its full check in `src/diagnose/data/mod.rs`, so 100
//! rules cost one set match per event rather than 100 regex runs.
//!
//! It only narrows which events a block tests: it must never decide a match on its own, and
//! a pattern it could not index (a set too big to compile) leaves its blocks to the full scan.

use std::collections::HashMap;

use rayon::prelude::*;
use regex::{RegexSet, RegexSetBuilder};

use super::load::{REGEX_NEST_LIMIT, REGEX_SIZE_LIMIT};
use super::{data_text, DataRule, Matcher, SourceKind};
use crate::model::{Event, EventKind};

/// The event text a pattern is tested on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Line,
    Data,
    Process,
    Operation,
    Path,
    Result,
}

const FIELDS: [Field; 6] = [
    Field::Line,
    Field::Data,
    Field::Process,
    Field::Operation,
    Field::Path,
    Field::Result,
];

/// Events per parallel piece of the index build.
const CHUNK: usize = 8192;

/// The patterns of one field as one set, with the slot (posting list) of each.
struct FieldSet {
    field: Field,
    set: RegexSet,
    slots: Vec<usize>,
}

/// The events each indexed pattern matches in one session.
#[derive(Debug, Default)]
pub struct PatternIndex {
    slots: HashMap<(Field, String), usize>,
    postings: Vec<Vec<usize>>,
}

impl PatternIndex {
    /// The index of every pattern of `rules`' blocks over `events` (`None` when no block has
    /// a pattern to index).
    pub fn build(events: &[Event], rules: &[&DataRule]) -> Option<PatternIndex> {
        let mut index = PatternIndex::default();
        let mut patterns: Vec<(Field, String)> = Vec::new();
        for m in rules.iter().flat_map(|r| &r.matchers) {
            for (field, r) in block_patterns(m) {
                let key = (field, r.as_str().to_string());
                if !index.slots.contains_key(&key) {
                    index.slots.insert(key.clone(), patterns.len());
                    patterns.push(key);
                }
            }
        }
        if patterns.is_empty() {
            return None;
        }
        let mut sets: Vec<FieldSet> = Vec::new();
        for field in FIELDS {
            let (slots, texts): (Vec<usize>, Vec<&str>) = patterns
                .iter()
                .enumerate()
                .filter(|(_, (f, _))| *f == field)
                .map(|(i, (_, p))| (i, p.as_str()))
                .unzip();
            if texts.is_empty() {
                continue;
            }
            // The same limits as one rule's pattern, for each pattern of the set.
            let built = RegexSetBuilder::new(&texts)
                .size_limit(REGEX_SIZE_LIMIT.saturating_mul(texts.len()))
                .dfa_size_limit(REGEX_SIZE_LIMIT.saturating_mul(texts.len()))
                .nest_limit(REGEX_NEST_LIMIT)
                .build();
            match built {
                Ok(set) => sets.push(FieldSet { field, set, slots }),
                // Not indexed: its blocks scan every event as without the index.
                Err(_) => {
                    for s in slots {
                        index.slots.remove(&patterns[s]);
                    }
                }
            }
        }
        let hits: Vec<Vec<(usize, usize)>> = events
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut out = Vec::new();
                for (j, e) in chunk.iter().enumerate() {
                    let at = c * CHUNK + j;
                    for s in &sets {
                        let Some(text) = field_text(e, s.field) else {
                            continue;
                        };
                        if s.set.is_match(&text) {
                            out.extend(s.set.matches(&text).iter().map(|p| (s.slots[p], at)));
                        }
                    }
                }
                out
            })
            .collect();
        index.postings = vec![Vec::new(); patterns.len()];
        for (slot, at) in hits.into_iter().flatten() {
            index.postings[slot].push(at);
        }
        Some(index)
    }

    /// The events (in session order) that can match block `m`: those its most selective
    /// indexed pattern matched. `None` when none of its patterns is indexed (test every event).
    pub fn candidates(&self, m: &Matcher) -> Option<&[usize]> {
        block_patterns(m)
            .filter_map(|(field, r)| self.slots.get(&(field, r.as_str().to_string())))
            .map(|&slot| self.postings[slot].as_slice())
            .min_by_key(|p| p.len())
    }
}

/// The patterns of a block the index holds, with the field each reads.
fn block_patterns(m: &Matcher) -> impl Iterator<Item = (Field, &regex::Regex)> {
    let fields: [(Field, &Option<regex::Regex>); 6] = [
        (Field::Line, &m.line),
        (Field::Data, &m.data),
        (Field::Process, &m.process),
        (Field::Operation, &m.operation),
        (Field::Path, &m.path),
        (Field::Result, &m.result),
    ];
    let source = m.source;
    fields
        .into_iter()
        .filter(move |(f, _)| reads(source, *f))
        .filter_map(|(f, r)| r.as_ref().map(|r| (f, r)))
}

/// True when a block of `source` tests `field` (the others are ignored by its check).
fn reads(source: SourceKind, field: Field) -> bool {
    match field {
        Field::Line => source == SourceKind::MsiLog,
        Field::Data => source == SourceKind::Evtx,
        Field::Process | Field::Operation | Field::Path | Field::Result => {
            source == SourceKind::Procmon
        }
    }
}

/// The text of `field` in event `e`, when a block reading that field can test this event.
fn field_text(e: &Event, field: Field) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow::Borrowed;
    match (&e.kind, field) {
        (EventKind::WinEvent(w), Field::Data) => Some(data_text(w).into()),
        (EventKind::Procmon(op), Field::Process) => Some(Borrowed(&op.process_name)),
        (EventKind::Procmon(op), Field::Operation) => Some(Borrowed(&op.operation)),
        (EventKind::Procmon(op), Field::Path) => Some(Borrowed(&op.path)),
        (EventKind::Procmon(op), Field::Result) => Some(Borrowed(&op.result)),
        (EventKind::WinEvent(_) | EventKind::Procmon(_), _) => None,
        (_, Field::Line) => Some(Borrowed(&e.text)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::load::{load_checked, OriginKind, RuleText};
    use super::*;
    use crate::model::{Origin, ProcmonOp};

    fn line(text: &str) -> Event {
        Event {
            origin: Origin::line(&Arc::from("t.log"), 1),
            time: None,
            thread: None,
            kind: EventKind::Text,
            text: text.to_string(),
        }
    }

    fn row(process: &str, path: &str, result: &str) -> Event {
        Event {
            origin: Origin::line(&Arc::from("t.csv"), 1),
            time: None,
            thread: None,
            kind: EventKind::Procmon(Box::new(ProcmonOp {
                process_name: process.into(),
                pid: 1,
                tid: None,
                event_class: None,
                operation: "CreateFile".into(),
                path: path.into(),
                result: result.into(),
                detail: String::new(),
                user: None,
                integrity: None,
                command_line: None,
                image_path: None,
                parent_pid: None,
                env_temp: None,
                env_tmp: None,
            })),
            text: format!("{process} {path} {result}"),
        }
    }

    #[test]
    fn candidates_hold_every_event_a_block_matches() {
        let rules = load_checked(
            &[RuleText {
                name: "t.toml".into(),
                bytes: br#"
[[rule]]
id = "a"
title = "a"
summary = "a"
  [[rule.match]]
  source = "msilog"
  line = '(?i)contoso'
  unless = 'ignored'
[[rule]]
id = "b"
title = "b"
summary = "b"
  [[rule.match]]
  source = "msilog"
  line = 'Fabrikam \d+'
  [[rule.match]]
  source = "procmon"
  process = '(?i)^agent\.exe$'
  result = '^ACCESS DENIED$'
[[rule]]
id = "c"
title = "c"
summary = "c"
  [[rule.match]]
  source = "msilog"
  line = '(?i)contoso'
"#
                .to_vec(),
                origin: OriginKind::User,
            }],
            None,
        );
        assert!(rules.problems.is_empty(), "{:?}", rules.problems);
        let events = vec![
            line("CONTOSO was here"),
            line("Fabrikam 12 and contoso"),
            line("contoso ignored"),
            line("nothing"),
            row("Agent.exe", r"C:\x", "ACCESS DENIED"),
            row("agent.exe", r"C:\y", "SUCCESS"),
            row("other.exe", r"C:\z", "ACCESS DENIED"),
            row("svc.exe", r"C:\w", "ACCESS DENIED"),
            line("Fabrikam x"),
        ];
        let refs: Vec<&DataRule> = rules.rules.iter().collect();
        let index = PatternIndex::build(&events, &refs).expect("patterns to index");
        // The same pattern in two rules is one slot.
        assert_eq!(index.postings.len(), 4);
        let mut checked = 0;
        for m in refs.iter().flat_map(|r| &r.matchers) {
            let all: Vec<usize> = (0..events.len())
                .filter(|&i| m.matches(&events[i]))
                .collect();
            let candidates = index.candidates(m).expect("every block is indexed");
            let narrowed: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| m.matches(&events[i]))
                .collect();
            assert_eq!(narrowed, all);
            assert!(!all.is_empty());
            checked += 1;
        }
        assert_eq!(checked, 4);
        // The procmon block reads its most selective pattern: the process (two rows), not
        // the result (three).
        let procmon = &refs[1].matchers[1];
        assert_eq!(index.candidates(procmon), Some(&[4usize, 5][..]));
    }
}
