//! Writes an English verbose MSI log as Windows in another UI language would (the testkit's
//! generator, `crates/msidiag-testkit/src/localize.rs`), UTF-16LE with a BOM, to look at or to
//! try by hand: `cargo run --example localize_log -- IN.log ja OUT.log [dmy]` (languages:
//! ja de fr es zh ru xx; `dmy` when IN's slashed dates are day-first). The tests generate the
//! same files themselves (tests/localized_logs.rs); this only writes one file.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: localize_log IN.log LANG OUT.log [dmy]");
        std::process::exit(2);
    }
    let Some(lang) = msidiag_testkit::localize::LANGUAGES
        .iter()
        .find(|l| l.code == args[2])
    else {
        eprintln!("unknown language {}", args[2]);
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&args[1]) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: {e}", args[1]);
            std::process::exit(2);
        }
    };
    let text = msidiag::input::decode::decode(&bytes).text;
    let month_first = args.get(4).is_none_or(|s| s != "dmy");
    let out = msidiag_testkit::localize::localize(&text, lang, month_first);
    if let Err(e) = std::fs::write(&args[3], msidiag_testkit::localize::utf16le_bom(&out)) {
        eprintln!("{}: {e}", args[3]);
        std::process::exit(2);
    }
}
