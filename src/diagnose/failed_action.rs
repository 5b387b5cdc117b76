//! Makes the first action that returned 3 visible in a failed session's findings: when no
//! finding names that action or cites its `Return value 3` line, the top-ranked finding gets
//! the line as evidence and a sentence naming the action (no second finding is made; a session
//! with no finding at all gets `first-failure` from `generic.rs`, which names it).
//!
//! A finding "names" the action when its title or summary holds the action's name as a whole
//! word, in any case (`CA` is not named by `CAPolicy`, `InstallFiles` is named by `installfiles`).
//!
//! It must not add, drop or re-rank findings, and must not touch sessions that did not fail.

use super::evidence::{order_evidence, SessionView};
use super::Finding;

/// Names the session's first failed action in `found` (ranked, best first) when none does.
pub fn name_failed_action(view: &SessionView, found: &mut [Finding]) {
    if !view.failed() {
        return;
    }
    let Some((i, action)) = view.first_failed_action() else {
        return;
    };
    if found.is_empty() {
        return;
    }
    let cited = view.cite(view.event(i));
    let names = |f: &Finding| {
        names_word(&f.title, action)
            || names_word(&f.summary, action)
            || f.evidence
                .iter()
                .any(|e| e.path == cited.path && e.line.is_some() && e.line == cited.line)
    };
    if found.iter().any(names) {
        return;
    }
    let top = &mut found[0];
    let sentence = format!(" The first action to return 3 (failure) was {action}.");
    top.summary = format!("{}{sentence}", top.summary.trim_end());
    // Within one source the order of the items is the order of its lines (see `order_evidence`).
    let at = top
        .evidence
        .iter()
        .position(|e| e.path == cited.path && e.line > cited.line)
        .unwrap_or(top.evidence.len());
    top.evidence.insert(at, cited);
    order_evidence(&mut top.evidence, &view.clock);
}

/// Whether `text` holds `name` as a whole word, ignoring ASCII case. A word character is a
/// letter, a digit or `_` (the characters of an action name besides `.`); a `.` next to the name
/// ends it, so "… failed in CA." names `CA`.
fn names_word(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    let hay = text.to_ascii_lowercase();
    let needle = name.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = hay[from..].find(&needle) {
        let start = from + at;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        if !before.is_some_and(word_char) && !after.is_some_and(word_char) {
            return true;
        }
        from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::names_word;

    #[test]
    fn a_name_counts_only_as_a_whole_word_in_any_case() {
        assert!(!names_word("Blocked by CAPolicy", "CA"));
        assert!(!names_word("Runs MyCA now", "CA"));
        assert!(!names_word("CA_Setup failed", "CA"));
        assert!(names_word("The action CA failed.", "CA"));
        assert!(names_word("failed in ca", "CA"));
        assert!(names_word("Custom action CA. Return value 3", "CA"));
        assert!(names_word("CA", "CA"));
        assert!(names_word("(RegisterHelper, DLL)", "RegisterHelper"));
        assert!(names_word("CAPolicy, then CA failed", "CA"));
        assert!(!names_word("anything", ""));
        assert!(names_word("Größe: CA", "CA"));
    }
}
