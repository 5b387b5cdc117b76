//! What the user's rules ask the readers to keep besides what they keep for the built-in
//! rules: MSI log lines their `line` patterns match (one [`RegexSet`] over every pattern),
//! notes their `error` numbers name, and Process Monitor rows their `procmon` blocks match.
//! Built by the crate root from the loaded rule files; the readers ask it once per line or
//! row that they would otherwise drop, and only when there are user rules.
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
}

impl ExtraKeep {
    /// Builds the sets; `None` when there is nothing to keep (no cost for the readers).
    /// Patterns were compiled once already, so they compile again (a pattern refused here
    /// only loses its extra lines, never the run).
    pub fn new(lines: &[&Regex], notes: &[u32], rows: &[RowPattern]) -> Option<ExtraKeep> {
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
        Some(ExtraKeep {
            lines,
            window,
            notes: notes.to_vec(),
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
        self.notes.contains(&code)
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
        // Blocks still possible: those that do not name a field, or whose pattern matched it.
        let mut alive: Vec<bool> = vec![true; s.blocks];
        for f in [0, 1, 3, 2] {
            let Some((set, owners)) = &s.fields[f] else {
                continue;
            };
            let matched = set.matches(&field(f));
            let mut hit = vec![false; s.blocks];
            for i in matched.iter() {
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
        alive.iter().any(|a| *a)
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
        assert!(ExtraKeep::new(&[], &[], &[]).is_none());
        let line = Regex::new("Executing op: ContosoCheck").unwrap();
        let rows = [RowPattern {
            process: Some(Regex::new("(?i)^contoso\\.exe$").unwrap()),
            result: Some(Regex::new("^SUCCESS$").unwrap()),
            ..RowPattern::default()
        }];
        let k = ExtraKeep::new(&[&line], &[2205], &rows).unwrap();
        assert!(k.line("MSI (s) (A0:B0) [10:00:00:000]: Executing op: ContosoCheck(1)"));
        assert!(!k.line("MSI (s) (A0:B0) [10:00:00:000]: Executing op: Other"));
        assert!(k.note(2205) && !k.note(2228));
        assert!(k.row(["Contoso.exe", "CreateFile", "C:\\x", "SUCCESS"]));
        assert!(!k.row(["Contoso.exe", "CreateFile", "C:\\x", "NAME NOT FOUND"]));
        assert!(!k.row(["msiexec.exe", "CreateFile", "C:\\x", "SUCCESS"]));
    }

    #[test]
    fn one_window_search_names_candidates_even_when_patterns_share_a_group_name() {
        let a = Regex::new("Vendor1 failed with (?P<code>0x[0-9A-F]{8})").unwrap();
        let b = Regex::new("(?i)vendor2 failed with (?P<code>\\d+)").unwrap();
        let k = ExtraKeep::new(&[&a, &b], &[], &[]).unwrap();
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
