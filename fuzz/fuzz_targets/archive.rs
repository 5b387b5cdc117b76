//! Fuzzes zip archive discovery in memory (`input::discover::discover_archive_bytes`) and the
//! loading of every entry found, with small limits. Checks that no entry with an unsafe name is
//! passed on, that no loaded entry exceeds its limits, and that nothing is written anywhere.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msidiag::input::discover::{discover_archive_bytes, load, FileSource};
use msidiag::input::sniff::sniff;

fuzz_target!(|data: &[u8]| {
    let limits = msidiag_fuzz::small_limits();
    let found = discover_archive_bytes("fuzz.zip", data.to_vec(), &limits);
    let mut total = 0u64;
    for f in &found.files {
        assert!(f.display.starts_with("fuzz.zip!"));
        let name = match &f.source {
            FileSource::ZipEntry { name, .. } | FileSource::Salvaged { name, .. } => name,
            FileSource::Disk(p) => panic!("an archive entry became a disk file: {p:?}"),
        };
        assert!(f.display.ends_with(&format!("!{name}")));
        let name = name.replace('\\', "/");
        let b = name.as_bytes();
        assert!(
            !name.starts_with('/'),
            "absolute entry name passed on: {name}"
        );
        assert!(
            !(b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'),
            "drive letter passed on: {name}"
        );
        assert!(
            !name.split('/').any(|c| c == ".."),
            "traversal entry name passed on: {name}"
        );
        if let Ok(bytes) = load(f) {
            assert!(bytes.len() as u64 <= limits.max_entry_size);
            total += bytes.len() as u64;
            let _ = sniff(&bytes);
        }
    }
    assert!(total <= limits.max_total_uncompressed);
});
