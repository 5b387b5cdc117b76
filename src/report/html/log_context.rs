//! The log lines around MSI-log evidence, expandable in place under an evidence row: a
//! `<details>` element (it opens without JavaScript) holding the numbered lines of one block
//! planned by `src/report/log_context.rs`, the cited lines highlighted and the lines the MSI
//! log reader parsed as errors or warnings marked.
//!
//! It only shows what the analysis holds: the blocks, the lines read again, and the kinds of
//! the session events at those lines. Every line of log text is escaped by maud and cleaned
//! of control and bidi characters; it must not read files or plan blocks.

use std::collections::HashMap;

use maud::{html, Markup};

use super::clean;
use crate::model::EventKind;
use crate::report::log_context::ContextBlock;
use crate::report::Analysis;

/// How a parsed line is marked in the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Error,
    Warning,
}

/// What the context view needs of the analysis.
pub(super) struct ContextView<'a> {
    a: &'a Analysis,
    marks: HashMap<(&'a str, u64), Mark>,
}

impl<'a> ContextView<'a> {
    pub(super) fn new(a: &'a Analysis) -> Self {
        let mut marks = HashMap::new();
        if a.context.is_some() {
            for e in a
                .sessions
                .iter()
                .flat_map(|s| s.events.get(..s.log_events).unwrap_or_default())
            {
                let Some(line) = e.origin.line else { continue };
                if let Some(m) = mark(&e.kind) {
                    marks.insert((e.origin.path.as_ref(), line), m);
                }
            }
        }
        ContextView { a, marks }
    }

    /// The blocks of the finding at `index` in `Analysis::findings`.
    pub(super) fn blocks(&self, index: Option<usize>) -> &'a [ContextBlock] {
        match (&self.a.context, index) {
            (Some(c), Some(i)) => c.blocks.get(i).map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }

    /// The `<details>` of `block`, whose cited lines are `cited`.
    pub(super) fn block(&self, block: &ContextBlock, cited: &[u64]) -> Markup {
        let Some(c) = &self.a.context else {
            return html! {};
        };
        let lines: Vec<(u64, &str)> = c.block_lines(block).collect();
        let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
            return html! {};
        };
        let around = match cited {
            [one] => format!("±{} around line {one}", c.radius),
            _ => format!(
                "±{} around lines {}",
                c.radius,
                cited
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        html! {
            details.ctx {
                summary { "Log lines " (first.0) "–" (last.0) " (" (around) ")" }
                table.ctx-lines {
                    tbody {
                        @for (n, text) in &lines {
                            @let class = line_class(cited.contains(n), self.marks.get(&(block.path.as_str(), *n)).copied());
                            tr class=[class] {
                                td.ln { (n) }
                                td.lt { (clean(text)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn line_class(cited: bool, mark: Option<Mark>) -> Option<&'static str> {
    match (cited, mark) {
        (true, Some(Mark::Error)) => Some("cited err"),
        (true, _) => Some("cited"),
        (false, Some(Mark::Error)) => Some("err"),
        (false, Some(Mark::Warning)) => Some("warn"),
        (false, None) => None,
    }
}

/// Lines the MSI log reader parsed as an error or a failure report, or as a warning.
fn mark(kind: &EventKind) -> Option<Mark> {
    match kind {
        EventKind::Error { .. }
        | EventKind::DebugError { .. }
        | EventKind::InternalErrorDialog { .. } => Some(Mark::Error),
        EventKind::ActionEnded { return_value, .. } if *return_value == 3 => Some(Mark::Error),
        EventKind::CustomActionReturned { ignored: false, .. } => Some(Mark::Error),
        EventKind::EngineReturned { code } | EventKind::BackFromServer { code }
            if !matches!(code, 0 | 3010) =>
        {
            Some(Mark::Error)
        }
        EventKind::ProductOutcome(o) if !matches!(o.status, 0 | 3010) => Some(Mark::Error),
        // Internal error records are often routine (2205: a table is absent).
        EventKind::Warning { .. } | EventKind::Note { .. } => Some(Mark::Warning),
        _ => None,
    }
}
