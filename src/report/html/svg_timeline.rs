//! The SVG timeline of the HTML report: one lane per source of a session, on the session's
//! time axis. It draws what the analysis holds and must not decide or reorder anything.

use super::*;
use crate::timeline::{Placed, SessionClock};

// ---------------------------------------------------------------------------------------------
// Time axis of a session

/// The axis one session's timeline is drawn on: UTC when the session's moments can be put on
/// UTC, else the machine's local time. Where a moment falls is the session's clock's answer
/// (`src/timeline/clock.rs`); the axis only picks which of its two readings to draw.
pub(super) struct Axis {
    utc: bool,
    offset: Option<i32>,
    clock: SessionClock,
}

impl Axis {
    pub(super) fn of(s: &InstallSession) -> Axis {
        Axis {
            utc: s.started_utc.is_some(),
            offset: s.utc_offset_minutes,
            clock: SessionClock::of(s),
        }
    }

    fn label(&self) -> String {
        match (self.utc, self.offset) {
            (true, Some(o)) => format!("UTC (local = UTC{})", format_offset(o)),
            (true, None) => "UTC".into(),
            (false, Some(o)) => format!("local time (UTC{})", format_offset(o)),
            (false, None) => "local time, offset to UTC unknown".into(),
        }
    }

    /// A moment placed on the session's clock, on this axis.
    fn at(&self, p: Placed) -> Option<NaiveDateTime> {
        if self.utc {
            p.utc().map(|u| u.naive_utc())
        } else {
            p.local()
        }
    }

    /// A reading on this axis.
    fn place(&self, t: &Timestamp) -> Option<NaiveDateTime> {
        self.clock.place(t).and_then(|p| self.at(p))
    }
}

// ---------------------------------------------------------------------------------------------
// Timeline (SVG)

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum SourceKind {
    MsiLog,
    EventLog,
    Procmon,
}

impl SourceKind {
    fn of(kind: &EventKind) -> SourceKind {
        match kind {
            EventKind::WinEvent(_) => SourceKind::EventLog,
            EventKind::Procmon(_) => SourceKind::Procmon,
            _ => SourceKind::MsiLog,
        }
    }

    fn label(self) -> &'static str {
        match self {
            SourceKind::MsiLog => "MSI log",
            SourceKind::EventLog => "Event log",
            SourceKind::Procmon => "Procmon",
        }
    }

    fn color(self) -> &'static str {
        match self {
            SourceKind::MsiLog => "#2e90fa",
            SourceKind::EventLog => "#7a5af8",
            SourceKind::Procmon => "#16b364",
        }
    }
}

struct Lane {
    kind: SourceKind,
    path: String,
    first: Option<NaiveDateTime>,
    last: Option<NaiveDateTime>,
    events: usize,
    unplaced: usize,
}

struct Mark {
    lane: usize,
    at: NaiveDateTime,
    confidence: Confidence,
    tip: String,
}

/// `path: 08:31:55 → 08:32:09 (532 events, 12 without a time)`.
fn lane_tip(lane: &Lane, first: &str, last: &str) -> String {
    let untimed = match lane.unplaced {
        0 => String::new(),
        n => format!(", {n} without a time on this clock"),
    };
    format!(
        "{}: {first} → {last} ({} events{untimed})",
        lane.path, lane.events
    )
}

fn confidence_color(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "#d92d20",
        Confidence::Medium => "#f79009",
        Confidence::Low => "#98a2b3",
    }
}

const SVG_W: f64 = 1000.0;
const PLOT_X: f64 = 230.0;
const PLOT_W: f64 = SVG_W - PLOT_X - 20.0;
const LANE_H: f64 = 24.0;

pub(super) fn timeline(a: &Analysis, by_session: &FindingsBySession, names: &PathNames) -> Markup {
    struct Row<'a> {
        s: &'a InstallSession,
        axis: Axis,
        lanes: Vec<Lane>,
        marks: Vec<Mark>,
        from: Option<NaiveDateTime>,
        to: Option<NaiveDateTime>,
    }
    let mut rows = Vec::new();
    for s in &a.sessions {
        let axis = Axis::of(s);
        let mut lanes: Vec<Lane> = Vec::new();
        let mut index: HashMap<(SourceKind, &str), usize> = HashMap::new();
        for e in &s.events {
            let kind = SourceKind::of(&e.kind);
            let i = *index
                .entry((kind, e.origin.path.as_ref()))
                .or_insert_with(|| {
                    lanes.push(Lane {
                        kind,
                        path: e.origin.path.to_string(),
                        first: None,
                        last: None,
                        events: 0,
                        unplaced: 0,
                    });
                    lanes.len() - 1
                });
            let lane = &mut lanes[i];
            lane.events += 1;
            match e.time.as_ref().and_then(|t| axis.place(t)) {
                Some(t) => {
                    lane.first = Some(lane.first.map_or(t, |f| f.min(t)));
                    lane.last = Some(lane.last.map_or(t, |l| l.max(t)));
                }
                None => lane.unplaced += 1,
            }
        }
        lanes.sort_by_key(|l| l.kind);
        let mut marks = Vec::new();
        for f in by_session.of(&s.id) {
            for e in &f.evidence {
                let Some(lane) = lanes.iter().position(|l| l.path == e.path) else {
                    continue;
                };
                if let Some(at) = e.time.and_then(|t| t.shown()).and_then(|p| axis.at(p)) {
                    marks.push(Mark {
                        lane,
                        at,
                        confidence: f.confidence,
                        tip: format!("{}: {}  {}", f.id, place(e, names), first_line(&e.text)),
                    });
                }
            }
        }
        marks.sort_by_key(|m| m.confidence);
        let (mut from, mut to) = (None::<NaiveDateTime>, None::<NaiveDateTime>);
        let session_bounds = if axis.utc {
            [
                s.started_utc.map(|t| t.naive_utc()),
                s.ended_utc.map(|t| t.naive_utc()),
            ]
        } else {
            [s.started, s.ended]
        };
        for t in lanes
            .iter()
            .flat_map(|l| [l.first, l.last])
            .chain(session_bounds)
            .flatten()
        {
            from = Some(from.map_or(t, |f| f.min(t)));
            to = Some(to.map_or(t, |x| x.max(t)));
        }
        rows.push(Row {
            s,
            axis,
            lanes,
            marks,
            from,
            to,
        });
    }

    let mut y = 0.0;
    let mut parts: Vec<Markup> = Vec::new();
    for row in &rows {
        let top = y;
        let lanes_top = top + 34.0;
        let axis_y = lanes_top + row.lanes.len().max(1) as f64 * LANE_H + 4.0;
        let (from, to) = match (row.from, row.to) {
            (Some(f), Some(t)) => {
                let span = (t - f).max(Duration::seconds(1));
                let pad = span / 50;
                (Some(f - pad), Some(t + pad))
            }
            _ => (None, None),
        };
        let x_of = |t: NaiveDateTime| -> f64 {
            let (f, to) = (from.unwrap_or(t), to.unwrap_or(t));
            let total = (to - f).num_milliseconds().max(1) as f64;
            PLOT_X + PLOT_W * ((t - f).num_milliseconds() as f64 / total)
        };
        let s = row.s;
        let out = s.outcome;
        let out_color = match out {
            Outcome::Failure => "#b42318",
            Outcome::Cancelled => "#b54708",
            Outcome::Success | Outcome::SuccessRebootRequired => "#067647",
            Outcome::Unknown => "#475467",
        };
        let same_day = from.zip(to).is_some_and(|(f, t)| f.date() == t.date());
        let fmt = |t: NaiveDateTime| {
            if same_day {
                t.format("%H:%M:%S").to_string()
            } else {
                t.format("%m-%d %H:%M:%S").to_string()
            }
        };
        let g = html! {
            g.session {
                text x="0" y=(top + 16.0) font-size="14" font-weight="700" fill="#1d2939" {
                    (s.id) " · " (clean(&truncate(&product_label(s), 48))) " · " (s.operation.as_str())
                }
                text x=(SVG_W - 20.0) y=(top + 16.0) font-size="12" text-anchor="end" fill=(out_color) font-weight="700" {
                    (outcome_label(out))
                }
                text x="0" y=(top + 30.0) font-size="11" fill="#667085" {
                    "clock: " (row.axis.label())
                    @if let (Some(f), Some(_)) = (from, to) { " · " (f.date().format("%Y-%m-%d").to_string()) }
                }
                @if row.lanes.is_empty() {
                    text x=(PLOT_X) y=(lanes_top + 16.0) font-size="12" fill="#667085" { "no events" }
                }
                @for (i, lane) in row.lanes.iter().enumerate() {
                    @let ly = lanes_top + i as f64 * LANE_H;
                    text x="0" y=(ly + 16.0) font-size="12" fill="#344054" {
                        title { (clean(&lane.path)) }
                        (lane.kind.label()) ": " (clean(&truncate(names.short(&lane.path), 26)))
                    }
                    rect x=(PLOT_X) y=(ly + 4.0) width=(PLOT_W) height=(LANE_H - 8.0) fill="#f2f4f7" rx="3" {}
                    @match (lane.first, lane.last, from.is_some()) {
                        (Some(f), Some(l), true) => {
                            @let x1 = x_of(f);
                            @let w = (x_of(l) - x1).max(3.0);
                            rect x=(fmt_f(x1)) y=(ly + 5.0) width=(fmt_f(w)) height=(LANE_H - 10.0) fill=(lane.kind.color()) rx="2" {
                                title { (clean(&lane_tip(lane, &fmt(f), &fmt(l)))) }
                            }
                        }
                        _ => {
                            text x=(PLOT_X + 8.0) y=(ly + 16.0) font-size="11" fill="#667085" {
                                (lane.events) " events, not placed on this clock (offset unknown)"
                            }
                        }
                    }
                }
                @for m in &row.marks {
                    @let x = x_of(m.at);
                    @let cy = lanes_top + m.lane as f64 * LANE_H + LANE_H / 2.0;
                    path d=(format!("M{:.1} {:.1} l5 -7 l5 7 l-5 7 z", x - 5.0, cy)) fill=(confidence_color(m.confidence)) stroke="#fff" stroke-width="1" {
                        title { (clean(&m.tip)) }
                    }
                }
                line x1=(PLOT_X) x2=(PLOT_X + PLOT_W) y1=(axis_y) y2=(axis_y) stroke="#d0d5dd" {}
                @if let (Some(f), Some(t)) = (from, to) {
                    @let (marks, step) = ticks(f, t);
                    @for at in marks {
                        @let x = x_of(at);
                        @let label = match (step < 1000, same_day) {
                            (true, true) => at.format("%H:%M:%S%.3f").to_string(),
                            (true, false) => at.format("%m-%d %H:%M:%S%.3f").to_string(),
                            (false, _) => fmt(at),
                        };
                        line x1=(fmt_f(x)) x2=(fmt_f(x)) y1=(axis_y) y2=(axis_y + 4.0) stroke="#98a2b3" {}
                        text x=(fmt_f(x)) y=(axis_y + 16.0) font-size="11" fill="#667085" text-anchor="middle" { (label) }
                    }
                }
            }
        };
        parts.push(g);
        y = axis_y + 34.0;
    }
    let height = y.max(40.0);
    let kinds: Vec<SourceKind> = {
        let mut k: Vec<SourceKind> = rows
            .iter()
            .flat_map(|r| r.lanes.iter().map(|l| l.kind))
            .collect();
        k.sort();
        k.dedup();
        k
    };
    html! {
        figure.timeline {
            svg viewBox=(format!("0 0 {SVG_W} {}", fmt_f(height))) role="img" aria-label="Timeline of the install sessions by source" font-family="DejaVu Sans, Segoe UI, Arial, sans-serif" {
                @for p in parts { (p) }
            }
            figcaption {
                span.legend {
                    @for k in &kinds {
                        span class=(match k { SourceKind::MsiLog => "l-msilog", SourceKind::EventLog => "l-evtx", SourceKind::Procmon => "l-procmon" }) { (k.label()) }
                    }
                    span.m-high { "evidence, high" }
                    span.m-medium { "medium" }
                    span.m-low { "low" }
                }
                " — one row per session, one bar per source, on the clock named in the row; hover a mark for its evidence."
            }
        }
    }
}

/// Axis ticks at a round step (100 ms … 1 day), at most seven of them, and the step in ms.
fn ticks(from: NaiveDateTime, to: NaiveDateTime) -> (Vec<NaiveDateTime>, i64) {
    const STEPS_MS: &[i64] = &[
        100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
        600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
        86_400_000,
    ];
    let ms = |t: NaiveDateTime| t.and_utc().timestamp_millis();
    let span = (ms(to) - ms(from)).max(1);
    let step = STEPS_MS
        .iter()
        .copied()
        .find(|s| span / s <= 7)
        .unwrap_or_else(|| (span / 7).max(1));
    let start = ms(from).div_euclid(step) * step + step;
    let marks = (0..)
        .map(|k| start + k * step)
        .take_while(|&t| t <= ms(to))
        .filter_map(|t| DateTime::from_timestamp_millis(t).map(|d| d.naive_utc()))
        .collect();
    (marks, step)
}

fn fmt_f(x: f64) -> String {
    format!("{x:.1}")
}

fn first_line(s: &str) -> String {
    truncate(s.lines().next().unwrap_or(""), 160)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}
