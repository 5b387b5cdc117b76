//! The engine prefix of a verbose MSI log line, `MSI (s) (PP:TT) [HH:MM:SS:mmm]: `, read on
//! its bytes.
//!
//! Every engine line of a log goes through here (the hot line classification), so the prefix is
//! read with byte comparisons and memchr rather than with the nom grammar of `grammar.rs`,
//! which kept lines use: the two accept exactly the same lines and cut them at the same places
//! (the tests below hold them to it). It only splits the prefix off; what the message means is
//! decided in `line.rs`. It must not panic on any input.

use super::grammar::EnginePrefix;

/// `MSI (s) (PP:TT) [HH:MM:SS:mmm]: message` → the message and the prefix (`None` when the
/// line does not start with an engine prefix).
pub fn engine_prefix(line: &str) -> Option<(&str, EnginePrefix<'_>)> {
    let rest = line.strip_prefix("MSI (")?;
    let context = rest.chars().next()?;
    let rest = rest[context.len_utf8()..].strip_prefix(") (")?;
    let (pid, rest) = hex_id(rest)?;
    let custom_action_thread = match rest.as_bytes().first()? {
        b':' => false,
        b'!' => true,
        _ => return None,
    };
    let (tid, rest) = hex_id(&rest[1..])?;
    let rest = rest.strip_prefix(')')?;
    // `[time]` is optional: without its `]` the prefix has no time (and then no `:` either).
    let (time, rest) = match rest.strip_prefix(" [").and_then(|after| {
        // Nearly every line: `HH:MM:SS:mmm]`, twelve bytes then the bracket.
        let b = after.as_bytes();
        let end = if b.get(12) == Some(&b']') && !b[..12].contains(&b']') {
            Some(12)
        } else {
            memchr::memchr(b']', b)
        };
        end.map(|end| (after, end))
    }) {
        Some((after, end)) => (Some(&after[..end]), &after[end + 1..]),
        None => (None, rest),
    };
    let message = rest.strip_prefix(": ").or_else(|| rest.strip_prefix(':'))?;
    Some((
        message,
        EnginePrefix {
            context,
            pid,
            tid,
            custom_action_thread,
            time,
        },
    ))
}

/// One to eight hex digits (a process or thread id as the engine writes it) and what follows.
fn hex_id(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    let mut digits = 0;
    while digits < 8 && digits < b.len() && b[digits].is_ascii_hexdigit() {
        digits += 1;
    }
    (digits > 0).then(|| s.split_at(digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::msilog::grammar;
    use proptest::prelude::*;

    fn by_grammar(line: &str) -> Option<(&str, EnginePrefix<'_>)> {
        grammar::engine_prefix(line).ok()
    }

    #[test]
    fn same_as_the_grammar_on_real_shapes_and_near_misses() {
        for line in [
            "MSI (s) (C8!50) [01:49:43:906]: Product: X -- y",
            "MSI (c) (40:A4): Doing action: X",
            "MSI (c) (40:A4):Doing action: X",
            "MSI (s) (C8:50:11) [x]: y",
            "MSI (s) (C8:50) [01:49:43:906 y",
            "MSI (s) (C8:50) [01:49:43:906]",
            "MSI (s) (C8:50) [01:49:43:906]:",
            "MSI (s) (ZZ:50): y",
            "MSI (s) (123456789:50): y",
            "MSI (s) (12345678:9ABCDEF0) []: y",
            "MSI (é) (12:34) [t]: y",
            "MSI (s) (:50): y",
            "MSI (s) (50:): y",
            "MSI (s) (50;12): y",
            "MSI (",
            "MSI (s",
            "MSI (s) (",
            "",
        ] {
            assert_eq!(engine_prefix(line), by_grammar(line), "{line:?}");
        }
    }

    proptest! {
        #[test]
        fn same_as_the_grammar_on_any_line(
            context in "[sc N é]{0,2}",
            pid in "[0-9A-Fa-fxZ]{0,10}",
            sep in "[:!;]?",
            tid in "[0-9A-Fa-f]{0,9}",
            close in "\\)?",
            time in "( \\[[0-9:\\]x]{0,14})?",
            colon in "(: |:|;)?",
            message in ".{0,12}",
        ) {
            let line = format!("MSI ({context}) ({pid}{sep}{tid}{close}{time}{colon}{message}");
            prop_assert_eq!(engine_prefix(&line), by_grammar(&line));
        }
    }
}
