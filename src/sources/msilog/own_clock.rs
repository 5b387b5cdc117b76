//! Reads the clock a line without an `MSI (x)` prefix writes itself: the output of custom
//! actions and the vendor logs they relay, such as `CA: 02:10:56: Name. text` (a DTF action's
//! session log), `CA(x): [02:10:56] text`, `[02:10:56.123] text` or
//! `2026-03-15 02:10:56,123 text`. Only the time of day is read (a written date is skipped: the
//! session's banners give the date, and `session.rs` decides on which day the time falls).
//!
//! It reads one line; it must not decide whether the time is believable (that needs the
//! engine lines around it, see `session.rs`), must not read `MSI (x)` prefixes or action lines
//! (`line.rs`), and never panics.

use chrono::NaiveTime;

/// The longest `Name:` / `Name(x):` label read before the clock.
const MAX_LABEL: usize = 48;

/// The time of day a bare line starts with, after at most one `Name:` label and an opening `[`.
pub fn own_clock(line: &str) -> Option<NaiveTime> {
    clock_at(line).or_else(|| clock_at(after_label(line)?))
}

/// `CA: rest`, `CA(ddnpm): rest`, `SetupHelper: rest` → `rest` (one word, then `:` and a space).
fn after_label(line: &str) -> Option<&str> {
    let colon = super::substring::find(line, ": ")?;
    let label = &line[..colon];
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')');
    (!label.is_empty() && label.len() <= MAX_LABEL && label.chars().all(word))
        .then(|| &line[colon + 2..])
}

/// A clock at the very start of `s`: `[`? (`YYYY-MM-DD` then ` ` or `T`)? `H:MM:SS` with an
/// optional fraction (`.`, `,` or `:` then 1-7 digits) and an optional ` AM`/` PM`, followed by
/// the end of the text, a space, `:`, `]`, `Z` or a zone offset.
fn clock_at(s: &str) -> Option<NaiveTime> {
    let s = s.strip_prefix('[').unwrap_or(s);
    let s = skip_iso_date(s).unwrap_or(s);
    let b = s.as_bytes();
    let mut at = 0;
    let field = |max: u32, b: &[u8], at: &mut usize, min_digits: usize| -> Option<u32> {
        let start = *at;
        while *at < b.len() && *at - start < 2 && b[*at].is_ascii_digit() {
            *at += 1;
        }
        if *at - start < min_digits {
            return None;
        }
        let v: u32 = s[start..*at].parse().ok()?;
        (v <= max).then_some(v)
    };
    let h = field(23, b, &mut at, 1)?;
    expect(b, &mut at, b':')?;
    let m = field(59, b, &mut at, 2)?;
    expect(b, &mut at, b':')?;
    let sec = field(59, b, &mut at, 2)?;
    let mut ms = 0;
    if matches!(b.get(at), Some(b'.' | b',' | b':'))
        && b.get(at + 1).is_some_and(u8::is_ascii_digit)
    {
        let start = at + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end - start > 7 {
            return None;
        }
        let digits = &s[start..end.min(start + 3)];
        let scale = 10u32.pow(3 - digits.len() as u32);
        ms = digits.parse::<u32>().ok()? * scale;
        at = end;
    }
    let mut hour = h;
    if let Some(rest) = s[at..].strip_prefix(' ') {
        let marker = rest.get(..2).map(str::to_ascii_uppercase);
        let ends = |i: usize| {
            rest[i..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
        };
        match marker.as_deref() {
            Some("AM") if (1..=12).contains(&h) && ends(2) => {
                hour = h % 12;
                at += 3;
            }
            Some("PM") if (1..=12).contains(&h) && ends(2) => {
                hour = h % 12 + 12;
                at += 3;
            }
            _ => {}
        }
    }
    let ends_well = match s[at..].chars().next() {
        None => true,
        Some(c) => matches!(c, ' ' | '\t' | ':' | ']' | 'Z' | '+' | '-'),
    };
    ends_well.then(|| NaiveTime::from_hms_milli_opt(hour, m, sec, ms))?
}

fn expect(b: &[u8], at: &mut usize, c: u8) -> Option<()> {
    (b.get(*at) == Some(&c)).then(|| *at += 1)
}

/// `2026-03-15 ` / `2026-03-15T` → what follows.
fn skip_iso_date(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let shape = b.len() > 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && matches!(b[10], b' ' | b'T');
    shape.then(|| &s[11..])
}

#[cfg(test)]
mod tests {
    use super::own_clock;
    use chrono::NaiveTime;

    fn t(h: u32, m: u32, s: u32, ms: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_milli_opt(h, m, s, ms)
    }

    #[test]
    fn custom_action_and_vendor_clocks() {
        assert_eq!(
            own_clock("CA: 02:10:56: PrepareFiles. Could not set the size"),
            t(2, 10, 56, 0)
        );
        assert_eq!(
            own_clock("CA(drv): [23:59:58] create() 0"),
            t(23, 59, 58, 0)
        );
        assert_eq!(own_clock("[00:00:03.250] Done"), t(0, 0, 3, 250));
        assert_eq!(own_clock("[8:01:02] short hour"), t(8, 1, 2, 0));
        assert_eq!(
            own_clock("2026-03-15 08:00:01,5 INFO agent"),
            t(8, 0, 1, 500)
        );
        assert_eq!(own_clock("[2026-03-15T08:00:01Z] x"), t(8, 0, 1, 0));
        assert_eq!(own_clock("Helper: 1:05:12 PM started"), t(13, 5, 12, 0));
        assert_eq!(own_clock("12:05:12 AM"), t(0, 5, 12, 0));
    }

    #[test]
    fn lines_without_their_own_clock() {
        for line in [
            "CA: PrepareFiles. no clock",
            "SFXCA: Binding to CLR version v4.0.30319",
            "WixQuietExec:  Error 0x80070643: Command line returned an error.",
            "   at Datadog.CustomActions.Run(ISession session)",
            "Version 10:20 is here",
            "24:00:00 is not a time",
            "12:60:00 neither",
            "1:2:3 too short",
            "12:30:45abc glued",
            "A very long label that is more than forty-eight characters long: 12:00:00",
            "Two words: 12:00:00",
            "",
            ":",
            "[",
            "2026-03-15",
            "[12:30:45.12345678] too many digits",
        ] {
            assert_eq!(own_clock(line), None, "{line}");
        }
    }
}
