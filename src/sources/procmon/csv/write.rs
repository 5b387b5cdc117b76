//! Writes Procmon events as Procmon's en-US CSV export of the default columns.
//!
//! `"Time of Day","Process Name","PID","Operation","Path","Result","Detail"`, UTF-8 with BOM,
//! CRLF, every field quoted, `Time of Day` as `h:mm:ss.fffffff AM`. UTC times are written in
//! UTC unless an offset is given; local times are written as they are. Events of other kinds
//! are skipped. This module must not read or filter anything.

use std::io::{self, Write};

use chrono::{FixedOffset, NaiveTime};

use crate::model::{Event, EventKind, Timestamp};
use crate::sources::procmon::clock::format_12h;

const HEADER: [&str; 7] = [
    "Time of Day",
    "Process Name",
    "PID",
    "Operation",
    "Path",
    "Result",
    "Detail",
];

/// Writes `events` (their Procmon operations) as a Procmon CSV export.
pub fn write_csv<W: Write>(
    events: &[Event],
    mut out: W,
    offset: Option<FixedOffset>,
) -> io::Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(HEADER)?;
    for event in events {
        let EventKind::Procmon(op) = &event.kind else {
            continue;
        };
        let time = event
            .time
            .map(|t| format_12h(wall_clock(t, offset)))
            .unwrap_or_default();
        writer.write_record([
            time.as_str(),
            &op.process_name,
            &op.pid.to_string(),
            &op.operation,
            &op.path,
            &op.result,
            &op.detail,
        ])?;
    }
    writer.flush()
}

/// The time of day to print: UTC instants shifted by `offset` (UTC when none), local as is.
fn wall_clock(time: Timestamp, offset: Option<FixedOffset>) -> NaiveTime {
    match time {
        Timestamp::Utc(t) => match offset {
            Some(offset) => t.with_timezone(&offset).time(),
            None => t.time(),
        },
        Timestamp::Local(t) => t.time(),
        Timestamp::LocalTimeOfDay(t) => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, ProcmonOp};
    use chrono::{DateTime, Utc};
    use std::sync::Arc;

    fn event(time: Option<Timestamp>, detail: &str) -> Event {
        let op = ProcmonOp {
            process_name: "msiexec.exe".into(),
            pid: 7,
            tid: None,
            event_class: None,
            operation: "CreateFile".into(),
            path: "C:\\a \"b\"".into(),
            result: "SUCCESS".into(),
            detail: detail.into(),
            user: None,
            integrity: None,
            command_line: None,
            image_path: None,
            parent_pid: None,
            env_temp: None,
            env_tmp: None,
        };
        Event {
            origin: Origin::line(&Arc::from("x"), 1),
            time,
            thread: None,
            kind: EventKind::Procmon(Box::new(op)),
            text: String::new(),
        }
    }

    #[test]
    fn writes_procmon_shape() {
        let utc: DateTime<Utc> = "2020-07-31T16:05:00.1234567Z".parse().unwrap();
        let events = [
            event(Some(Timestamp::Utc(utc)), "Offset: 0, Length: 1,024"),
            event(None, ""),
        ];
        let mut out = Vec::new();
        write_csv(&events, &mut out, FixedOffset::east_opt(2 * 3600)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\u{feff}\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n\
             \"6:05:00.1234567 PM\",\"msiexec.exe\",\"7\",\"CreateFile\",\"C:\\a \"\"b\"\"\",\"SUCCESS\",\"Offset: 0, Length: 1,024\"\r\n\
             \"\",\"msiexec.exe\",\"7\",\"CreateFile\",\"C:\\a \"\"b\"\"\",\"SUCCESS\",\"\"\r\n"
        );
    }
}
