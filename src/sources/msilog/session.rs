//! Splits a decoded verbose MSI log into install sessions and turns its lines into events.
//!
//! Handles several sessions in one file (`/l+v` appends, chained installs), logs without a
//! footer (truncated), continuation lines (multi-line property values, the RunEngine block),
//! and midnight wraps of the per-line `[HH:MM:SS:mmm]` times. A custom action's output line that
//! writes its own clock (`own_clock.rs`) gets that time when it lies between the engine times
//! around the line. It must not diagnose anything.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveTime, Timelike};

use super::dates::{decide_order, parse_raw_date, DateHint, RawDate};
use super::line::{parse_banner, parse_hms, parse_line, parse_line_lean, BannerKind, ParsedLine};
use super::localized::{relabel, Templates};
use super::own_clock::own_clock;
use crate::model::{Event, EventKind, LogSession, Origin, Precision, RunEngine, Timestamp};
use crate::sources::keep::ExtraKeep;

/// A line kept between the two passes: where it is, what it says, how many midnights passed.
struct PendingLine {
    line_no: u64,
    text: String,
    parsed: ParsedLine,
    /// Days since the session's first timed line (midnight wraps seen so far).
    day: u32,
    /// Banner date and time as written, for banners.
    banner: Option<(Option<RawDate>, Option<NaiveTime>)>,
}

#[derive(Default)]
struct PendingSession {
    /// Kept lines, in chunks (a long log keeps millions: one vector would be copied whole each
    /// time it grows).
    lines: Vec<Vec<PendingLine>>,
    kept: usize,
    verbose: bool,
    has_header: bool,
    closed: bool,
    /// `closed` was set by a translated banner, which may also be the engine's
    /// `Logging started/stopped` in the middle: a later line of the session reopens it.
    closed_by_translated: bool,
    build: Option<String>,
    calling_process: Option<String>,
    lcid: Option<u32>,
    system_lcid: Option<u32>,
    first_line: u64,
    last_line: u64,
    /// Midnight tracking over every timed line, kept or routine.
    day: u32,
    last_tod: Option<NaiveTime>,
    first_time: Option<(u32, NaiveTime)>,
    last_time: Option<(u32, NaiveTime)>,
    routine_lines: u64,
}

impl PendingSession {
    fn new(verbose: bool, has_header: bool, line_no: u64) -> Self {
        PendingSession {
            verbose,
            has_header,
            first_line: line_no,
            last_line: line_no,
            ..Default::default()
        }
    }

    fn keep(&mut self, line: PendingLine) {
        const CHUNK: usize = 16 * 1024;
        match self.lines.last_mut() {
            Some(chunk) if chunk.len() < chunk.capacity() => chunk.push(line),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK.min(16 << self.lines.len().min(10)));
                chunk.push(line);
                self.lines.push(chunk);
            }
        }
        self.kept += 1;
    }

    /// A time earlier than the previous one by more than an hour means midnight passed.
    fn tick(&mut self, tod: NaiveTime) {
        if let Some(last) = self.last_tod {
            if later_by_over_an_hour(last, tod) {
                self.day += 1;
            }
        }
        self.last_tod = Some(tod);
        self.first_time.get_or_insert((self.day, tod));
        self.last_time = Some((self.day, tod));
    }
}

/// `last - tod > 1 h`, on the seconds and nanoseconds of the two times (this runs on every
/// timed line; `chrono`'s subtraction, which also handles leap seconds, only for those).
fn later_by_over_an_hour(last: NaiveTime, tod: NaiveTime) -> bool {
    if last.nanosecond() >= 1_000_000_000 || tod.nanosecond() >= 1_000_000_000 {
        return last - tod > Duration::hours(1);
    }
    let nanos = |t: NaiveTime| {
        i64::from(t.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(t.nanosecond())
    };
    nanos(last) - nanos(tod) > 3_600_000_000_000
}

/// Options that change how dates are read.
#[derive(Debug, Clone, Copy)]
pub struct SessionOptions {
    pub date_hint: DateHint,
}

/// What one physical line is, decided on the line alone (no state): the part of reading a log
/// that can run in parallel over its lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Classified {
    /// Empty or white space only.
    Blank,
    /// A `=== … ===` logging banner (its text; it is parsed again where sessions are split).
    Banner(String),
    /// An ordinary engine line: only its time counts.
    Routine(Option<NaiveTime>),
    /// A line kept as an event: its text (without `\r`) and what it says. Boxed: most lines are
    /// routine, and a window's `Vec<Classified>` would otherwise move 184 bytes per line.
    Kept(Box<(String, ParsedLine)>),
}

/// Classifies one physical line (without `\n`; a trailing `\r` is removed here).
pub fn classify(raw: &str) -> Classified {
    classify_keeping(raw, None, false)
}

/// [`classify`], also keeping a routine line the user's rules ask for (`keep`: a note number
/// they name, or, when `may_match` says the line is a candidate, a line pattern).
pub fn classify_keeping(raw: &str, keep: Option<&ExtraKeep>, may_match: bool) -> Classified {
    match decide(raw, keep, may_match) {
        Decided::Line(line) => line,
        Decided::Kept(text, parsed) => Classified::Kept(Box::new((text.to_string(), parsed))),
    }
}

/// What [`classify_keeping`] decides about a line, a kept line's text still borrowed: the
/// caller chooses where it is copied (the MSI log reader keeps a window's kept lines together
/// and lets the splitting thread make their texts, `mod.rs`).
pub enum Decided<'a> {
    /// Blank, a banner, or a routine line.
    Line(Classified),
    /// A kept line (without `\r`) and what it says.
    Kept(&'a str, ParsedLine),
}

/// [`classify_keeping`] without copying a kept line's text.
pub fn decide<'a>(raw: &'a str, keep: Option<&ExtraKeep>, may_match: bool) -> Decided<'a> {
    let line = raw.strip_suffix('\r').unwrap_or(raw);
    if line.trim().is_empty() {
        return Decided::Line(Classified::Blank);
    }
    if parse_banner(line).is_some() {
        return Decided::Line(Classified::Banner(line.to_string()));
    }
    let parsed = parse_line_lean(line);
    if parsed.routine {
        if !keep.is_some_and(|k| wanted(k, line, &parsed, may_match)) {
            return Decided::Line(Classified::Routine(parsed.time));
        }
        // A user rule keeps it: read it whole (a lean routine note has no fields).
        return Decided::Kept(line, parse_line(line));
    }
    Decided::Kept(line, parsed)
}

/// True when a user rule matches a routine line (its text, or the number of its note).
fn wanted(keep: &ExtraKeep, line: &str, parsed: &ParsedLine, may_match: bool) -> bool {
    matches!(parsed.kind, EventKind::Note { code, .. } if keep.note(code))
        || may_match && keep.line(line)
}

/// Line-by-line session splitter: feed physical lines in order, then `finish`.
pub struct Splitter {
    path: Arc<str>,
    options: SessionOptions,
    /// The session lines are going to (at most one: a session is finished as soon as the
    /// next one starts, while later lines are still being decoded).
    sessions: Vec<PendingSession>,
    finished: Vec<LogSession>,
    /// How many sessions were finished so far (taken or not).
    finished_count: usize,
    line_no: u64,
    /// Localized templates learned from the sessions read so far (for a later session too
    /// short to teach its own).
    templates: Templates,
}

impl Splitter {
    pub fn new(path: &Arc<str>, options: SessionOptions) -> Self {
        Splitter {
            path: path.clone(),
            options,
            sessions: Vec::new(),
            finished: Vec::new(),
            finished_count: 0,
            line_no: 0,
            templates: Templates::default(),
        }
    }

    /// Feeds one physical line (without `\n`; a trailing `\r` is removed here).
    pub fn push_line(&mut self, raw: &str) {
        self.push(classify(raw));
    }

    /// Feeds one line classified by [`classify`] (which may run on another thread).
    pub fn push(&mut self, line: Classified) {
        self.line_no += 1;
        let line_no = self.line_no;
        let (text, parsed) = match line {
            Classified::Blank => return,
            Classified::Banner(text) => {
                if let Some(b) = parse_banner(&text) {
                    self.push_banner(line_no, &text, b);
                }
                return;
            }
            Classified::Routine(time) => (None, time),
            Classified::Kept(kept) => (Some(*kept), None),
        };
        self.push_counted(line_no, text, parsed);
    }

    /// Feeds one kept line (its text without `\r`, and what [`decide`] read in it), as
    /// [`Splitter::push`] would feed it boxed in [`Classified::Kept`].
    pub fn push_kept(&mut self, text: String, parsed: ParsedLine) {
        self.line_no += 1;
        self.push_counted(self.line_no, Some((text, parsed)), None);
    }

    /// A counted line that is not blank nor a banner: kept (`text`), or routine (its time,
    /// `routine_time`).
    fn push_counted(
        &mut self,
        line_no: u64,
        text: Option<(String, ParsedLine)>,
        routine_time: Option<NaiveTime>,
    ) {
        if self.sessions.is_empty() {
            self.start_session(PendingSession::new(false, false, line_no));
        }
        let current = self.sessions.last_mut().expect("a session exists");
        current.last_line = line_no;
        if std::mem::take(&mut current.closed_by_translated) {
            current.closed = false;
        }
        let Some((text, parsed)) = text else {
            if let Some(tod) = routine_time {
                current.tick(tod);
            }
            current.routine_lines += 1;
            return;
        };
        if let Some(tod) = parsed.time {
            current.tick(tod);
        }
        if let EventKind::Property { name, value, .. } = &parsed.kind {
            if name == "UserLanguageID" {
                current.lcid = value.trim().parse().ok();
            } else if name == "SystemLanguageID" {
                current.system_lcid = value.trim().parse().ok();
            }
        }
        let day = current.day;
        current.keep(PendingLine {
            line_no,
            text,
            parsed,
            day,
            banner: None,
        });
    }

    fn push_banner(&mut self, line_no: u64, line: &str, b: super::line::Banner) {
        let banner = Some((parse_raw_date(b.date), parse_hms(b.time)));
        let open_verbose = self.sessions.last().is_some_and(|s| s.verbose && !s.closed);
        let starts_new = match b.kind {
            BannerKind::VerboseStarted | BannerKind::LocalizedStart => true,
            BannerKind::Started => !open_verbose,
            BannerKind::LocalizedOther => self
                .sessions
                .last()
                .is_none_or(|s| s.closed && !s.closed_by_translated),
            _ => self.sessions.is_empty() && self.finished_count == 0,
        };
        let verbose = matches!(
            b.kind,
            BannerKind::VerboseStarted | BannerKind::LocalizedStart
        );
        if starts_new {
            let mut s = PendingSession::new(verbose, true, line_no);
            s.build = b.build.map(str::to_string);
            s.calling_process = b.calling_process.map(str::to_string);
            self.start_session(s);
        }
        let kind = match b.kind {
            BannerKind::VerboseStarted | BannerKind::LocalizedStart => EventKind::LogStarted {
                verbose: true,
                build: b.build.map(str::to_string),
                calling_process: b.calling_process.map(str::to_string),
            },
            BannerKind::Started | BannerKind::LocalizedOther if starts_new => {
                EventKind::LogStarted {
                    verbose: false,
                    build: None,
                    calling_process: None,
                }
            }
            BannerKind::Started => EventKind::EngineLoggingStarted,
            BannerKind::Stopped => EventKind::LogStopped { verbose: false },
            BannerKind::VerboseStopped => EventKind::LogStopped { verbose: true },
            // Engine logging started or stopped, or the footer: which one shows only later.
            BannerKind::LocalizedOther => EventKind::LogStopped { verbose: false },
        };
        let current = self
            .sessions
            .last_mut()
            .expect("a session was just ensured");
        current.last_line = line_no;
        if matches!(b.kind, BannerKind::VerboseStopped)
            || (matches!(b.kind, BannerKind::Stopped) && !current.verbose)
        {
            current.closed = true;
        }
        if b.kind == BannerKind::LocalizedOther && !starts_new {
            current.closed = true;
            current.closed_by_translated = true;
        }
        if let Some(tod) = banner.and_then(|(_, t)| t) {
            current.tick(tod);
        }
        let day = current.day;
        current.keep(PendingLine {
            line_no,
            text: line.to_string(),
            parsed: ParsedLine {
                time: None,
                thread: None,
                kind,
                starts_record: true,
                routine: false,
            },
            day,
            banner,
        });
    }

    /// Makes `next` the current session; the one before can no longer change and is finished.
    fn start_session(&mut self, next: PendingSession) {
        if let Some(previous) = self.sessions.pop() {
            self.finished_count += 1;
            self.finished.push(finish_session(
                &self.path,
                previous,
                self.options,
                &mut self.templates,
            ));
        }
        self.sessions.push(next);
    }

    /// The sessions finished since the last call (a session is finished when the next one
    /// starts), in file order: the caller may hand them on while later lines are read.
    pub fn take_finished(&mut self) -> Vec<LogSession> {
        std::mem::take(&mut self.finished)
    }

    /// Ends the input: decides dates, builds the events of the last session; returns the
    /// finished sessions not yet taken, in file order.
    pub fn finish(self) -> Vec<LogSession> {
        let Splitter {
            path,
            options,
            sessions,
            mut finished,
            mut templates,
            ..
        } = self;
        for s in sessions {
            finished.push(finish_session(&path, s, options, &mut templates));
        }
        finished
    }
}

/// Splits a whole text into sessions (convenience over [`Splitter`]).
pub fn split_sessions(path: &Arc<str>, text: &str, options: SessionOptions) -> Vec<LogSession> {
    let mut splitter = Splitter::new(path, options);
    for line in text.split('\n') {
        splitter.push_line(line);
    }
    splitter.finish()
}

/// Second pass: decide the date order, give every line a timestamp, join continuations.
fn finish_session(
    path: &Arc<str>,
    mut pending: PendingSession,
    options: SessionOptions,
    templates: &mut Templates,
) -> LogSession {
    let localized = {
        let mut lines: Vec<(&str, &mut ParsedLine)> = pending
            .lines
            .iter_mut()
            .flatten()
            .map(|l| (l.text.as_str(), &mut l.parsed))
            .collect();
        let (learned, localized) = relabel(&mut lines, templates);
        *templates = learned;
        localized
    };
    let raw_dates: Vec<RawDate> = pending
        .lines
        .iter()
        .flatten()
        .filter_map(|l| l.banner.and_then(|(d, _)| d))
        .collect();
    let hint = match options.date_hint {
        DateHint::None => pending
            .lcid
            .or(pending.system_lcid)
            .map_or(DateHint::None, DateHint::from_lcid),
        other => other,
    };
    let date_order = (!raw_dates.is_empty()).then(|| decide_order(&raw_dates, hint));
    let order = date_order.as_ref().map(|d| d.order);
    // The calendar date of day 0; banners re-anchor it (a pause of days leaves no trace in times).
    let mut base: Option<NaiveDate> = None;
    let mut first_base: Option<NaiveDate> = None;
    let mut clock: Option<(u32, NaiveTime)> = None;
    let mut events: Vec<Event> = Vec::with_capacity(pending.kept);
    let mut own_clocks: Vec<OwnClock> = Vec::new();
    for line in pending.lines.into_iter().flatten() {
        if let Some((raw_date, tod)) = line.banner {
            if let Some(date) = raw_date.zip(order).and_then(|(d, o)| d.resolve(o)) {
                base = date.checked_sub_days(chrono::Days::new(line.day as u64));
                first_base.get_or_insert(base.unwrap_or(date));
            }
            if let Some(tod) = tod {
                clock = Some((line.day, tod));
                settle_own_clocks(&mut events, &mut own_clocks, clock);
            }
        } else if let Some(tod) = line.parsed.time {
            // `Action ended 13:05:17` (whole seconds) after `[13:05:17:518]` is no earlier
            // than that line: within the same second the finer clock stands.
            let same_second = clock.is_some_and(|(day, at)| {
                day == line.day
                    && line.parsed.kind.time_precision() == Precision::Seconds
                    && at.with_nanosecond(0) == Some(tod)
            });
            if !same_second {
                clock = Some((line.day, tod));
            }
            settle_own_clocks(&mut events, &mut own_clocks, Some((line.day, tod)));
        } else if is_continuation(&line, &events) && join_continuation(&mut events, &line) {
            continue;
        } else if line.parsed.thread.is_none() && matches!(line.parsed.kind, EventKind::Text) {
            if let Some(tod) = own_clock(&line.text) {
                own_clocks.push(OwnClock {
                    event: events.len(),
                    tod,
                    after: clock,
                    base,
                });
            }
        }
        let time = clock.map(|(day, tod)| stamp(base, day, tod));
        events.push(Event {
            origin: Origin::line(path, line.line_no),
            time,
            thread: line.parsed.thread,
            kind: line.parsed.kind,
            text: line.text,
        });
    }
    settle_own_clocks(&mut events, &mut own_clocks, None);
    // Continuation lines grew some texts and property values by doubling; the events live
    // until the reports are written, so the spare room is given back.
    for e in &mut events {
        e.text.shrink_to_fit();
        if let EventKind::Property { value, .. } = &mut e.kind {
            value.shrink_to_fit();
        }
    }
    let local = |b: Option<NaiveDate>, t: Option<(u32, NaiveTime)>| match t
        .map(|(d, tod)| stamp(b, d, tod))
    {
        Some(Timestamp::Local(t)) => Some(t),
        _ => None,
    };
    // A fragment without its header is verbose when it holds `MSI (x) (PP:TT)` engine lines
    // (a non-verbose log has none before its footer).
    let verbose =
        pending.verbose || (!pending.has_header && events.iter().any(|e| e.thread.is_some()));
    LogSession {
        first_line: pending.first_line,
        last_line: pending.last_line,
        verbose,
        has_header: pending.has_header,
        build: pending.build,
        calling_process: pending.calling_process,
        started: local(first_base, pending.first_time),
        ended: local(base, pending.last_time),
        truncated: !pending.closed,
        date_order,
        routine_lines: pending.routine_lines,
        user_language_id: pending.lcid,
        system_language_id: pending.system_lcid,
        localized,
        events,
    }
}

/// A kept line that wrote its own clock, waiting for the next engine time.
struct OwnClock {
    /// Index of its event.
    event: usize,
    tod: NaiveTime,
    /// The engine time (day, time of day) before it.
    after: Option<(u32, NaiveTime)>,
    /// The calendar date of day 0 when it was read.
    base: Option<NaiveDate>,
}

/// How far a line's own clock may fall outside the engine times around it (whole-second
/// clocks next to millisecond ones, a clock read a moment before the line was written).
const OWN_CLOCK_SLACK_MS: i64 = 2_000;
/// With an engine time on one side only, how far from it the own clock may be.
const OWN_CLOCK_ONE_SIDED_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Gives each waiting line its own time when it lies between the engine time before it and
/// `next` (the engine time after it; `None` at the end of the session), on whichever day puts
/// it there (a custom action's `00:00:01` after the engine's `23:59:59` is on the next day).
/// A clock outside that window (another zone, another machine's clock) is left unused: the
/// line keeps the engine's time.
fn settle_own_clocks(
    events: &mut [Event],
    waiting: &mut Vec<OwnClock>,
    next: Option<(u32, NaiveTime)>,
) {
    let at = |(day, tod): (u32, NaiveTime)| {
        i64::from(day) * DAY_MS
            + i64::from(tod.num_seconds_from_midnight()) * 1000
            + i64::from(tod.nanosecond() / 1_000_000)
    };
    for w in waiting.drain(..) {
        let lo = w.after.map(|c| at(c) - OWN_CLOCK_SLACK_MS);
        let hi = next.map(|c| at(c) + OWN_CLOCK_SLACK_MS);
        let (lo, hi) = match (lo, hi) {
            (Some(lo), Some(hi)) => (lo, hi),
            (Some(lo), None) => (lo, lo + OWN_CLOCK_ONE_SIDED_MS),
            (None, Some(hi)) => (hi - OWN_CLOCK_ONE_SIDED_MS, hi),
            (None, None) => (i64::MIN, i64::MAX),
        };
        let around = w.after.or(next).map_or(0, |(day, _)| day);
        let day = [around, around + 1, around.saturating_sub(1)]
            .into_iter()
            .find(|&d| (lo..=hi).contains(&at((d, w.tod))));
        if let (Some(day), Some(e)) = (day, events.get_mut(w.event)) {
            e.time = Some(stamp(w.base, day, w.tod));
        }
    }
}

fn stamp(base: Option<NaiveDate>, day: u32, tod: NaiveTime) -> Timestamp {
    match base.and_then(|b| b.checked_add_days(chrono::Days::new(day as u64))) {
        Some(d) => Timestamp::Local(d.and_time(tod)),
        None => Timestamp::LocalTimeOfDay(tod),
    }
}

/// An indented line, or a bare text line after a property value or the RunEngine block,
/// continues the previous record.
fn is_continuation(line: &PendingLine, events: &[Event]) -> bool {
    !line.parsed.starts_record
        || (matches!(line.parsed.kind, EventKind::Text)
            && matches!(
                events.last().map(|e| &e.kind),
                Some(EventKind::Property { .. }) | Some(EventKind::RunEngine(_))
            ))
}

/// Appends `line` to the previous event. Returns false when there is nothing to join to.
fn join_continuation(events: &mut [Event], line: &PendingLine) -> bool {
    let Some(prev) = events.last_mut() else {
        return false;
    };
    prev.text.push('\n');
    prev.text.push_str(&line.text);
    match &mut prev.kind {
        EventKind::Property { value, .. } => {
            value.push('\n');
            value.push_str(&line.text);
        }
        EventKind::RunEngine(run) => {
            let RunEngine {
                product,
                action,
                command_line,
            } = &mut **run;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::keep::LineBlock;

    #[test]
    fn midnight_test_agrees_with_chrono_subtraction() {
        let t = |h, m, s, ms| NaiveTime::from_hms_milli_opt(h, m, s, ms).unwrap();
        let times = [
            t(0, 0, 0, 0),
            t(0, 59, 59, 999),
            t(1, 0, 0, 0),
            t(1, 0, 0, 1),
            t(12, 30, 0, 500),
            t(23, 59, 59, 999),
            t(23, 59, 59, 1500), // a leap second
            t(22, 59, 59, 999),
        ];
        for &a in &times {
            for &b in &times {
                assert_eq!(
                    later_by_over_an_hour(a, b),
                    a - b > Duration::hours(1),
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn a_routine_line_is_kept_only_when_a_user_pattern_or_note_number_asks() {
        let line = "MSI (c) (3C:48) [14:05:11:541]: Client-side and UI is none or basic: Running entire install on the server.";
        let note = "MSI (s) (A0:C8) [08:32:13:154]: Note: 1: 2205 2:  3: Error ";
        assert!(matches!(classify(line), Classified::Routine(_)));
        assert!(matches!(classify(note), Classified::Routine(_)));
        let pattern = regex::Regex::new("UI is none").unwrap();
        let blocks = [
            LineBlock {
                line: Some(&pattern),
                ..LineBlock::default()
            },
            LineBlock {
                errors: &[2205],
                ..LineBlock::default()
            },
        ];
        let keep = ExtraKeep::new(&blocks, &[]).unwrap();
        assert!(matches!(
            classify_keeping(line, Some(&keep), true),
            Classified::Kept(..)
        ));
        assert!(matches!(
            classify_keeping(line, Some(&keep), false),
            Classified::Routine(_)
        ));
        assert!(matches!(
            classify_keeping(note, Some(&keep), false),
            Classified::Kept(..)
        ));
        let other = ExtraKeep::new(&blocks[..1], &[]).unwrap();
        assert!(matches!(
            classify_keeping(note, Some(&other), true),
            Classified::Routine(_)
        ));
        // One search over many lines names the candidates.
        let text = format!("{note}\n{line}\n{note}");
        let hits = keep.line_candidates(&text).unwrap();
        assert_eq!(hits.len(), 1);
        assert!(hits[0].0 > note.len() && hits[0].1 <= note.len() + 1 + line.len());
    }

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
            .find(|e| matches!(e.kind, EventKind::RunEngine(_)))
            .unwrap();
        assert_eq!(
            run.kind,
            EventKind::RunEngine(Box::new(RunEngine {
                product: Some("C:\\pkg\\app.msi".into()),
                action: Some("".into()),
                command_line: None
            }))
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
    fn custom_action_output_keeps_its_own_clock_across_midnight() {
        let text = "=== Verbose logging started: 24.11.2025  23:59:50  Build type: SHIP UNICODE 5.00.10011.00  Calling process: x ===\n\
MSI (s) (A0:B4) [23:59:58:900]: Invoking remote custom action. DLL: C:\\Windows\\Installer\\MSI1.tmp, Entrypoint: Run\n\
CA: 23:59:59: Run. first\n\
CA: 00:00:01: Run. after midnight\n\
   at Stack.Frame()\n\
[09:00:00] another clock\n\
plain output\n\
MSI (s) (A0:B4) [00:00:02:100]: Note: 1: 2265 2:  3: -2147287035 \n\
CA: 00:00:03: Run. last line of a cut log\n";
        let s = split(text);
        let time = |needle: &str| {
            let e = s[0]
                .events
                .iter()
                .find(|e| e.text.contains(needle))
                .unwrap();
            match e.time {
                Some(Timestamp::Local(t)) => t.to_string(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(time("first"), "2025-11-24 23:59:59");
        assert_eq!(time("after midnight"), "2025-11-25 00:00:01");
        // A clock outside the engine times around the line is not believed.
        assert_eq!(time("another clock"), "2025-11-24 23:59:58.900");
        assert_eq!(time("plain output"), "2025-11-24 23:59:58.900");
        assert_eq!(time("cut log"), "2025-11-25 00:00:03");
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
    fn whole_second_action_lines_do_not_move_the_clock_back() {
        let s = split(
            "=== Verbose logging started: 1/20/2026  13:05:12  Build type: SHIP UNICODE 5.00.10011.00  Calling process: x ===\r\n\
             MSI (s) (14:48) [13:05:17:518]: Hello, I'm your 64bit Elevated custom action server.\r\n\
             Action ended 13:05:17: InstallFinalize. Return value 3.\r\n\
             Action start 13:05:18: Rollback.\r\n",
        );
        let times: Vec<String> = s[0]
            .events
            .iter()
            .skip(1)
            .map(|e| format!("{:?}", e.time.unwrap().naive().unwrap().time()))
            .collect();
        assert_eq!(times, ["13:05:17.518", "13:05:17.518", "13:05:18"]);
    }

    /// The session start read from a header written in one regional format.
    fn started_with_header(date_time: &str) -> String {
        let s = split(&format!(
            "=== Verbose logging started: {date_time}  Build type: SHIP UNICODE 5.00.10011.00  Calling process: x ===\r\n\
             MSI (s) (14:48) [13:05:17:518]: Doing action: INSTALL\r\n"
        ));
        s[0].started.map(|t| t.to_string()).unwrap_or_default()
    }

    #[test]
    fn dotted_dates() {
        assert_eq!(
            started_with_header("01.08.2021  23:28:27"),
            "2021-08-01 23:28:27"
        );
    }

    #[test]
    fn slashed_dates() {
        assert_eq!(
            started_with_header("18/03/2014  9:02:03"),
            "2014-03-18 09:02:03"
        );
        assert_eq!(
            started_with_header("2021/9/19  3:18:26"),
            "2021-09-19 03:18:26"
        );
        assert_eq!(
            started_with_header("5/24/2020  11:04:55"),
            "2020-05-24 11:04:55"
        );
    }

    #[test]
    fn iso_and_dashed_dates() {
        assert_eq!(
            started_with_header("2025-04-02  13:05:48"),
            "2025-04-02 13:05:48"
        );
        assert_eq!(
            started_with_header("14-12-2024  7:00:01"),
            "2024-12-14 07:00:01"
        );
    }

    #[test]
    fn one_digit_hours_in_banners() {
        assert_eq!(
            started_with_header("3/14/2025  8:31:55"),
            "2025-03-14 08:31:55"
        );
    }

    #[test]
    fn twelve_hour_banners() {
        assert_eq!(
            started_with_header("5/24/2020  1:04:55 PM"),
            "2020-05-24 13:04:55"
        );
        assert_eq!(
            started_with_header("24/05/2020  1:04:55 a.m."),
            "2020-05-24 01:04:55"
        );
        assert_eq!(
            started_with_header("2020/05/24  午後 1:04:55"),
            "2020-05-24 13:04:55"
        );
    }

    #[test]
    fn dot_as_time_separator_in_banners() {
        assert_eq!(
            started_with_header("01.08.2021  23.28.27"),
            "2021-08-01 23:28:27"
        );
    }

    #[test]
    fn translated_banners_open_and_close_sessions() {
        let session = |n: u32| {
            format!(
                "=== Vrek logu startat: 2025-03-1{n}  3.30.36 p.m.  Bildo: SHIP UNICODE 5.00.10011.00  Prosa: C:\\Windows\\system32\\msiexec.exe ===\r\n\
                 MSI (c) (10:20) [15:30:36:100]: Doing action: INSTALL\r\n\
                 === Logu startat: 2025-03-1{n}  3.30.36 p.m. ===\r\n\
                 MSI (s) (10:24) [15:30:37:000]: MainEngineThread is returning 0\r\n\
                 === Logu stopat: 2025-03-1{n}  3.30.37 p.m. ===\r\n\
                 MSI (s) (10:24) [15:30:37:100]: Destroying RemoteAPI object.\r\n\
                 === Vrek logu stopat: 2025-03-1{n}  3.30.37 p.m. ===\r\n"
            )
        };
        let s = split(&format!("{}{}", session(1), session(2)));
        assert_eq!(s.len(), 2);
        for (i, s) in s.iter().enumerate() {
            assert!(s.has_header && s.verbose && !s.truncated, "{i}");
            assert_eq!(
                s.started.unwrap().to_string(),
                format!("2025-03-1{} 15:30:36", i + 1)
            );
            assert_eq!(s.build.as_deref(), Some("SHIP UNICODE 5.00.10011.00"));
            assert_eq!(
                s.calling_process.as_deref(),
                Some("C:\\Windows\\system32\\msiexec.exe")
            );
        }
        assert_eq!(s[0].last_line, 7);
        // Without the footer the session is truncated.
        let cut = session(1);
        let cut = &cut[..cut.rfind("===").unwrap() - 30];
        assert!(split(cut)[0].truncated);
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
