//! Procmon's clock texts: parsing `Time of Day` / `Date & Time`, converting PML FILETIMEs and
//! formatting times the way Procmon and msidiag print them.
//!
//! Parsing is permissive (12-hour `4:33:14.3062614 PM` and 24-hour `16:53:03,6001516`; US
//! `7/31/2020`, day-first `31.07.2020`, ISO `2020-07-31`). This module only converts; it must
//! not guess time zones (that is the timeline's job).

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};

/// Parses a `Time of Day` (also `Completion Time`) value.
pub fn parse_time_of_day(text: &str) -> Option<NaiveTime> {
    let (clock, meridiem) = split_meridiem(text.trim());
    let mut parts = clock.splitn(3, ':');
    let hour: u32 = parts.next()?.trim().parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    let seconds = parts.next()?;
    let (whole, fraction) = match seconds.find(['.', ',']) {
        Some(at) => (&seconds[..at], &seconds[at + 1..]),
        None => (seconds, ""),
    };
    let second: u32 = whole.parse().ok()?;
    let nanos = fraction_nanos(fraction)?;
    let hour = apply_meridiem(hour, meridiem)?;
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Meridiem {
    None,
    Am,
    Pm,
}

fn split_meridiem(text: &str) -> (&str, Meridiem) {
    let upper_tail = |suffix: &str| {
        text.len() >= suffix.len()
            && text.is_char_boundary(text.len() - suffix.len())
            && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    for (suffix, m) in [
        ("a.m.", Meridiem::Am),
        ("p.m.", Meridiem::Pm),
        ("am", Meridiem::Am),
        ("pm", Meridiem::Pm),
    ] {
        if upper_tail(suffix) {
            return (text[..text.len() - suffix.len()].trim_end(), m);
        }
    }
    (text, Meridiem::None)
}

fn apply_meridiem(hour: u32, meridiem: Meridiem) -> Option<u32> {
    match meridiem {
        Meridiem::None => (hour < 24).then_some(hour),
        _ if !(1..=12).contains(&hour) => None,
        Meridiem::Am => Some(hour % 12),
        Meridiem::Pm => Some(hour % 12 + 12),
    }
}

/// Up to 9 fractional digits to nanoseconds (`3062614` → 306 261 400 ns).
fn fraction_nanos(fraction: &str) -> Option<u32> {
    if fraction.is_empty() {
        return Some(0);
    }
    if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: u32 = fraction.parse().ok()?;
    Some(digits * 10u32.pow(9 - fraction.len() as u32))
}

/// The date part of a `Date & Time` value (`7/31/2020 7:27:31 AM`, `31.07.2020 07:27:31`,
/// `2020-07-31 07:27:31`). Slash dates are month-first unless the first number exceeds 12.
/// `None` for a year no Windows clock writes ([`crate::model::WINDOWS_YEARS`]).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let date = text.split_whitespace().next()?;
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let nums: Vec<u32> = date
        .split(sep)
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c] = nums[..] else { return None };
    let (year, month, day) = if a > 31 {
        (a, b, c)
    } else if sep == '/' && a <= 12 {
        (c, a, b)
    } else {
        (c, b, a)
    };
    let year = i32::try_from(year)
        .ok()
        .filter(|y| crate::model::WINDOWS_YEARS.contains(y))?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Windows FILETIME (100 ns since 1601-01-01 UTC) to a UTC instant; `None` for 0 or out of
/// range, and for years past 9999 (damage: such a time has no ISO 8601 form without a sign;
/// [`crate::model::WINDOWS_YEARS`]).
pub fn filetime_to_utc(filetime: u64) -> Option<DateTime<Utc>> {
    const UNIX_EPOCH_AS_FILETIME_SECS: i64 = 11_644_473_600;
    if filetime == 0 {
        return None;
    }
    let secs = (filetime / 10_000_000) as i64 - UNIX_EPOCH_AS_FILETIME_SECS;
    let nanos = (filetime % 10_000_000) as u32 * 100;
    DateTime::from_timestamp(secs, nanos).filter(crate::model::in_windows_years)
}

/// `HH:MM:SS.fffffff` (24-hour, 100 ns digits) as used in msidiag's one-line renderings.
pub fn format_24h(time: NaiveTime) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:07}",
        time.hour(),
        time.minute(),
        time.second(),
        time.nanosecond() % 1_000_000_000 / 100
    )
}

/// `h:mm:ss.fffffff AM` as Procmon's en-US export writes `Time of Day`.
pub fn format_12h(time: NaiveTime) -> String {
    let (pm, hour) = time.hour12();
    format!(
        "{}:{:02}:{:02}.{:07} {}",
        hour,
        time.minute(),
        time.second(),
        time.nanosecond() % 1_000_000_000 / 100,
        if pm { "PM" } else { "AM" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32, s: u32, ns: u32) -> NaiveTime {
        NaiveTime::from_hms_nano_opt(h, m, s, ns).unwrap()
    }

    #[test]
    fn twelve_and_twenty_four_hour() {
        assert_eq!(
            parse_time_of_day("4:33:14.3062614 PM"),
            Some(t(16, 33, 14, 306_261_400))
        );
        assert_eq!(
            parse_time_of_day("12:00:01.0000001 AM"),
            Some(t(0, 0, 1, 100))
        );
        assert_eq!(parse_time_of_day("12:30:00 PM"), Some(t(12, 30, 0, 0)));
        assert_eq!(
            parse_time_of_day("16:53:03,6001516"),
            Some(t(16, 53, 3, 600_151_600))
        );
        assert_eq!(
            parse_time_of_day("07:27:31.5"),
            Some(t(7, 27, 31, 500_000_000))
        );
        assert_eq!(parse_time_of_day("13:00:00 PM"), None);
        assert_eq!(parse_time_of_day("25:00:00"), None);
        assert_eq!(parse_time_of_day("n/a"), None);
        assert_eq!(parse_time_of_day(""), None);
    }

    #[test]
    fn dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse_date("7/31/2020 7:27:31 AM"), Some(d(2020, 7, 31)));
        assert_eq!(parse_date("31/07/2020 07:27:31"), Some(d(2020, 7, 31)));
        assert_eq!(parse_date("31.07.2020 07:27:31"), Some(d(2020, 7, 31)));
        assert_eq!(parse_date("2020-07-31 07:27:31"), Some(d(2020, 7, 31)));
        assert_eq!(parse_date("garbage"), None);
    }

    #[test]
    fn filetimes_and_formats() {
        // 2020-07-31 07:27:31.7947753 UTC
        let ft = 132_406_540_517_947_753_u64;
        let utc = filetime_to_utc(ft).unwrap();
        assert_eq!(format_24h(utc.time()), "07:27:31.7947753");
        assert_eq!(format_12h(utc.time()), "7:27:31.7947753 AM");
        assert_eq!(format_12h(t(16, 5, 0, 100)), "4:05:00.0000001 PM");
        assert_eq!(format_12h(t(0, 0, 0, 0)), "12:00:00.0000000 AM");
        assert_eq!(filetime_to_utc(0), None);
        let _ = filetime_to_utc(u64::MAX); // must not panic
    }
}
