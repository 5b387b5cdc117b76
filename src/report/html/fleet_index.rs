//! The fleet index page (`msidiag fleet … --out DIR` writes it as `DIR/index.html`): one
//! self-contained page in the case report's style — the root causes ranked by how many
//! machines they hit, the same per product and version, then every machine with its outcome,
//! top finding and a link to its own report, and the cases that could not be read with why.
//!
//! It reads the [`CaseSummary`]s of `src/report/fleet.rs` only; everything from the inputs is
//! escaped (maud) and cleaned of control and bidi characters; the page runs no script and
//! makes no request (the Content-Security-Policy allows none).

use std::collections::{BTreeMap, BTreeSet};

use maud::{html, PreEscaped, DOCTYPE};

use super::{clean, csp, STYLE};
use crate::report::fleet::CaseSummary;

/// Machines hit per finding id (and the first title seen), most machines first, then by id.
fn ranked<'a>(
    cases: &'a [CaseSummary],
    key: impl Fn(&'a crate::report::fleet::CaseHit) -> Option<(String, String)>,
) -> Vec<((String, String), &'a str, usize)> {
    let mut hits: BTreeMap<(String, String), (&str, BTreeSet<&str>)> = BTreeMap::new();
    for c in cases {
        for h in &c.hits {
            if let Some(k) = key(h) {
                hits.entry(k)
                    .or_insert((h.title.as_str(), BTreeSet::new()))
                    .1
                    .insert(c.case.as_str());
            }
        }
    }
    let mut out: Vec<((String, String), &str, usize)> = hits
        .into_iter()
        .map(|(k, (title, machines))| (k, title, machines.len()))
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Renders the index of `cases` (in the order given).
pub fn render(cases: &[CaseSummary]) -> String {
    let count = |o: &str| cases.iter().filter(|c| c.outcome == o).count();
    let causes = ranked(cases, |h| Some((h.id.clone(), String::new())));
    let per_product = ranked(cases, |h| {
        let product = h
            .product
            .clone()
            .unwrap_or_else(|| "(unknown product)".into());
        let version = h.version.clone().unwrap_or_default();
        Some((format!("{product}\u{1f}{version}"), h.id.clone()))
    });
    let unreadable: Vec<&CaseSummary> = cases.iter().filter(|c| c.error.is_some()).collect();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(csp::policy(""));
                meta name="referrer" content="no-referrer";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={"msidiag " (env!("CARGO_PKG_VERSION"))};
                link rel="icon" href="data:,";
                title { "msidiag fleet: " (cases.len()) " machine(s)" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header.top {
                    div {
                        div.brand { "msidiag · Windows Installer diagnosis · fleet" }
                        h1 { (cases.len()) " machine(s), " (count("failure")) " failed" }
                    }
                    div.counts #counts {
                        span #count-machines { (cases.len()) } " machine(s) · "
                        span #count-failure { (count("failure")) } " failed · "
                        span #count-success { (count("success") + count("success-reboot-required")) } " succeeded · "
                        span #count-other { (count("cancelled") + count("unknown") + count("no-session")) } " other · "
                        span #count-unreadable { (count("unreadable")) } " unreadable"
                    }
                }
                section #causes {
                    h2 { "Root causes by machines hit" }
                    @if causes.is_empty() {
                        p.muted { "No finding on any machine." }
                    } @else {
                        div.card {
                            table.causes {
                                thead { tr { th { "Finding" } th { "What" } th.num { "Machines" } } }
                                tbody {
                                    @for ((id, _), title, n) in &causes {
                                        tr data-finding=(id) {
                                            td { code.fid { (clean(id)) } }
                                            td { (clean(title)) }
                                            td.num.machines { (n) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !per_product.is_empty() {
                    section #products {
                        h2 { "Per product and version" }
                        div.card {
                            table.per-product {
                                thead { tr { th { "Product" } th { "Version" } th { "Finding" } th.num { "Machines" } } }
                                tbody {
                                    @for ((pv, id), _, n) in &per_product {
                                        @let (product, version) = pv.split_once('\u{1f}').unwrap_or((pv.as_str(), ""));
                                        tr {
                                            td { (clean(product)) }
                                            td.mono { (clean(version)) }
                                            td { code.fid { (clean(id)) } }
                                            td.num { (n) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                section #machines {
                    h2 { "Machines" }
                    div.card {
                        table.machines {
                            thead { tr { th { "Case" } th { "Host" } th { "Products" } th { "Outcome" } th { "Top finding" } th { "Confidence" } } }
                            tbody {
                                @for c in cases {
                                    tr class={"machine out-" (c.outcome)} {
                                        td {
                                            @if c.error.is_none() {
                                                a href={(c.dir) "/report.html"} { (clean(&c.case)) }
                                            } @else { (clean(&c.case)) }
                                        }
                                        td.mono { (clean(c.host.as_deref().unwrap_or("—"))) }
                                        td { (clean(&c.products.join("; "))) }
                                        td { span class={"badge out-" (c.outcome)} { (c.outcome) } }
                                        td { @if let Some((id, title, _)) = &c.top { code.fid { (clean(id)) } " " (clean(title)) } }
                                        td { @if let Some((_, _, conf)) = &c.top { (conf) } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !unreadable.is_empty() {
                    section #unreadable {
                        h2 { "Cases not read" }
                        ul.notes {
                            @for c in &unreadable {
                                li { strong { (clean(&c.case)) } ": " (clean(c.error.as_deref().unwrap_or(""))) }
                            }
                        }
                    }
                }
                footer {
                    "Generated by msidiag " (env!("CARGO_PKG_VERSION")) ". Each machine's own report: <case>/report.html and report.json; "
                    "all cases' records: fleet.jsonl (docs/jsonl.md); one row per machine: fleet.csv."
                }
            }
        }
    };
    page.into_string()
}
