//! Fuzzes a whole run (`msidiag::analyze`: sniff, every reader, timeline, rules) on one file
//! and the terminal, CSV and HTML reports of it. Checks that no control character reaches the
//! terminal report, no CSV cell can run as a formula and no markup from the input becomes an
//! element of the HTML report. Writes only in its own temp folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msidiag::{analyze, report, Options};

fuzz_target!(|data: &[u8]| {
    msidiag_fuzz::tolerate_evtx_crate_panics();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("input.bin");
    std::fs::write(&path, data).unwrap();
    let options = Options {
        threads: Some(1),
        ..Options::default()
    };
    let analysis = analyze(&[path], &options).expect("a run never fails on its input");
    msidiag_fuzz::assert_terminal_safe(&report::text::render(&analysis));
    let mut csv = Vec::new();
    report::csv::write_findings(&analysis, &mut csv).unwrap();
    msidiag_fuzz::assert_csv_safe(&csv);
    let mut csv = Vec::new();
    report::csv::write_timeline(&analysis, &mut csv).unwrap();
    msidiag_fuzz::assert_csv_safe(&csv);
    msidiag_fuzz::assert_html_safe(&report::html::render(&analysis));
});
