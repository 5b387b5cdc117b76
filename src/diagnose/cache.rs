//! The installer cache and source family: a failed session that needed a package Windows
//! Installer keeps or remembers, and could not get it. One finding per session, the most
//! specific that the evidence shows, in this order:
//! `old-version-not-removed` (1714 during RemoveExistingProducts: the OLD product's package),
//! `patch-missing` (a cached .msp gone, 1635; or the patch offered could not be opened, 1636),
//! `package-code-mismatch` (a source found but
//! rejected: a rebuilt package), `cached-package-missing` (the cached .msi in
//! C:\Windows\Installer gone) and `source-missing` (1706/1612 after every source was tried).
//! The summary says why the reported one wins over the others the log also shows.
//!
//! Signals are the message numbers and the engine's own diagnostic lines (`SOURCEMGMT:`,
//! `Local cached package`, `Couldn't find local patch`), which Windows writes in English in
//! every language. Causes and fix templates come from `kb/data/families.tsv`. This module
//! must not name a custom action: the nameless `CustomAction  returned actual error code`
//! line of RemoveExistingProducts is the engine's own call.

use super::evidence::SessionView;
use super::fixes::FixValues;
use super::numbered::{as_pairs, family_fixes_for, numbered_errors, session_values, Numbered};
use super::{ids, Confidence, Finding};
use crate::kb::families;
use crate::model::EventKind;

/// What the session shows about its cached package and its sources.
#[derive(Default)]
struct CacheFacts {
    cached_missing: Vec<(usize, String)>,
    patch_missing: Vec<(usize, String)>,
    tried: Vec<(usize, String)>,
    last_used: Option<usize>,
    invalid_code: Vec<usize>,
    invalid_package: Vec<usize>,
    failed_to_resolve: Vec<usize>,
    looking_for: Option<(usize, String)>,
    rep_start: Option<usize>,
    rep_end: Option<usize>,
    old_product: Option<(usize, String)>,
    engine_call: Vec<usize>,
    sourcelist_damaged: Vec<usize>,
    /// `Note: 1: 2203 2: <path>` during the source search: the package paths tried.
    source_paths: Vec<(usize, String)>,
}

/// The last part of a path.
fn file_name(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

/// The original package for a `/fv` or `/fvomus` command: the package path the log names
/// (never a product code, a cached copy in C:\Windows\Installer or a bare file name), else a
/// placeholder naming the file when the log gives its name.
fn original_package(package: &str, name: Option<&str>) -> String {
    let lower = package.to_ascii_lowercase();
    let is_path = package.contains('\\')
        && !package.starts_with('<')
        && !package.starts_with('{')
        && !lower.contains("\\windows\\installer\\");
    if is_path {
        return package.to_string();
    }
    match name.filter(|n| !n.is_empty()) {
        Some(n) => format!("<path to a copy of {}>", file_name(n)),
        None => "<path to the original .msi>".to_string(),
    }
}

/// `{0D5E1A4B-7C21-4E55-9A10-3B1F2E4D5C6A}` → `B4A1E5D012C755E4A9013BF1E2D4C5A6`, the form
/// Windows Installer's registry keys use (each group reversed, the last two by byte).
fn packed_guid(code: &str) -> Option<String> {
    let g = guid(code)?;
    let hex: String = g.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    if hex.len() != 32 {
        return None;
    }
    let mut out: String = hex[0..8].chars().rev().collect();
    out.extend(hex[8..12].chars().rev());
    out.extend(hex[12..16].chars().rev());
    for pair in hex.as_bytes()[16..].chunks(2) {
        out.push(pair[1] as char);
        out.push(pair[0] as char);
    }
    Some(out)
}

/// The text between the first pair of single quotes.
fn quoted(text: &str) -> Option<String> {
    let start = text.find('\'')? + 1;
    let len = text[start..].find('\'')?;
    Some(text[start..start + len].to_string())
}

/// The first `{GUID}` in a text.
fn guid(text: &str) -> Option<String> {
    let start = text.find('{')?;
    let g = text.get(start..start + 38)?;
    (g.ends_with('}') && g[1..37].chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .then(|| g.to_ascii_uppercase())
}

fn cache_facts(v: &SessionView) -> CacheFacts {
    let mut f = CacheFacts::default();
    for (i, e) in v.events().iter().enumerate() {
        match &e.kind {
            EventKind::MsiMessage { message } => {
                if message.contains("Local cached package") && message.contains("missing") {
                    f.cached_missing
                        .push((i, quoted(message).unwrap_or_default()));
                } else if message.starts_with("Couldn't find local patch") {
                    let after = message
                        .find(" patch ")
                        .map_or(message.as_str(), |p| &message[p..]);
                    f.patch_missing.push((i, quoted(after).unwrap_or_default()));
                } else if message.contains("name: 'PackageName'") {
                    f.sourcelist_damaged.push(i);
                } else if let Some(rest) = message.strip_prefix("SOURCEMGMT: ") {
                    if let Some(src) = rest.strip_prefix("Trying source ") {
                        f.tried
                            .push((i, src.trim().trim_end_matches('.').to_string()));
                    } else if rest.starts_with("Attempting to use LastUsedSource") {
                        f.last_used = Some(i);
                    } else if rest.contains("invalid due to invalid package code")
                        || rest.contains("invalid due to client source")
                    {
                        f.invalid_code.push(i);
                    } else if rest.contains("invalid due to missing/inaccessible package") {
                        f.invalid_package.push(i);
                    } else if rest.starts_with("Failed to resolve source") {
                        f.failed_to_resolve.push(i);
                    } else if let Some(p) = rest.strip_prefix("Looking for sourcelist for product ")
                    {
                        if f.looking_for.is_none() {
                            f.looking_for = guid(p).map(|g| (i, g));
                        }
                    }
                }
            }
            EventKind::ActionStart { action } if action == "RemoveExistingProducts" => {
                f.rep_start.get_or_insert(i);
            }
            EventKind::ActionEnded {
                action,
                return_value: 3,
            } if action == "RemoveExistingProducts" => {
                f.rep_end.get_or_insert(i);
            }
            EventKind::Text
                if e.text.starts_with("RemoveExistingProducts: Application: ")
                    && f.old_product.is_none() =>
            {
                f.old_product = guid(&e.text).map(|g| (i, g));
            }
            EventKind::RunEngine(run) if f.rep_start.is_some() && f.old_product.is_none() => {
                if let Some(p) = &run.product {
                    f.old_product = guid(p).map(|g| (i, g));
                }
            }
            EventKind::CustomActionReturned { action, .. } if action.is_empty() => {
                f.engine_call.push(i)
            }
            EventKind::Note { code: 2203, args } => {
                let searching = !f.tried.is_empty() || !f.patch_missing.is_empty();
                if let Some(p) = args.first().map(|a| a.trim()).filter(|a| {
                    let l = a.to_ascii_lowercase();
                    a.contains('\\') && (l.ends_with(".msp") || (searching && l.ends_with(".msi")))
                }) {
                    if !f.source_paths.iter().any(|(_, q)| q == p) {
                        f.source_paths.push((i, p.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    f
}

fn exit_in(v: &SessionView, codes: &[i64]) -> bool {
    v.session.exit_code.is_some_and(|c| codes.contains(&c))
        || v.session.facts.status.is_some_and(|c| codes.contains(&c))
}

/// "tried \\server\share\ (the last used source first), D:\" — what the source search did.
fn sources_tried(f: &CacheFacts) -> Option<String> {
    if f.tried.is_empty() {
        return None;
    }
    let list: Vec<String> = f.tried.iter().map(|(_, s)| s.clone()).collect();
    Some(format!(
        "it tried {}{}",
        list.join(", "),
        if f.last_used.is_some() {
            " (the last used source first)"
        } else {
            ""
        }
    ))
}

pub fn cache_and_source(v: &SessionView) -> Vec<Finding> {
    if !(v.failed() || v.session.truncated) {
        return Vec::new();
    }
    let f = cache_facts(v);
    let numbered = numbered_errors(v);
    let of = |codes: &[u32]| -> Vec<&Numbered> {
        numbered
            .iter()
            .filter(|n| codes.contains(&n.code))
            .collect()
    };
    let e1714 = of(&[1714]);
    let e_source = of(&[1706, 1612]);
    let e_patch = of(&[1635, 1636]);
    let fv = FixValues::of(v);
    let mut values = session_values(v, &fv);
    if let Some((_, src)) = f.tried.first() {
        values.push(("source", src.clone()));
    }
    let package_name = e_source
        .iter()
        .find_map(|n| n.args.get(1).filter(|a| a.contains('.')).cloned())
        .or_else(|| e_source.iter().find_map(|n| quoted(&n.text)))
        .or_else(|| {
            f.source_paths
                .iter()
                .find(|(_, p)| !p.to_ascii_lowercase().ends_with(".msp"))
                .map(|(_, p)| file_name(p).to_string())
        });
    if let Some(name) = &package_name {
        values.push(("package_name", name.clone()));
    }
    values.push((
        "original_package",
        original_package(&fv.package, package_name.as_deref()),
    ));
    if let Some(code) = v
        .session
        .product_code
        .clone()
        .or_else(|| f.looking_for.as_ref().map(|(_, c)| c.clone()))
    {
        if let Some(packed) = packed_guid(&code) {
            values.push(("packed_product_code", packed));
        }
    }
    let patch_source = f
        .source_paths
        .iter()
        .find(|(_, p)| p.to_ascii_lowercase().ends_with(".msp"));
    let patch_error = patch_source.and_then(|(i, _)| match &v.event(*i).kind {
        EventKind::Note { args, .. } => args
            .get(1)
            .and_then(|a| super::numbered::system_error_in_text(&format!("system error {a}"))),
        _ => None,
    });
    match patch_source {
        Some((_, p)) => {
            values.push(("patch", p.clone()));
            values.push(("patch_name", file_name(p).to_string()));
        }
        None => values.push(("patch", "<path to the .msp>".to_string())),
    }
    let mut cited: Vec<usize> = Vec::new();
    cited.extend(f.cached_missing.iter().map(|(i, _)| *i));
    cited.extend(f.tried.iter().map(|(i, _)| *i));
    cited.extend(f.last_used);
    cited.extend(f.invalid_code.iter().copied());
    cited.extend(f.invalid_package.iter().copied());
    cited.extend(f.failed_to_resolve.iter().copied());
    cited.extend(f.sourcelist_damaged.iter().copied());
    cited.extend(f.source_paths.iter().map(|(i, _)| *i));
    cited.extend(v.first_failed_action().map(|(i, _)| i));
    let tried = sources_tried(&f);

    if !e1714.is_empty() {
        let n = e1714
            .iter()
            .find(|n| n.system_error().is_some())
            .unwrap_or(&e1714[0]);
        let system = n.system_error();
        let old_name = n.args.first().filter(|a| !a.is_empty()).cloned();
        let old_code = f
            .old_product
            .as_ref()
            .map(|(_, c)| c.clone())
            .or_else(|| f.looking_for.as_ref().map(|(_, c)| c.clone()));
        if let Some(code) = &old_code {
            values.push(("old_product_code", code.clone()));
        }
        cited.extend(e1714.iter().map(|n| n.index));
        cited.extend(f.rep_start);
        cited.extend(f.rep_end);
        cited.extend(f.old_product.as_ref().map(|(i, _)| *i));
        cited.extend(f.engine_call.iter().copied());
        let mut why = Vec::new();
        if let Some((_, p)) = f.cached_missing.first() {
            why.push(format!("the older version's cached package {p} is missing"));
        }
        if !f.sourcelist_damaged.is_empty() {
            why.push("its source list has no package name".to_string());
        }
        if !f.invalid_code.is_empty() {
            why.push(
                "the source offered for it is a different build (invalid package code)".to_string(),
            );
        }
        if let Some(t) = &tried {
            why.push(format!("no registered source had its package ({t})"));
        }
        let old = match (&old_name, &old_code) {
            (Some(n), Some(c)) => format!("the installed older version ({n}, {c})"),
            (Some(n), None) => format!("the installed older version ({n})"),
            (None, Some(c)) => format!("the installed older version ({c})"),
            (None, None) => "the installed older version".to_string(),
        };
        let competing = match (f.tried.is_empty(), f.engine_call.is_empty()) {
            (true, true) => String::new(),
            (false, true) => " This ranks above a missing-source reading: the source search belongs to the engine's own uninstall of the old product.".to_string(),
            (true, false) => " This ranks above a custom-action reading: the nameless `CustomAction  returned actual error code` line is the engine's own uninstall of the old product.".to_string(),
            (false, false) => " This ranks above a missing-source or custom-action reading: the source search and the nameless `CustomAction  returned actual error code` line belong to the engine's own uninstall of the old product.".to_string(),
        };
        let summary = format!(
            "To upgrade {}, RemoveExistingProducts had to uninstall {old} with that version's own package, and it could not: error 1714{}.{} The fix needs the OLD version's package, not the new one.{competing}",
            v.product_label(),
            system.as_ref().map(|e| format!(" with system error {}", e.describe())).unwrap_or_default(),
            if why.is_empty() { String::new() } else { format!(" The log shows why: {}.", why.join("; ")) },
        );
        return vec![family_finding(
            v,
            ids::OLD_VERSION_NOT_REMOVED,
            None,
            Confidence::High,
            summary,
            &cited,
            &values,
        )];
    }

    let patch_exit = exit_in(v, &[1635, 1636]);
    if !f.patch_missing.is_empty() || !e_patch.is_empty() || patch_exit {
        cited.extend(f.patch_missing.iter().map(|(i, _)| *i));
        cited.extend(e_patch.iter().map(|n| n.index));
        let patches: Vec<String> = f
            .patch_missing
            .iter()
            .map(|(_, p)| p.clone())
            .filter(|p| !p.is_empty())
            .collect();
        let unopenable = f.patch_missing.is_empty() && exit_in(v, &[1636]);
        if unopenable {
            values.push(("fix_key", "1636".to_string()));
        }
        let summary = if unopenable {
            let patch = patch_source.map(|(_, p)| p.as_str());
            format!(
                "The patch{} offered to {} could not be opened (1636{}): the file is damaged or incomplete (an interrupted download or copy), is not a Windows Installer patch, or could not be read. Nothing was patched.",
                patch.map(|p| format!(" {p}")).unwrap_or_default(),
                v.product_label(),
                patch_error
                    .map(|e| format!("; opening it gave {}", e.describe()))
                    .unwrap_or_default(),
            )
        } else {
            let exit = [1635u32, 1636]
                .into_iter()
                .find(|c| exit_in(v, &[i64::from(*c)]))
                .and_then(crate::kb::tables::exit_code)
                .map(|e| {
                    format!(
                        " It ended with {} ({}: {})",
                        e.code,
                        e.symbol,
                        e.description.trim_end_matches('.')
                    )
                })
                .map(|t| format!("{t}."))
                .unwrap_or_default();
            format!(
                "The {} of {} needed an installed patch{}, whose cached copy is missing from C:\\Windows\\Installer, and its source could not be found{}. Without it the product cannot be repaired, patched or removed.{exit}",
                v.session.operation.noun(),
                v.product_label(),
                if patches.is_empty() { String::new() } else { format!(" ({})", patches.join(", ")) },
                tried.as_ref().map(|t| format!(" ({t})")).unwrap_or_default(),
            )
        };
        return vec![family_finding(
            v,
            ids::PATCH_MISSING,
            unopenable.then(|| "The patch offered could not be opened".to_string()),
            Confidence::High,
            summary,
            &cited,
            &values,
        )];
    }

    let source_failed =
        !e_source.is_empty() || exit_in(v, &[1612]) || !f.failed_to_resolve.is_empty();
    cited.extend(e_source.iter().map(|n| n.index));
    if !f.invalid_code.is_empty() && (source_failed || v.failed()) {
        let summary = format!(
            "The {} of {} looked for its original package and found one{}, but Windows Installer rejected it: its package code differs from the installed one, so it is a different build of the same product (often rebuilt with the same version). The exact original package is needed. Reported instead of source-missing because a source was found and refused.",
            v.session.operation.noun(),
            v.product_label(),
            f.tried.last().map(|(_, s)| format!(" in {s}")).unwrap_or_default(),
        );
        return vec![family_finding(
            v,
            ids::PACKAGE_CODE_MISMATCH,
            None,
            Confidence::High,
            summary,
            &cited,
            &values,
        )];
    }

    if let Some((_, cache)) = f.cached_missing.first() {
        if source_failed || v.failed() {
            let summary = format!(
                "The {} of {} opened its cached package {cache}, which is missing from C:\\Windows\\Installer; Windows Installer then looked for the original package{}{}. Reported as the cache missing rather than source-missing: the source was only needed because the cached copy was gone, and re-caching the exact original package fixes both.",
                v.session.operation.noun(),
                v.product_label(),
                tried.as_ref().map(|t| format!(" ({t})")).unwrap_or_default(),
                if source_failed { " and found none (1706/1612)" } else { "" },
            );
            return vec![family_finding(
                v,
                ids::CACHED_PACKAGE_MISSING,
                None,
                Confidence::High,
                summary,
                &cited,
                &values,
            )];
        }
    }

    if source_failed {
        let summary = format!(
            "The {} needed files from the original package{} but no registered source had it (1706/1612){}. The cached copy in C:\\Windows\\Installer is not enough for this operation.",
            fv.operation.noun(),
            package_name.as_ref().map(|p| format!(" '{p}'")).unwrap_or_default(),
            tried.as_ref().map(|t| format!(": {t}")).unwrap_or_default(),
        );
        return vec![family_finding(
            v,
            ids::SOURCE_MISSING,
            None,
            Confidence::High,
            summary,
            &cited,
            &values,
        )];
    }
    Vec::new()
}

/// A finding of a family: its title (or `title`), the summary, the cited events and the
/// family's fixes filled with `values`.
fn family_finding(
    v: &SessionView,
    id: &'static str,
    title: Option<String>,
    confidence: Confidence,
    summary: String,
    cited: &[usize],
    values: &[(&'static str, String)],
) -> Finding {
    let family = families::family(id);
    let title = title
        .or_else(|| family.map(|f| f.title.to_string()))
        .unwrap_or_else(|| id.to_string());
    let key = values
        .iter()
        .find(|(k, _)| *k == "fix_key")
        .map(|(_, v)| v.as_str());
    let mut fixes = family
        .map(|f| family_fixes_for(f, key, &as_pairs(values)))
        .unwrap_or_default();
    fixes.dedup();
    v.finding(id, title, confidence, summary, cited, fixes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quotes_and_guids() {
        assert_eq!(
            quoted("Warning: Local cached package 'C:\\Windows\\Installer\\1a2b.msi' is missing."),
            Some("C:\\Windows\\Installer\\1a2b.msi".into())
        );
        assert_eq!(
            guid("RemoveExistingProducts: Application: {0a1b2c3d-1111-2222-3333-444455556666}, Command line: X"),
            Some("{0A1B2C3D-1111-2222-3333-444455556666}".into())
        );
        assert_eq!(guid("{short}"), None);
    }

    #[test]
    fn packs_product_codes_and_never_offers_a_code_as_a_package() {
        assert_eq!(
            packed_guid("{0D5E1A4B-7C21-4E55-9A10-3B1F2E4D5C6A}").as_deref(),
            Some("B4A1E5D012C755E4A901B3F1E2D4C5A6")
        );
        assert_eq!(
            original_package("{0D5E1A4B-7C21-4E55-9A10-3B1F2E4D5C6A}", Some("a.msi")),
            "<path to a copy of a.msi>"
        );
        assert_eq!(
            original_package("vc_red.msi", Some("vc_red.msi")),
            "<path to a copy of vc_red.msi>"
        );
        assert_eq!(
            original_package("C:\\Windows\\Installer\\1a.msi", None),
            "<path to the original .msi>"
        );
        assert_eq!(original_package("D:\\x\\a.msi", None), "D:\\x\\a.msi");
    }
}
