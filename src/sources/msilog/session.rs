//! Splits a decoded verbose MSI log into install sessions and turns its lines into events.
//!
//! Handles several sessions in one file (`/l+v` appends, chained installs), logs without a
//! footer (truncated), continuation lines (multi-line property values, the RunEngine block),
//! and midnight wraps of the per-line `[HH:MM:SS:mmm]` times. It must not diagnose anything.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

use super::dates::{decide_order, parse_raw_date, DateHint, DateOrderDecision, RawDate};
use super::line::{parse_banner, parse_hms, parse_line, BannerKind, ParsedLine};
use crate::model::{Event, EventKind, Origin, Timestamp};

/// One install session as written in one log file.
#[derive(Debug, Clone, Serialize)]
pub struct LogSession {
    /// 1-based line of the header (or of the first line for a headerless fragment).
    pub first_line: u64,
    pub last_line: u64,
    /// `Verbose logging started` (true) or `Logging started` / no header (false).
    pub verbose: bool,
    pub has_header: bool,
    pub build: Option<String>,
    pub calling_process: Option<String>,
    pub started: Option<NaiveDateTime>,
    pub ended: Option<NaiveDateTime>,
    /// No closing banner: the process was killed or the copy was cut.
    pub truncated: bool,
    pub date_order: Option<DateOrderDecision>,
    #[serde(skip)]
    pub events: Vec<Event>,
}

/// A line kept between the two passes: where it is, what it says, its raw text range.
struct PendingLine<'a> {
    line_no: u64,
    text: &'a str,
    parsed: ParsedLine,
    /// Banner date and time as written, for banners.
    banner: Option<(Option<RawDate>, Option<NaiveTime>)>,
}

struct PendingSession<'a> {
    lines: Vec<PendingLine<'a>>,
    verbose: bool,
    has_header: bool,
    closed: bool,
    build: Option<String>,
    calling_process: Option<String>,
    lcid: Option<u32>,
}

impl<'a> PendingSession<'a> {
    fn new(verbose: bool, has_header: bool) -> Self {
        PendingSession {
            lines: Vec::new(),
            verbose,
            has_header,
            closed: false,
            build: None,
            calling_process: None,
            lcid: None,
        }
    }
}

/// Options that change how dates are read.
#[derive(Debug, Clone, Copy)]
pub struct SessionOptions {
    pub date_hint: DateHint,
}

/// Splits `text` into sessions and events. `path` is recorded in every event's origin.
pub fn split_sessions(path: &Arc<str>, text: &str, options: SessionOptions) -> Vec<LogSession> {
    let mut sessions: Vec<PendingSession> = Vec::new();
    for (idx, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let line_no = idx as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        if let Some(b) = parse_banner(line) {
            let banner = Some((parse_raw_date(b.date), parse_hms(b.time)));
            let open_verbose = sessions.last().is_some_and(|s| s.verbose && !s.closed);
            let starts_new = match b.kind {
                BannerKind::VerboseStarted => true,
                BannerKind::Started => !open_verbose,
                _ => sessions.is_empty(),
            };
            if starts_new {
                let mut s = PendingSession::new(b.kind == BannerKind::VerboseStarted, true);
                s.build = b.build.map(str::to_string);
                s.calling_process = b.calling_process.map(str::to_string);
                sessions.push(s);
            }
            let kind = match b.kind {
                BannerKind::VerboseStarted => EventKind::LogStarted {
                    verbose: true,
                    build: b.build.map(str::to_string),
                    calling_process: b.calling_process.map(str::to_string),
                },
                BannerKind::Started if starts_new => EventKind::LogStarted {
                    verbose: false,
                    build: None,
                    calling_process: None,
                },
                BannerKind::Started => EventKind::EngineLoggingStarted,
                BannerKind::Stopped => EventKind::LogStopped { verbose: false },
                BannerKind::VerboseStopped => EventKind::LogStopped { verbose: true },
            };
            let current = sessions.last_mut().expect("a session was just ensured");
            if matches!(b.kind, BannerKind::VerboseStopped)
                || (matches!(b.kind, BannerKind::Stopped) && !current.verbose)
            {
                current.closed = true;
            }
            current.lines.push(PendingLine {
                line_no,
                text: line,
                parsed: ParsedLine {
                    time: None,
                    thread: None,
                    kind,
                    starts_record: true,
                },
                banner,
            });
            continue;
        }
        if sessions.is_empty() {
            sessions.push(PendingSession::new(false, false));
        }
        let current = sessions.last_mut().expect("a session exists");
        let parsed = parse_line(line);
        if let EventKind::Property { name, value, .. } = &parsed.kind {
            if name == "UserLanguageID" {
                current.lcid = value.trim().parse().ok();
            }
        }
        current.lines.push(PendingLine {
            line_no,
            text: line,
            parsed,
            banner: None,
        });
    }
    sessions
        .into_iter()
        .map(|s| finish_session(path, s, options))
        .collect()
}

/// Second pass: decide the date order, give every line a timestamp, join continuations.
fn finish_session(path: &Arc<str>, pending: PendingSession, options: SessionOptions) -> LogSession {
    let raw_dates: Vec<RawDate> = pending
        .lines
        .iter()
        .filter_map(|l| l.banner.and_then(|(d, _)| d))
        .collect();
    let hint = match options.date_hint {
        DateHint::None => pending.lcid.map_or(DateHint::None, DateHint::from_lcid),
        other => other,
    };
    let date_order = (!raw_dates.is_empty()).then(|| decide_order(&raw_dates, hint));
    let mut clock = WallClock::default();
    let mut events: Vec<Event> = Vec::with_capacity(pending.lines.len());
    let mut started = None;
    let mut ended = None;
    let first_line = pending.lines.first().map_or(0, |l| l.line_no);
    let last_line = pending.lines.last().map_or(0, |l| l.line_no);
    for line in pending.lines {
        if let Some((raw_date, tod)) = line.banner {
            let date = raw_date.and_then(|d| d.resolve(date_order.as_ref()?.order));
            clock.rebase(date, tod);
        } else if let Some(tod) = line.parsed.time {
            clock.advance(tod);
        } else if is_continuation(&line, &events) && join_continuation(&mut events, &line) {
            continue;
        }
        let time = clock.now();
        if let Some(Timestamp::Local(t)) = time {
            if started.is_none() {
                started = Some(t);
            }
            ended = Some(t);
        }
        events.push(Event {
            origin: Origin::line(path, line.line_no),
            time,
            thread: line.parsed.thread,
            kind: line.parsed.kind,
            text: line.text.to_string(),
        });
    }
    let truncated = !pending.closed;
    LogSession {
        first_line,
        last_line,
        verbose: pending.verbose,
        has_header: pending.has_header,
        build: pending.build,
        calling_process: pending.calling_process,
        started,
        ended,
        truncated,
        date_order,
        events,
    }
}

/// An indented line, or a bare text line after a property value or the RunEngine block,
/// continues the previous record.
fn is_continuation(line: &PendingLine, events: &[Event]) -> bool {
    !line.parsed.starts_record
        || (matches!(line.parsed.kind, EventKind::Text)
            && matches!(
                events.last().map(|e| &e.kind),
                Some(EventKind::Property { .. }) | Some(EventKind::RunEngine { .. })
            ))
}

/// Appends `line` to the previous event. Returns false when there is nothing to join to.
fn join_continuation(events: &mut [Event], line: &PendingLine) -> bool {
    let Some(prev) = events.last_mut() else {
        return false;
    };
    prev.text.push('\n');
    prev.text.push_str(line.text);
    match &mut prev.kind {
        EventKind::Property { value, .. } => {
            value.push('\n');
            value.push_str(line.text);
        }
        EventKind::RunEngine {
            product,
            action,
            command_line,
        } => {
            let t = line.text.trim().trim_start_matches('*').trim_start();
            if let Some(v) = t.strip_prefix("Product:") {
                *product = Some(v.trim().to_string());
            } else if let Some(v) = t.strip_prefix("Action:") {
                *action = Some(v.trim().to_string());
            } else if let Some(v) = t.strip_prefix("CommandLine:") {
                *command_line = Some(v.trim().to_string());
            }
        }
        _ => {}
    }
    true
}

/// Local wall-clock reconstruction: a base date plus times of day, with midnight wraps.
#[derive(Default)]
struct WallClock {
    date: Option<NaiveDate>,
    last: Option<NaiveTime>,
}

impl WallClock {
    fn rebase(&mut self, date: Option<NaiveDate>, tod: Option<NaiveTime>) {
        if date.is_some() {
            self.date = date;
        }
        if tod.is_some() {
            self.last = tod;
        }
    }

    /// A time earlier than the last one by more than an hour means the day changed.
    fn advance(&mut self, tod: NaiveTime) {
        if let (Some(last), Some(date)) = (self.last, self.date) {
            if last - tod > Duration::hours(1) {
                self.date = date.succ_opt();
            }
        }
        self.last = Some(tod);
    }

    fn now(&self) -> Option<Timestamp> {
        let tod = self.last?;
        Some(match self.date {
            Some(d) => Timestamp::Local(d.and_time(tod)),
            None => Timestamp::LocalTimeOfDay(tod),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<LogSession> {
        let path: Arc<str> = Arc::from("t.log");
        split_sessions(
            &path,
            text,
            SessionOptions {
                date_hint: DateHint::None,
            },
        )
    }

    const ONE: &str = "=== Verbose logging started: 24.11.2025  23:59:41  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n\
MSI (c) (9C:20) [23:59:41:100]: Resetting cached policy values\r\n\
MSI (c) (9C:20) [23:59:41:101]: ******* RunEngine:\r\n\
           ******* Product: C:\\pkg\\app.msi\r\n\
           ******* Action: \r\n\
MSI (c) (9C:20) [00:00:05:120]: Machine policy value 'DisableMSI' is 2\r\n\
Property(C): Multi = first\r\n\
second\r\n\
MSI (c) (9C:20) [00:00:19:000]: MainEngineThread is returning 1625\r\n\
=== Verbose logging stopped: 25.11.2025  0:00:19 ===\r\n";

    #[test]
    fn midnight_wrap_and_continuations() {
        let s = split(ONE);
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert!(!s.truncated);
        assert_eq!(s.started.unwrap().to_string(), "2025-11-24 23:59:41");
        assert_eq!(s.ended.unwrap().to_string(), "2025-11-25 00:00:19");
        let run = s
            .events
            .iter()
            .find(|e| matches!(e.kind, EventKind::RunEngine { .. }))
            .unwrap();
        assert_eq!(
            run.kind,
            EventKind::RunEngine {
                product: Some("C:\\pkg\\app.msi".into()),
                action: Some("".into()),
                command_line: None
            }
        );
        let prop = s
            .events
            .iter()
            .find(|e| matches!(e.kind, EventKind::Property { .. }))
            .unwrap();
        assert_eq!(
            prop.kind,
            EventKind::Property {
                scope: 'C',
                name: "Multi".into(),
                value: "first\nsecond".into()
            }
        );
        assert_eq!(prop.origin.line, Some(7));
        let policy = s
            .events
            .iter()
            .find(|e| matches!(e.kind, EventKind::PolicyValue { .. }))
            .unwrap();
        assert_eq!(
            policy.time,
            Some(Timestamp::Local("2025-11-25T00:00:05.120".parse().unwrap()))
        );
    }

    #[test]
    fn two_sessions_and_truncation() {
        let text = format!("{ONE}{}", "=== Verbose logging started: 25.11.2025  0:10:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: x ===\r\nMSI (c) (10:20) [00:10:01:000]: Doing action: INSTALL\r\nMSI (c) (10:20) [00:10:0");
        let s = split(&text);
        assert_eq!(s.len(), 2);
        assert!(!s[0].truncated);
        assert!(s[1].truncated);
        assert_eq!(s[1].first_line, 11);
    }

    #[test]
    fn headerless_fragment_keeps_time_of_day() {
        let s = split("MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2503\n");
        assert_eq!(s.len(), 1);
        assert!(!s[0].has_header);
        assert!(matches!(
            s[0].events[0].time,
            Some(Timestamp::LocalTimeOfDay(_))
        ));
    }
}
