//! Fuzzes the Process Monitor CSV reader (`sources::procmon::read_csv` and `read_csv_all`).
//! Checks the row counts; must not touch the disk.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use msidiag::sources::procmon;

fuzz_target!(|data: &[u8]| {
    let path: Arc<str> = Arc::from("fuzz.csv");
    let all = procmon::read_csv_all(&path, data);
    assert!(all.rows_kept <= all.rows_total);
    assert_eq!(all.rows_kept as usize, all.events.len());
    let kept = procmon::read_csv(&path, data);
    assert!(kept.events.len() <= all.events.len());
    assert_eq!(kept.rows_total, all.rows_total);
});
