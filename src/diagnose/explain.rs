//! `msidiag explain <finding-id>`: what the rule registry declares about one finding id — its
//! one-line doc, where its rule comes from, what it explains, what explains it, its usual causes
//! (for failure families, from `src/kb/data/families.tsv`) and its usual fixes — as text or
//! serde-serializable data.
//!
//! It reads the registry (`src/diagnose/registry.rs`) only; it must not run a rule.

use serde::Serialize;

use super::registry::Registry;

/// What `msidiag explain <finding-id>` prints.
#[derive(Debug, Clone, Serialize)]
pub struct FindingExplanation {
    pub id: String,
    pub doc: String,
    /// `built-in`, `built-in (src/kb/rules/NAME)` or `FILE:LINE` of a user rule.
    pub origin: String,
    pub explains: Vec<String>,
    pub explained_by: Vec<String>,
    /// The usual causes, for a finding that is a failure family (`src/kb/data/families.tsv`).
    pub causes: Vec<String>,
    pub fixes: Vec<String>,
}

/// The registry's declaration of finding `id`, when a rule declares it.
pub fn explain_finding(registry: &Registry, id: &str) -> Option<FindingExplanation> {
    let (rule, doc) = registry.finding(id.trim())?;
    Some(FindingExplanation {
        id: doc.id.to_string(),
        doc: doc.doc.to_string(),
        origin: rule.origin().to_string(),
        explains: doc.explains.iter().map(str::to_string).collect(),
        explained_by: registry
            .explained_by(&doc.id)
            .into_iter()
            .map(str::to_string)
            .collect(),
        causes: crate::kb::families::family(&doc.id)
            .map(|f| f.causes.iter().map(|c| c.to_string()).collect())
            .unwrap_or_default(),
        fixes: doc.fixes.iter().map(str::to_string).collect(),
    })
}

impl FindingExplanation {
    /// Plain text for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = format!("Finding {} ({})\n  {}\n", self.id, self.origin, self.doc);
        let list = |items: &[String]| {
            if items.is_empty() {
                "nothing".to_string()
            } else {
                items.join(", ")
            }
        };
        out.push_str(&format!("  Explains: {}\n", list(&self.explains)));
        out.push_str(&format!("  Explained by: {}\n", list(&self.explained_by)));
        if !self.causes.is_empty() {
            out.push_str("  Usual causes:\n");
            for cause in &self.causes {
                out.push_str(&format!("    - {cause}\n"));
            }
        }
        if !self.fixes.is_empty() {
            out.push_str("  Usual fixes:\n");
            for fix in &self.fixes {
                out.push_str(&format!("    - {fix}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::ids;

    #[test]
    fn windows_temp_acl_explains_2503() {
        let r = Registry::code_only();
        let e = explain_finding(&r, ids::WINDOWS_TEMP_ACL).unwrap();
        assert_eq!(e.explains, vec![ids::ERROR_2503_2502.to_string()]);
        assert!(!e.fixes.is_empty());
        let symptom = explain_finding(&r, ids::ERROR_2503_2502).unwrap();
        assert!(symptom
            .explained_by
            .contains(&ids::WINDOWS_TEMP_ACL.to_string()));
        assert!(symptom.to_text().contains("Explained by: "));
        assert!(explain_finding(&r, "no-such-finding").is_none());
        let family = explain_finding(&r, ids::OLD_VERSION_NOT_REMOVED).unwrap();
        assert!(!family.causes.is_empty());
        let text = family.to_text();
        assert!(text.contains("Usual causes:") && text.contains("<old product code>"));
        assert!(!text.contains("{old_product_code}"));
    }

    #[test]
    fn every_declared_id_is_unique_and_every_explained_id_exists() {
        let r = Registry::code_only();
        let ids = r.ids();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
        assert!(ids.len() >= 20, "{ids:?}");
        for (_, d) in r.findings() {
            for e in d.explains.iter() {
                assert!(ids.contains(&e), "{} explains unknown {e}", d.id);
            }
        }
    }
}
