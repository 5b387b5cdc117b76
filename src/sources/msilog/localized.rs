//! Reads the lines Windows Installer writes in the UI language (action start/end lines, action
//! texts, `Product: X -- …` messages, the text of user-facing errors) without a dictionary: the
//! templates are learned from the session itself, anchored on the language-invariant engine
//! lines (`Doing action: X`, `Note: 1: N`, `DEBUG: Error N`).
//!
//! - The first free-text line after `Doing action: X` that names `X` after a time is that
//!   language's "Action start"; the text before the time is its template.
//! - A line naming a known action after a time and ending in a small integer (0–8) is "Action
//!   ended" with that return value.
//! - Another line naming a known action after a time is an action text.
//! - A free-text line right after `Note: 1: N` / `DEBUG: Error N` (or after the localized
//!   `Product: X -- …` line that follows them) is the user-facing text of message N.
//!
//! Relabelling only happens once a localized action template was learned from more lines than
//! the session has English action lines (an English log is left exactly as `line.rs` read it). It relabels `Text` and unkept-looking `MsiMessage` lines
//! only; it must not diagnose and must not touch language-invariant lines.

use std::collections::{HashMap, HashSet};

use chrono::NaiveTime;

use super::clock::{find_time, parse_time_of_day};
use super::line::ParsedLine;
use crate::model::EventKind;

/// Localized action-line templates learned from a log: the text written before the time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    pub action_start: Option<String>,
    pub action_ended: Option<String>,
    pub action_text: Option<String>,
}

impl Templates {
    fn is_learned(&self) -> bool {
        self.action_start.is_some() || self.action_ended.is_some()
    }
}

/// A free-text line cut around its time: `<prefix> <time><:> <rest>`.
struct Shape<'a> {
    prefix: &'a str,
    time: NaiveTime,
    rest: &'a str,
}

fn shape(text: &str) -> Option<Shape<'_>> {
    let (start, end) = find_time(text)?;
    let prefix = &text[..start];
    if prefix.len() > 80 || prefix.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let time = parse_time_of_day(&text[start..end])?;
    let after = text[end..].trim_start();
    let rest = after
        .strip_prefix(':')
        .or_else(|| after.strip_prefix('：'))?;
    Some(Shape {
        prefix: prefix.trim_end(),
        time,
        rest: rest.trim_start(),
    })
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The action named at the start of `rest` (the longest known name, else the first word
/// without trailing dots) and what follows it.
fn action_name<'a>(rest: &'a str, known: &HashSet<&str>) -> Option<(&'a str, &'a str)> {
    let longest = known
        .iter()
        .filter(|n| rest.starts_with(**n) && !rest[n.len()..].starts_with(is_name_char))
        .max_by_key(|n| n.len());
    let len = match longest {
        Some(n) => n.len(),
        None => {
            let word = rest
                .find(|c: char| !(is_name_char(c) || c == '.'))
                .map_or(rest, |i| &rest[..i]);
            word.trim_end_matches('.').len()
        }
    };
    (len > 0).then(|| (&rest[..len], &rest[len..]))
}

/// The return value ending `after_name` (`. Return value 3.`, `。 戻り値 3。`): one digit 0–8,
/// a separate word, with something between the name and it.
fn trailing_return_value(after_name: &str) -> Option<u8> {
    let t = after_name.trim_end_matches(|c: char| !c.is_alphanumeric());
    let digits = t.len() - t.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let before = &t[..t.len() - digits];
    if digits != 1
        || before
            .trim()
            .trim_matches(|c: char| !c.is_alphanumeric())
            .is_empty()
    {
        return None;
    }
    if before.ends_with(is_name_char) {
        return None;
    }
    t[t.len() - 1..].parse().ok().filter(|v| *v <= 8)
}

/// Learns the session's templates (falling back to `prior`, those of an earlier session of the
/// same file) and relabels its localized lines. Returns the templates for the next session and
/// whether this one was read with them (it is localized).
pub fn relabel(lines: &mut [(&str, &mut ParsedLine)], prior: &Templates) -> (Templates, bool) {
    let known: HashSet<String> = lines
        .iter()
        .filter_map(|(_, p)| match &p.kind {
            EventKind::DoingAction { action } => Some(action.clone()),
            _ => None,
        })
        .collect();
    let known: HashSet<&str> = known.iter().map(String::as_str).collect();
    let learned = learn(lines, &known);
    // A session that writes its action lines in English is English, whatever an earlier
    // session of the same file taught: its custom actions' `CA: hh:mm:ss: Name. …` output
    // must not be read as action lines of that other language. The earlier templates are
    // kept for the sessions after it.
    let english = lines.iter().any(|(_, p)| {
        matches!(
            p.kind,
            EventKind::ActionStart { .. } | EventKind::ActionEnded { .. }
        )
    });
    if !learned.is_learned() && english {
        return (prior.clone(), false);
    }
    let templates = Templates {
        action_start: learned.action_start.or_else(|| prior.action_start.clone()),
        action_ended: learned.action_ended.or_else(|| prior.action_ended.clone()),
        action_text: learned.action_text.or_else(|| prior.action_text.clone()),
    };
    if !templates.is_learned() {
        return (templates, false);
    }
    let mut message_of: Option<u32> = None;
    let mut numberless_taken = false;
    for (text, p) in lines.iter_mut() {
        let free_text = p.thread.is_none() && matches!(p.kind, EventKind::Text);
        if free_text {
            if let Some((kind, time)) =
                shape(text).and_then(|s| action_kind(&s, &templates, &known))
            {
                p.kind = kind;
                p.time = Some(time);
                message_of = None;
                continue;
            }
            if let Some(code) = message_of.filter(|_| p.starts_record) {
                let named = mentions(text, code);
                if named || !numberless_taken {
                    numberless_taken |= !named;
                    p.kind = user_message(text, code);
                    continue;
                }
            }
            message_of = None;
            continue;
        }
        match &p.kind {
            EventKind::Note { code, .. } | EventKind::DebugError { code, .. } => {
                message_of = Some(*code);
                numberless_taken = false;
            }
            EventKind::MsiMessage { message } => match product_message(message) {
                Some(kind) => p.kind = kind,
                None => message_of = None,
            },
            _ => message_of = None,
        }
    }
    (templates, true)
}

/// Counts the prefixes of the lines that look like action start, end and text lines.
fn learn(lines: &[(&str, &mut ParsedLine)], known: &HashSet<&str>) -> Templates {
    let mut votes: [HashMap<&str, (usize, usize)>; 3] = Default::default();
    let mut vote = |which: usize, prefix, order| {
        votes[which].entry(prefix).or_insert((0, order)).0 += 1;
    };
    let mut after_doing: Option<&str> = None;
    let mut english = 0usize;
    for (order, (text, p)) in lines.iter().enumerate() {
        match &p.kind {
            EventKind::DoingAction { action } => after_doing = Some(action.as_str()),
            EventKind::Text if p.thread.is_none() => {
                let Some(s) = shape(text) else { continue };
                let Some((name, after)) = action_name(s.rest, known) else {
                    continue;
                };
                if !known.contains(name) {
                    continue;
                }
                if trailing_return_value(after).is_some() {
                    vote(1, s.prefix, order);
                } else if after_doing == Some(name) {
                    vote(0, s.prefix, order);
                } else {
                    vote(2, s.prefix, order);
                }
                after_doing = None;
            }
            EventKind::ActionStart { .. } | EventKind::ActionEnded { .. } => {
                english += 1;
                after_doing = None;
            }
            _ => {}
        }
    }
    // An English log whose free text happens to look like an action line (custom-action
    // output naming an action and a time) stays English: a translated log has no English
    // action lines, so the learned lines must outnumber them.
    let localized_votes: usize = votes[..2]
        .iter()
        .flat_map(|m| m.values())
        .map(|&(n, _)| n)
        .sum();
    if localized_votes <= english {
        return Templates::default();
    }
    let best = |m: &HashMap<&str, (usize, usize)>| {
        m.iter()
            .max_by_key(|(_, &(n, order))| (n, std::cmp::Reverse(order)))
            .map(|(p, _)| p.to_string())
    };
    let action_start = best(&votes[0]);
    let action_ended = best(&votes[1]);
    let action_text = best(&votes[2]).filter(|t| Some(t) != action_start.as_ref());
    Templates {
        action_start,
        action_ended,
        action_text,
    }
}

/// What a shaped line is under the learned templates, with its time.
fn action_kind(s: &Shape, t: &Templates, known: &HashSet<&str>) -> Option<(EventKind, NaiveTime)> {
    let (name, after) = action_name(s.rest, known)?;
    let action = name.to_string();
    let is = |template: &Option<String>| template.as_deref() == Some(s.prefix);
    if is(&t.action_ended) {
        if let Some(return_value) = trailing_return_value(after) {
            return Some((
                EventKind::ActionEnded {
                    action,
                    return_value,
                },
                s.time,
            ));
        }
    }
    if is(&t.action_start) {
        return Some((EventKind::ActionStart { action }, s.time));
    }
    if is(&t.action_text) || known.contains(name) {
        return Some((EventKind::ActionText { action }, s.time));
    }
    None
}

/// True when `text` holds `code` as a number of its own.
fn mentions(text: &str, code: u32) -> bool {
    let needle = code.to_string();
    text.match_indices(&needle).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// The user-facing text of message `code`: the internal-error sentence for internal errors
/// (2000 and up), else an error whose text is what follows the number when the line starts
/// with `<word> N` (`Fehler 1925. …`, `エラー 1925。…`), or the whole line.
fn user_message(text: &str, code: u32) -> EventKind {
    if code >= 2000 {
        return EventKind::InternalErrorDialog { code };
    }
    let needle = code.to_string();
    let head_end = text
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .nth(2)
        .map_or(text.len(), |(i, _)| i);
    let message = match text[..head_end].find(&needle) {
        Some(i) => text[i + needle.len()..].trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '.' | '。' | ':' | '：')
        }),
        None => text,
    };
    EventKind::Error {
        code,
        message: message.trim().to_string(),
    }
}

/// `製品: X -- …`: the localized `Product: X -- …` engine message.
fn product_message(message: &str) -> Option<EventKind> {
    let (head, text) = message.split_once(" -- ")?;
    let colon = head.find([':', '：'])?;
    let label = head[..colon].trim();
    if label.is_empty()
        || label.len() > 40
        || label.contains(|c: char| c.is_ascii_digit() || matches!(c, '(' | '[' | '\'' | '"'))
    {
        return None;
    }
    let product = head[colon..].trim_start_matches([':', '：']).trim();
    Some(EventKind::ProductMessage {
        product: product.to_string(),
        message: text.trim_end().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::msilog::line::parse_line;

    fn relabelled(text: &str) -> (Vec<EventKind>, Templates) {
        let lines: Vec<&str> = text.lines().collect();
        let mut parsed: Vec<ParsedLine> = lines.iter().map(|l| parse_line(l)).collect();
        let mut pairs: Vec<(&str, &mut ParsedLine)> =
            lines.iter().copied().zip(parsed.iter_mut()).collect();
        let (t, _) = relabel(&mut pairs, &Templates::default());
        (parsed.into_iter().map(|p| p.kind).collect(), t)
    }

    #[test]
    fn japanese_action_lines_and_messages() {
        let (kinds, t) = relabelled(
            "MSI (s) (34:30) [05:30:36:100]: Doing action: InstallFinalize\n\
             操作開始 5:30:36: InstallFinalize。\n\
             MSI (s) (34:30) [05:30:37:151]: Note: 1: 2769 2: _E63CD636_install 3: 1 \n\
             DEBUG: Error 2769: Custom Action _E63CD636_install did not close 1 MSIHANDLEs.\n\
             このパッケージをインストールするときに予期しないエラーが検出されました。エラー コードは 2769 です。 引数: _E63CD636_install, 1,\n\
             MSI (s) (34:30) [05:30:37:152]: Note: 1: 1925 \n\
             MSI (s) (34:30) [05:30:37:153]: 製品: Contoso -- エラー 1925。権限がありません。\n\
             エラー 1925。権限がありません。\n\
             操作終了 5:30:37: InstallFinalize。 戻り値 3。",
        );
        assert_eq!(t.action_start.as_deref(), Some("操作開始"));
        assert_eq!(t.action_ended.as_deref(), Some("操作終了"));
        assert_eq!(
            kinds[1],
            EventKind::ActionStart {
                action: "InstallFinalize".into()
            }
        );
        assert_eq!(kinds[4], EventKind::InternalErrorDialog { code: 2769 });
        assert!(
            matches!(&kinds[6], EventKind::ProductMessage { product, .. } if product == "Contoso")
        );
        assert_eq!(
            kinds[7],
            EventKind::Error {
                code: 1925,
                message: "権限がありません。".into()
            }
        );
        assert_eq!(
            kinds[8],
            EventKind::ActionEnded {
                action: "InstallFinalize".into(),
                return_value: 3
            }
        );
    }

    #[test]
    fn a_made_up_language_is_learned_from_the_log() {
        let (kinds, _) = relabelled(
            "MSI (s) (34:30) [15:30:36:100]: Doing action: CA_3\n\
             Zorp plinka vel 3.30.36 PM : CA_3 ¦\n\
             Zorp plinka vel 3.30.36 PM : CA_3 ¦ wemba 1 ¦\n\
             MSI (s) (34:30) [15:30:36:100]: Doing action: InstallFiles\n\
             Zorp plinka vel 3.30.37 PM : InstallFiles ¦\n\
             Quux 3.30.38 PM : InstallFiles ¦ blip blop\n\
             Zorp plinka vel 3.30.39 PM : InstallFiles ¦ wemba 0 ¦",
        );
        assert_eq!(
            kinds[1],
            EventKind::ActionStart {
                action: "CA_3".into()
            }
        );
        assert_eq!(
            kinds[2],
            EventKind::ActionEnded {
                action: "CA_3".into(),
                return_value: 1
            }
        );
        assert_eq!(
            kinds[5],
            EventKind::ActionText {
                action: "InstallFiles".into()
            }
        );
        assert_eq!(
            kinds[6],
            EventKind::ActionEnded {
                action: "InstallFiles".into(),
                return_value: 0
            }
        );
    }

    #[test]
    fn english_logs_are_left_alone() {
        let text = "MSI (s) (34:30) [05:30:36:100]: Doing action: InstallFinalize\n\
             Action start 5:30:36: InstallFinalize.\n\
             MSI (s) (34:30) [05:30:37:151]: Note: 1: 1925 \n\
             Custom action output at 5:30:37: InstallFinalize\n\
             Action ended 5:30:37: InstallFinalize. Return value 3.";
        let (kinds, t) = relabelled(text);
        assert!(!t.is_learned());
        assert_eq!(kinds[3], EventKind::Text);
        // Custom-action output shaped like an action-ended line does not switch it over.
        let (kinds, t) = relabelled(&format!(
            "{text}\nMSI (s) (34:30) [05:30:36:100]: Doing action: CA_Step\n\
             Pass at 5:30:38: CA_Step done, exit 0\n\
             MSI (s) (34:30) [05:30:37:151]: Note: 1: 1925 \n\
             some output"
        ));
        assert!(!t.is_learned());
        assert_eq!(kinds[8], EventKind::Text);
    }

    #[test]
    fn an_english_session_after_a_localized_one_stays_english() {
        let prior = Templates {
            action_start: Some("Действие".into()),
            action_ended: Some("Действие завершено".into()),
            action_text: None,
        };
        let text = "MSI (s) (C8:A4) [23:59:57:300]: Doing action: ValidateServiceAccount\n\
             Action start 23:59:57: ValidateServiceAccount.\n\
             CA: 23:59:58: ValidateServiceAccount. Looking up the account\n\
             Action ended 0:00:04: ValidateServiceAccount. Return value 3.";
        let lines: Vec<&str> = text.lines().collect();
        let mut parsed: Vec<ParsedLine> = lines.iter().map(|l| parse_line(l)).collect();
        let mut pairs: Vec<(&str, &mut ParsedLine)> =
            lines.iter().copied().zip(parsed.iter_mut()).collect();
        let (next, localized) = relabel(&mut pairs, &prior);
        assert!(!localized);
        assert_eq!(next, prior, "kept for the sessions after it");
        assert_eq!(parsed[2].kind, EventKind::Text);
    }

    #[test]
    fn return_values_are_separate_small_numbers() {
        assert_eq!(trailing_return_value(". Return value 3."), Some(3));
        assert_eq!(trailing_return_value("。 戻り値 3。"), Some(3));
        assert_eq!(trailing_return_value("."), None);
        assert_eq!(trailing_return_value(". Value 12."), None);
        assert_eq!(trailing_return_value(" 3"), None);
        assert_eq!(trailing_return_value(". Wert9."), None);
    }
}
