//! The README's findings table and the rule registry agree: every finding id a rule declares is
//! documented in the table, and the table names no id that no rule declares.

use std::collections::BTreeSet;

/// The ids in the first column of the README's `## Findings (stable ids)` table.
fn readme_ids() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let table = readme
        .split("## Findings (stable ids)")
        .nth(1)
        .expect("the README has a findings section");
    table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|row| {
            let first = row.trim_start_matches('|').split('|').next()?.trim();
            let id = first.strip_prefix('`')?.strip_suffix('`')?;
            Some(id.to_string())
        })
        .collect()
}

#[test]
fn every_registered_finding_is_documented_and_none_is_stale() {
    let registry = msidiag::diagnose::Registry::builtin();
    let registered: BTreeSet<String> = registry.ids().into_iter().map(String::from).collect();
    let documented = readme_ids();
    assert!(documented.len() >= 20, "{documented:?}");
    let undocumented: Vec<&String> = registered.difference(&documented).collect();
    let stale: Vec<&String> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty(),
        "ids without a README row: {undocumented:?}"
    );
    assert!(stale.is_empty(), "README rows no rule declares: {stale:?}");
}
