//! One clock for every report: a session that crosses midnight (India, UTC+05:30), told by an
//! MSI log (local time), an Application event log (UTC) and a Process Monitor capture (UTC),
//! must show the same evidence in the same order, at the same local times, in the text
//! summary, the JSON report, the CSV evidence export and the HTML page.
//!
//! The inputs are written by the project's own writers (`crates/msidiag-testkit`), like the
//! multi-source fixtures of `tests/multisource.rs`; nothing here is read from fixtures.

use std::path::Path;

use assert_cmd::Command;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

use msidiag_testkit::evtx_writer::{write_evtx, RecordSpec};
use msidiag_testkit::msilog_writer::MsiLog;
use msidiag_testkit::pml_writer::{
    PmlCapture, PmlDetail, PmlEvent, PmlProcess, ACCESS_DENIED, SUCCESS,
};

/// India Standard Time: local − UTC.
const OFFSET_MINUTES: i64 = 330;
const SID: &str = "S-1-5-21-1004336348-1177238915-682003330-1107";

fn local(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn utc(local: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&(local - Duration::minutes(OFFSET_MINUTES)))
}

fn filetime(t: DateTime<Utc>) -> u64 {
    ((t.timestamp() + 11_644_473_600) as u64) * 10_000_000
        + u64::from(t.timestamp_subsec_nanos() / 100)
}

fn msi(id: u16, at: DateTime<Utc>, pid: u32, data: &[&str]) -> RecordSpec {
    let mut padded: Vec<&str> = data.to_vec();
    while padded.len() < 7 {
        padded.push(if padded.len() == 6 { "" } else { "(NULL)" });
    }
    RecordSpec {
        event_id: id,
        ..RecordSpec::new("MsiInstaller", 0)
    }
    .at(at)
    .pid(pid)
    .sid(SID)
    .data(&padded)
}

fn create_file(path: &str, open_result: Option<u32>) -> PmlDetail {
    PmlDetail::CreateFile {
        path: path.to_string(),
        access: 0x0012_019F,
        disposition: 3,
        options: 0x60,
        attributes: 0x80,
        share: 3,
        open_result,
    }
}

fn process(pid: u32, parent: u32, command_line: &str, user: &str, integrity: &str) -> PmlProcess {
    PmlProcess {
        command_line: command_line.to_string(),
        user: user.to_string(),
        integrity: integrity.to_string(),
        ..PmlProcess::new(pid, parent, "msiexec.exe")
    }
}

/// Writes the three inputs of an install that starts at 23:59:58 and fails with 2503 after
/// midnight, while a capture shows the service denied in C:\Windows\Temp just before it.
fn write_inputs(dir: &Path) {
    let (product, code, pkg) = (
        "Woodgrove Ledger",
        "{3A9C5E21-7B40-4D8F-A1C2-6E0F9B3D7A15}",
        "C:\\Users\\asharma\\Downloads\\WoodgroveLedger-2.4.msi",
    );
    let (cpid, spid) = (6412u32, 1388u32);
    let mut log = MsiLog::new(local("2026-06-30T23:59:58"), "%d-%m-%Y", cpid, spid);
    log.client_opening(pkg, code);
    log.action('c', "INSTALL", 30, 1);
    log.c(
        20,
        "Switching to server: TARGETDIR=\"C:\\Program Files\\Woodgrove\\\"",
    );
    log.server_opening(code);
    log.s(5, "MSI_LUA: Setting MsiRunningElevated property to 1 because the install is already running elevated.")
        .s(0, "PROPERTY CHANGE: Adding Privileged property. Its value is '1'.");
    log.action('s', "CostFinalize", 200, 1)
        .action('s', "InstallValidate", 300, 1)
        .action('s', "InstallInitialize", 40, 1)
        .action('s', "InstallFiles", 60, 1);
    log.s(10, "Doing action: InstallFinalize")
        .action_start("InstallFinalize");
    log.s(2, "Running Script: C:\\Windows\\Installer\\MSI3F0A.tmp")
        .s(1, "Note: 1: 2503 ");
    log.raw("DEBUG: Error 2503:  Called RunScript when not marked in progress.")
        .raw("The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , ");
    log.s(1800, &format!("Product: {product} -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , "));
    log.action_end("InstallFinalize", 2, 3);
    log.s(1, "Note: 1: 2502 ")
        .raw("DEBUG: Error 2502:  Called InstallFinalize when no install in progress.");
    log.properties(
        'S',
        &[
            ("ProductCode", code),
            ("ProductName", product),
            ("ProductVersion", "2.4.0"),
            ("Manufacturer", "Woodgrove Bank"),
            ("ALLUSERS", "1"),
            ("MsiRunningElevated", "1"),
            ("Privileged", "1"),
            ("AdminUser", "1"),
            ("TempFolder", "C:\\Windows\\Temp\\"),
        ],
    );
    log.outcome("installed", product, "2.4.0", "Woodgrove Bank", 1603, true);
    let fail = utc(log.now());
    let begin = utc(local("2026-06-30T23:59:58"));
    let internal_error = format!("Product: {product} -- The installer has encountered an unexpected error installing this package. This may indicate a problem with this package. The error code is 2503. The arguments are: , , ");
    let pid = cpid.to_string();
    let mut binary = code.as_bytes().to_vec();
    binary.extend_from_slice(b"000076537b97");
    let records = vec![
        msi(1040, begin, cpid, &[pkg, &pid]),
        msi(
            10005,
            fail - Duration::milliseconds(40),
            cpid,
            &[&internal_error],
        ),
        msi(
            11708,
            fail - Duration::seconds(1),
            cpid,
            &[&format!("Product: {product} -- Installation failed.")],
        ),
        msi(
            1033,
            fail,
            cpid,
            &[
                product,
                "2.4.0",
                "1033",
                "1603",
                "Woodgrove Bank",
                "(NULL)",
                "",
            ],
        )
        .binary(&binary),
        msi(1042, fail + Duration::seconds(1), cpid, &[pkg, &pid]),
    ];
    let client = process(
        cpid,
        4720,
        &format!("\"C:\\Windows\\System32\\msiexec.exe\" /i \"{pkg}\""),
        "WOODGROVE\\asharma",
        "High",
    );
    let server = process(
        spid,
        704,
        "C:\\Windows\\system32\\msiexec.exe /V",
        "NT AUTHORITY\\SYSTEM",
        "System",
    );
    let denied_at = fail - Duration::seconds(4);
    let pml = PmlCapture {
        is64: true,
        processes: vec![client, server],
        events: vec![
            PmlEvent::new(
                0,
                filetime(begin + Duration::milliseconds(400)),
                SUCCESS,
                create_file(pkg, Some(1)),
            ),
            PmlEvent::new(
                1,
                filetime(denied_at),
                ACCESS_DENIED,
                create_file("C:\\Windows\\Temp\\MSI3F0B.tmp", None),
            ),
            PmlEvent::new(
                1,
                filetime(denied_at + Duration::milliseconds(3)),
                ACCESS_DENIED,
                create_file("C:\\Windows\\Temp\\MSI3F0C.tmp", None),
            ),
        ],
    };
    std::fs::write(dir.join("MSI2c41.LOG"), log.utf16()).unwrap();
    std::fs::write(dir.join("Application.evtx"), write_evtx(&records)).unwrap();
    std::fs::write(dir.join("capture.PML"), pml.to_bytes()).unwrap();
}

/// One cited item as a report shows it: `FILE:LINE` or `FILE#RECORD`, and its time.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    place: String,
    time: String,
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap()
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("msidiag")
        .unwrap()
        .arg("analyze")
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON evidence of `id`: place, and the time as written (`…Z` for the UTC sources).
fn json_items(report: &Value, id: &str) -> Vec<Shown> {
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {report:#}"));
    f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let name = file_name(e["path"].as_str().unwrap());
            let place = match (e["line"].as_u64(), e["record"].as_u64()) {
                (Some(l), _) => format!("{name}:{l}"),
                (None, Some(r)) => format!("{name}#{r}"),
                _ => name.to_string(),
            };
            Shown {
                place,
                time: e["time"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect()
}

/// The CSV rows of `id`: place and `time_local`.
fn csv_items(csv: &str, id: &str) -> Vec<Shown> {
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (finding, local, source, location) = (
        col("finding"),
        col("time_local"),
        col("source"),
        col("location"),
    );
    r.records()
        .map(|row| row.unwrap())
        .filter(|row| &row[finding] == id)
        .map(|row| {
            let name = file_name(&row[source]);
            let loc = &row[location];
            let place = match (loc.strip_prefix("line "), loc.strip_prefix("record ")) {
                (Some(l), _) => format!("{name}:{l}"),
                (_, Some(r)) => format!("{name}#{r}"),
                _ => name.to_string(),
            };
            Shown {
                place,
                time: row[local].to_string(),
            }
        })
        .collect()
}

/// The evidence table rows of the HTML finding `id`: source cell and time cell (tags removed).
fn html_items(html: &str, id: &str) -> Vec<Shown> {
    let start = html
        .find(&format!("<code class=\"fid\">{id}</code>"))
        .unwrap_or_else(|| panic!("no {id} in the page"));
    let block = &html[start..];
    // The whole finding: its evidence table holds the log-context tables of its rows.
    let block = &block[..block.find("</article>").unwrap()];
    let strip = |s: &str| {
        let mut out = String::new();
        let mut inside = false;
        for c in s.chars() {
            match c {
                '<' => inside = true,
                '>' => inside = false,
                c if !inside => out.push(c),
                _ => {}
            }
        }
        out
    };
    block
        .split("<td class=\"time\"")
        .skip(1)
        .map(|row| {
            let time_cell = &row[row.find('>').unwrap() + 1..row.find("</td>").unwrap()];
            let src = &row[row.find("<td class=\"src\"").unwrap()..];
            let src_cell = &src[src.find('>').unwrap() + 1..src.find("</td>").unwrap()];
            Shown {
                place: strip(src_cell),
                time: strip(time_cell),
            }
        })
        .collect()
}

/// The evidence lines of the text finding `id`: `TIME  PLACE  TEXT`.
fn text_items(text: &str, id: &str) -> Vec<Shown> {
    let mut lines = text
        .lines()
        .skip_while(|l| !l.contains(&format!("] {id} — ")));
    lines
        .next()
        .unwrap_or_else(|| panic!("no {id} in:\n{text}"));
    lines
        .skip_while(|l| l.trim() != "Evidence:")
        .skip(1)
        .take_while(|l| l.starts_with("        "))
        .map(|l| {
            let mut parts = l.trim().splitn(3, "  ");
            let time = parts.next().unwrap().to_string();
            let place = parts.next().unwrap();
            Shown {
                place: file_name(place).to_string(),
                time,
            }
        })
        .collect()
}

/// The local moment of a JSON time: as written for the log, shifted by the offset for `…Z`.
fn json_local(t: &str) -> NaiveDateTime {
    match t.strip_suffix('Z') {
        Some(u) => {
            NaiveDateTime::parse_from_str(u, "%Y-%m-%dT%H:%M:%S%.f").unwrap()
                + Duration::minutes(OFFSET_MINUTES)
        }
        None => NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").unwrap(),
    }
}

/// How the text and HTML reports show a local moment of a session that started on `day`.
fn shown_local(t: NaiveDateTime, whole_seconds: bool, day: chrono::NaiveDate) -> String {
    let time = if whole_seconds {
        "%H:%M:%S"
    } else {
        "%H:%M:%S%.3f"
    };
    if t.date() == day {
        t.format(time).to_string()
    } else {
        t.format(&format!("%Y-%m-%d {time}")).to_string()
    }
}

#[test]
fn a_session_across_midnight_reads_the_same_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    write_inputs(&inputs);
    let out = dir.path();
    let csv_path = out.join("evidence.csv");
    let html_path = out.join("report.html");
    let json: Value = serde_json::from_str(&run(&inputs, &["--json", "-"])).unwrap();
    let text = run(&inputs, &["--color", "never"]);
    run(
        &inputs,
        &[
            "--csv",
            csv_path.to_str().unwrap(),
            "--html",
            html_path.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let html = std::fs::read_to_string(&html_path).unwrap();

    let session = &json["sessions"][0];
    let day = session["started"].as_str().unwrap()[..10]
        .parse::<chrono::NaiveDate>()
        .unwrap();
    assert_eq!(day.to_string(), "2026-06-30");
    assert!(
        json["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["utc_offset_minutes"] == OFFSET_MINUTES),
        "the log's clock is aligned: {:#}",
        json["clocks"]
    );

    let mut checked = 0;
    for id in ["error-2503-2502", "windows-temp-acl"] {
        let from_json = json_items(&json, id);
        let from_csv = csv_items(&csv, id);
        let from_html = html_items(&html, id);
        let from_text = text_items(&text, id);
        let places = |items: &[Shown]| items.iter().map(|s| s.place.clone()).collect::<Vec<_>>();
        assert_eq!(places(&from_csv), places(&from_json), "{id}: CSV order");
        assert_eq!(places(&from_html), places(&from_json), "{id}: HTML order");
        assert_eq!(places(&from_text), places(&from_json), "{id}: text order");

        let locals: Vec<NaiveDateTime> = from_json.iter().map(|s| json_local(&s.time)).collect();
        // The order is the local clock's, across sources and across midnight.
        assert!(
            locals
                .windows(2)
                .all(|w| w[0] <= w[1] + Duration::milliseconds(999)),
            "{id}: not in time order: {from_json:#?}"
        );
        for (k, item) in from_json.iter().enumerate() {
            let whole_seconds = !item.time.contains('.');
            let local = locals[k];
            let csv_local = if whole_seconds {
                local.format("%Y-%m-%dT%H:%M:%S").to_string()
            } else {
                local.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
            };
            assert_eq!(
                from_csv[k].time, csv_local,
                "{id}: CSV time of {}",
                item.place
            );
            let shown = shown_local(local, whole_seconds, day);
            assert_eq!(
                from_html[k].time, shown,
                "{id}: HTML time of {}",
                item.place
            );
            assert_eq!(
                from_text[k].time, shown,
                "{id}: text time of {}",
                item.place
            );
        }
        checked += from_json.len();
        if id == "error-2503-2502" {
            // The finding mixes the log and the event log on both sides of midnight.
            assert!(
                from_json.iter().any(|s| s.place.contains(".evtx#")),
                "{from_json:#?}"
            );
            assert!(locals.iter().any(|t| t.date() == day), "{from_json:#?}");
            assert!(locals.iter().any(|t| t.date() > day), "{from_json:#?}");
            assert!(
                from_json
                    .iter()
                    .any(|s| s.time.ends_with('Z') && json_local(&s.time).date() > day),
                "an event log record after local midnight (before UTC midnight): {from_json:#?}"
            );
        } else {
            assert!(
                from_json.iter().any(|s| s.place.contains(".PML#")),
                "{from_json:#?}"
            );
        }
    }
    assert!(checked >= 6, "{checked} items checked");
}
