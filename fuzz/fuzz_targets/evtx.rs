//! Fuzzes the EVTX front end (`sources::evtx::read`: header and chunk checks, the quick template
//! scan, then the `evtx` crate on the selected records). Panics inside the `evtx` crate are
//! caught per chunk by the reader (by design) and let through; any other panic is a crash.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use msidiag::sources::evtx;

fuzz_target!(|data: &[u8]| {
    msidiag_fuzz::tolerate_evtx_crate_panics();
    let path: Arc<str> = Arc::from("fuzz.evtx");
    let file = evtx::read(&path, data);
    assert!(file.records_kept <= file.records_total);
    assert_eq!(file.records_kept as usize, file.events.len());
});
