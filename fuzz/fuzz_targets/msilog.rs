//! Fuzzes the verbose MSI log reader (`sources::msilog::read`) on raw bytes, with each date
//! hint. Checks that sessions and their events stay in line order; must not touch the disk.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use msidiag::model::DateOrder;
use msidiag::sources::msilog::{self, DateHint, SessionOptions};

fuzz_target!(|data: &[u8]| {
    let path: Arc<str> = Arc::from("fuzz.log");
    let hint = match data.last().map(|b| b % 4) {
        Some(1) => DateHint::User(DateOrder::MonthDayYear),
        Some(2) => DateHint::User(DateOrder::DayMonthYear),
        Some(3) => DateHint::User(DateOrder::YearMonthDay),
        _ => DateHint::None,
    };
    let file = msilog::read(&path, data, SessionOptions { date_hint: hint });
    let mut previous_end = 0;
    for s in &file.sessions {
        assert!(s.first_line <= s.last_line, "session lines out of order");
        assert!(s.first_line > previous_end, "sessions overlap");
        previous_end = s.last_line;
        let mut last = 0;
        for e in &s.events {
            let line = e.origin.line.expect("log events cite a line");
            assert!(line >= s.first_line && line <= s.last_line);
            assert!(line > last, "events out of line order");
            last = line;
        }
    }
});
