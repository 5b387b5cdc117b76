//! The rule registry: what a rule is ([`Rule`]: the findings it can produce, what each of them
//! explains, a one-line doc, its usual fixes, and its check) and the one list of every rule
//! ([`Registry`]): the built-in rules written in Rust (`src/diagnose/defs.rs`) and the rules
//! read from files (built-in rule files and a user's own, `src/diagnose/data/`) alike.
//!
//! Diagnosis, `msidiag explain <finding-id>`, `msidiag rules list` and the README test all read
//! this list. It must not run a rule on its own or print anything.

use std::borrow::Cow;

use super::evidence::SessionView;
use super::Finding;

/// Text a rule declares: borrowed for built-in rules, owned for rules read from files.
pub type Text = Cow<'static, str>;

/// What a rule says about one finding id it can produce.
#[derive(Debug, Clone)]
pub struct FindingDoc {
    /// The finding's stable id (lowercase words joined by `-`).
    pub id: Text,
    /// One line: what the finding means.
    pub doc: Text,
    /// The findings this one explains when both are found in a session (it is their cause).
    pub explains: Texts,
    /// The fixes that usually apply, as sentences (a finding fills its own with real values).
    pub fixes: Texts,
}

/// A list of texts: a constant slice for built-in rules, owned for rules read from files.
#[derive(Debug, Clone)]
pub enum Texts {
    Static(&'static [&'static str]),
    Owned(Vec<String>),
}

impl Texts {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (fixed, owned): (&[&str], &[String]) = match self {
            Texts::Static(s) => (s, &[]),
            Texts::Owned(v) => (&[], v),
        };
        fixed
            .iter()
            .copied()
            .chain(owned.iter().map(String::as_str))
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl FindingDoc {
    /// A built-in finding's doc (usable in `const` tables).
    pub const fn of(
        id: &'static str,
        doc: &'static str,
        explains: &'static [&'static str],
        fixes: &'static [&'static str],
    ) -> FindingDoc {
        FindingDoc {
            id: Cow::Borrowed(id),
            doc: Cow::Borrowed(doc),
            explains: Texts::Static(explains),
            fixes: Texts::Static(fixes),
        }
    }
}

/// Where a rule comes from, as `msidiag rules list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Written in Rust inside msidiag.
    Code,
    /// A rule file shipped inside the binary (its name under `src/kb/rules/`).
    BuiltInFile(&'static str),
    /// A user's rule file, with the line of its `[[rule]]` table.
    UserFile { path: String, line: usize },
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Code => write!(f, "built-in"),
            Origin::BuiltInFile(name) => write!(f, "built-in (src/kb/rules/{name})"),
            Origin::UserFile { path, line } => write!(f, "{path}:{line}"),
        }
    }
}

/// A rule: the findings it declares and the check that produces them from one session.
pub trait Rule: Send + Sync {
    /// Every finding id this rule can produce, with its doc.
    fn findings(&self) -> &[FindingDoc];

    /// Where the rule comes from.
    fn origin(&self) -> Origin {
        Origin::Code
    }

    /// A fallback rule runs on a session only when no other rule found anything in it.
    fn is_fallback(&self) -> bool {
        false
    }

    /// The findings this rule makes of one session (empty when it does not apply).
    fn check(&self, view: &SessionView) -> Vec<Finding>;

    /// The rule read from a rule file, when it is one (the readers then also keep the lines
    /// and rows its blocks match).
    fn data(&self) -> Option<&super::data::DataRule> {
        None
    }
}

/// Every rule diagnosis runs: the built-in ones, then those read from rule files.
pub struct Registry {
    builtin: &'static [&'static dyn Rule],
    /// The rules of the built-in rule files that no Rust rule reads (pure signatures, e.g.
    /// `src/kb/rules/exit_codes.toml`): they run as they are, like a user's rules.
    builtin_data: Vec<&'static dyn Rule>,
    loaded: Vec<std::sync::Arc<dyn Rule>>,
}

impl Registry {
    /// Every built-in rule (no user rule): the Rust rules and the built-in rule files' own.
    pub fn builtin() -> Registry {
        Registry::with_loaded(Vec::new())
    }

    /// The rules written in Rust, without any rule file.
    pub fn code_only() -> Registry {
        Registry {
            builtin: super::defs::RULES,
            builtin_data: Vec::new(),
            loaded: Vec::new(),
        }
    }

    /// The built-in rules plus rules read from files (built-in rule files first).
    pub fn with_loaded(loaded: Vec<std::sync::Arc<dyn Rule>>) -> Registry {
        Registry {
            builtin: super::defs::RULES,
            builtin_data: pure_data_rules(),
            loaded,
        }
    }

    /// Every rule, built-in first, in the order they run.
    pub fn rules(&self) -> impl Iterator<Item = &dyn Rule> {
        self.builtin
            .iter()
            .copied()
            .chain(self.builtin_data.iter().copied())
            .chain(self.loaded.iter().map(|r| r.as_ref()))
    }

    /// Every declared finding with the rule that declares it.
    pub fn findings(&self) -> impl Iterator<Item = (&dyn Rule, &FindingDoc)> {
        self.rules()
            .flat_map(|r| r.findings().iter().map(move |d| (r, d)))
    }

    /// The doc of finding `id` and the rule that declares it.
    pub fn finding(&self, id: &str) -> Option<(&dyn Rule, &FindingDoc)> {
        self.findings().find(|(_, d)| d.id == id)
    }

    /// True when finding `cause` is declared to explain finding `symptom`.
    pub fn explains(&self, cause: &str, symptom: &str) -> bool {
        self.findings()
            .any(|(_, d)| d.id == cause && d.explains.iter().any(|e| e == symptom))
    }

    /// The findings declared to explain `symptom` (each id once).
    pub fn explained_by(&self, symptom: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, d) in self.findings() {
            if d.explains.iter().any(|e| e == symptom) && !out.contains(&d.id.as_ref()) {
                out.push(&d.id);
            }
        }
        out
    }

    /// Every declared finding id, each once, in the order the rules declare them.
    pub fn ids(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (_, d) in self.findings() {
            if !out.contains(&d.id.as_ref()) {
                out.push(&d.id);
            }
        }
        out
    }
}

/// The built-in rule files' rules whose finding no Rust rule declares.
fn pure_data_rules() -> Vec<&'static dyn Rule> {
    let code_ids: Vec<&str> = super::defs::RULES
        .iter()
        .flat_map(|r| r.findings())
        .map(|d| d.id.as_ref())
        .collect();
    super::data::builtin::rules()
        .iter()
        .filter(|r| !code_ids.contains(&r.doc.id.as_ref()))
        .map(|r| r as &dyn Rule)
        .collect()
}
