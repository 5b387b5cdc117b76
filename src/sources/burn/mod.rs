//! WiX Burn bundle log reader (v3 and v4/v5 engines): bytes in, bundle runs out.
//!
//! `line.rs` is the line grammar, `run.rs` the run model (packages, results, restart state,
//! Burn-only failures). The text is decoded like MSI logs (`src/input/decode.rs`: UTF-8,
//! UTF-16 with or without BOM, Windows-1252). This module only reads: it must not diagnose,
//! and it must not fail on any input: what cannot be read becomes a problem naming the file
//! (and the line when there is one).

pub(crate) mod line;
pub(crate) mod run;

use std::sync::Arc;

use crate::input::decode::{decode_lines_capped, detect, TextEncoding};
use crate::model::BundleLog;
use crate::sources::window::Source;

/// Everything read from one Burn log file.
#[derive(Debug)]
pub struct BurnLogFile {
    pub encoding: TextEncoding,
    pub runs: Vec<BundleLog>,
    /// Problems met while reading, each naming the file.
    pub problems: Vec<String>,
}

/// Bundle logs are small (kilobytes to a few megabytes); at most this much is read.
const MAX_BYTES: usize = 256 << 20;
/// A physical line longer than this is cut (damage, not a log line).
const MAX_LINE: usize = 1 << 20;

/// Reads one Burn log from its bytes.
pub fn read(path: &Arc<str>, bytes: &[u8]) -> BurnLogFile {
    read_source(path, &Source::Memory(bytes))
}

/// [`read`] from any source.
pub fn read_source(path: &Arc<str>, source: &Source) -> BurnLogFile {
    let mut problems = Vec::new();
    let len = usize::try_from(source.len()).unwrap_or(usize::MAX);
    let bytes = match source.read_vec(0, len.min(MAX_BYTES)) {
        Ok(b) => b,
        Err(e) => {
            return BurnLogFile {
                encoding: TextEncoding::Utf8,
                runs: Vec::new(),
                problems: vec![format!("{path}: cannot read: {e}")],
            }
        }
    };
    if len > MAX_BYTES {
        problems.push(format!(
            "{path}: only the first {} MiB of this bundle log were read",
            MAX_BYTES >> 20
        ));
    }
    let encoding = detect(&bytes);
    let mut builder = run::RunBuilder::new(path.clone());
    let mut number = 0u64;
    let mut before_header = None;
    let stats = decode_lines_capped(&bytes, encoding, MAX_LINE, |text| {
        number += 1;
        match line::parse(text) {
            Some(l) => {
                builder.line(number, &l, text);
                if !builder.has_run() && before_header.is_none() {
                    before_header = Some(number);
                }
            }
            None => builder.continuation(number, text),
        }
    });
    if stats.had_errors {
        problems.push(format!(
            "{path}: some bytes are not valid {}; they were replaced",
            encoding.as_str()
        ));
    }
    if stats.cut_lines > 0 {
        problems.push(format!(
            "{path}: {} line(s) longer than {} KiB were cut",
            stats.cut_lines,
            MAX_LINE >> 10
        ));
    }
    if let Some(n) = before_header {
        problems.push(format!(
            "{path}:{n}: Burn lines before the first `i001: Burn v…` header were skipped"
        ));
    }
    let runs = builder.finish();
    if runs.is_empty() {
        problems.push(format!(
            "{path}: no `i001: Burn v…` header: not read as a bundle log"
        ));
    }
    for r in runs.iter().filter(|r| r.truncated) {
        problems.push(format!(
            "{path}:{}: the bundle run has no `Exit code` line (the log is cut or the bundle was still running)",
            r.first_line
        ));
    }
    BurnLogFile {
        encoding,
        runs,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED_V3: &str = "[0F54:1A2C][2026-03-15T08:00:01]i001: Burn v3.14.1.8722, Windows v10.0 (Build 19045: Service Pack 0), path: C:\\T\\{X}\\.cr\\vc_redist.x64.exe\r\n\
[0F54:1A2C][2026-03-15T08:00:01]i000: Setting string variable 'WixBundleName' to value 'Contoso Runtime'\r\n\
[0F54:1A2C][2026-03-15T08:00:02]i200: Plan begin, 1 packages, action: Install\r\n\
[0F54:1A2C][2026-03-15T08:00:02]i000: Setting string variable 'WixBundleLog_vcRuntimeMinimum_x64' to value 'C:\\T\\dd_vcredist_amd64_20260315080001_000_vcRuntimeMinimum_x64.log'\r\n\
[0F54:1A2C][2026-03-15T08:00:02]i201: Planned package: vcRuntimeMinimum_x64, state: Absent, default requested: Present, ba requested: Present, execute: Install, rollback: Uninstall, cache: Yes, uncache: No, dependency: Register\r\n\
[1B20:0C44][2026-03-15T08:00:05]i301: Applying execute package: vcRuntimeMinimum_x64, action: Install, path: C:\\ProgramData\\Package Cache\\{G}v14\\vc_runtimeMinimum_x64.msi, arguments: ' MSIFASTINSTALL=\"7\"'\r\n\
[1B20:0C44][2026-03-15T08:00:09]e000: Error 0x80070643: Failed to install MSI package.\r\n\
[0F54:1A2C][2026-03-15T08:00:09]i319: Applied execute package: vcRuntimeMinimum_x64, result: 0x80070643, restart: None\r\n\
[0F54:1A2C][2026-03-15T08:00:10]i399: Apply complete, result: 0x80070643, restart: None, ba requested restart:  No\r\n\
[0F54:1A2C][2026-03-15T08:00:11]i007: Exit code: 0x80070643, restarting: No\r\n";

    #[test]
    fn reads_a_failed_v3_run() {
        let path: Arc<str> = Arc::from("b.log");
        let f = read(&path, FAILED_V3.as_bytes());
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let r = &f.runs[0];
        assert_eq!(r.engine_version, "3.14.1.8722");
        assert_eq!(r.engine_major, Some(3));
        assert_eq!(r.name.as_deref(), Some("Contoso Runtime"));
        assert_eq!(r.action.as_deref(), Some("Install"));
        assert_eq!(
            (r.apply_result, r.exit_code, r.restarting),
            (Some(0x80070643), Some(0x80070643), Some(false))
        );
        let p = &r.packages[0];
        assert_eq!(p.id, "vcRuntimeMinimum_x64");
        assert_eq!(p.kind.as_deref(), Some("msi"));
        assert_eq!(p.result, Some(0x80070643));
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].line, 7);
        assert!(p
            .log_path
            .as_deref()
            .unwrap()
            .ends_with("_000_vcRuntimeMinimum_x64.log"));
        assert!(!r.truncated);
    }

    #[test]
    fn reads_utf16_v5_and_cache_failures_and_survives_garbage() {
        let text = "[1E3C:1E40][2025-01-27T15:58:33]i001: Burn x86 v5.0.2+aa65968c, Windows v10.0 x64 (Build 19045: Service Pack 0), path: G:\\Setup.exe\r\n\
[1E3C:1E40][2025-01-27T15:58:40]e000: Error 0x80091007: Hash mismatch for path: C:\\ProgramData\\Package Cache\\.unverified\\p.exe, expected: 9A, actual: 31\r\n\
[1E3C:1E40][2025-01-27T15:58:41]e000: Error 0x80070002: Failed to get size of pseudo bundle: C:\\ProgramData\\Package Cache\\{B}\\old.exe\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let path: Arc<str> = Arc::from("v5.log");
        let f = read(&path, &bytes);
        let r = &f.runs[0];
        assert_eq!(r.engine_major, Some(5));
        assert_eq!(r.failures.len(), 2);
        assert_eq!(r.failures[0].kind, crate::model::BundleFailureKind::Hash);
        assert_eq!(
            r.failures[1].kind,
            crate::model::BundleFailureKind::RelatedBundleMissing
        );
        assert!(r.truncated);
        assert!(f.problems.iter().any(|p| p.starts_with("v5.log:1:")));
        for cut in 0..FAILED_V3.len() {
            let _ = read(&path, &FAILED_V3.as_bytes()[..cut]);
        }
        let _ = read(&path, b"[\xff\xfe\x00]]]]i001: Burn \n[1:1][x]e000: \n");
    }
}
