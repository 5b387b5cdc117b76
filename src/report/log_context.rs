//! The log lines shown around MSI-log evidence in the HTML report (`--context N`): which
//! windows of which logs each finding shows (planned here from the findings alone), and the
//! lines themselves once `src/lib.rs` has read them again through `src/input/excerpt.rs`.
//!
//! A window is the cited line ±N lines; the windows of one finding in one log are merged when
//! they overlap or touch, and the block is shown under the first evidence row it holds. The
//! lines shown in one report are capped ([`DEFAULT_CAP`]): once the cap is reached the
//! remaining evidence has no context, and [`LogContext::capped`] says so. This module plans
//! and holds plain data: it must not read files or decide anything about the log text.

use std::collections::{BTreeMap, HashMap};

use crate::diagnose::Finding;

/// Lines around each evidence line by default (`--context`).
pub const DEFAULT_RADIUS: u64 = 15;
/// Context lines shown in one report at most, all findings together.
pub const DEFAULT_CAP: usize = 5000;

/// One block of context: lines `first..=last` of `path`, shown under evidence row
/// `evidence[0]` of its finding and holding the cited lines of rows `evidence`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextBlock {
    pub path: String,
    pub first: u64,
    pub last: u64,
    /// Indices into the finding's evidence, in order: the rows whose line is in the block.
    pub evidence: Vec<usize>,
}

impl ContextBlock {
    /// Lines in the block.
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// Always false: a block holds at least its cited line.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// The context of a report: per finding (same index as `Analysis::findings`) its blocks, and
/// the lines read for them, per log path.
#[derive(Debug, Default)]
pub struct LogContext {
    /// Lines before and after each cited line.
    pub radius: u64,
    /// The cap on lines shown, all blocks together.
    pub cap: usize,
    /// True when some evidence has no context because the cap was reached.
    pub capped: bool,
    pub blocks: Vec<Vec<ContextBlock>>,
    /// The lines read, per log path and line number (absent lines: the log was shorter, or
    /// could not be read again; see `problems`).
    pub lines: HashMap<String, BTreeMap<u64, String>>,
    /// Logs that could not be read again, with why.
    pub problems: Vec<String>,
}

impl LogContext {
    /// Plans the blocks of `findings` for the evidence whose path `is_log` accepts.
    pub fn plan(
        findings: &[Finding],
        radius: u64,
        cap: usize,
        is_log: impl Fn(&str) -> bool,
    ) -> LogContext {
        let mut used = 0usize;
        let mut capped = false;
        let mut blocks = Vec::with_capacity(findings.len());
        for f in findings {
            let mut mine: Vec<ContextBlock> = Vec::new();
            for (i, e) in f.evidence.iter().enumerate() {
                let Some(line) = e.line.filter(|_| is_log(&e.path)) else {
                    continue;
                };
                let (lo, hi) = (line.saturating_sub(radius).max(1), line + radius);
                let joined = mine
                    .iter_mut()
                    .find(|b| b.path == e.path && lo <= b.last + 1 && b.first <= hi + 1);
                let grow = match &joined {
                    Some(b) => (b.first.min(lo)..=b.last.max(hi)).count() - b.len() as usize,
                    None => (hi - lo + 1) as usize,
                };
                if used + grow > cap {
                    capped = true;
                    continue;
                }
                used += grow;
                match joined {
                    Some(b) => {
                        b.first = b.first.min(lo);
                        b.last = b.last.max(hi);
                        b.evidence.push(i);
                    }
                    None => mine.push(ContextBlock {
                        path: e.path.clone(),
                        first: lo,
                        last: hi,
                        evidence: vec![i],
                    }),
                }
            }
            blocks.push(mine);
        }
        LogContext {
            radius,
            cap,
            capped,
            blocks,
            lines: HashMap::new(),
            problems: Vec::new(),
        }
    }

    /// Per log path, the line ranges to read (merged).
    pub fn ranges(&self) -> BTreeMap<&str, Vec<(u64, u64)>> {
        let mut out: BTreeMap<&str, Vec<(u64, u64)>> = BTreeMap::new();
        for b in self.blocks.iter().flatten() {
            out.entry(b.path.as_str())
                .or_default()
                .push((b.first, b.last));
        }
        for ranges in out.values_mut() {
            ranges.sort_unstable();
            let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
            for &(a, b) in ranges.iter() {
                match merged.last_mut() {
                    Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            *ranges = merged;
        }
        out
    }

    /// The lines of `block` that were read, in order.
    pub fn block_lines<'a>(
        &'a self,
        block: &'a ContextBlock,
    ) -> impl Iterator<Item = (u64, &'a str)> + 'a {
        self.lines
            .get(&block.path)
            .into_iter()
            .flat_map(move |m| m.range(block.first..=block.last))
            .map(|(n, t)| (*n, t.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{Confidence, Evidence};

    fn finding(lines: &[(&str, u64)]) -> Finding {
        let mut f = Finding::new("x", "t".into(), Confidence::Low, "s".into());
        f.evidence = lines
            .iter()
            .map(|(p, l)| Evidence {
                path: p.to_string(),
                line: Some(*l),
                record: None,
                time: None,
                text: String::new(),
            })
            .collect();
        f
    }

    #[test]
    fn overlapping_windows_merge_and_the_cap_stops_new_ones() {
        let fs = [
            finding(&[
                ("a.log", 100),
                ("a.log", 120),
                ("b.evtx", 5),
                ("a.log", 500),
            ]),
            finding(&[("a.log", 10)]),
        ];
        let c = LogContext::plan(&fs, 15, 1000, |p| p.ends_with(".log"));
        assert_eq!(
            c.blocks[0],
            [
                ContextBlock {
                    path: "a.log".into(),
                    first: 85,
                    last: 135,
                    evidence: vec![0, 1]
                },
                ContextBlock {
                    path: "a.log".into(),
                    first: 485,
                    last: 515,
                    evidence: vec![3]
                }
            ]
        );
        assert_eq!(c.ranges()["a.log"], [(1, 25), (85, 135), (485, 515)]);
        assert!(!c.capped);
        let c = LogContext::plan(&fs, 15, 60, |p| p.ends_with(".log"));
        assert!(c.capped);
        assert_eq!(c.blocks[0].len(), 1);
        assert_eq!(c.blocks[0][0].len(), 51);
        assert!(c.blocks[1].is_empty(), "25 more lines would pass the cap");
    }
}
