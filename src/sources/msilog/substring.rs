//! Substring search on log lines, without set-up per call.
//!
//! `str::find` with a `&str` pattern builds a Two-Way searcher on every call, which costs more
//! than searching a log line for a short literal; the line grammar calls these on every line of
//! some shapes. Here the needle's first byte is found with memchr and the rest compared. Same
//! answers as the `str` methods of the same names; nothing here may panic.

/// Byte index of the first `needle` in `hay` (`str::find`).
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return Some(0);
    };
    memchr::memchr_iter(first, h).find(|&i| h[i + 1..].starts_with(rest))
}

/// Byte index of the last `needle` in `hay` (`str::rfind`).
pub fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return Some(h.len());
    };
    memchr::memrchr_iter(first, h).find(|&i| h[i + 1..].starts_with(rest))
}

/// `str::contains` with a literal.
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `str::split_once` with a literal.
pub fn split_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(hay, needle)?;
    Some((&hay[..at], &hay[at + needle.len()..]))
}

/// `str::rsplit_once` with a literal.
pub fn rsplit_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = rfind(hay, needle)?;
    Some((&hay[..at], &hay[at + needle.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn same_as_str_on_edges() {
        for (hay, needle) in [
            ("", ""),
            ("abc", ""),
            ("", "a"),
            ("a = b = c", " = "),
            ("é = ü", " = "),
            ("x. Return value 3. Return value 1.", ". Return value "),
            ("ababab", "abab"),
            ("日本語: x", ": "),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            assert_eq!(rfind(hay, needle), hay.rfind(needle), "{hay:?} {needle:?}");
            assert_eq!(split_once(hay, needle), hay.split_once(needle));
            assert_eq!(rsplit_once(hay, needle), hay.rsplit_once(needle));
            assert_eq!(contains(hay, needle), hay.contains(needle));
        }
    }

    proptest! {
        #[test]
        fn same_as_str_on_any_text(hay in "[ab :=.é]{0,24}", needle in "[ab :=.é]{0,4}") {
            prop_assert_eq!(find(&hay, &needle), hay.find(needle.as_str()));
            prop_assert_eq!(rfind(&hay, &needle), hay.rfind(needle.as_str()));
            prop_assert_eq!(rsplit_once(&hay, &needle), hay.rsplit_once(needle.as_str()));
        }
    }
}
