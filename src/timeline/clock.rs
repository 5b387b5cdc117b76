//! One session's clock: where a moment read from any source falls on the clock the session is
//! told in, and the typed time a finding cites ([`CitedTime`]).
//!
//! A session told from an MSI log (or a Procmon CSV export) is on the machine's local clock:
//! local readings stand as written, UTC readings (event logs, PML captures) are shifted by the
//! session's UTC offset when it is known and cannot be placed when it is not, and readings
//! without a date take the session's day (the next day when they fall more than 12 hours
//! before the session's start: the session crossed midnight). A session read from UTC sources
//! only is on UTC. This is the only place that rule is written; the timeline's order, the
//! order of a finding's evidence and every report call it. It must not diagnose or render.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde::{Serialize, Serializer};

use super::align;
use super::session::InstallSession;
use crate::model::{Precision, Timestamp};

/// Which clock a placed moment is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockKind {
    /// The machine's local wall clock; local minus UTC in minutes when known.
    Local { utc_offset_minutes: Option<i32> },
    /// UTC (a session read from UTC sources only, or a record outside every session).
    Utc,
}

/// A moment on a session's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Placed {
    pub at: NaiveDateTime,
    pub clock: ClockKind,
}

impl Placed {
    /// The moment on the machine's local clock, when that clock is known.
    pub fn local(&self) -> Option<NaiveDateTime> {
        match self.clock {
            ClockKind::Local { .. } => Some(self.at),
            ClockKind::Utc => None,
        }
    }

    /// The moment in UTC, when the clock's offset is known.
    pub fn utc(&self) -> Option<DateTime<Utc>> {
        match self.clock {
            ClockKind::Local {
                utc_offset_minutes: Some(o),
            } => Some(align::to_utc(self.at, o)),
            ClockKind::Local {
                utc_offset_minutes: None,
            } => None,
            ClockKind::Utc => Some(self.at.and_utc()),
        }
    }
}

/// A time a finding cites: the reading as its source wrote it and how finely, and the same
/// moment on its session's clock when it can be placed there. Serialized as the reading
/// (`2025-03-14T08:32:13.154`, `…Z` for UTC sources, `08:32:13.154` without a date; whole
/// seconds without a fraction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CitedTime {
    pub written: Timestamp,
    pub precision: Precision,
    pub placed: Option<Placed>,
}

impl CitedTime {
    /// The moment on the session's clock as precisely as it is cited: a whole-second reading
    /// (`Action ended 13:05:17`) is shown at its second, even where it sorts after the
    /// `[13:05:17:518]` line written before it; finer readings at their millisecond.
    pub fn shown(&self) -> Option<Placed> {
        let p = self.placed?;
        let nanos = p.at.nanosecond();
        let kept = match self.precision {
            Precision::Seconds => 0,
            Precision::Millis => nanos - nanos % 1_000_000,
        };
        Some(Placed {
            at: p.at.with_nanosecond(kept).unwrap_or(p.at),
            ..p
        })
    }

    /// The `strftime` fraction of this time's precision (`%.3f` or nothing).
    pub fn fraction(&self) -> &'static str {
        match self.precision {
            Precision::Seconds => "",
            Precision::Millis => "%.3f",
        }
    }
}

impl std::fmt::Display for CitedTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fraction = self.fraction();
        match self.written {
            Timestamp::Utc(t) => {
                write!(f, "{}", t.format(&format!("%Y-%m-%dT%H:%M:%S{fraction}Z")))
            }
            Timestamp::Local(t) => {
                write!(f, "{}", t.format(&format!("%Y-%m-%dT%H:%M:%S{fraction}")))
            }
            Timestamp::LocalTimeOfDay(t) => {
                write!(f, "{}", t.format(&format!("%H:%M:%S{fraction}")))
            }
        }
    }
}

impl Serialize for CitedTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where moments fall on one session's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionClock {
    /// `true` when the session is on the machine's local clock (it has an MSI log or local
    /// readings), `false` when it was read from UTC sources only.
    local: bool,
    /// Local minus UTC, in minutes, when known.
    offset: Option<i32>,
    /// The session's start on the local clock: the day of readings without a date.
    local_start: Option<NaiveDateTime>,
}

impl SessionClock {
    /// The clock of `s`.
    pub fn of(s: &InstallSession) -> SessionClock {
        let offset = s.utc_offset_minutes;
        SessionClock {
            local: s.log_events > 0 || s.started.is_some(),
            offset,
            local_start: s
                .started
                .or_else(|| s.started_utc.zip(offset).map(|(u, o)| to_local(u, o))),
        }
    }

    /// The clock of records outside every session: UTC, no local clock known.
    pub fn machine() -> SessionClock {
        SessionClock {
            local: false,
            offset: None,
            local_start: None,
        }
    }

    /// Local minus UTC, in minutes, when known.
    pub fn utc_offset_minutes(&self) -> Option<i32> {
        self.offset
    }

    /// A reading on this clock, when it can be placed there.
    pub fn place(&self, t: &Timestamp) -> Option<Placed> {
        let clock = if self.local {
            ClockKind::Local {
                utc_offset_minutes: self.offset,
            }
        } else {
            ClockKind::Utc
        };
        let at = match (*t, self.local) {
            (Timestamp::Local(l), true) => l,
            (Timestamp::Utc(u), true) => to_local(u, self.offset?),
            (Timestamp::LocalTimeOfDay(tod), true) => on_day_of(self.local_start?, tod),
            (Timestamp::Utc(u), false) => u.naive_utc(),
            (Timestamp::Local(l), false) => align::to_utc(l, self.offset?).naive_utc(),
            (Timestamp::LocalTimeOfDay(tod), false) => {
                align::to_utc(on_day_of(self.local_start?, tod), self.offset?).naive_utc()
            }
        };
        Some(Placed { at, clock })
    }

    /// A reading as a finding cites it.
    pub fn cite(&self, t: &Timestamp, precision: Precision) -> CitedTime {
        CitedTime {
            written: *t,
            precision,
            placed: self.place(t),
        }
    }

    /// The key a session's events are sorted by: the moment on this clock, or, for a reading
    /// that cannot be placed there, the reading as written (readings without a date first).
    pub fn sort_key(&self, t: &Timestamp) -> NaiveDateTime {
        match self.place(t) {
            Some(p) => p.at,
            None => match *t {
                Timestamp::Utc(u) => u.naive_utc(),
                Timestamp::Local(l) => l,
                Timestamp::LocalTimeOfDay(tod) => NaiveDate::MIN.and_time(tod),
            },
        }
    }
}

/// UTC → local with an offset in minutes.
fn to_local(utc: DateTime<Utc>, offset_minutes: i32) -> NaiveDateTime {
    utc.naive_utc() + Duration::minutes(offset_minutes as i64)
}

/// A time of day on the session's day, or on the next day when it falls more than 12 hours
/// before the session's start (the session crossed midnight).
fn on_day_of(start: NaiveDateTime, tod: NaiveTime) -> NaiveDateTime {
    let at = start.date().and_time(tod);
    if at + Duration::hours(12) < start {
        at + Duration::days(1)
    } else {
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local_clock(start: &str, offset: Option<i32>) -> SessionClock {
        SessionClock {
            local: true,
            offset,
            local_start: Some(start.parse().unwrap()),
        }
    }

    #[test]
    fn a_session_across_midnight_places_every_source_on_one_local_clock() {
        let clock = local_clock("2025-11-24T23:59:41", Some(120));
        let utc: DateTime<Utc> = "2025-11-24T22:00:03Z".parse().unwrap();
        let placed = clock.place(&Timestamp::Utc(utc)).unwrap();
        assert_eq!(placed.at.to_string(), "2025-11-25 00:00:03");
        assert_eq!(placed.utc(), Some(utc));
        let tod = NaiveTime::from_hms_opt(0, 0, 5).unwrap();
        let placed = clock.place(&Timestamp::LocalTimeOfDay(tod)).unwrap();
        assert_eq!(placed.at.to_string(), "2025-11-25 00:00:05");
        let before = NaiveTime::from_hms_opt(23, 59, 50).unwrap();
        let placed = clock.place(&Timestamp::LocalTimeOfDay(before)).unwrap();
        assert_eq!(placed.at.to_string(), "2025-11-24 23:59:50");
    }

    #[test]
    fn utc_cannot_be_placed_on_a_local_clock_without_offset() {
        let clock = local_clock("2025-11-24T23:59:41", None);
        let utc: DateTime<Utc> = "2025-11-24T22:00:03Z".parse().unwrap();
        assert_eq!(clock.place(&Timestamp::Utc(utc)), None);
        // … but it still sorts, as written.
        assert_eq!(
            clock.sort_key(&Timestamp::Utc(utc)).to_string(),
            "2025-11-24 22:00:03"
        );
        let machine = SessionClock::machine();
        let placed = machine.place(&Timestamp::Utc(utc)).unwrap();
        assert_eq!(placed.clock, ClockKind::Utc);
        assert_eq!(placed.local(), None);
    }

    #[test]
    fn cited_times_serialize_as_written() {
        let clock = local_clock("2026-01-20T13:05:12", None);
        let t: NaiveDateTime = "2026-01-20T13:05:17.518".parse().unwrap();
        let millis = clock.cite(&Timestamp::Local(t), Precision::Millis);
        assert_eq!(millis.to_string(), "2026-01-20T13:05:17.518");
        let whole = clock.cite(&Timestamp::Local(t), Precision::Seconds);
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            "\"2026-01-20T13:05:17\""
        );
        let utc = clock.cite(&Timestamp::Utc(t.and_utc()), Precision::Millis);
        assert_eq!(utc.to_string(), "2026-01-20T13:05:17.518Z");
        assert_eq!(utc.placed, None);
    }
}
