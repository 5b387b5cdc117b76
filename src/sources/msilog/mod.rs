//! Verbose MSI log (`msiexec /l*v`) reader: bytes in, sessions of events out.
//!
//! `line.rs` is the line grammar, `dates.rs` reads banner dates, `session.rs` splits sessions
//! and assigns times. This module only reads; it must not diagnose, and it must not fail on
//! any input: what cannot be read becomes a problem string naming the file.

pub mod dates;
pub mod line;
pub mod session;

use std::sync::Arc;

use crate::input::decode::{detect, TextEncoding};
pub use dates::{DateHint, DateOrder};
pub use session::{LogSession, SessionOptions};

/// Everything read from one MSI log file.
#[derive(Debug)]
pub struct MsiLogFile {
    pub encoding: TextEncoding,
    pub sessions: Vec<LogSession>,
    /// Problems met while reading (decoding errors, truncation), each naming the file.
    pub problems: Vec<String>,
}

/// Reads one MSI log from its bytes.
pub fn read(path: &Arc<str>, bytes: &[u8], options: SessionOptions) -> MsiLogFile {
    let encoding = detect(bytes);
    let mut splitter = session::Splitter::new(path, options);
    let had_errors =
        crate::input::decode::decode_lines(bytes, encoding, |line| splitter.push_line(line));
    let sessions = splitter.finish();
    let mut problems = Vec::new();
    if had_errors {
        problems.push(format!(
            "{path}: some bytes are not valid {} and were replaced",
            encoding.as_str()
        ));
    }
    for (i, s) in sessions.iter().enumerate() {
        if !s.has_header {
            problems.push(format!(
                "{path}: lines {}-{} have no `Verbose logging started` header (a fragment of a log?); dates are unknown there",
                s.first_line, s.last_line
            ));
        }
        if s.truncated {
            problems.push(format!(
                "{path}: session {} (from line {}) has no `Logging stopped` footer: the log is truncated after line {}",
                i + 1,
                s.first_line,
                s.last_line
            ));
        }
        if let Some(d) = &s.date_order {
            if !d.certain {
                problems.push(format!("{path}: session {}: {}", i + 1, d.reason));
            }
        }
    }
    MsiLogFile {
        encoding,
        sessions,
        problems,
    }
}
