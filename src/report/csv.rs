//! The CSV report: one row per evidence item (RFC 4180, UTF-8 with BOM so Excel detects the
//! encoding), and the merged timeline export. Cells that come from the inputs and start with
//! `=`, `+`, `-`, `@`, tab or CR are prefixed with `'` so spreadsheets never run them as formulas.

use std::io::Write;

use crate::model::Timestamp;
use crate::report::Analysis;
use crate::timeline::CitedTime;

/// Makes a cell safe to open in a spreadsheet.
pub fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn writer<W: Write>(mut out: W) -> std::io::Result<csv::Writer<W>> {
    out.write_all("\u{feff}".as_bytes())?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out))
}

/// The evidence time on the machine's local clock and in UTC, each when known: local readings
/// as written, UTC readings as written, and the other one through the session's UTC offset
/// (inferred or given by `--tz`); a reading without a date that could not be placed on the
/// session's day stays as written in the local column.
fn times(time: Option<&CitedTime>, tz: Option<&crate::tz::TzSpec>) -> (String, String) {
    let Some(t) = time else {
        return (String::new(), String::new());
    };
    let local = match (t.shown().and_then(|p| p.local()), t.written) {
        (Some(l), _) => l
            .format(&format!("%Y-%m-%dT%H:%M:%S{}", t.fraction()))
            .to_string(),
        (None, Timestamp::LocalTimeOfDay(_)) => t.to_string(),
        (None, _) => String::new(),
    };
    let utc = match t.written {
        Timestamp::Utc(_) => Some(t.to_string()),
        _ => t
            .shown()
            .and_then(|p| {
                // A session whose offset nothing gave (a capture no other source aligned)
                // still has the zone the user named with `--tz`.
                p.utc()
                    .or_else(|| tz.zip(p.local()).and_then(|(tz, l)| tz.to_utc(l)))
            })
            .map(|u| u.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
    };
    (local, utc.unwrap_or_default())
}

/// Writes the findings' evidence, one row per evidence item.
pub fn write_findings<W: Write>(a: &Analysis, out: W) -> std::io::Result<()> {
    let mut w = writer(out)?;
    w.write_record([
        "finding",
        "session",
        "product",
        "confidence",
        "title",
        "time_local",
        "time_utc",
        "source",
        "location",
        "text",
    ])?;
    for f in &a.findings {
        for e in &f.evidence {
            let (local, utc) = times(e.time.as_ref(), a.tz.as_ref());
            let location = match (e.line, e.record) {
                (Some(l), _) => format!("line {l}"),
                (None, Some(r)) => format!("record {r}"),
                _ => String::new(),
            };
            w.write_record([
                f.id.to_string(),
                f.session.clone().unwrap_or_default(),
                defuse(f.product.as_deref().unwrap_or("")),
                f.confidence.as_str().to_string(),
                defuse(&f.title),
                local,
                utc,
                defuse(&e.path),
                location,
                defuse(&e.text),
            ])?;
        }
    }
    w.flush()
}

/// Writes every event of every session in time order (the merged timeline).
pub fn write_timeline<W: Write>(a: &Analysis, out: W) -> std::io::Result<()> {
    let mut w = writer(out)?;
    w.write_record([
        "session", "time", "clock", "source", "location", "kind", "text",
    ])?;
    for s in &a.sessions {
        for e in &s.events {
            let (time, clock) = match &e.time {
                Some(Timestamp::Utc(t)) => (t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), "utc"),
                Some(Timestamp::Local(t)) => {
                    (t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(), "local")
                }
                Some(Timestamp::LocalTimeOfDay(t)) => {
                    (t.format("%H:%M:%S%.3f").to_string(), "local-time-of-day")
                }
                None => (String::new(), ""),
            };
            let kind = serde_json::to_value(&e.kind)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
                .unwrap_or_default();
            w.write_record([
                s.id.clone(),
                time,
                clock.to_string(),
                defuse(&e.origin.path),
                e.origin
                    .line
                    .map(|l| format!("line {l}"))
                    .or(e.origin.record.map(|r| format!("record {r}")))
                    .unwrap_or_default(),
                kind,
                defuse(&e.text),
            ])?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("MSI (s)"), "MSI (s)");
    }
}
