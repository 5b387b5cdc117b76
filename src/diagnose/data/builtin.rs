//! The built-in rule files (`src/kb/rules/*.toml`), read once by the same loader as a user's
//! files, with origin "built-in". Their rules are the signatures of msidiag's own findings
//! (`another-install`, `files-in-use`, …): the Rust rule of the same id in
//! `src/diagnose/defs.rs` declares the rule file's doc and reads the hits of its blocks
//! ([`signature`]), then adds the reasoning data cannot express.
//!
//! It must not run a rule itself, and must not panic: a built-in file with a problem (which
//! the test suite and `msidiag rules check --built-in` catch) leaves its rules out.

use std::sync::OnceLock;

use super::load::{load_checked, Loaded, OriginKind, RuleText};
use super::DataRule;
use crate::diagnose::registry::{FindingDoc, Texts};
use crate::kb::rule_files::BUILT_IN;

/// The built-in rule files as loader input.
pub fn texts() -> Vec<RuleText> {
    BUILT_IN
        .iter()
        .map(|(name, text)| RuleText {
            name: format!("src/kb/rules/{name}"),
            bytes: text.as_bytes().to_vec(),
            origin: OriginKind::BuiltIn(name),
        })
        .collect()
}

/// The built-in rules, read once.
pub fn rules() -> &'static [DataRule] {
    static RULES: OnceLock<Vec<DataRule>> = OnceLock::new();
    RULES.get_or_init(|| load_checked(&texts(), None).rules)
}

/// Every problem of the built-in files, `explains` checked against the whole registry.
pub fn check() -> Loaded {
    load_checked(&texts(), Some(&crate::diagnose::Registry::builtin()))
}

/// The built-in signature rule `id`, or an empty rule (no block, so it never fires) named
/// after it when the files lack it.
pub fn signature(id: &'static str) -> &'static DataRule {
    static EMPTY: OnceLock<Vec<DataRule>> = OnceLock::new();
    rules()
        .iter()
        .find(|r| r.doc.id == id)
        .or_else(|| {
            EMPTY
                .get_or_init(|| SIGNATURES.iter().map(|id| empty(id)).collect())
                .iter()
                .find(|r| r.doc.id == id)
        })
        .unwrap_or_else(|| {
            static UNKNOWN: OnceLock<DataRule> = OnceLock::new();
            UNKNOWN.get_or_init(|| empty("unknown-signature"))
        })
}

/// The ids of the signature rules the Rust rules read.
pub const SIGNATURES: &[&str] = &[
    "another-install",
    "files-in-use",
    "insufficient-privileges",
    "policy-blocked",
    "temp-unwritable",
    "launch-condition",
];

fn empty(id: &'static str) -> DataRule {
    DataRule {
        doc: FindingDoc {
            id: id.into(),
            doc: id.into(),
            explains: Texts::Static(&[]),
            fixes: Texts::Static(&[]),
        },
        origin: crate::diagnose::registry::Origin::Code,
        title: id.to_string(),
        summary: id.to_string(),
        confidence: crate::diagnose::Confidence::Medium,
        any_outcome: true,
        any_block: true,
        matchers: Vec::new(),
        fixes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_file_loads_without_a_problem_and_has_every_signature() {
        let checked = check();
        assert!(checked.problems.is_empty(), "{:#?}", checked.problems);
        for id in SIGNATURES {
            let r = signature(id);
            assert!(!r.matchers.is_empty(), "{id} has no block");
            assert!(
                matches!(r.origin, crate::diagnose::registry::Origin::BuiltInFile(_)),
                "{id}"
            );
        }
    }
}
