//! Reading and checking rule files: TOML read with serde into the format's structs, then every
//! rule checked (id, confidence, `when`, sources and their keys, regexes compiled with a size
//! cap, placeholders, `explains`, duplicate and built-in ids). Every problem is reported as
//! `file:line:column: message`: a TOML syntax error stops the reading of that file; after a
//! valid parse every unknown key is listed at its place, then every problem of every rule (a
//! value of the wrong type stops the file: serde reports the first one).
//!
//! It must not panic on any bytes, and must not accept a rule that has a problem.

use std::path::{Path, PathBuf};

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::SESSION_FACTS;
use super::{is_placeholder, placeholders, DataRule, FixTemplate, Matcher, SourceKind};
use crate::diagnose::registry::{FindingDoc, Origin, Registry, Texts};
use crate::diagnose::Confidence;

/// A regex's compiled program may not grow larger than this (the `regex` crate's size limit).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Nesting depth a regex may use.
pub const REGEX_NEST_LIMIT: u32 = 64;
/// A rule file larger than this is refused.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// One problem in a rule file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

#[derive(Deserialize)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<Spanned<RuleToml>>,
    /// Built-in rule files only: the lists of `src/kb/signals.rs`.
    #[serde(default)]
    signals: Option<Spanned<crate::kb::signals::Signals>>,
}

#[derive(Deserialize)]
struct RuleToml {
    id: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    doc: Option<Spanned<String>>,
    #[serde(default)]
    confidence: Option<Spanned<String>>,
    #[serde(default)]
    when: Option<Spanned<String>>,
    #[serde(default)]
    require: Option<Spanned<String>>,
    #[serde(default)]
    explains: Vec<Spanned<String>>,
    /// Built-in rule files only: placeholders the rule's Rust part fills.
    #[serde(default)]
    computed: Vec<Spanned<String>>,
    summary: Spanned<String>,
    #[serde(rename = "match", default)]
    matches: Vec<Spanned<MatchToml>>,
    #[serde(default)]
    fix: Vec<Spanned<FixToml>>,
}

#[derive(Deserialize)]
struct MatchToml {
    source: Spanned<String>,
    name: Option<Spanned<String>>,
    line: Option<Spanned<String>>,
    unless: Option<Spanned<String>>,
    error: Option<Spanned<OneOrMany>>,
    fields: Option<Spanned<std::collections::BTreeMap<String, Spanned<String>>>>,
    info: Option<Spanned<OneOrMany>>,
    action: Option<Spanned<String>>,
    returned: Option<Spanned<i64>>,
    exit_code: Option<Spanned<OneOrMany>>,
    provider: Option<Spanned<String>>,
    event_id: Option<Spanned<OneOrMany>>,
    data: Option<Spanned<String>>,
    process: Option<Spanned<String>>,
    operation: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    result: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(i64),
    Many(Vec<i64>),
}

impl OneOrMany {
    fn list(&self) -> Vec<i64> {
        match self {
            OneOrMany::One(n) => vec![*n],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Deserialize)]
struct FixToml {
    description: Spanned<String>,
    command: Option<Spanned<String>>,
}

/// One rule file's text, as read.
pub struct RuleText {
    /// The path as shown in messages.
    pub name: String,
    pub bytes: Vec<u8>,
    /// Where rules from it come from.
    pub origin: OriginKind,
}

/// Whether a file is built in or a user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginKind {
    BuiltIn(&'static str),
    User,
}

/// The result of reading rule files: the rules without problems, and every problem.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rules: Vec<DataRule>,
    pub problems: Vec<Problem>,
}

/// Reads and checks rule files against the ids of `known` (built-in rules and rules already
/// loaded). A rule with a problem is left out; ids must be unique across all the files.
pub fn load(texts: &[RuleText], known: &Registry) -> Loaded {
    load_checked(texts, Some(known))
}

/// [`load`]; without `known` (while the built-in rule files themselves are read, before the
/// registry exists) ids are checked against each other only and `explains` is not checked.
pub fn load_checked(texts: &[RuleText], known: Option<&Registry>) -> Loaded {
    let mut out = Loaded::default();
    let builtin: Vec<String> = known
        .map(|k| k.ids().into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for t in texts {
        let mut file = FileCheck {
            name: &t.name,
            text: "",
            problems: &mut out.problems,
        };
        let text = match std::str::from_utf8(&t.bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.valid_up_to();
                let (line, column) = line_col(&String::from_utf8_lossy(&t.bytes[..at]), at);
                file.at(
                    line,
                    column,
                    format!("not UTF-8 text (invalid byte at offset {at})"),
                );
                continue;
            }
        };
        if t.bytes.len() > MAX_FILE_BYTES {
            file.at(
                1,
                1,
                format!("the file is larger than {MAX_FILE_BYTES} bytes"),
            );
            continue;
        }
        file.text = text;
        // Syntax first (one error: what follows it cannot be read reliably), then every
        // unknown key with its place, then the values.
        let before = file.problems.len();
        match toml::de::DeTable::parse(text) {
            Ok(doc) => unknown_keys(&mut file, doc.get_ref()),
            Err(e) => {
                let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
                file.at(line, column, e.message().trim().to_string());
                continue;
            }
        }
        let file_has_unknown_keys = file.problems.len() > before;
        let parsed: RuleFile = match toml::from_str(text) {
            Ok(p) => p,
            Err(e) => {
                let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
                file.at(line, column, e.message().trim().to_string());
                continue;
            }
        };
        if let (Some(signals), OriginKind::User) = (&parsed.signals, t.origin) {
            file.text = text;
            file.span(
                signals,
                "[signals] is only for msidiag's built-in rule files".to_string(),
            );
        }
        for rule in parsed.rule {
            let start = out.problems.len();
            let mut file = FileCheck {
                name: &t.name,
                text,
                problems: &mut out.problems,
            };
            let checked = check_rule(&mut file, rule, &builtin, &seen, known, t.origin);
            if let Some(r) =
                checked.filter(|_| out.problems.len() == start && !file_has_unknown_keys)
            {
                seen.insert(r.doc.id.to_string());
                out.rules.push(r);
            }
        }
    }
    out
}

/// Reads the `*.toml` files of `paths` (files, or folders read recursively in name order).
pub fn read_paths(paths: &[PathBuf]) -> (Vec<RuleText>, Vec<Problem>) {
    let mut texts = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        let mut files: Vec<PathBuf> = if p.is_dir() {
            walkdir::WalkDir::new(p)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|f| {
                    f.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
                })
                .collect()
        } else {
            vec![p.clone()]
        };
        files.sort();
        for f in files {
            let name = f.display().to_string();
            match read_capped(&f) {
                Ok(bytes) => texts.push(RuleText {
                    name,
                    bytes,
                    origin: OriginKind::User,
                }),
                Err(e) => problems.push(Problem {
                    file: name,
                    line: 1,
                    column: 1,
                    message: e,
                }),
            }
        }
    }
    (texts, problems)
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the rule file: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the rule file: {e}"))?;
    Ok(bytes)
}

/// The per-user rule folder: `$XDG_CONFIG_HOME/msidiag/rules` (or `~/.config/…`) on Linux,
/// `~/Library/Application Support/msidiag/rules` on macOS, `%APPDATA%\msidiag\rules` on Windows.
pub fn user_rules_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_CONFIG_HOME").or_else(|| env("HOME").map(|h| h.join(".config")))
    }?;
    Some(base.join("msidiag").join("rules"))
}

/// 1-based line and column (in characters) of byte offset `at`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let at = (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The keys of each table of the format (docs/rules.md).
const FILE_KEYS: &[&str] = &["rule", "signals"];
const RULE_KEYS: &[&str] = &[
    "id",
    "title",
    "doc",
    "confidence",
    "when",
    "require",
    "explains",
    "computed",
    "summary",
    "match",
    "fix",
];
const MATCH_KEYS: &[&str] = &[
    "source",
    "name",
    "line",
    "unless",
    "error",
    "fields",
    "info",
    "action",
    "returned",
    "exit_code",
    "provider",
    "event_id",
    "data",
    "process",
    "operation",
    "path",
    "result",
];
const FIX_KEYS: &[&str] = &["description", "command"];
const SIGNALS_KEYS: &[&str] = &["benign_notes", "routine_notes", "denied_results"];

/// Reports every key the format does not know, at its place.
fn unknown_keys(f: &mut FileCheck, doc: &toml::de::DeTable) {
    use toml::de::DeValue;
    fn tables<'a, 'i>(v: &'a DeValue<'i>) -> Vec<&'a toml::de::DeTable<'i>> {
        match v {
            DeValue::Table(t) => vec![t],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|i| match i.get_ref() {
                    DeValue::Table(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    fn check(f: &mut FileCheck, table: &toml::de::DeTable, known: &[&str], what: &str) {
        for (key, _) in table.iter() {
            if !known.contains(&key.get_ref().as_ref()) {
                f.span(
                    key,
                    format!(
                        "unknown key `{}` in {what} (expected one of: {})",
                        key.get_ref(),
                        known.join(", ")
                    ),
                );
            }
        }
    }
    check(f, doc, FILE_KEYS, "the file");
    for (key, value) in doc.iter() {
        match key.get_ref().as_ref() {
            "signals" => {
                for t in tables(value.get_ref()) {
                    check(f, t, SIGNALS_KEYS, "[signals]");
                }
            }
            "rule" => {
                for rule in tables(value.get_ref()) {
                    check(f, rule, RULE_KEYS, "[[rule]]");
                    for (key, value) in rule.iter() {
                        let (known, what) = match key.get_ref().as_ref() {
                            "match" => (MATCH_KEYS, "[[rule.match]]"),
                            "fix" => (FIX_KEYS, "[[rule.fix]]"),
                            _ => continue,
                        };
                        for t in tables(value.get_ref()) {
                            check(f, t, known, what);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

struct FileCheck<'a> {
    name: &'a str,
    text: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl FileCheck<'_> {
    fn at(&mut self, line: usize, column: usize, message: String) {
        self.problems.push(Problem {
            file: self.name.to_string(),
            line,
            column,
            message,
        });
    }

    fn span<T>(&mut self, s: &Spanned<T>, message: String) {
        let (line, column) = line_col(self.text, s.span().start);
        self.at(line, column, message);
    }

    fn regex(&mut self, s: &Option<Spanned<String>>, key: &str) -> Option<Regex> {
        let s = s.as_ref()?;
        match RegexBuilder::new(s.get_ref())
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .nest_limit(REGEX_NEST_LIMIT)
            .build()
        {
            Ok(r) => Some(r),
            Err(regex::Error::CompiledTooBig(limit)) => {
                self.span(s, format!("`{key}`: the regex compiles to more than {limit} bytes (the cap); make it simpler"));
                None
            }
            Err(e) => {
                let text = e.to_string();
                let last = text
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                self.span(s, format!("`{key}`: bad regex: {}", last.trim()));
                None
            }
        }
    }
}

fn check_rule(
    f: &mut FileCheck,
    rule: Spanned<RuleToml>,
    builtin: &[String],
    seen: &std::collections::HashSet<String>,
    known: Option<&Registry>,
    origin: OriginKind,
) -> Option<DataRule> {
    let (line, _) = line_col(f.text, rule.span().start);
    let r = rule.into_inner();
    let id = r.id.get_ref().clone();
    let valid_id = !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !valid_id {
        f.span(
            &r.id,
            format!("id `{id}`: use lowercase letters and digits joined by `-`"),
        );
    } else if builtin.contains(&id) && origin == OriginKind::User {
        f.span(
            &r.id,
            format!("id `{id}` is a built-in finding; choose another id"),
        );
    } else if seen.contains(&id) {
        f.span(&r.id, format!("id `{id}` is already used by another rule"));
    }
    let confidence = match r.confidence.as_ref().map(|c| c.get_ref().as_str()) {
        None | Some("medium") => Confidence::Medium,
        Some("high") => Confidence::High,
        Some("low") => Confidence::Low,
        Some(other) => {
            f.span(
                r.confidence.as_ref()?,
                format!("confidence `{other}`: use high, medium or low"),
            );
            Confidence::Medium
        }
    };
    let any_outcome = match r.when.as_ref().map(|w| w.get_ref().as_str()) {
        None | Some("failed") => false,
        Some("any") => true,
        Some(other) => {
            f.span(
                r.when.as_ref()?,
                format!("when `{other}`: use failed or any"),
            );
            false
        }
    };
    let any_block = match r.require.as_ref().map(|w| w.get_ref().as_str()) {
        None | Some("all") => false,
        Some("any") => true,
        Some(other) => {
            f.span(
                r.require.as_ref()?,
                format!("require `{other}`: use all or any"),
            );
            false
        }
    };
    if let (Some(c), OriginKind::User) = (r.computed.first(), origin) {
        f.span(
            c,
            "`computed` is only for msidiag's built-in rule files".to_string(),
        );
    }
    for e in &r.explains {
        if known.is_some_and(|k| k.finding(e.get_ref()).is_none()) {
            f.span(
                e,
                format!(
                    "explains `{}`: no built-in finding has this id",
                    e.get_ref()
                ),
            );
        }
    }
    if r.matches.is_empty() {
        let (l, c) = (line, 1);
        f.at(l, c, format!("rule `{id}` has no [[rule.match]] block"));
    }
    let mut matchers = Vec::new();
    let mut captured: Vec<String> = Vec::new();
    for m in &r.matches {
        let block = m.get_ref();
        let source = match block.source.get_ref().as_str() {
            "msilog" => SourceKind::MsiLog,
            "evtx" => SourceKind::Evtx,
            "procmon" => SourceKind::Procmon,
            "session" => SourceKind::Session,
            other => {
                f.span(
                    &block.source,
                    format!("source `{other}`: use msilog, evtx, procmon or session"),
                );
                continue;
            }
        };
        use SourceKind::{Evtx, MsiLog, Procmon, Session};
        let on = |sources: &[SourceKind]| sources.contains(&source);
        let keys: [(&str, bool, bool); 15] = [
            ("line", block.line.is_some(), on(&[MsiLog])),
            ("unless", block.unless.is_some(), on(&[MsiLog])),
            ("error", block.error.is_some(), on(&[MsiLog, Evtx])),
            ("fields", block.fields.is_some(), on(&[MsiLog])),
            ("info", block.info.is_some(), on(&[MsiLog])),
            ("action", block.action.is_some(), on(&[MsiLog])),
            ("returned", block.returned.is_some(), on(&[MsiLog])),
            ("provider", block.provider.is_some(), on(&[Evtx])),
            ("event_id", block.event_id.is_some(), on(&[Evtx])),
            ("data", block.data.is_some(), on(&[Evtx])),
            ("process", block.process.is_some(), on(&[Procmon])),
            ("operation", block.operation.is_some(), on(&[Procmon])),
            ("path", block.path.is_some(), on(&[Procmon])),
            ("result", block.result.is_some(), on(&[Procmon])),
            ("exit_code", block.exit_code.is_some(), on(&[Session])),
        ];
        for (key, given, allowed) in keys {
            if given && !allowed {
                f.span(
                    &block.source,
                    format!(
                        "`{key}` does not apply to source `{}`",
                        block.source.get_ref()
                    ),
                );
            }
        }
        // `unless` and `fields` narrow a block: alone they name nothing to match.
        if !keys
            .iter()
            .any(|(k, given, allowed)| *given && *allowed && *k != "unless" && *k != "fields")
        {
            f.span(
                &block.source,
                "the match block names nothing to match".to_string(),
            );
        }
        if block.fields.is_some() && block.error.is_none() {
            f.span(
                &block.source,
                "`fields` needs `error` (the note number whose fields it reads)".to_string(),
            );
        }
        let mut event_ids = Vec::new();
        if let Some(ids) = &block.event_id {
            for n in ids.get_ref().list() {
                match u32::try_from(n) {
                    Ok(n) if n <= 65535 => event_ids.push(n),
                    _ => f.span(ids, format!("event_id {n}: event ids are 0 to 65535")),
                }
            }
        }
        let mut numbers = |key: &str, given: &Option<Spanned<OneOrMany>>| -> Vec<u32> {
            let Some(given) = given else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for n in given.get_ref().list() {
                match u32::try_from(n) {
                    Ok(n) if n <= 65535 => out.push(n),
                    _ => f.span(given, format!("{key} {n}: message numbers are 0 to 65535")),
                }
            }
            out
        };
        let errors = numbers("error", &block.error);
        let infos = numbers("info", &block.info);
        let exit_codes: Vec<i64> = block
            .exit_code
            .as_ref()
            .map(|c| c.get_ref().list())
            .unwrap_or_default();
        let returned = match &block.returned {
            None => None,
            Some(r) => match u8::try_from(*r.get_ref()) {
                Ok(n) if n <= 127 => Some(n),
                _ => {
                    f.span(
                        r,
                        format!("returned {}: return values are 0 to 127", r.get_ref()),
                    );
                    None
                }
            },
        };
        let mut fields = Vec::new();
        if let Some(given) = &block.fields {
            for (key, pattern) in given.get_ref() {
                match key.parse::<usize>() {
                    Ok(n) if (2..=32).contains(&n) => {
                        if let Some(r) = f.regex(&Some(pattern.clone()), "fields") {
                            fields.push((n, r));
                        }
                    }
                    _ => f.span(
                        pattern,
                        format!("fields `{key}`: a note's fields are numbered 2 to 32 (`Note: 1: N 2: …`)"),
                    ),
                }
            }
        }
        let matcher = Matcher {
            source,
            name: block.name.as_ref().map(|n| n.get_ref().clone()),
            line: f.regex(&block.line, "line"),
            unless: f.regex(&block.unless, "unless"),
            errors,
            fields,
            infos,
            action: f.regex(&block.action, "action"),
            returned,
            exit_codes,
            provider: block.provider.as_ref().map(|p| p.get_ref().clone()),
            event_ids,
            data: f.regex(&block.data, "data"),
            process: f.regex(&block.process, "process"),
            operation: f.regex(&block.operation, "operation"),
            path: f.regex(&block.path, "path"),
            result: f.regex(&block.result, "result"),
        };
        for r in [
            &matcher.line,
            &matcher.action,
            &matcher.data,
            &matcher.process,
            &matcher.operation,
            &matcher.path,
            &matcher.result,
        ]
        .into_iter()
        .flatten()
        {
            captured.extend(r.capture_names().flatten().map(str::to_string));
        }
        for (_, r) in &matcher.fields {
            captured.extend(r.capture_names().flatten().map(str::to_string));
        }
        matchers.push(matcher);
    }
    let mut texts: Vec<&Spanned<String>> = vec![&r.title, &r.summary];
    for fix in &r.fix {
        texts.push(&fix.get_ref().description);
        texts.extend(fix.get_ref().command.as_ref());
    }
    for t in texts {
        for name in placeholders(t.get_ref()) {
            let fact = SESSION_FACTS.iter().any(|(n, _)| *n == name)
                || r.computed.iter().any(|c| *c.get_ref() == name);
            if !fact && !captured.contains(&name) && is_placeholder(&name) {
                f.span(t, format!("placeholder {{{name}}}: no match block captures it (name a group `(?P<{name}>…)`) and it is not a session fact"));
            }
        }
    }
    let origin = match origin {
        OriginKind::BuiltIn(name) => Origin::BuiltInFile(name),
        OriginKind::User => Origin::UserFile {
            path: f.name.to_string(),
            line,
        },
    };
    Some(DataRule {
        doc: FindingDoc {
            id: id.clone().into(),
            doc: r
                .doc
                .map(|d| d.into_inner())
                .unwrap_or_else(|| r.title.get_ref().clone())
                .into(),
            explains: Texts::Owned(r.explains.iter().map(|e| e.get_ref().clone()).collect()),
            fixes: Texts::Owned(
                r.fix
                    .iter()
                    .map(|x| x.get_ref().description.get_ref().clone())
                    .collect(),
            ),
        },
        origin,
        title: r.title.into_inner(),
        summary: r.summary.into_inner(),
        confidence,
        any_outcome,
        any_block,
        matchers,
        fixes: r
            .fix
            .into_iter()
            .map(|x| {
                let x = x.into_inner();
                FixTemplate {
                    description: x.description.into_inner(),
                    command: x.command.map(Spanned::into_inner),
                }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Loaded {
        load(
            &[RuleText {
                name: "t.toml".into(),
                bytes: text.as_bytes().to_vec(),
                origin: OriginKind::User,
            }],
            &Registry::builtin(),
        )
    }

    #[test]
    fn a_good_rule_loads() {
        let l = check(
            r#"
[[rule]]
id = "contoso-agent-locked"
title = "The Contoso agent held {file}"
confidence = "high"
explains = ["files-in-use"]
summary = "ContosoAgent.exe keeps {file} open during upgrades of {product}."
  [[rule.match]]
  source = "msilog"
  line = 'Error 1306\..*?(?P<file>[A-Za-z]:\\[^ ]+)'
  [[rule.fix]]
  description = "Stop the Contoso agent, then retry"
  command = 'sc stop ContosoAgent && msiexec /i "{package}"'
"#,
        );
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.rules.len(), 1);
    }

    #[test]
    fn every_problem_is_listed_with_its_place() {
        let l = check(
            "[[rule]]\nid = \"files-in-use\"\ntitle = \"{nope}\"\nconfidence = \"sure\"\nwhen = \"never\"\nexplains = [\"no-such\"]\nsummary = \"x\"\n  [[rule.match]]\n  source = \"eventlog\"\n  [[rule.match]]\n  source = \"msilog\"\n  line = '('\n",
        );
        let text: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
        assert!(l.rules.is_empty());
        for want in [
            "t.toml:2:6: id `files-in-use` is a built-in finding",
            "t.toml:4:14: confidence `sure`",
            "t.toml:5:8: when `never`",
            "t.toml:6:13: explains `no-such`",
            "t.toml:9:12: source `eventlog`",
            "t.toml:12:10: `line`: bad regex",
            "t.toml:3:9: placeholder {nope}",
        ] {
            assert!(
                text.iter().any(|t| t.starts_with(want)),
                "{want} not in {text:#?}"
            );
        }
    }

    #[test]
    fn syntax_errors_unknown_keys_and_bad_bytes_are_problems_not_panics() {
        assert!(check("[[rule]\n").problems[0]
            .to_string()
            .starts_with("t.toml:1:"));
        let unknown =
            check("[[rule]]\nid = \"a\"\ntitle = \"t\"\nsummary = \"s\"\ncolour = \"red\"\n");
        assert!(
            unknown.problems[0].message.contains("colour"),
            "{:?}",
            unknown.problems
        );
        let bad = load(
            &[RuleText {
                name: "b.toml".into(),
                bytes: b"id = \"\xff\"".to_vec(),
                origin: OriginKind::User,
            }],
            &Registry::builtin(),
        );
        assert!(bad.problems[0]
            .to_string()
            .starts_with("b.toml:1:7: not UTF-8"));
    }

    #[test]
    fn a_huge_regex_is_refused_with_the_cap() {
        let l = check(&format!(
            "[[rule]]\nid = \"big\"\ntitle = \"t\"\nsummary = \"s\"\n[[rule.match]]\nsource = \"msilog\"\nline = '{}'\n",
            "(?:a{1000}){1000}"
        ));
        assert!(
            l.problems[0].message.contains("more than"),
            "{:?}",
            l.problems
        );
    }

    #[test]
    fn new_keys_are_checked_and_built_in_only_keys_refused_in_user_files() {
        let l = check(
            "[[rule]]\nid = \"a\"\ntitle = \"{x}\"\nsummary = \"s\"\nrequire = \"most\"\ncomputed = [\"x\"]\n[[rule.match]]\nsource = \"msilog\"\nfields = { 1 = 'a' }\n[[rule.match]]\nsource = \"session\"\nreturned = 300\n[signals]\nroutine_notes = [1]\n",
        );
        let text: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
        for want in [
            "t.toml:5:11: require `most`",
            "t.toml:6:13: `computed` is only for msidiag's built-in rule files",
            "t.toml:8:10: the match block names nothing to match",
            "t.toml:8:10: `fields` needs `error`",
            "t.toml:9:16: fields `1`",
            "t.toml:11:10: `returned` does not apply to source `session`",
            "t.toml:12:12: returned 300",
            "[signals] is only for msidiag's built-in rule files",
        ] {
            assert!(
                text.iter().any(|t| t.contains(want)),
                "{want} not in {text:#?}"
            );
        }
    }

    #[test]
    fn every_unknown_key_and_every_other_problem_of_a_file_is_listed() {
        let l = check(
            "colour = 1\n[[rule]]\nid = \"a\"\ntitle = \"t\"\nsummary = \"s\"\nseverity = \"x\"\nconfidence = \"sure\"\n[[rule.match]]\nsource = \"msilog\"\nlines = 'x'\nline = '('\n[[rule.fix]]\ndescription = \"d\"\ncmd = \"c\"\n[[rule]]\nid = \"b\"\ntitle = \"t\"\nsummary = \"s\"\n[[rule.match]]\nsource = \"msilog\"\nline = 'ok'\n",
        );
        let text: Vec<String> = l.problems.iter().map(|p| p.to_string()).collect();
        for want in [
            "t.toml:1:1: unknown key `colour` in the file",
            "t.toml:6:1: unknown key `severity` in [[rule]]",
            "t.toml:10:1: unknown key `lines` in [[rule.match]]",
            "t.toml:14:1: unknown key `cmd` in [[rule.fix]]",
            "t.toml:7:14: confidence `sure`",
            "t.toml:11:8: `line`: bad regex",
        ] {
            assert!(
                text.iter().any(|t| t.starts_with(want)),
                "{want} not in {text:#?}"
            );
        }
        // A file with an unknown key loads none of its rules.
        assert!(l.rules.is_empty());
    }
}
