//! Reads times of day as the regional format writes them in banners and action lines:
//! `8:32:13`, `08:32:13`, `23.28.27` (`.` as separator), `1:05:12 PM`, `1:05:12 p.m.`,
//! `午後 3:18:26` (the marker before or after the time).
//!
//! It reads one time from a piece of text; it must not look at dates (`dates.rs`) or at the
//! per-line `[HH:MM:SS:mmm]` prefix (`line.rs`), and never panics.

use chrono::NaiveTime;

/// Before or after noon, as written next to a 12-hour time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Half {
    Am,
    Pm,
}

/// Markers Windows writes for the two halves of a 12-hour clock (the default designators of
/// the English, Japanese, Chinese and Korean regional formats, and the dotted form some
/// English-speaking regions use). Compared without case.
const MARKERS: &[(&str, Half)] = &[
    ("AM", Half::Am),
    ("PM", Half::Pm),
    ("A.M.", Half::Am),
    ("P.M.", Half::Pm),
    ("午前", Half::Am),
    ("午後", Half::Pm),
    ("上午", Half::Am),
    ("下午", Half::Pm),
    ("오전", Half::Am),
    ("오후", Half::Pm),
];

fn marker(word: &str) -> Option<Half> {
    MARKERS
        .iter()
        .find(|(m, _)| m.eq_ignore_ascii_case(word))
        .map(|&(_, h)| h)
}

/// `H:MM:SS` / `HH.MM.SS` (one separator kind, `:` or `.`), nothing else.
fn parse_hms_digits(s: &str) -> Option<(u32, u32, u32)> {
    let sep = if s.contains(':') { ':' } else { '.' };
    let mut it = s.split(sep);
    let mut next = |max_len: usize| -> Option<u32> {
        let part = it.next()?;
        if part.is_empty() || part.len() > max_len || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (h, m, sec) = (next(2)?, next(2)?, next(2)?);
    it.next().is_none().then_some((h, m, sec))
}

/// A time of day with whole seconds: `8:32:13`, `23.28.27`, `1:05:12 PM`, `午後 3:18:26`.
pub fn parse_time_of_day(s: &str) -> Option<NaiveTime> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let (digits, half) = match words.as_slice() {
        [t] => split_glued(t)?,
        [a, b] => match (marker(a), marker(b)) {
            (Some(h), None) => (*b, Some(h)),
            (None, Some(h)) => (*a, Some(h)),
            _ => return None,
        },
        _ => return None,
    };
    let (h, m, sec) = parse_hms_digits(digits)?;
    let h = match half {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(Half::Am) => h % 12,
        Some(Half::Pm) => h % 12 + 12,
    };
    NaiveTime::from_hms_opt(h, m, sec)
}

/// `3:18:26PM` or `午後3:18:26`: a marker glued to the digits.
fn split_glued(word: &str) -> Option<(&str, Option<Half>)> {
    let start = word.find(|c: char| c.is_ascii_digit())?;
    let end = word
        .rfind(|c: char| c.is_ascii_digit())
        .map_or(word.len(), |i| i + 1);
    let (before, digits, after) = (&word[..start], &word[start..end], &word[end..]);
    match (before.is_empty(), after.is_empty()) {
        (true, true) => Some((digits, None)),
        (false, true) => Some((digits, Some(marker(before)?))),
        (true, false) => Some((digits, Some(marker(after)?))),
        (false, false) => None,
    }
}

/// Where the first time of day (`H:MM:SS` or `H.MM.SS`, one or two hour digits) starts and
/// ends in `text`, widened over a 12-hour marker written right before or after it.
pub fn find_time(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut i = 0;
    while i < b.len() {
        if !digit(i) || (i > 0 && digit(i - 1)) {
            i += 1;
            continue;
        }
        let h_len = if digit(i + 1) { 2 } else { 1 };
        let sep = b.get(i + h_len).copied();
        if let Some(sep @ (b':' | b'.')) = sep {
            let m = i + h_len + 1;
            let s = m + 3;
            if digit(m) && digit(m + 1) && b.get(m + 2) == Some(&sep) && digit(s) && digit(s + 1) {
                let end = s + 2;
                if !digit(end) {
                    return Some(widen(text, i, end));
                }
            }
        }
        i += 1;
    }
    None
}

/// Extends `start..end` over a marker just before (`午後 3:18:26`) or after (`3:18:26 PM`).
fn widen(text: &str, start: usize, end: usize) -> (usize, usize) {
    let before = text[..start].trim_end();
    // The word starts after the last white space, which may be wider than one byte (U+3000).
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let start = if marker(&before[word_start..]).is_some() {
        word_start
    } else {
        start
    };
    let after = &text[end..];
    let trimmed = after.trim_start();
    let word_len = trimmed
        .find(|c: char| c.is_whitespace() || c == ':' || c == '：')
        .unwrap_or(trimmed.len());
    // `p.m.:` ends with the marker's own dot; `PM:` with the separator.
    let word = &trimmed[..word_len];
    let end = if marker(word).is_some() {
        end + (after.len() - trimmed.len()) + word_len
    } else {
        end
    };
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32, s: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, s)
    }

    #[test]
    fn a_wide_space_before_the_time_is_no_char_boundary_problem() {
        // U+3000 (3 bytes) and NBSP (2 bytes) before the time: no slicing inside a character.
        assert!(find_time("終了\u{3000}午後 3:18:26 x").is_some());
        assert!(find_time("x\u{a0}y 3:18:26 PM").is_some());
    }

    #[test]
    fn one_digit_hours() {
        assert_eq!(parse_time_of_day("8:32:13"), t(8, 32, 13));
        assert_eq!(parse_time_of_day("0:00:19"), t(0, 0, 19));
        assert_eq!(parse_time_of_day("08:32:13"), t(8, 32, 13));
    }

    #[test]
    fn dot_as_time_separator() {
        assert_eq!(parse_time_of_day("23.28.27"), t(23, 28, 27));
        assert_eq!(parse_time_of_day("8.05.09"), t(8, 5, 9));
        assert_eq!(parse_time_of_day("8.05:09"), None);
    }

    #[test]
    fn twelve_hour_clock_with_am_pm() {
        assert_eq!(parse_time_of_day("1:05:12 PM"), t(13, 5, 12));
        assert_eq!(parse_time_of_day("12:05:12 AM"), t(0, 5, 12));
        assert_eq!(parse_time_of_day("12:05:12 pm"), t(12, 5, 12));
        assert_eq!(parse_time_of_day("1:05:12PM"), t(13, 5, 12));
        assert_eq!(parse_time_of_day("13:05:12 PM"), None);
    }

    #[test]
    fn twelve_hour_clock_with_a_m_p_m() {
        assert_eq!(parse_time_of_day("9:15:00 p.m."), t(21, 15, 0));
        assert_eq!(parse_time_of_day("9:15:00 a.m."), t(9, 15, 0));
    }

    #[test]
    fn twelve_hour_clock_with_gozen_gogo() {
        assert_eq!(parse_time_of_day("午後 3:18:26"), t(15, 18, 26));
        assert_eq!(parse_time_of_day("午前 11:02:03"), t(11, 2, 3));
        assert_eq!(parse_time_of_day("午後3:18:26"), t(15, 18, 26));
        assert_eq!(parse_time_of_day("下午 3:18:26"), t(15, 18, 26));
    }

    #[test]
    fn finds_times_inside_lines() {
        let line = "操作終了 5:30:37: InstallFinalize。 戻り値 3。";
        let (s, e) = find_time(line).unwrap();
        assert_eq!(&line[s..e], "5:30:37");
        let line = "Action démarrée à 14:07:26 : X.";
        let (s, e) = find_time(line).unwrap();
        assert_eq!(&line[s..e], "14:07:26");
        let line = "Action start 1:05:12 PM: X.";
        let (s, e) = find_time(line).unwrap();
        assert_eq!(&line[s..e], "1:05:12 PM");
        let line = "操作開始 午後 3:18:26: X。";
        let (s, e) = find_time(line).unwrap();
        assert_eq!(&line[s..e], "午後 3:18:26");
        assert_eq!(find_time("version 5.00.10011.00"), None);
        assert_eq!(find_time("no time here"), None);
        assert_eq!(find_time("123:45:67"), None);
    }
}
