//! `--redact`: replaces user names, SIDs, computer names and user-profile path segments with
//! stable placeholders (same input → same placeholder) in everything a report shows.
//!
//! Names are collected from the evidence itself (LogonUser/USERNAME/ComputerName properties,
//! `\Users\<name>\` and `/home/<name>/` segments, domain SIDs, event log computers, the
//! accounts services failed to log on as) and then
//! replaced everywhere, case-insensitively. It must run before any renderer and must not
//! touch the input files.

use std::collections::BTreeMap;

use crate::model::{Event, EventKind};
use crate::report::Analysis;

/// The values to hide and their placeholders.
#[derive(Debug, Default)]
pub struct Redactor {
    users: BTreeMap<String, String>,
    sids: BTreeMap<String, String>,
    hosts: BTreeMap<String, String>,
}

const PROFILE_MARKERS: &[&str] = &[
    "\\users\\",
    "/users/",
    "/home/",
    "\\documents and settings\\",
];
const NOT_A_USER: &[&str] = &[
    "public",
    "default",
    "all users",
    "default user",
    "<user>",
    // Built-in service accounts name no person.
    "system",
    "localsystem",
    "local service",
    "localservice",
    "network service",
    "networkservice",
];

impl Redactor {
    fn add_user(&mut self, name: &str) {
        let name = name.trim();
        let name = name.rsplit('\\').next().unwrap_or(name);
        if name.len() < 2 || NOT_A_USER.contains(&name.to_ascii_lowercase().as_str()) {
            return;
        }
        let n = self.users.len() + 1;
        self.users
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| format!("user{n}"));
    }

    fn add_host(&mut self, name: &str) {
        let name = name.trim();
        if name.len() < 2 {
            return;
        }
        let n = self.hosts.len() + 1;
        self.hosts
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| format!("host{n}"));
    }

    /// Learns names from free text: profile path segments and domain SIDs.
    fn learn_text(&mut self, text: &str) {
        let lower = text.to_ascii_lowercase();
        for marker in PROFILE_MARKERS {
            let mut from = 0;
            while let Some(p) = lower[from..].find(marker) {
                let start = from + p + marker.len();
                let name: String = text[start..]
                    .chars()
                    .take_while(|c| {
                        !matches!(c, '\\' | '/' | '"' | '\'' | ';' | ',') && !c.is_control()
                    })
                    .collect();
                if !name.is_empty() && name.len() < 64 {
                    self.add_user(&name);
                }
                from = start;
            }
        }
        for sid in find_domain_sids(text) {
            let n = self.sids.len() + 1;
            self.sids
                .entry(sid)
                .or_insert_with(|| format!("S-1-5-21-REDACTED-{n}"));
        }
    }

    /// Learns from one event: its text, an event log's computer, a service's logon account.
    fn learn_event(&mut self, e: &Event) {
        if let EventKind::WinEvent(w) = &e.kind {
            self.add_host(&w.computer);
            if let Some(account) = w.start_failure().and_then(|f| f.account.as_deref()) {
                self.add_user(account);
            }
        }
        self.learn_text(&e.text);
    }

    /// Collects every name to hide from the analysis.
    pub fn learn(analysis: &Analysis) -> Redactor {
        let mut r = Redactor::default();
        for s in &analysis.sessions {
            for name in ["LogonUser", "USERNAME"] {
                if let Some(p) = s.facts.property(name) {
                    r.add_user(&p.value);
                }
            }
            if let Some(p) = s.facts.property("ComputerName") {
                r.add_host(&p.value);
            }
            for e in &s.events {
                r.learn_event(e);
            }
        }
        for e in &analysis.machine_events {
            r.learn_event(e);
        }
        for f in &analysis.findings {
            r.learn_text(&f.summary);
            for c in &f.confirmed_by {
                r.learn_text(&c.what);
            }
            for e in &f.evidence {
                r.learn_text(&e.text);
                r.learn_text(&e.path);
            }
        }
        for i in &analysis.inputs {
            r.learn_text(&i.path);
        }
        r
    }

    /// Replaces every known name in `text`.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (sid, placeholder) in &self.sids {
            out = replace_ignore_case(&out, sid, placeholder);
        }
        let mut names: Vec<(&String, &String)> =
            self.users.iter().chain(self.hosts.iter()).collect();
        names.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        for (name, placeholder) in names {
            out = replace_word_ignore_case(&out, name, placeholder);
        }
        out
    }

    /// Rewrites every string a report shows.
    pub fn redact(&self, a: &mut Analysis) {
        let f = |s: &mut String| *s = self.apply(s);
        for finding in &mut a.findings {
            f(&mut finding.title);
            f(&mut finding.summary);
            for c in &mut finding.confirmed_by {
                f(&mut c.what);
            }
            for e in &mut finding.evidence {
                f(&mut e.text);
                f(&mut e.path);
            }
            for fix in &mut finding.fixes {
                f(&mut fix.description);
                if let Some(c) = &mut fix.command {
                    f(c);
                }
            }
        }
        for i in &mut a.inputs {
            f(&mut i.path);
            i.problems.iter_mut().for_each(f);
        }
        a.notes.iter_mut().for_each(f);
        if let Some(c) = &mut a.context {
            for b in c.blocks.iter_mut().flatten() {
                f(&mut b.path);
            }
            c.lines = std::mem::take(&mut c.lines)
                .into_iter()
                .map(|(path, mut lines)| {
                    lines.values_mut().for_each(f);
                    (self.apply(&path), lines)
                })
                .collect();
            c.problems.iter_mut().for_each(f);
        }
        for s in &mut a.sessions {
            s.path = self.apply(&s.path).into();
            for e in &mut s.events {
                f(&mut e.text);
                e.origin.path = self.apply(&e.origin.path).into();
            }
        }
    }
}

/// `S-1-5-21-a-b-c-rid` (domain and local account SIDs; well-known short SIDs are not personal).
fn find_domain_sids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find("S-1-5-21-") {
        let start = from + p;
        let len = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == 'S')
            .count();
        let sid = text[start..start + len].trim_end_matches('-').to_string();
        if sid.matches('-').count() >= 6 {
            out.push(sid);
        }
        from = start + 9;
    }
    out
}

fn replace_ignore_case(text: &str, needle: &str, with: &str) -> String {
    replace_matching(text, needle, with, |_, _| true)
}

/// Replaces `needle` only where it is not part of a longer word (so `ann` does not hit `announce`).
fn replace_word_ignore_case(text: &str, needle: &str, with: &str) -> String {
    replace_matching(text, needle, with, |before, after| {
        !before.is_some_and(|c: char| c.is_alphanumeric())
            && !after.is_some_and(|c: char| c.is_alphanumeric())
    })
}

fn replace_matching(
    text: &str,
    needle: &str,
    with: &str,
    ok: impl Fn(Option<char>, Option<char>) -> bool,
) -> String {
    if needle.is_empty() {
        return text.to_string();
    }
    let lower = text.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(p) = lower[from..].find(&needle) {
        let start = from + p;
        let end = start + needle.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if ok(before, after) && text.is_char_boundary(start) && text.is_char_boundary(end) {
            out.push_str(&text[last..start]);
            out.push_str(with);
            last = end;
        }
        from = end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_and_replaces_consistently() {
        let mut r = Redactor::default();
        r.learn_text("C:\\Users\\mpatel\\AppData\\Local\\Temp\\ and S-1-5-21-1004336348-1177238915-682003330-1001");
        r.add_host("WS-0042");
        let out = r.apply("MPatel on ws-0042 as S-1-5-21-1004336348-1177238915-682003330-1001 in C:\\Users\\mpatel\\x; mpatelx stays");
        assert_eq!(
            out,
            "user1 on host1 as S-1-5-21-REDACTED-1 in C:\\Users\\user1\\x; mpatelx stays"
        );
        assert_eq!(r.apply("S-1-5-18"), "S-1-5-18");
    }

    #[test]
    fn built_in_accounts_are_not_people() {
        let mut r = Redactor::default();
        // An install pushed by a deployment tool runs with LogonUser = SYSTEM.
        r.add_user("SYSTEM");
        r.add_user("NT AUTHORITY\\LocalService");
        r.add_user("CONTOSO\\svc_sync");
        assert_eq!(
            r.apply("System error 5 for NT AUTHORITY\\SYSTEM and LocalService; CONTOSO\\svc_sync"),
            "System error 5 for NT AUTHORITY\\SYSTEM and LocalService; CONTOSO\\user1"
        );
    }
}
