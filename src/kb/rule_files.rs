//! The built-in rule files (`src/kb/rules/*.toml`, format in `docs/rules.md`), embedded at
//! build time: the signatures of msidiag's own rules (some of them pure data, run as they
//! are) and the signal lists the readers share.
//! The rule loader (`src/diagnose/data/load.rs`) reads them once; `signals.rs` reads the
//! `[signals]` table.
//!
//! It must not parse anything: it only names the files and their text.

/// The `[signals]` lists (benign and routine notes, denied Procmon results).
pub const SIGNALS: &str = include_str!("rules/signals.toml");

/// Every built-in rule file: its name under `src/kb/rules/` and its text.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("environment.toml", include_str!("rules/environment.toml")),
    ("conditions.toml", include_str!("rules/conditions.toml")),
    ("exit_codes.toml", include_str!("rules/exit_codes.toml")),
    ("signals.toml", SIGNALS),
];
