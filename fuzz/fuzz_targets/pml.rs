//! Fuzzes the native Process Monitor capture reader (`sources::procmon::read_pml` and
//! `read_pml_all`). Checks the record counts; must not touch the disk.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use msidiag::sources::procmon;

fuzz_target!(|data: &[u8]| {
    let path: Arc<str> = Arc::from("fuzz.pml");
    let all = procmon::read_pml_all(&path, data);
    assert!(all.rows_kept <= all.rows_total);
    assert_eq!(all.rows_kept as usize, all.events.len());
    let kept = procmon::read_pml(&path, data);
    assert!(kept.events.len() <= all.events.len());
});
