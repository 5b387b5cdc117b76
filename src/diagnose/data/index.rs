//! The user rules' patterns as one index: every distinct pattern of a field (`msilog` line,
//! `evtx` data, `procmon` process / operation / path / result) goes into one `RegexSet` per
//! field, compiled once per run ([`PatternSets`]), and run once per event of each session
//! ([`PatternSets::index`]); each pattern keeps the events it matched (a posting list). A block
//! then tests only the events its pattern names ([`PatternIndex::candidates`]) with its full
//! check in `src/diagnose/data/mod.rs`, so 100 rules cost one set match per event rather than
//! 100 regex runs. A line pattern whose every block also asks for a message number, an `Info`
//! number or an action end is run only on the events that have one of those (a gate).
//!
//! It only narrows which events a block tests: it must never decide a match on its own, and
//! a pattern it could not index (a set too big to compile) leaves its blocks to the full scan.

use std::collections::HashMap;

use rayon::prelude::*;
use regex::{RegexSet, RegexSetBuilder};

use super::load::{REGEX_NEST_LIMIT, REGEX_SIZE_LIMIT};
use super::{data_text, DataRule, Matcher, SourceKind};
use crate::diagnose::evidence::message_code;
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

/// What an event must have besides the text for some block of a gated pattern to match it: a
/// superset of those blocks' conditions (each block adds the first it has of its message
/// numbers, its `Info` numbers, or an action end).
#[derive(Debug, Default, Clone, PartialEq)]
struct Gate {
    codes: Vec<u32>,
    infos: Vec<u32>,
    action_ended: bool,
}

impl Gate {
    /// The gate of one `msilog` block; `None` when it can match any line by its text alone.
    fn of(m: &Matcher) -> Option<Gate> {
        let mut gate = Gate::default();
        if !m.errors.is_empty() {
            gate.codes = m.errors.clone();
        } else if !m.infos.is_empty() {
            gate.infos = m.infos.clone();
        } else if m.action.is_some() || m.returned.is_some() {
            gate.action_ended = true;
        } else {
            return None;
        }
        Some(gate)
    }

    fn sorted(mut self) -> Gate {
        self.codes.sort_unstable();
        self.codes.dedup();
        self.infos.sort_unstable();
        self.infos.dedup();
        self
    }

    fn widen(&mut self, other: Gate) {
        self.codes.extend(other.codes);
        self.infos.extend(other.infos);
        self.action_ended |= other.action_ended;
    }

    fn admits(&self, e: &Event) -> bool {
        let kind = &e.kind;
        message_code(e).is_some_and(|c| self.codes.binary_search(&c).is_ok())
            || matches!(kind, EventKind::Info { code, .. } if self.infos.binary_search(code).is_ok())
            || self.action_ended && matches!(kind, EventKind::ActionEnded { .. })
    }
}

/// The patterns of one field (and gate) as one set, with the slot (posting list) of each.
struct FieldSet {
    field: Field,
    /// Gated patterns: the union of their gates (tested before the set) and each one's own
    /// (tested on the patterns the set matched).
    gate: Option<(Gate, Vec<Gate>)>,
    set: RegexSet,
    slots: Vec<usize>,
}

/// Every distinct pattern of the user rules' blocks, compiled into one set per field.
pub struct PatternSets {
    slots: HashMap<(Field, String), usize>,
    count: usize,
    sets: Vec<FieldSet>,
}

/// The events each indexed pattern matches in one session.
pub struct PatternIndex<'s> {
    sets: &'s PatternSets,
    postings: Vec<Vec<usize>>,
}

impl PatternSets {
    /// The sets of every pattern of `rules`' blocks (`None` when no block has a pattern to
    /// index). Built once per run; [`PatternSets::index`] runs them on a session.
    pub fn new(rules: &[&DataRule]) -> Option<PatternSets> {
        let mut slots: HashMap<(Field, String), usize> = HashMap::new();
        let mut patterns: Vec<(Field, String)> = Vec::new();
        // Per slot: `Some` while every block using it has a gate (their union).
        let mut gates: Vec<Option<Gate>> = Vec::new();
        for m in rules.iter().flat_map(|r| &r.matchers) {
            for (field, r) in block_patterns(m) {
                let key = (field, r.as_str().to_string());
                let gate = (field == Field::Line).then(|| Gate::of(m)).flatten();
                match slots.get(&key) {
                    Some(&slot) => {
                        gates[slot] = match (gates[slot].take(), gate) {
                            (Some(mut a), Some(b)) => {
                                a.widen(b);
                                Some(a)
                            }
                            _ => None,
                        }
                    }
                    None => {
                        slots.insert(key.clone(), patterns.len());
                        patterns.push(key);
                        gates.push(gate);
                    }
                }
            }
        }
        if patterns.is_empty() {
            return None;
        }
        let mut sets = PatternSets {
            slots,
            count: patterns.len(),
            sets: Vec::new(),
        };
        for field in FIELDS {
            for gated in [false, true] {
                let (slots, texts): (Vec<usize>, Vec<&str>) = patterns
                    .iter()
                    .enumerate()
                    .filter(|&(i, (f, _))| *f == field && gates[i].is_some() == gated)
                    .map(|(i, (_, p))| (i, p.as_str()))
                    .unzip();
                if texts.is_empty() {
                    continue;
                }
                let gate = gated.then(|| {
                    let own: Vec<Gate> = slots.iter().filter_map(|&i| gates[i].clone()).collect();
                    let mut all = Gate::default();
                    for g in &own {
                        all.widen(g.clone());
                    }
                    (all.sorted(), own.into_iter().map(Gate::sorted).collect())
                });
                // The same limits as one rule's pattern, for each pattern of the set.
                let built = RegexSetBuilder::new(&texts)
                    .size_limit(REGEX_SIZE_LIMIT.saturating_mul(texts.len()))
                    .dfa_size_limit(REGEX_SIZE_LIMIT.saturating_mul(texts.len()))
                    .nest_limit(REGEX_NEST_LIMIT)
                    .build();
                match built {
                    Ok(set) => sets.sets.push(FieldSet {
                        field,
                        gate,
                        set,
                        slots,
                    }),
                    // Not indexed: its blocks scan every event as without the index.
                    Err(_) => {
                        for s in slots {
                            sets.slots.remove(&patterns[s]);
                        }
                    }
                }
            }
        }
        Some(sets)
    }

    /// The events of one session each pattern matches.
    pub fn index(&self, events: &[Event]) -> PatternIndex<'_> {
        let hits: Vec<Vec<(usize, usize)>> = events
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut out = Vec::new();
                for (j, e) in chunk.iter().enumerate() {
                    let at = c * CHUNK + j;
                    for s in &self.sets {
                        if s.gate.as_ref().is_some_and(|(g, _)| !g.admits(e)) {
                            continue;
                        }
                        let Some(text) = field_text(e, s.field) else {
                            continue;
                        };
                        if s.set.is_match(&text) {
                            out.extend(
                                s.set
                                    .matches(&text)
                                    .iter()
                                    .filter(|&p| {
                                        s.gate.as_ref().is_none_or(|(_, own)| own[p].admits(e))
                                    })
                                    .map(|p| (s.slots[p], at)),
                            );
                        }
                    }
                }
                out
            })
            .collect();
        let mut postings = vec![Vec::new(); self.count];
        for (slot, at) in hits.into_iter().flatten() {
            postings[slot].push(at);
        }
        PatternIndex {
            sets: self,
            postings,
        }
    }
}

impl PatternIndex<'_> {
    /// The events (in session order) that can match block `m`: those its most selective
    /// indexed pattern matched. `None` when none of its patterns is indexed (test every event).
    pub fn candidates(&self, m: &Matcher) -> Option<&[usize]> {
        block_patterns(m)
            .filter_map(|(field, r)| self.sets.slots.get(&(field, r.as_str().to_string())))
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

    use super::super::load::{load_checked, Loaded, OriginKind, RuleText};
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

    /// The rules of one user rule file, read without a problem.
    fn user_rules(toml: &[u8]) -> Loaded {
        let rules = load_checked(
            &[RuleText {
                name: "t.toml".into(),
                bytes: toml.to_vec(),
                origin: OriginKind::User,
            }],
            None,
        );
        assert!(rules.problems.is_empty(), "{:?}", rules.problems);
        rules
    }

    #[test]
    fn candidates_hold_every_event_a_block_matches() {
        let rules = user_rules(
            br#"
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
"#,
        );
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
        let sets = PatternSets::new(&refs).expect("patterns to index");
        let index = sets.index(&events);
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

    #[test]
    fn a_pattern_whose_blocks_need_a_number_is_run_only_on_numbered_events() {
        let rules = user_rules(
            br#"
[[rule]]
id = "numbered"
title = "n"
summary = "n"
  [[rule.match]]
  source = "msilog"
  error = 25001
  line = '(?i)contoso'
[[rule]]
id = "ended"
title = "e"
summary = "e"
  [[rule.match]]
  source = "msilog"
  returned = 3
  line = 'Contoso'
[[rule]]
id = "open"
title = "o"
summary = "o"
  [[rule.match]]
  source = "msilog"
  line = 'Fabrikam'
"#,
        );
        let numbered = |code, text: &str| Event {
            kind: EventKind::Error {
                code,
                message: text.into(),
            },
            ..line(text)
        };
        let ended = Event {
            kind: EventKind::ActionEnded {
                action: "ContosoCheck".into(),
                return_value: 3,
            },
            ..line("Action ended 10:00:00: ContosoCheck. Return value 3.")
        };
        let events = vec![
            line("Contoso without a number, Fabrikam"),
            numbered(25001, "Error 25001. Contoso"),
            numbered(25002, "Error 25002. Contoso"),
            ended,
        ];
        let refs: Vec<&DataRule> = rules.rules.iter().collect();
        let sets = PatternSets::new(&refs).expect("patterns to index");
        // One open line set, one gated (both gated patterns share it).
        assert_eq!(sets.sets.len(), 2);
        let (gate, _) = sets.sets.iter().find_map(|s| s.gate.as_ref()).unwrap();
        assert_eq!(gate.codes, vec![25001]);
        assert!(gate.action_ended);
        let index = sets.index(&events);
        for (r, want) in refs.iter().zip([&[1usize][..], &[3], &[0]]) {
            let m = &r.matchers[0];
            let got = index.candidates(m).expect("indexed");
            // The gate drops events no block of the pattern can match, never one it matches.
            for (i, e) in events.iter().enumerate() {
                if m.matches(e) {
                    assert!(got.contains(&i), "{}: {i}", r.doc.id);
                }
            }
            assert_eq!(got, want, "{}", r.doc.id);
        }
    }
}
