//! Many machines in one run (`msidiag fleet`): what one case (one machine's collection) leaves
//! for the fleet pages once its own reports are written — a small [`CaseSummary`], so memory
//! does not grow with the cases — and `fleet.csv`, one row per machine. The fleet index page
//! is `src/report/html/fleet_index.rs`.
//!
//! It summarises an [`Analysis`] without deciding anything new: the outcome shown is the worst
//! session outcome, the top finding the first finding of the first failed session (findings
//! are ranked by diagnosis), the root causes the findings no other finding explains.

use std::io::Write;

use crate::report::Analysis;
use crate::timeline::Outcome;

/// One root cause a machine shows: the finding, and the product and version it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseHit {
    pub id: String,
    pub title: String,
    pub product: Option<String>,
    pub version: Option<String>,
}

/// What the fleet pages need of one case.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    /// The case name (written on its JSON Lines records).
    pub case: String,
    /// The case's folder under the output folder (a name safe in a URL and on any disk).
    pub dir: String,
    pub host: Option<String>,
    /// `Product version` of each session, in order, without repeats.
    pub products: Vec<String>,
    /// `failure`, `cancelled`, `unknown`, `success-reboot-required`, `success`, `no-session`
    /// or `unreadable`.
    pub outcome: String,
    /// The top finding: id, title, confidence.
    pub top: Option<(String, String, String)>,
    pub hits: Vec<CaseHit>,
    /// Why the case could not be read (then nothing else is known).
    pub error: Option<String>,
}

impl CaseSummary {
    /// The summary of a case that was analysed.
    pub fn of(case: &str, dir: &str, a: &Analysis) -> CaseSummary {
        let mut products: Vec<String> = Vec::new();
        for s in &a.sessions {
            let mut p = s
                .product
                .clone()
                .unwrap_or_else(|| "(unknown product)".into());
            if let Some(v) = super::shown_version(s) {
                p.push(' ');
                p.push_str(v);
            }
            if !products.contains(&p) {
                products.push(p);
            }
        }
        let worst = [
            Outcome::Failure,
            Outcome::Cancelled,
            Outcome::Unknown,
            Outcome::SuccessRebootRequired,
            Outcome::Success,
        ]
        .into_iter()
        .find(|o| a.sessions.iter().any(|s| s.outcome == *o));
        let outcome = match worst {
            Some(o) => o.as_str().to_string(),
            None if a.bundles.is_empty() => "no-session".to_string(),
            None => a
                .bundles
                .iter()
                .map(|b| b.bundle.outcome())
                .min_by_key(|o| match o {
                    Outcome::Failure => 0,
                    Outcome::Cancelled => 1,
                    Outcome::Unknown => 2,
                    Outcome::SuccessRebootRequired => 3,
                    Outcome::Success => 4,
                })
                .map_or("no-session".to_string(), |o| o.as_str().to_string()),
        };
        let failed: Vec<&str> = a
            .sessions
            .iter()
            .filter(|s| s.outcome == Outcome::Failure)
            .map(|s| s.id.as_str())
            .collect();
        let top = a
            .findings
            .iter()
            .find(|f| f.session.as_deref().is_some_and(|s| failed.contains(&s)))
            .or(a.findings.first())
            .map(|f| {
                (
                    f.id.to_string(),
                    f.title.clone(),
                    f.confidence.as_str().to_string(),
                )
            });
        let hits = a
            .findings
            .iter()
            .filter(|f| f.explained_by.is_empty())
            .map(|f| {
                let s = f
                    .session
                    .as_deref()
                    .and_then(|id| a.sessions.iter().find(|s| s.id == id));
                CaseHit {
                    id: f.id.to_string(),
                    title: f.title.clone(),
                    product: s.and_then(|s| s.product.clone()).or(f.product.clone()),
                    version: s.and_then(|s| s.version.clone()),
                }
            })
            .collect();
        CaseSummary {
            case: case.to_string(),
            dir: dir.to_string(),
            host: super::jsonl::case_host(a),
            products,
            outcome,
            top,
            hits,
            error: None,
        }
    }

    /// A case that could not be read, with why.
    pub fn unreadable(case: &str, dir: &str, why: String) -> CaseSummary {
        CaseSummary {
            case: case.to_string(),
            dir: dir.to_string(),
            host: None,
            products: Vec::new(),
            outcome: "unreadable".into(),
            top: None,
            hits: Vec::new(),
            error: Some(why),
        }
    }
}

/// A case name as a folder name: letters, digits, `.`, `-` and `_` kept, anything else `_`
/// (never empty, never `.` or `..`).
pub fn folder_name(case: &str) -> String {
    let name: String = case
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.chars().all(|c| c == '.') {
        format!("case{}", name.len())
    } else {
        name
    }
}

/// `fleet.csv`: one row per machine (UTF-8 with BOM, CRLF), the columns case, host, products,
/// outcome, top finding, confidence, then the title of the top finding and why an unreadable
/// case was not read.
pub fn write_csv<W: Write>(cases: &[CaseSummary], mut out: W) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record([
        "case",
        "host",
        "products",
        "outcome",
        "top finding",
        "confidence",
        "top finding title",
        "error",
    ])?;
    for c in cases {
        let (id, title, conf) = c.top.clone().unwrap_or_default();
        super::csv::write_row(
            &mut w,
            [
                c.case.clone(),
                c.host.clone().unwrap_or_default(),
                c.products.join("; "),
                c.outcome.clone(),
                id,
                conf,
                title,
                c.error.clone().unwrap_or_default(),
            ],
        )?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_safe() {
        assert_eq!(folder_name("PC-0412"), "PC-0412");
        assert_eq!(folder_name("a/b <c>"), "a_b__c_");
        assert_eq!(folder_name(".."), "case2");
        assert_eq!(folder_name(""), "case0");
    }
}
