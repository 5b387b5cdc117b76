//! Checks the layering of `src/` by reading the source tree as text: input → sources →
//! timeline → diagnose → report, each stage importing only the stages below it; `model`, `kb`
//! and `tz` are shared leaves every stage may use (and that import only each other). Only
//! `src/lib.rs` and `src/main.rs` may know every stage, so no stage names an item of the crate
//! root (`crate::Analysis`, `crate::TzSpec`, …). This test must not change any source file.

use std::path::{Path, PathBuf};

/// The stages, lowest first.
const STAGES: &[&str] = &["input", "sources", "timeline", "diagnose", "report"];
/// Modules every stage may import.
const LEAVES: &[&str] = &["model", "kb", "tz"];

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`None` for lib.rs and main.rs).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// The first path segments named after `crate::` in `code` (`crate::{a, b::c}` gives a and b).
fn crate_imports(code: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let preceded_by_ident = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !preceded_by_ident {
            if let Some(group) = after.strip_prefix('{') {
                let mut depth = 0usize;
                let mut start = true;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if c.is_whitespace() => {}
                        _ if start => {
                            found.push(ident(&group[i..]));
                            start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                found.push(ident(after));
            }
        }
        rest = after;
    }
    found.retain(|s| !s.is_empty() && s != "self");
    found
}

/// The code of a file without its comments (`//` to the end of a line).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why `module` may not import `target`, if it may not.
fn forbidden(module: &str, target: &str) -> Option<String> {
    let rank = |m: &str| STAGES.iter().position(|s| *s == m);
    let is_module = |m: &str| rank(m).is_some() || LEAVES.contains(&m);
    if !is_module(target) {
        return Some(format!(
            "`crate::{target}` is an item of the crate root (src/lib.rs), which knows every stage"
        ));
    }
    if target == module || LEAVES.contains(&target) {
        return None;
    }
    match (rank(module), rank(target)) {
        (None, _) => Some(format!(
            "the shared leaf `{module}` imports the stage `{target}`"
        )),
        (Some(m), Some(t)) if t > m => Some(format!(
            "the stage `{module}` imports `{target}`, a stage above it"
        )),
        _ => None,
    }
}

/// Every layering violation in the `src/` tree at `src`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let Some(module) = module_of(src, &file) else {
            continue;
        };
        if !STAGES.contains(&module.as_str()) && !LEAVES.contains(&module.as_str()) {
            out.push(format!(
                "{}: `{module}` is neither a stage nor a shared leaf: place it in a stage",
                file.display()
            ));
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = without_comments(&text);
        for target in crate_imports(&code) {
            if let Some(why) = forbidden(&module, &target) {
                out.push(format!("{}: {why}", file.display()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn each_stage_imports_only_the_stages_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "layering violations:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_stage_after_sources_imports_sources() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for stage in ["timeline", "diagnose", "report"] {
        rust_files(&src.join(stage), &mut files);
    }
    assert!(files.len() > 10, "the stages' files were not found");
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| {
            let code = without_comments(&std::fs::read_to_string(f).unwrap());
            crate_imports(&code).iter().any(|t| t == "sources")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "import crate::sources: {offenders:?}");
}

#[test]
fn the_checker_catches_what_it_must() {
    assert_eq!(
        crate_imports("use crate::{model::Event, sources::evtx, self};\nlet x = crate::Analysis;"),
        ["model", "sources", "Analysis"]
    );
    assert_eq!(
        crate_imports("use foocrate::x; use msidiag_crate::y;"),
        Vec::<String>::new()
    );
    assert!(forbidden("timeline", "diagnose").is_some());
    assert!(forbidden("report", "Analysis").is_some());
    assert!(forbidden("diagnose", "sources").is_none());
    assert!(forbidden("timeline", "tz").is_none());
    assert!(forbidden("model", "sources").is_some());
    assert!(forbidden("report", "diagnose").is_none());
}
