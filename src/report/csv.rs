//! The CSV report: one row per evidence item (RFC 4180, UTF-8 with BOM so Excel detects the
//! encoding), and the merged timeline export. Every cell that starts with `=`, `+`, `-`, `@`,
//! tab or CR is prefixed with `'` so spreadsheets never run it as a formula: the check is made
//! once, on every cell of every row (`write_row`), because cells that look like our own
//! (a time read from a damaged record can be `+30828-09-14…`) carry input too.

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

/// Writes one row, every cell defused.
pub(super) fn write_row<W: Write, const N: usize>(
    w: &mut csv::Writer<W>,
    cells: [String; N],
) -> std::io::Result<()> {
    w.write_record(cells.iter().map(|c| defuse(c)))?;
    Ok(())
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
            write_row(
                &mut w,
                [
                    f.id.to_string(),
                    f.session.clone().unwrap_or_default(),
                    f.product.clone().unwrap_or_default(),
                    f.confidence.as_str().to_string(),
                    f.title.clone(),
                    local,
                    utc,
                    e.path.clone(),
                    location,
                    e.text.clone(),
                ],
            )?;
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
            write_row(
                &mut w,
                [
                    s.id.clone(),
                    time,
                    clock.to_string(),
                    e.origin.path.to_string(),
                    e.origin
                        .line
                        .map(|l| format!("line {l}"))
                        .or(e.origin.record.map(|r| format!("record {r}")))
                        .unwrap_or_default(),
                    kind,
                    e.text.to_string(),
                ],
            )?;
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

    /// A time chrono writes for a year past 9999 starts with `+` (seen by the `analyze` fuzz
    /// target on a damaged event record): it is defused like any cell from the input.
    #[test]
    fn every_cell_of_a_row_is_defused() {
        let far = chrono::NaiveDate::from_ymd_opt(30828, 9, 14)
            .and_then(|d| d.and_hms_opt(2, 48, 5))
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            .unwrap();
        assert!(far.starts_with('+'), "{far}");
        let mut w = csv::Writer::from_writer(Vec::new());
        write_row(&mut w, [far.clone(), "-1".to_string(), "S1".to_string()]).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, format!("'{far},'-1,S1\n"));
    }
}
