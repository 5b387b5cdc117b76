//! Clock alignment: how each local-time source maps onto UTC.
//!
//! MSI logs (and Procmon CSV exports) carry the machine's local wall-clock time; event logs
//! and PML captures carry UTC. The offset is inferred from records that describe the same
//! moment in both (the product outcome of one install: same product, same status), snapped to
//! real time-zone offsets (15-minute steps), or taken from `--tz`. When nothing links two
//! sources this module says so instead of guessing. It must not diagnose.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Serialize;

use crate::tz::TzSpec;

/// Largest distance between the snapped offset and the measured difference.
pub const MAX_RESIDUAL: Duration = Duration::minutes(3);
/// Largest real-world UTC offset (UTC+14, Line Islands; UTC−12).
const MAX_OFFSET_MINUTES: i64 = 14 * 60;

/// How one source's clock was aligned, as said in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ClockAlignment {
    pub source: String,
    /// `local` (date and time), `local-time-of-day` (no date) or `utc`.
    pub clock: &'static str,
    /// Local time minus UTC, in minutes, when known.
    pub utc_offset_minutes: Option<i32>,
    /// `given` (--tz), `native` (the source is UTC), `matched` (inferred from shared records),
    /// `borrowed` (taken from another source of the same machine), `unknown`.
    pub method: &'static str,
    /// Plain words: what was matched with what.
    pub detail: String,
}

/// Snaps `local − utc` to a 15-minute offset when the residual is small.
pub fn snap_offset(local: NaiveDateTime, utc: DateTime<Utc>) -> Option<(i32, Duration)> {
    let diff = local - utc.naive_utc();
    let minutes = diff.num_seconds() as f64 / 60.0;
    let snapped = ((minutes / 15.0).round() * 15.0) as i64;
    if snapped.abs() > MAX_OFFSET_MINUTES {
        return None;
    }
    let residual = (diff - Duration::minutes(snapped)).abs();
    (residual <= MAX_RESIDUAL).then_some((snapped as i32, residual))
}

/// The offset `--tz` gives at a local time.
pub fn tz_offset_at(tz: &TzSpec, local: NaiveDateTime) -> Option<i32> {
    let utc = tz.to_utc(local)?;
    Some((local - utc.naive_utc()).num_minutes() as i32)
}

/// Local → UTC with an offset in minutes.
pub fn to_utc(local: NaiveDateTime, offset_minutes: i32) -> DateTime<Utc> {
    (local - Duration::minutes(offset_minutes as i64)).and_utc()
}

/// Formats an offset as `+05:30`.
pub fn format_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snaps_to_quarter_hours() {
        let local: NaiveDateTime = "2025-11-25T00:00:19".parse().unwrap();
        let utc: DateTime<Utc> = "2025-11-24T18:30:20Z".parse().unwrap();
        let (off, residual) = snap_offset(local, utc).unwrap();
        assert_eq!(off, 330);
        assert!(residual < Duration::seconds(2));
        assert_eq!(format_offset(off), "+05:30");
        assert_eq!(format_offset(-480), "-08:00");
        let far: DateTime<Utc> = "2025-11-24T18:40:20Z".parse().unwrap();
        assert!(
            snap_offset(local, far).is_none(),
            "10 minutes off a quarter hour is no offset"
        );
    }
}
