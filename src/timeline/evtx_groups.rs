//! Groups the MsiInstaller records of event logs into transactions: a 1040 "Beginning a Windows
//! Installer transaction" … 1042 "Ending" pair by client PID, with the outcome (1033/1034/1035),
//! errors (10005, 11xxx) and file-in-use notices (1025) inside it. Outcome records without a
//! surrounding 1040/1042 form a group of their own with the errors just before them.
//!
//! Reads events only; it must not align clocks or diagnose.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::model::{Event, EventKind, MsiInstallerFact, Operation, ProductOutcome, Timestamp};

/// One transaction (or stand-alone outcome) seen in an event log.
#[derive(Debug, Clone)]
pub struct EvtxGroup {
    pub events: Vec<Event>,
    pub client_pid: Option<u32>,
    pub product: Option<String>,
    pub product_code: Option<String>,
    pub version: Option<String>,
    pub operation: Operation,
    pub status: Option<i64>,
    pub begin: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Time of the outcome record (1033/1034/1035), the best anchor for clock alignment.
    pub outcome_at: Option<DateTime<Utc>>,
    pub user_sid: Option<String>,
    /// 1040 records of other transactions that were open at the same time: shared with the
    /// groups of those transactions (many may be open at once when event logs of several
    /// machines are merged), copied into `events` only by [`EvtxGroup::take_concurrent`].
    concurrent: Vec<Arc<Event>>,
    /// This group's own 1040 record, shared with the groups open at the same time.
    begin_record: Option<Arc<Event>>,
}

fn utc(e: &Event) -> Option<DateTime<Utc>> {
    match e.time {
        Some(Timestamp::Utc(t)) => Some(t),
        _ => None,
    }
}

/// The MsiInstaller fact the reader decoded from the record, if any.
fn fact(e: &Event) -> Option<&MsiInstallerFact> {
    match &e.kind {
        EventKind::WinEvent(w) => w.msi(),
        _ => None,
    }
}

impl EvtxGroup {
    /// A group with nothing in it (the shell for sessions built from other sources).
    pub fn empty() -> Self {
        Self::new()
    }

    fn new() -> Self {
        EvtxGroup {
            events: Vec::new(),
            client_pid: None,
            product: None,
            product_code: None,
            version: None,
            operation: Operation::Unknown,
            status: None,
            begin: None,
            end: None,
            outcome_at: None,
            user_sid: None,
            concurrent: Vec::new(),
            begin_record: None,
        }
    }

    /// Appends the 1040 records of the transactions open at the same time to `events` (after
    /// the group's own records, in the order they were met).
    pub fn take_concurrent(&mut self) {
        let concurrent = std::mem::take(&mut self.concurrent);
        self.events
            .extend(concurrent.into_iter().map(Arc::unwrap_or_clone));
    }

    fn add(&mut self, e: Event) {
        let t = utc(&e);
        if self.begin.is_none_or(|b| t.is_some_and(|t| t < b)) {
            self.begin = t.or(self.begin);
        }
        if self.end.is_none_or(|b| t.is_some_and(|t| t > b)) {
            self.end = t.or(self.end);
        }
        if let EventKind::WinEvent(w) = &e.kind {
            if self.user_sid.is_none() {
                self.user_sid = w.user_sid.clone();
            }
        }
        match fact(&e) {
            Some(MsiInstallerFact::ProductOutcome(ProductOutcome {
                operation,
                product,
                version,
                status,
                product_code,
                ..
            })) => {
                self.operation = *operation;
                self.product = Some(product.clone());
                self.version = version.clone();
                self.status = Some(*status);
                self.product_code = product_code.clone().or(self.product_code.take());
                self.outcome_at = t;
            }
            Some(MsiInstallerFact::ProductError {
                product: Some(p), ..
            }) if self.product.is_none() => {
                self.product = Some(p.clone());
            }
            Some(
                MsiInstallerFact::TransactionBegin { client_pid, .. }
                | MsiInstallerFact::TransactionEnd { client_pid, .. },
            ) => {
                self.client_pid = Some(*client_pid);
            }
            _ => {}
        }
        self.events.push(e);
    }

    /// True when an install outcome (or at least a product) is known.
    pub fn is_install(&self) -> bool {
        self.status.is_some() || self.product.is_some()
    }
}

/// Groups MsiInstaller events (any order; sorted here by time) into transactions.
pub fn group(mut events: Vec<Event>) -> Vec<EvtxGroup> {
    events.sort_by_key(|e| (utc(e), e.origin.record));
    let mut open: Vec<EvtxGroup> = Vec::new();
    let mut done: Vec<EvtxGroup> = Vec::new();
    let mut loose: Vec<Event> = Vec::new();
    for e in events {
        // Only the client PID is needed: `e` moves into a group below.
        let (begins, ends) = match fact(&e) {
            Some(MsiInstallerFact::TransactionBegin { client_pid, .. }) => {
                (Some(*client_pid), None)
            }
            Some(MsiInstallerFact::TransactionEnd { client_pid, .. }) => (None, Some(*client_pid)),
            _ => (None, None),
        };
        match (begins, ends) {
            (Some(client_pid), _) => {
                let mut g = EvtxGroup::new();
                g.client_pid = Some(client_pid);
                let shared = Arc::new(e.clone());
                for other in &mut open {
                    if let Some(begin) = &other.begin_record {
                        g.concurrent.push(begin.clone());
                    }
                    other.concurrent.push(shared.clone());
                }
                g.begin_record = Some(shared);
                g.add(e);
                open.push(g);
            }
            (_, Some(client_pid)) => {
                match open.iter().rposition(|g| g.client_pid == Some(client_pid)) {
                    Some(i) => {
                        let mut g = open.remove(i);
                        g.add(e);
                        done.push(g);
                    }
                    None => loose.push(e),
                }
            }
            _ => match open.last_mut() {
                Some(g) => g.add(e),
                None => loose.push(e),
            },
        }
    }
    done.extend(open);
    done.extend(group_loose(loose));
    done.sort_by_key(|g| g.begin);
    done
}

/// Outcome records outside any transaction: each takes the loose records of the same product
/// from the ten minutes before it.
fn group_loose(loose: Vec<Event>) -> Vec<EvtxGroup> {
    let mut groups: Vec<EvtxGroup> = Vec::new();
    let mut pending: Vec<Event> = Vec::new();
    for e in loose {
        let outcome_product = match fact(&e) {
            Some(MsiInstallerFact::ProductOutcome(outcome)) => Some(outcome.product.clone()),
            _ => None,
        };
        if let Some(product) = outcome_product {
            let t = utc(&e);
            let mut g = EvtxGroup::new();
            let (mine, rest): (Vec<Event>, Vec<Event>) = pending.into_iter().partition(|p| {
                let same_product = match fact(p) {
                    Some(
                        MsiInstallerFact::ProductError {
                            product: Some(q), ..
                        }
                        | MsiInstallerFact::FileInUse { product: q, .. }
                        | MsiInstallerFact::Reboot { product: q, .. },
                    ) => q.eq_ignore_ascii_case(&product),
                    _ => false,
                };
                let recent = match (utc(p), t) {
                    (Some(a), Some(b)) => b - a <= Duration::minutes(10) && a <= b,
                    _ => false,
                };
                same_product && recent
            });
            pending = rest;
            for p in mine {
                g.add(p);
            }
            g.add(e);
            groups.push(g);
        } else {
            pending.push(e);
        }
    }
    // Records that belong to no outcome (e.g. 1026–1028 warnings, resiliency 1001/1004) stay as
    // one group per product when they name one, so rules can still cite them.
    for e in pending {
        let mut g = EvtxGroup::new();
        g.add(e);
        groups.push(g);
    }
    groups
}
