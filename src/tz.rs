//! The `--tz` value: a fixed offset (`+05:30`, `-0800`, `UTC`) or an IANA zone name
//! (`Europe/Berlin`), and local→UTC conversion with it. It must not guess zones.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeZone, Utc};

/// A time zone given by the user.
#[derive(Debug, Clone, PartialEq)]
pub enum TzSpec {
    Fixed(FixedOffset),
    Named(chrono_tz::Tz),
}

impl FromStr for TzSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" {
            return Ok(TzSpec::Fixed(
                FixedOffset::east_opt(0).expect("zero offset"),
            ));
        }
        if let Some(sign) = t.chars().next().filter(|c| *c == '+' || *c == '-') {
            let digits: String = t[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let (h, m) = match digits.len() {
                1 | 2 => (digits.parse::<i32>().ok(), Some(0)),
                3 | 4 => (
                    digits[..digits.len() - 2].parse().ok(),
                    digits[digits.len() - 2..].parse().ok(),
                ),
                _ => (None, None),
            };
            if let (Some(h), Some(m)) = (h, m) {
                if h <= 14 && m < 60 {
                    let secs = (h * 3600 + m * 60) * if sign == '-' { -1 } else { 1 };
                    if let Some(off) = FixedOffset::east_opt(secs) {
                        return Ok(TzSpec::Fixed(off));
                    }
                }
            }
            return Err(format!("'{s}' is not an offset like +05:30 or -08:00"));
        }
        t.parse::<chrono_tz::Tz>().map(TzSpec::Named).map_err(|_| {
            format!(
                "'{s}' is neither an offset like +05:30 nor a time zone name like Europe/Berlin"
            )
        })
    }
}

impl fmt::Display for TzSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TzSpec::Fixed(o) => write!(f, "{o}"),
            TzSpec::Named(z) => write!(f, "{}", z.name()),
        }
    }
}

impl TzSpec {
    /// Converts a local wall-clock time to UTC (the earlier instant when a DST fold repeats it).
    pub fn to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let pick = |r: LocalResult<DateTime<Utc>>| match r {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t),
            LocalResult::None => None,
        };
        match self {
            TzSpec::Fixed(o) => pick(o.from_local_datetime(&local).map(|t| t.with_timezone(&Utc))),
            TzSpec::Named(z) => pick(z.from_local_datetime(&local).map(|t| t.with_timezone(&Utc))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_and_names() {
        let t: TzSpec = "+05:30".parse().unwrap();
        let local: NaiveDateTime = "2025-11-24T23:59:41".parse().unwrap();
        assert_eq!(
            t.to_utc(local).unwrap().to_rfc3339(),
            "2025-11-24T18:29:41+00:00"
        );
        let t: TzSpec = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            t.to_utc(local).unwrap().to_rfc3339(),
            "2025-11-24T22:59:41+00:00"
        );
        assert!("+25:00".parse::<TzSpec>().is_err());
        assert!("Mars/Olympus".parse::<TzSpec>().is_err());
        assert!("-0800".parse::<TzSpec>().is_ok());
    }
}
