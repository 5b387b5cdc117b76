//! Reads the locale-dependent dates of MSI log banners (`5/24/2020`, `31.01.2022`, `08-03-2021`,
//! `2025/03/14`) and decides, for a whole session, whether day or month comes first.
//!
//! It records how the order was decided so the report can say so. It must not look at times
//! of day or at other sources; cross-source alignment belongs to the timeline.

use chrono::NaiveDate;

use crate::model::{DateOrder, DateOrderDecision};

/// The three numbers of a date as written, before the order is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawDate {
    pub first: u32,
    pub second: u32,
    pub third: u32,
    pub sep: char,
    /// `yyyy-mm-dd` style: the year comes first.
    pub year_first: bool,
}

/// Parses `d1<sep>d2<sep>d3` with `/`, `.` or `-`.
pub fn parse_raw_date(s: &str) -> Option<RawDate> {
    let s = s.trim();
    let sep = s.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let mut parts = s.trim_end_matches('.').split(sep);
    let a = parts.next()?;
    let b = parts.next()?;
    let c = parts.next()?;
    if parts.next().is_some() || a.is_empty() || b.is_empty() || c.is_empty() {
        return None;
    }
    let (first, second, third): (u32, u32, u32) =
        (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?);
    Some(RawDate {
        first,
        second,
        third,
        sep,
        year_first: a.len() == 4,
    })
}

/// The year as written (two digits are this century's), or `None` outside 1601–9999: no
/// Windows clock writes such a year, and a damaged banner's `12345` has no ISO 8601 form
/// without a sign (a `+12345-…` cell would even run as a spreadsheet formula).
fn full_year(y: u32) -> Option<i32> {
    let year = i32::try_from(if y < 100 { 2000 + y } else { y }).ok()?;
    crate::model::WINDOWS_YEARS.contains(&year).then_some(year)
}

impl RawDate {
    /// The calendar date under `order`, if valid.
    pub fn resolve(&self, order: DateOrder) -> Option<NaiveDate> {
        if self.year_first {
            return NaiveDate::from_ymd_opt(full_year(self.first)?, self.second, self.third);
        }
        let (d, m) = match order {
            DateOrder::MonthDayYear => (self.second, self.first),
            DateOrder::DayMonthYear | DateOrder::YearMonthDay => (self.first, self.second),
        };
        NaiveDate::from_ymd_opt(full_year(self.third)?, m, d)
    }

    fn display(&self) -> String {
        format!(
            "{}{}{}{}{}",
            self.first, self.sep, self.second, self.sep, self.third
        )
    }
}

/// A hint from outside the dates themselves (user option or locale id from the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateHint {
    None,
    /// From `--date-order`.
    User(DateOrder),
    /// From a locale id (`UserLanguageID`) found in the same session.
    Locale(DateOrder, u32),
}

/// Locale ids whose short date puts the month first (en-US and a few others).
fn lcid_order(lcid: u32) -> Option<DateOrder> {
    match lcid {
        1033 | 4105 | 13321 | 1124 | 1065 => Some(DateOrder::MonthDayYear),
        1041 | 1042 | 2052 | 1028 | 1053 | 1061 | 1038 => Some(DateOrder::YearMonthDay),
        // en-GB, en-AU, en-NZ, en-IE, en-IN, de, fr, it, es, pt, nl, ru, pl, cs, tr, da, fi, nb, el, uk, hu? (hu is Y.M.D)
        2057 | 3081 | 5129 | 6153 | 16393 | 1031 | 3079 | 2055 | 1036 | 2060 | 3084 | 4108
        | 1040 | 3082 | 1034 | 2070 | 1046 | 1043 | 2067 | 1049 | 1045 | 1029 | 1055 | 1030
        | 1035 | 1044 | 2068 | 1032 | 1058 | 1048 | 1050 | 1051 | 1060 | 1026 => {
            Some(DateOrder::DayMonthYear)
        }
        _ => None,
    }
}

impl DateHint {
    pub fn from_lcid(lcid: u32) -> DateHint {
        lcid_order(lcid).map_or(DateHint::None, |o| DateHint::Locale(o, lcid))
    }
}

/// Decides the component order for all dates of one session.
///
/// Evidence, strongest first: year-first layout; a first or second component above 12; a dot
/// separator (day-first in every locale that uses it); the shorter header→footer span; the hint;
/// finally month-first (en-US) with `certain = false`.
pub fn decide_order(dates: &[RawDate], hint: DateHint) -> DateOrderDecision {
    let certain = |order, reason: String| DateOrderDecision {
        order,
        reason,
        certain: true,
    };
    if let Some(d) = dates.iter().find(|d| d.year_first) {
        return certain(
            DateOrder::YearMonthDay,
            format!("year written first ({})", d.display()),
        );
    }
    if let Some(d) = dates.iter().find(|d| d.first > 12 && d.second <= 12) {
        return certain(
            DateOrder::DayMonthYear,
            format!("a day above 12 comes first ({})", d.display()),
        );
    }
    if let Some(d) = dates.iter().find(|d| d.second > 12 && d.first <= 12) {
        return certain(
            DateOrder::MonthDayYear,
            format!("a day above 12 comes second ({})", d.display()),
        );
    }
    if let Some(d) = dates.iter().find(|d| d.sep == '.') {
        return certain(
            DateOrder::DayMonthYear,
            format!(
                "dotted dates are day-first in every locale that writes them ({})",
                d.display()
            ),
        );
    }
    if let (Some(first), Some(last)) = (dates.first(), dates.last()) {
        if first != last {
            let span = |o| Some((last.resolve(o)? - first.resolve(o)?).num_days());
            match (span(DateOrder::MonthDayYear), span(DateOrder::DayMonthYear)) {
                (Some(a), Some(b)) if (0..=2).contains(&a) && !(0..=2).contains(&b) => {
                    return certain(
                        DateOrder::MonthDayYear,
                        format!("month-first gives a {a}-day session, day-first does not"),
                    );
                }
                (Some(a), Some(b)) if (0..=2).contains(&b) && !(0..=2).contains(&a) => {
                    return certain(
                        DateOrder::DayMonthYear,
                        format!("day-first gives a {b}-day session, month-first does not"),
                    );
                }
                _ => {}
            }
        }
    }
    let example = dates.first().map(|d| d.display()).unwrap_or_default();
    match hint {
        DateHint::User(order) => DateOrderDecision {
            order,
            reason: format!("ambiguous date {example}: order given by --date-order"),
            certain: true,
        },
        DateHint::Locale(order, lcid) => DateOrderDecision {
            order,
            reason: format!("ambiguous date {example}: order assumed from the log's UserLanguageID {lcid}"),
            certain: false,
        },
        DateHint::None => DateOrderDecision {
            order: DateOrder::MonthDayYear,
            reason: format!("ambiguous date {example}: assumed month/day/year (en-US); pass --date-order dmy if wrong"),
            certain: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> RawDate {
        parse_raw_date(s).unwrap()
    }

    #[test]
    fn parses_each_shape() {
        assert_eq!(
            d("5/24/2020").resolve(DateOrder::MonthDayYear),
            NaiveDate::from_ymd_opt(2020, 5, 24)
        );
        assert_eq!(
            d("31.01.2022").resolve(DateOrder::DayMonthYear),
            NaiveDate::from_ymd_opt(2022, 1, 31)
        );
        assert_eq!(
            d("2025/03/14").resolve(DateOrder::MonthDayYear),
            NaiveDate::from_ymd_opt(2025, 3, 14)
        );
        assert!(parse_raw_date("hello").is_none());
        assert!(parse_raw_date("1/2").is_none());
    }

    /// Found by the `analyze` fuzz target: a banner dated `12/31/12345` gave local times in
    /// year 12345, written `+12345-12-31T…` in the CSV reports.
    #[test]
    fn years_no_windows_clock_writes_have_no_date() {
        assert_eq!(d("12/31/12345").resolve(DateOrder::MonthDayYear), None);
        assert_eq!(d("1/2/1500").resolve(DateOrder::DayMonthYear), None);
        assert_eq!(d("0/0/0").resolve(DateOrder::DayMonthYear), None);
        assert_eq!(
            d("12/31/9999").resolve(DateOrder::MonthDayYear),
            NaiveDate::from_ymd_opt(9999, 12, 31)
        );
    }

    #[test]
    fn decides_from_values() {
        assert_eq!(
            decide_order(&[d("18/12/2025")], DateHint::None).order,
            DateOrder::DayMonthYear
        );
        assert_eq!(
            decide_order(&[d("5/24/2020")], DateHint::None).order,
            DateOrder::MonthDayYear
        );
        assert_eq!(
            decide_order(&[d("01.02.2022")], DateHint::None).order,
            DateOrder::DayMonthYear
        );
        let amb = decide_order(&[d("08-03-2021")], DateHint::None);
        assert_eq!(amb.order, DateOrder::MonthDayYear);
        assert!(!amb.certain);
        let hinted = decide_order(&[d("08-03-2021")], DateHint::from_lcid(1036));
        assert_eq!(hinted.order, DateOrder::DayMonthYear);
    }

    #[test]
    fn decides_from_span() {
        // 1/3 → 1/4: one day month-first, a month day-first.
        let r = decide_order(&[d("1/3/2024"), d("1/4/2024")], DateHint::None);
        assert_eq!(r.order, DateOrder::MonthDayYear);
        assert!(r.certain);
    }
}
