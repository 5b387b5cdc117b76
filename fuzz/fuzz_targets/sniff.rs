//! Fuzzes the content sniffer and the text decoder (`input::sniff`, `input::decode`),
//! including the capped line splitter. Must not touch the disk.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msidiag::input::{decode, sniff};

fuzz_target!(|data: &[u8]| {
    let kind = sniff::sniff(data);
    assert_eq!(kind == sniff::InputKind::Empty, data.is_empty());
    let decoded = decode::decode(data);
    let cap = 1 + usize::from(data.first().copied().unwrap_or(0));
    let mut lines = 0usize;
    let stats = decode::decode_lines_capped(data, decoded.encoding, cap, |line| {
        assert!(line.len() <= cap, "a line passed the cap");
        lines += 1;
    });
    assert!(lines >= 1);
    assert_eq!(stats.had_errors, decoded.had_errors);
});
