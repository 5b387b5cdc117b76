//! Helpers shared by the fuzz targets: the panic filter for the `evtx` crate, small limits for
//! archives, and the invariants the targets check on what the readers return.
//!
//! It must not hold fuzz targets itself, and must never relax a check on msidiag's own code:
//! only panics raised inside the `evtx` crate (which the EVTX reader catches per chunk, by
//! design) are let through to that catch.

use std::collections::HashSet;
use std::sync::{Mutex, Once};

use msidiag::input::discover::Limits;

/// Lets panics raised inside the `evtx` crate unwind to the EVTX reader's per-chunk
/// `catch_unwind` (libFuzzer's hook would abort on them), printing each place once. Any other
/// panic still aborts and is reported as a crash.
pub fn tolerate_evtx_crate_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let abort_hook = std::panic::take_hook();
        let seen: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
        std::panic::set_hook(Box::new(move |info| {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            if is_evtx_crate(&place) {
                if seen.lock().map(|mut s| s.insert(place.clone())).unwrap_or(false) {
                    eprintln!("[msidiag-fuzz] caught evtx crate panic (chunk skipped by the reader): {info}");
                }
                return;
            }
            abort_hook(info);
        }));
    });
}

/// True for a source location inside the `evtx` crate (`…/evtx-0.15.1/src/…`).
fn is_evtx_crate(place: &str) -> bool {
    place.contains("/evtx-0.") && !place.contains("/msidiag")
}

/// Limits small enough that one fuzz input cannot take long, still exercising every check.
pub fn small_limits() -> Limits {
    Limits {
        max_depth: 3,
        max_total_uncompressed: 64 << 20,
        max_entry_size: 16 << 20,
        max_nested_archive_size: 8 << 20,
        max_ratio: 100,
        ratio_min_size: 64 << 10,
        max_entries: 2000,
        max_files: 4000,
    }
}

/// Panics when a text meant for a terminal carries a control character other than newline.
pub fn assert_terminal_safe(text: &str) {
    if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
        panic!(
            "control character U+{:04X} reached the terminal report",
            c as u32
        );
    }
}

/// Panics when a CSV cell (as parsed back) could run as a spreadsheet formula.
pub fn assert_csv_safe(csv_bytes: &[u8]) {
    let body = csv_bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(csv_bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    for record in reader.byte_records() {
        let record = record.expect("msidiag writes valid CSV");
        for cell in record.iter() {
            if let Some(first) = cell.first() {
                assert!(
                    !matches!(first, b'=' | b'+' | b'@' | b'\t' | b'\r'),
                    "CSV cell may run as a formula: {:?}",
                    String::from_utf8_lossy(cell)
                );
            }
        }
    }
}

/// Panics when markup from the input became an element of the HTML report: the report has
/// exactly one script of its own and no images, frames or objects.
pub fn assert_html_safe(html: &str) {
    assert_eq!(
        html.matches("<script").count(),
        1,
        "a script element from the input"
    );
    let lower = html.to_ascii_lowercase();
    for element in ["<img", "<iframe", "<object", "<embed", "<base", "<form"] {
        assert!(
            !lower.contains(element),
            "{element} reached the HTML report"
        );
    }
}
