//! Per-session facts distilled from events: properties, elevation, policies, package, outcome.
//!
//! Each fact keeps the index of the event it came from so rules can cite it. This module reads
//! events only; it must not decide causes (that is `diagnose`).

use std::collections::HashMap;

/// Properties by name. Every session of a log fills these with hundreds of names: hashed with
/// foldhash, seeded per run like std's hasher but several times cheaper on short keys.
pub type ByName<V> = HashMap<String, V, foldhash::fast::RandomState>;

use serde::Serialize;

use crate::model::{Event, EventKind, Operation, PolicyScope, ProductOutcome};

/// A value and the event (index into the session's events) it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub event: usize,
}

/// How the install ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Success,
    SuccessRebootRequired,
    Failure,
    Cancelled,
    Unknown,
}

impl Outcome {
    pub fn from_code(code: i64) -> Outcome {
        match code {
            0 => Outcome::Success,
            3010 | 1641 => Outcome::SuccessRebootRequired,
            1602 => Outcome::Cancelled,
            _ => Outcome::Failure,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::SuccessRebootRequired => "success-reboot-required",
            Outcome::Failure => "failure",
            Outcome::Cancelled => "cancelled",
            Outcome::Unknown => "unknown",
        }
    }

    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failure | Outcome::Cancelled)
    }
}

/// Facts of one session, each with the event that shows it.
#[derive(Debug, Default, Clone)]
pub struct SessionFacts {
    /// Server-side dump (`Property(S)`), by exact name.
    pub server_properties: ByName<Sourced<String>>,
    /// Client-side dump (`Property(C)`) and any other scope.
    pub client_properties: ByName<Sourced<String>>,
    /// Last `PROPERTY CHANGE` / `MSI_LUA: Setting` value by name (`None` = deleted).
    pub changes: ByName<Sourced<Option<String>>>,
    pub policies: Vec<(PolicyScope, String, Sourced<String>)>,
    pub package: Option<Sourced<String>>,
    /// `Product Code from property table after transforms: '{…}'` (before the property dump).
    pub engine_product_code: Option<Sourced<String>>,
    pub exit_code: Option<Sourced<i64>>,
    pub outcome_line: Option<usize>,
    pub product_name: Option<Sourced<String>>,
    pub version: Option<String>,
    pub manufacturer: Option<String>,
    pub status: Option<i64>,
    pub operation_from_outcome: Option<Operation>,
    /// RemoveExistingProducts ran: the session installs a product that upgrades another.
    pub upgrade_removal: bool,
    /// `Executing op: ProductInfo(…,ProductName=X,…)`: the product's name from the script.
    pub script_product_name: Option<String>,
    /// `SOURCEMGMT: Looking for sourcelist for product {…}` before any RemoveExistingProducts.
    pub sourcelist_product: Option<Sourced<String>>,
}

impl SessionFacts {
    pub fn from_events(events: &[Event]) -> SessionFacts {
        let mut f = SessionFacts::default();
        let mut seen_run_engine = false;
        for (i, e) in events.iter().enumerate() {
            match &e.kind {
                EventKind::Property { scope, name, value } => {
                    let map = if *scope == 'S' {
                        &mut f.server_properties
                    } else {
                        &mut f.client_properties
                    };
                    map.insert(
                        name.clone(),
                        Sourced {
                            value: value.clone(),
                            event: i,
                        },
                    );
                }
                EventKind::PropertyChange { name, value } => {
                    f.changes.insert(
                        name.clone(),
                        Sourced {
                            value: value.clone(),
                            event: i,
                        },
                    );
                }
                EventKind::PolicyValue { scope, name, value } => {
                    f.policies.push((
                        *scope,
                        name.clone(),
                        Sourced {
                            value: value.clone(),
                            event: i,
                        },
                    ));
                }
                EventKind::EngineReturned { code } => {
                    f.exit_code = Some(Sourced {
                        value: *code,
                        event: i,
                    });
                }
                EventKind::ProductOutcome(outcome) => {
                    let ProductOutcome {
                        operation,
                        product,
                        version,
                        manufacturer,
                        status,
                        ..
                    } = &**outcome;
                    f.outcome_line = Some(i);
                    f.product_name = Some(Sourced {
                        value: product.clone(),
                        event: i,
                    });
                    f.version = version.clone();
                    f.manufacturer = manufacturer.clone();
                    f.status = Some(*status);
                    if *operation != Operation::Unknown {
                        f.operation_from_outcome = Some(*operation);
                    }
                }
                EventKind::RunEngine(run) if !seen_run_engine && run.product.is_some() => {
                    seen_run_engine = true;
                    let p = run.product.as_deref().unwrap_or_default().trim();
                    // The first engine's `Product:` is the package path, or the product code
                    // of an installed product (repair, uninstall, patch).
                    if p.starts_with('{') && p.len() == 38 {
                        f.engine_product_code.get_or_insert(Sourced {
                            value: p.to_ascii_uppercase(),
                            event: i,
                        });
                    } else if f.package.is_none() && !p.is_empty() {
                        f.package = Some(Sourced {
                            value: p.to_string(),
                            event: i,
                        });
                    }
                }
                EventKind::ActionStart { action } if action == "RemoveExistingProducts" => {
                    f.upgrade_removal = true;
                }
                // Before any RemoveExistingProducts, the source search is for the session's own
                // product (inside it, for the old one).
                EventKind::MsiMessage { message }
                    if !f.upgrade_removal
                        && f.sourcelist_product.is_none()
                        && message
                            .starts_with("SOURCEMGMT: Looking for sourcelist for product {") =>
                {
                    let code = message
                        .trim_start_matches("SOURCEMGMT: Looking for sourcelist for product ")
                        .trim();
                    if code.len() == 38 && code.ends_with('}') {
                        f.sourcelist_product = Some(Sourced {
                            value: code.to_ascii_uppercase(),
                            event: i,
                        });
                    }
                }
                EventKind::MsiMessage { message } => {
                    if let Some(op) = message.strip_prefix("Executing op: ProductInfo(") {
                        if f.script_product_name.is_none() {
                            f.script_product_name = op
                                .split(',')
                                .find_map(|a| a.strip_prefix("ProductName="))
                                .map(|n| n.trim().to_string())
                                .filter(|n| !n.is_empty());
                        }
                    } else if let Some(p) = message.strip_prefix("Original package ==> ") {
                        f.package = Some(Sourced {
                            value: p.trim().to_string(),
                            event: i,
                        });
                    } else if let Some(c) =
                        message.strip_prefix("Product Code from property table after transforms:")
                    {
                        let code = c.trim().trim_matches('\'').to_string();
                        if code.starts_with('{') {
                            f.engine_product_code = Some(Sourced {
                                value: code,
                                event: i,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        f
    }

    /// A property's final value: server dump, then client dump, then the last change.
    pub fn property(&self, name: &str) -> Option<Sourced<String>> {
        self.server_properties
            .get(name)
            .or_else(|| self.client_properties.get(name))
            .cloned()
            .or_else(|| {
                let c = self.changes.get(name)?;
                Some(Sourced {
                    value: c.value.clone()?,
                    event: c.event,
                })
            })
    }

    /// True if the property is `1` anywhere (dump or change): used for elevation facts.
    pub fn flag(&self, name: &str) -> Option<Sourced<bool>> {
        let from = |s: &Sourced<String>| Sourced {
            value: s.value.trim() == "1",
            event: s.event,
        };
        let mut seen: Option<Sourced<bool>> = None;
        for s in [
            self.server_properties.get(name),
            self.client_properties.get(name),
        ]
        .into_iter()
        .flatten()
        {
            let v = from(s);
            if v.value {
                return Some(v);
            }
            seen.get_or_insert(v);
        }
        if let Some(c) = self.changes.get(name) {
            let v = Sourced {
                value: c.value.as_deref().map(str::trim) == Some("1"),
                event: c.event,
            };
            if v.value {
                return Some(v);
            }
            seen.get_or_insert(v);
        }
        seen
    }

    /// The value of a machine or user policy as logged.
    pub fn policy(&self, name: &str) -> Option<&Sourced<String>> {
        self.policies
            .iter()
            .rev()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, _, v)| v)
    }

    /// What the session was doing: from the outcome line, else from REMOVE/REINSTALL/Installed.
    pub fn operation(&self) -> Operation {
        if let Some(op) = self.operation_from_outcome {
            return op;
        }
        if self
            .property("REMOVE")
            .is_some_and(|p| p.value.eq_ignore_ascii_case("ALL"))
        {
            return Operation::Uninstall;
        }
        if self
            .property("REINSTALL")
            .is_some_and(|p| !p.value.is_empty())
        {
            return Operation::Repair;
        }
        if self
            .property("Installed")
            .is_some_and(|p| !p.value.is_empty())
        {
            return Operation::Repair;
        }
        if self.property("ProductCode").is_some() || self.package.is_some() || self.upgrade_removal
        {
            return Operation::Install;
        }
        Operation::Unknown
    }
}
