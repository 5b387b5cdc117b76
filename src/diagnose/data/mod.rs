//! Rules as data: rule files in one TOML format (documented in `docs/rules.md`), read with
//! serde, checked ([`load`]) and matched with the `regex` crate ([`DataRule`], which is a
//! [`super::Rule`] like the rules written in Rust, so the registry lists both alike).
//!
//! A rule has match blocks, each on one source (`msilog` line text, `evtx` provider / event id /
//! data, `procmon` process / operation / path / result); every block must hit in the same
//! session. Its title, summary and fixes are filled from the blocks' named captures and the
//! session's facts; the matched lines, records and rows are its evidence.
//!
//! It must not panic on any rule file or input, and must not run a pattern that is not
//! compiled with the size limit of [`load`].

pub mod builtin;
pub mod index;
pub mod load;

use std::collections::BTreeMap;

use regex::Regex;

use super::evidence::{KindIndex, SessionView};
use super::fixes::FixValues;
use super::registry::{FindingDoc, Origin, Rule};
use super::{Confidence, Finding, Fix};
use crate::model::{Event, EventKind};

/// The session facts a rule's texts may name, with what a missing one reads as.
pub const SESSION_FACTS: &[(&str, &str)] = &[
    ("product", "<product name>"),
    ("product_code", "<product code>"),
    ("version", "<version>"),
    ("package", "<package path>"),
    ("operation", "<operation>"),
    ("user", "<user>"),
    ("temp", "<temp folder>"),
];

/// Evidence items one match block cites at most (the first ones in the session).
const MAX_CITED_PER_BLOCK: usize = 20;

/// Which source a match block reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    MsiLog,
    Evtx,
    Procmon,
    /// The session itself (its exit code or status).
    Session,
}

/// One compiled match block: every given field must match the same line, record or row.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub source: SourceKind,
    /// A label the Rust part of a built-in rule reads the block's hits by (`name`).
    pub name: Option<String>,
    /// `msilog`: the raw line text, and a pattern it must not match (`unless`).
    pub line: Option<Regex>,
    pub unless: Option<Regex>,
    /// `msilog` / `evtx`: the Windows Installer message number (`Error N.`, `Note: 1: N`,
    /// `DEBUG: Error N`, internal error N; an MsiInstaller record's error), any of.
    pub errors: Vec<u32>,
    /// `msilog`: fields of the `Note: 1: N 2: … 3: …` record (field number, pattern).
    pub fields: Vec<(usize, Regex)>,
    /// `msilog`: `Info N.` numbers, any of.
    pub infos: Vec<u32>,
    /// `msilog`: `Action ended …: NAME. Return value N.`: the action name and the value.
    pub action: Option<Regex>,
    pub returned: Option<u8>,
    /// `evtx`: the exact provider name, the event ids (any of), the data values joined by `\n`.
    pub provider: Option<String>,
    pub event_ids: Vec<u32>,
    pub data: Option<Regex>,
    /// `procmon`: process name, operation, path, result.
    pub process: Option<Regex>,
    pub operation: Option<Regex>,
    pub path: Option<Regex>,
    pub result: Option<Regex>,
    /// `session`: the session's exit code or Windows Installer status, any of.
    pub exit_codes: Vec<i64>,
}

/// One fix template.
#[derive(Debug, Clone)]
pub struct FixTemplate {
    pub description: String,
    pub command: Option<String>,
}

/// A rule read from a rule file.
#[derive(Debug, Clone)]
pub struct DataRule {
    pub doc: FindingDoc,
    pub origin: Origin,
    pub title: String,
    pub summary: String,
    pub confidence: Confidence,
    /// `when = "any"`: also on sessions that did not fail.
    pub any_outcome: bool,
    /// `require = "any"`: one hitting block is enough (default: every block must hit).
    pub any_block: bool,
    pub matchers: Vec<Matcher>,
    pub fixes: Vec<FixTemplate>,
}

/// What each block of a rule hit in one session: `None` for a block that hit nothing, else
/// the events it cites (a `session` block cites the exit line, when there is one).
#[derive(Debug, Clone)]
pub struct Hits<'r> {
    rule: &'r DataRule,
    blocks: Vec<Option<Vec<usize>>>,
}

impl Hits<'_> {
    /// True when the rule applies: every block hit (or one, with `require = "any"`).
    pub fn fired(&self) -> bool {
        if self.rule.any_block {
            self.blocks.iter().any(Option::is_some)
        } else {
            !self.blocks.is_empty() && self.blocks.iter().all(Option::is_some)
        }
    }

    /// The events cited by the blocks that hit, except `session` blocks and blocks named in
    /// `except`, in session order, each once.
    pub fn cited_except(&self, except: &[&str]) -> Vec<usize> {
        self.collect(|m| {
            m.source != SourceKind::Session
                && !m.name.as_deref().is_some_and(|n| except.contains(&n))
        })
    }

    /// The events cited by the blocks named `name`.
    pub fn named(&self, name: &str) -> Vec<usize> {
        self.collect(|m| m.name.as_deref() == Some(name))
    }

    fn collect(&self, keep: impl Fn(&Matcher) -> bool) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .rule
            .matchers
            .iter()
            .zip(&self.blocks)
            .filter(|(m, _)| keep(m))
            .filter_map(|(_, h)| h.as_ref())
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl DataRule {
    /// What every block hits in the session (at most `cap` events per block).
    pub fn hits(&self, v: &SessionView, cap: Option<usize>) -> Hits<'_> {
        let mut blocks: Vec<Option<Vec<usize>>> = Vec::with_capacity(self.matchers.len());
        for m in &self.matchers {
            let hit = if m.source == SourceKind::Session {
                m.session_hit(v)
                    .then(|| v.exit_event().into_iter().collect())
            } else {
                let cap = cap.unwrap_or(usize::MAX);
                let events = v.events();
                // The session's pattern index names the only events that can match.
                // The session's pattern index, or its kind index, names the only events that
                // can match; a block with neither walks every event.
                let narrowed = match v.pattern_index().and_then(|ix| ix.candidates(m)) {
                    Some(candidates) => Some(std::borrow::Cow::Borrowed(candidates)),
                    None => m.kind_candidates(v),
                };
                let hits: Vec<usize> = match narrowed {
                    Some(candidates) => candidates
                        .iter()
                        .copied()
                        .filter(|&i| {
                            events
                                .get(i)
                                .is_some_and(|e| m.matches_with(e, || v.message_code_at(i)))
                        })
                        .take(cap)
                        .collect(),
                    None => events
                        .iter()
                        .enumerate()
                        .filter(|(i, e)| m.matches_with(e, || v.message_code_at(*i)))
                        .map(|(i, _)| i)
                        .take(cap)
                        .collect(),
                };
                (!hits.is_empty()).then_some(hits)
            };
            let missed = hit.is_none();
            blocks.push(hit);
            // Every block must hit: the first that does not decides.
            if missed && !self.any_block {
                blocks.resize(self.matchers.len(), None);
                break;
            }
        }
        Hits { rule: self, blocks }
    }

    /// A text of this rule (title, summary) with its placeholders filled: `computed` values
    /// (given by a built-in rule's Rust part, used even when empty) first, then session facts.
    pub fn text(&self, template: &str, v: &SessionView, computed: &[(&str, String)]) -> String {
        let facts = session_facts(v);
        fill_with(template, |name| {
            computed
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, value)| value.clone())
                .or_else(|| facts.get(name).cloned())
        })
    }

    /// The rule's title and summary filled by [`DataRule::text`].
    pub fn title_and_summary(
        &self,
        v: &SessionView,
        computed: &[(&str, String)],
    ) -> (String, String) {
        (
            self.text(&self.title, v, computed),
            self.text(&self.summary, v, computed),
        )
    }
}

impl Rule for DataRule {
    fn findings(&self) -> &[FindingDoc] {
        std::slice::from_ref(&self.doc)
    }

    fn origin(&self) -> Origin {
        self.origin.clone()
    }

    fn data(&self) -> Option<&DataRule> {
        Some(self)
    }

    fn check(&self, v: &SessionView) -> Vec<Finding> {
        if !self.any_outcome && !v.failed() {
            return Vec::new();
        }
        let hits = self.hits(v, Some(MAX_CITED_PER_BLOCK));
        if !hits.fired() {
            return Vec::new();
        }
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let mut cited: Vec<usize> = Vec::new();
        for (m, h) in self.matchers.iter().zip(&hits.blocks) {
            let Some(h) = h else { continue };
            if let Some(&first) = h.first().filter(|_| m.source != SourceKind::Session) {
                for (name, value) in m.captures(v.event(first)) {
                    values.entry(name).or_insert(value);
                }
            }
            cited.extend(h.iter().copied());
        }
        // Like the built-in findings, a failed session's finding cites its exit line.
        if v.failed() {
            cited.extend(v.exit_event());
        }
        let facts = session_facts(v);
        let fill = |t: &str| fill(t, &values, &facts);
        let mut finding = v.draft(
            self.doc.id.clone(),
            fill(&self.title),
            self.confidence,
            fill(&self.summary),
        );
        finding.evidence = v.evidence(&cited);
        finding.fixes = self
            .fixes
            .iter()
            .map(|f| Fix {
                description: fill(&f.description),
                command: f.command.as_deref().map(fill),
            })
            .collect();
        vec![finding]
    }
}

impl Matcher {
    fn session_hit(&self, v: &SessionView) -> bool {
        let s = v.session;
        s.exit_code.is_some_and(|c| self.exit_codes.contains(&c))
            || s.facts.status.is_some_and(|c| self.exit_codes.contains(&c))
    }

    #[cfg(test)]
    fn matches(&self, e: &Event) -> bool {
        self.matches_with(e, || super::evidence::message_code(e))
    }

    /// The only events of the session this block can match, by what it asks before any
    /// pattern: its message numbers, its `Info` numbers, an action end, or its source (event
    /// log, Procmon); `None` when it can match any MSI log line. A superset: each is still
    /// tested whole.
    fn kind_candidates<'v>(&self, v: &'v SessionView) -> Option<std::borrow::Cow<'v, [usize]>> {
        use std::borrow::Cow;
        let ix = v.kind_index();
        match self.source {
            SourceKind::Evtx => Some(Cow::Borrowed(&ix.win_events)),
            SourceKind::Procmon => Some(Cow::Borrowed(&ix.procmon)),
            SourceKind::Session => Some(Cow::Borrowed(&[])),
            SourceKind::MsiLog if !self.errors.is_empty() => {
                Some(Cow::Owned(KindIndex::numbered(&ix.by_code, &self.errors)))
            }
            SourceKind::MsiLog if !self.infos.is_empty() => {
                Some(Cow::Owned(KindIndex::numbered(&ix.by_info, &self.infos)))
            }
            SourceKind::MsiLog if self.action.is_some() || self.returned.is_some() => {
                Some(Cow::Borrowed(&ix.action_ends))
            }
            SourceKind::MsiLog => None,
        }
    }

    /// Whether event `e` matches this block; `code` gives its [`message_code`] (the session
    /// view reads it once per event for every rule).
    fn matches_with(&self, e: &Event, code: impl Fn() -> Option<u32>) -> bool {
        let numbered =
            || self.errors.is_empty() || code().is_some_and(|c| self.errors.contains(&c));
        match (&e.kind, self.source) {
            (_, SourceKind::Session) => false,
            (EventKind::WinEvent(w), SourceKind::Evtx) => {
                self.provider.as_deref().is_none_or(|p| w.provider == p)
                    && (self.event_ids.is_empty() || self.event_ids.contains(&w.event_id))
                    && numbered()
                    && self.data.as_ref().is_none_or(|r| r.is_match(&data_text(w)))
            }
            (EventKind::Procmon(op), SourceKind::Procmon) => {
                let hit =
                    |r: &Option<Regex>, text: &str| r.as_ref().is_none_or(|r| r.is_match(text));
                hit(&self.process, &op.process_name)
                    && hit(&self.operation, &op.operation)
                    && hit(&self.path, &op.path)
                    && hit(&self.result, &op.result)
            }
            (EventKind::WinEvent(_) | EventKind::Procmon(_), _)
            | (_, SourceKind::Evtx | SourceKind::Procmon) => false,
            (kind, SourceKind::MsiLog) => {
                numbered()
                    && (self.infos.is_empty()
                        || matches!(kind, EventKind::Info { code, .. } if self.infos.contains(code)))
                    && (self.fields.is_empty()
                        || matches!(kind, EventKind::Note { args, .. } if self.fields.iter().all(|(n, r)| {
                            args.get(n.wrapping_sub(2)).is_some_and(|a| r.is_match(a))
                        })))
                    && (self.action.is_none() && self.returned.is_none()
                        || matches!(kind, EventKind::ActionEnded { action, return_value }
                            if self.action.as_ref().is_none_or(|r| r.is_match(action))
                                && self.returned.is_none_or(|n| n == *return_value)))
                    && self.line.as_ref().is_none_or(|r| r.is_match(&e.text))
                    && self.unless.as_ref().is_none_or(|r| !r.is_match(&e.text))
            }
        }
    }

    /// The named captures of every pattern of this block on the event it matched.
    fn captures(&self, e: &Event) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut take = |r: &Option<Regex>, text: &str| {
            let Some(r) = r else { return };
            if let Some(c) = r.captures(text) {
                for name in r.capture_names().flatten() {
                    if let Some(m) = c.name(name) {
                        out.push((name.to_string(), m.as_str().to_string()));
                    }
                }
            }
        };
        match &e.kind {
            EventKind::WinEvent(w) => take(&self.data, &data_text(w)),
            EventKind::Procmon(op) => {
                take(&self.process, &op.process_name);
                take(&self.operation, &op.operation);
                take(&self.path, &op.path);
                take(&self.result, &op.result);
            }
            kind => {
                take(&self.line, &e.text);
                if let EventKind::ActionEnded { action, .. } = kind {
                    take(&self.action, action);
                }
                if let EventKind::Note { args, .. } = kind {
                    for (n, r) in &self.fields {
                        if let Some(a) = args.get(n.wrapping_sub(2)) {
                            take(&Some(r.clone()), a);
                        }
                    }
                }
            }
        }
        out
    }
}

/// A record's data values (unnamed, then named) joined by line feeds.
fn data_text(w: &crate::model::WinEvent) -> String {
    w.data
        .iter()
        .map(String::as_str)
        .chain(w.named.iter().map(|(_, v)| v.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The session facts a rule's texts may name, when known.
fn session_facts(v: &SessionView) -> BTreeMap<&'static str, String> {
    let s = v.session;
    let values = FixValues::of(v);
    let mut out = BTreeMap::new();
    let mut put = |k: &'static str, val: Option<String>| {
        if let Some(val) = val.filter(|x| !x.trim().is_empty()) {
            out.insert(k, val);
        }
    };
    put("product", s.product.clone());
    put("product_code", s.product_code.clone());
    put("version", s.version.clone());
    put(
        "package",
        Some(values.package).filter(|p| !p.starts_with('<')),
    );
    put("operation", Some(s.operation.noun().to_string()));
    put("user", values.user);
    put(
        "temp",
        v.property("TempFolder").map(|p| p.value.trim().to_string()),
    );
    out
}

/// Replaces `{name}` with a capture or a session fact; a missing value reads `<name>`
/// (`<package path>` for the package). Other braces are kept as written.
pub fn fill(
    template: &str,
    captures: &BTreeMap<String, String>,
    facts: &BTreeMap<&'static str, String>,
) -> String {
    fill_with(template, |name| {
        captures
            .get(name)
            .or_else(|| facts.get(name))
            .filter(|v| !v.is_empty())
            .cloned()
    })
}

/// Replaces `{name}` with what `value` gives (a missing value reads `<name>`).
fn fill_with(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').filter(|&c| is_placeholder(&after[..c])) {
            Some(close) => {
                let name = &after[..close];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&missing(name)),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// True for a placeholder name: a letter or `_`, then letters, digits or `_`.
pub fn is_placeholder(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a placeholder without a value reads as.
fn missing(name: &str) -> String {
    SESSION_FACTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, shown)| shown.to_string())
        .unwrap_or_else(|| format!("<{}>", name.replace('_', " ")))
}

/// The placeholder names a text uses.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}').filter(|&c| is_placeholder(&after[..c])) {
            Some(close) => {
                out.push(after[..close].to_string());
                rest = &after[close + 1..];
            }
            None => rest = after,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_uses_captures_then_facts_and_names_what_is_missing() {
        let caps = BTreeMap::from([("file".to_string(), "C:\\x.dll".to_string())]);
        let facts = BTreeMap::from([("product", "Contoso".to_string())]);
        assert_eq!(
            fill(
                "{product} held {file} from {package}; {not a name} {x}",
                &caps,
                &facts
            ),
            "Contoso held C:\\x.dll from <package path>; {not a name} <x>"
        );
        assert_eq!(placeholders("a {b} {c d} {e_1}}"), vec!["b", "e_1"]);
    }
}
