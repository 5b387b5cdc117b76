//! What the user's rules ask the readers to keep besides what they keep for the built-in
//! rules: MSI log lines their `line` patterns match (one [`RegexSet`] over every pattern),
//! notes their `error` numbers name, and Process Monitor rows their `procmon` blocks match.
//! Built by the crate root from the loaded rule files; the readers ask it once per line or
//! row that they would otherwise drop, and only when there are user rules.
//!
//! Only the line patterns of blocks that can match a dropped line are searched for: the MSI
//! log reader drops routine lines only, which are notes of routine numbers and engine messages
//! it keeps no text of (`src/sources/msilog/line.rs`). Such a line has no `Info` number, is no
//! action end, and its only message number is its note number, so a block that names error
//! numbers can match it only as a note of one of them (kept by number), and a block that needs
//! an `Info` number or an action end never does ([`LineBlock`]).
//!
//! It must not decide anything else or know about rules or findings, and must cost nothing
//! when there are no user rules (the readers then hold `None`).

use regex::{Regex, RegexSet};

/// One `procmon` match block's patterns (`None`: any value).
#[derive(Debug, Clone, Default)]
pub struct RowPattern {
    pub process: Option<Regex>,
    pub operation: Option<Regex>,
    pub path: Option<Regex>,
    pub result: Option<Regex>,
}

/// One `msilog` match block, as far as keeping lines goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct LineBlock<'r> {
    /// Its pattern over the line text (`line`).
    pub line: Option<&'r Regex>,
    /// Its message numbers, any of (`error`; empty: no number asked for).
    pub errors: &'r [u32],
    /// It also needs an `Info N` number or an `Action ended` line (`info`, `action`,
    /// `returned`), which routine lines never are.
    pub needs_info_or_action: bool,
}

impl LineBlock<'_> {
    /// The pattern to search dropped lines for: only when the block can match one by text.
    fn routine_pattern(&self) -> Option<&Regex> {
        self.line
            .filter(|_| self.errors.is_empty() && !self.needs_info_or_action)
    }
}

/// The extra lines and rows to keep.
#[derive(Debug, Clone, Default)]
pub struct ExtraKeep {
    lines: Option<RegexSet>,
    /// Every line pattern in one multi-pattern regex over a whole window of text (each as
    /// `(?mR:…)`, so two patterns may name the same capture group): one search per window
    /// finds the few lines worth testing one by one. `None` when a pattern needs the line as
    /// its whole text (`\A`, `\z`): every line is tested then.
    window: Option<regex_automata::meta::Regex>,
    notes: Vec<u32>,
    rows: RowSets,
}

/// The `procmon` blocks as one [`RegexSet`] per field: a block matches a row when every field
/// it names matches (its index is in that field's set matches).
#[derive(Debug, Clone, Default)]
struct RowSets {
    blocks: usize,
    /// Per field: the set, and for each pattern of the set the block it belongs to.
    fields: [Option<(RegexSet, Vec<usize>)>; 4],
    /// Per block: which fields it names.
    names: Vec<[bool; 4]>,
    /// Per field: every block names it (a row whose field no pattern matches is dropped at
    /// once).
    named_by_all: [bool; 4],
}

impl ExtraKeep {
    /// Builds the sets from the `msilog` blocks (`lines`) and the `procmon` blocks (`rows`);
    /// `None` when there is nothing to keep (no cost for the readers). Patterns were compiled
    /// once already, so they compile again (a pattern refused here only loses its extra
    /// lines, never the run).
    pub fn new(blocks: &[LineBlock], rows: &[RowPattern]) -> Option<ExtraKeep> {
        let lines: Vec<&Regex> = blocks
            .iter()
            .filter_map(LineBlock::routine_pattern)
            .collect();
        let mut notes: Vec<u32> = blocks.iter().flat_map(|b| b.errors).copied().collect();
        notes.sort_unstable();
        notes.dedup();
        if lines.is_empty() && notes.is_empty() && rows.is_empty() {
            return None;
        }
        let set = |patterns: &[&str]| {
            regex::RegexSetBuilder::new(patterns)
                .size_limit(64 << 20)
                .dfa_size_limit(64 << 20)
                .build()
                .ok()
        };
        let mut unique: Vec<&str> = lines.iter().map(|r| r.as_str()).collect();
        unique.sort_unstable();
        unique.dedup();
        let window = (!unique.is_empty()
            && !unique
                .iter()
                .any(|p| p.contains("\\A") || p.contains("\\z") || p.contains("-m")))
        .then(|| {
            let wrapped: Vec<String> = unique.iter().map(|p| format!("(?mR:{p})")).collect();
            regex_automata::meta::Regex::builder()
                .configure(
                    regex_automata::meta::Config::new()
                        .nfa_size_limit(Some(64 << 20))
                        .hybrid_cache_capacity(64 << 20),
                )
                .build_many(&wrapped)
                .ok()
        })
        .flatten();
        let lines = (!unique.is_empty()).then(|| set(&unique)).flatten();
        let mut sets = RowSets {
            blocks: rows.len(),
            ..RowSets::default()
        };
        for (f, slot) in sets.fields.iter_mut().enumerate() {
            let mut patterns = Vec::new();
            let mut owners = Vec::new();
            for (b, row) in rows.iter().enumerate() {
                if let Some(r) = row.field(f) {
                    patterns.push(r.as_str());
                    owners.push(b);
                }
            }
            if !patterns.is_empty() {
                *slot = set(&patterns).map(|s| (s, owners));
            }
        }
        sets.names = rows
            .iter()
            .map(|r| std::array::from_fn(|f| r.field(f).is_some()))
            .collect();
        sets.named_by_all = std::array::from_fn(|f| {
            !rows.is_empty() && sets.fields[f].is_some() && sets.names.iter().all(|n| n[f])
        });
        Some(ExtraKeep {
            lines,
            window,
            notes,
            rows: sets,
        })
    }

    /// True when a user pattern matches this MSI log line (its text without `\r`).
    pub fn line(&self, text: &str) -> bool {
        self.lines.as_ref().is_some_and(|s| s.is_match(text))
    }

    /// The byte ranges of `text` (many lines) where a line pattern may match: a line that
    /// overlaps none of them matches no pattern. `None`: test every line.
    pub fn line_candidates(&self, text: &str) -> Option<Vec<(usize, usize)>> {
        if self.lines.is_none() {
            return Some(Vec::new());
        }
        let window = self.window.as_ref()?;
        Some(
            window
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect(),
        )
    }

    /// True when a user block names this note number.
    pub fn note(&self, code: u32) -> bool {
        self.notes.binary_search(&code).is_ok()
    }

    /// True when there are `procmon` blocks at all.
    pub fn wants_rows(&self) -> bool {
        self.rows.blocks > 0
    }

    /// True when a `procmon` block matches this row (process name, operation, path, result).
    pub fn row(&self, fields: [&str; 4]) -> bool {
        self.row_with(|f| std::borrow::Cow::Borrowed(fields[f]))
    }

    /// [`ExtraKeep::row`] with the fields read on demand (`field(0..4)`: process name,
    /// operation, path, result): fields are tested process, operation, result, path, and the
    /// test stops as soon as no block can match any more.
    pub fn row_with<'f>(&self, mut field: impl FnMut(usize) -> std::borrow::Cow<'f, str>) -> bool {
        let s = &self.rows;
        if s.blocks == 0 {
            return false;
        }
        // Blocks still possible: those that do not name a field, or whose pattern matched it
        // (allocated only once a field matched some pattern: most rows fail the first field).
        let mut alive: Vec<bool> = Vec::new();
        for f in [0, 1, 3, 2] {
            let Some((set, owners)) = &s.fields[f] else {
                continue;
            };
            let text = field(f);
            let matched = set.is_match(&text).then(|| set.matches(&text));
            if matched.is_none() && s.named_by_all[f] {
                return false;
            }
            if alive.is_empty() {
                alive = vec![true; s.blocks];
            }
            let mut hit = vec![false; s.blocks];
            for i in matched.iter().flat_map(|m| m.iter()) {
                hit[owners[i]] = true;
            }
            let mut any = false;
            for (b, a) in alive.iter_mut().enumerate() {
                *a = *a && (!s.names[b][f] || hit[b]);
                any |= *a;
            }
            if !any {
                return false;
            }
        }
        alive.is_empty() || alive.iter().any(|a| *a)
    }
}

impl RowPattern {
    fn field(&self, f: usize) -> Option<&Regex> {
        match f {
            0 => self.process.as_ref(),
            1 => self.operation.as_ref(),
            2 => self.path.as_ref(),
            _ => self.result.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_notes_and_rows_are_kept_only_when_a_pattern_matches() {
        assert!(ExtraKeep::new(&[], &[]).is_none());
        let line = Regex::new("Executing op: ContosoCheck").unwrap();
        let rows = [RowPattern {
            process: Some(Regex::new("(?i)^contoso\\.exe$").unwrap()),
            result: Some(Regex::new("^SUCCESS$").unwrap()),
            ..RowPattern::default()
        }];
        let blocks = [
            LineBlock {
                line: Some(&line),
                ..LineBlock::default()
            },
            LineBlock {
                errors: &[2205],
                ..LineBlock::default()
            },
        ];
        let k = ExtraKeep::new(&blocks, &rows).unwrap();
        assert!(k.line("MSI (s) (A0:B0) [10:00:00:000]: Executing op: ContosoCheck(1)"));
        assert!(!k.line("MSI (s) (A0:B0) [10:00:00:000]: Executing op: Other"));
        assert!(k.note(2205) && !k.note(2228));
        assert!(k.row(["Contoso.exe", "CreateFile", "C:\\x", "SUCCESS"]));
        assert!(!k.row(["Contoso.exe", "CreateFile", "C:\\x", "NAME NOT FOUND"]));
        assert!(!k.row(["msiexec.exe", "CreateFile", "C:\\x", "SUCCESS"]));
    }

    #[test]
    fn blocks_that_cannot_match_a_routine_line_add_no_line_pattern() {
        let contoso = Regex::new("(?i)contoso").unwrap();
        let ended = Regex::new("Fabrikam").unwrap();
        let blocks = [
            LineBlock {
                line: Some(&contoso),
                errors: &[25000, 2205],
                ..LineBlock::default()
            },
            LineBlock {
                line: Some(&ended),
                needs_info_or_action: true,
                ..LineBlock::default()
            },
        ];
        let k = ExtraKeep::new(&blocks, &[]).unwrap();
        // Routine lines are only looked at by their note number.
        assert!(!k.line("MSI (s) (A0:B0) [10:00:00:000]: Contoso and Fabrikam"));
        assert!(k.note(2205) && k.note(25000) && !k.note(2228));
        assert_eq!(k.line_candidates("Contoso\nFabrikam\n"), Some(Vec::new()));
        // Only such blocks and nothing else: nothing to keep but the notes.
        assert!(ExtraKeep::new(&blocks[1..], &[]).is_none());
    }

    #[test]
    fn a_row_is_kept_when_every_field_its_block_names_matches() {
        let rows = [
            RowPattern {
                process: Some(Regex::new("(?i)^agent\\.exe$").unwrap()),
                path: Some(Regex::new("^C:\\\\Agent\\\\").unwrap()),
                ..RowPattern::default()
            },
            RowPattern {
                result: Some(Regex::new("^SHARING VIOLATION$").unwrap()),
                ..RowPattern::default()
            },
        ];
        let k = ExtraKeep::new(&[], &rows).unwrap();
        assert!(k.wants_rows());
        assert!(k.row(["AGENT.exe", "CreateFile", "C:\\Agent\\a.dll", "SUCCESS"]));
        assert!(!k.row(["AGENT.exe", "CreateFile", "C:\\Other\\a.dll", "SUCCESS"]));
        assert!(k.row(["svc.exe", "CreateFile", "C:\\x", "SHARING VIOLATION"]));
        assert!(!k.row(["svc.exe", "CreateFile", "C:\\Agent\\a.dll", "SUCCESS"]));
        // The first field every block names decides alone when no pattern matches it.
        let only = ExtraKeep::new(&[], &rows[..1]).unwrap();
        let mut asked = Vec::new();
        assert!(!only.row_with(|f| {
            asked.push(f);
            std::borrow::Cow::Borrowed(["svc.exe", "CreateFile", "C:\\Agent\\a", "X"][f])
        }));
        assert_eq!(asked, vec![0]);
    }

    #[test]
    fn one_window_search_names_candidates_even_when_patterns_share_a_group_name() {
        let a = Regex::new("Vendor1 failed with (?P<code>0x[0-9A-F]{8})").unwrap();
        let b = Regex::new("(?i)vendor2 failed with (?P<code>\\d+)").unwrap();
        let blocks = [&a, &b].map(|r| LineBlock {
            line: Some(r),
            ..LineBlock::default()
        });
        let k = ExtraKeep::new(&blocks, &[]).unwrap();
        let text =
            "first line\nVENDOR2 failed with 12\nmiddle\nVendor1 failed with 0x8007000D\nlast\n";
        let hits = k
            .line_candidates(text)
            .expect("a window search, not every line");
        let lines: Vec<&str> = hits.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            lines,
            vec!["VENDOR2 failed with 12", "Vendor1 failed with 0x8007000D"]
        );
    }
}
