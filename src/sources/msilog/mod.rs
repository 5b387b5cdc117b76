//! Verbose MSI log (`msiexec /l*v`) reader: bytes in, sessions of events out.
//!
//! `line.rs` is the line grammar (its kept shapes written with nom in `grammar.rs`, the engine
//! prefix of every line read on bytes in `prefix.rs`, literals found by `substring.rs`), `dates.rs`
//! reads banner dates, `clock.rs` times of day, `localized.rs` learns the action and message
//! lines of another UI language, `own_clock.rs` reads the clock custom-action output writes
//! itself, `session.rs` splits sessions and assigns times. This module only reads; it must not
//! diagnose, and it must not fail on any input: what cannot be read becomes a problem string
//! naming the file.

pub(crate) mod clock;
pub(crate) mod dates;
pub(crate) mod grammar;
pub(crate) mod line;
pub(crate) mod localized;
pub(crate) mod own_clock;
pub(crate) mod prefix;
pub mod session;
pub(crate) mod substring;

use std::sync::Arc;

use crate::input::decode::{decode_append, detect, TextEncoding};
use crate::model::LogSession;
use crate::sources::keep::ExtraKeep;
use crate::sources::window::{window_or, Source};
pub use dates::DateHint;
use line::ParsedLine;
use rayon::prelude::*;
pub use session::SessionOptions;
use session::{classify_keeping, decide, Classified, Decided};

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
    read_source(path, &Source::Memory(bytes), options)
}

/// Raw bytes decoded and classified by one worker at a time.
const WINDOW: usize = 1 << 20;
/// A window ends at the first line break after its nominal end; a "line" longer than this
/// (damage, not a log line) is cut there instead.
const MAX_LINE: usize = 4 << 20;

/// [`read`] from any source. The log is cut at line breaks into windows that are decoded and
/// classified line by line in parallel (lines are independent); the classified lines then go
/// through the session splitter in file order.
pub fn read_source(path: &Arc<str>, source: &Source, options: SessionOptions) -> MsiLogFile {
    read_windowed(path, source, options, window_or(WINDOW), None)
}

/// [`read_source`], also keeping the routine lines the user's rules match (`keep`).
pub fn read_source_keeping(
    path: &Arc<str>,
    source: &Source,
    options: SessionOptions,
    keep: Option<&ExtraKeep>,
) -> MsiLogFile {
    read_windowed(path, source, options, window_or(WINDOW), keep)
}

/// [`read_source_keeping`], handing each session to `sink` as soon as it is finished (when the
/// next one starts), while later windows are still being decoded: the returned file's
/// `sessions` is empty, and memory holds one session at a time (plus the windows in flight).
/// Sessions arrive in file order; the problems are those [`read_source_keeping`] gives.
pub fn read_source_streaming(
    path: &Arc<str>,
    source: &Source,
    options: SessionOptions,
    keep: Option<&ExtraKeep>,
    sink: &mut (dyn FnMut(LogSession) + Send),
) -> MsiLogFile {
    read_windowed_into(path, source, options, window_or(WINDOW), keep, sink)
}

/// [`read_source`] with windows of `window` bytes.
fn read_windowed(
    path: &Arc<str>,
    source: &Source,
    options: SessionOptions,
    window: usize,
    keep: Option<&ExtraKeep>,
) -> MsiLogFile {
    let mut sessions = Vec::new();
    let mut file = read_windowed_into(path, source, options, window, keep, &mut |s| {
        sessions.push(s)
    });
    file.sessions = sessions;
    file
}

/// [`read_windowed`], each finished session handed to `sink` (in file order).
fn read_windowed_into(
    path: &Arc<str>,
    source: &Source,
    options: SessionOptions,
    window: usize,
    keep: Option<&ExtraKeep>,
    sink: &mut (dyn FnMut(LogSession) + Send),
) -> MsiLogFile {
    let encoding = match source.memory() {
        Some(bytes) => detect(bytes),
        None => detect(&source.read_vec(0, 1 << 20).unwrap_or_default()),
    };
    let mut splitter = session::Splitter::new(path, options);
    let len = source.len();
    let body = (encoding.bom_len() as u64).min(len);
    let starts: Vec<u64> = (body..len.max(body + 1)).step_by(window).collect();
    let group = (rayon::current_num_threads() * 4).max(2);
    let mut had_errors = false;
    let mut cut_lines = 0u64;
    let mut read_error = None;
    let mut problems = Vec::new();
    let mut handed = 0usize;
    // Each finished session: its problems noted, then handed over.
    let mut hand_over = |sessions: Vec<LogSession>, problems: &mut Vec<String>| {
        for s in sessions {
            handed += 1;
            problems.extend(session_problems_of(path, handed, &s));
            sink(s);
        }
    };
    let decode_group = |g: usize, firsts: &[u64]| -> Vec<std::io::Result<Lines>> {
        firsts
            .par_iter()
            // Every window its own job: a thread that runs out steals single windows, instead of
            // sleeping while the other finishes a run of them.
            .with_max_len(1)
            .enumerate()
            .map(|(i, &nominal)| {
                let is_last = g * group + i + 1 == starts.len();
                decode_window(source, encoding, body, (nominal, window), is_last, keep)
            })
            .collect()
    };
    // Feeds one group's lines to the splitter in order (while the next group is decoded).
    let mut feed = |outputs: Vec<std::io::Result<Lines>>| -> bool {
        for output in outputs {
            match output {
                Ok(lines) => {
                    had_errors |= lines.had_errors;
                    cut_lines += lines.cut;
                    lines.feed(&mut splitter);
                    hand_over(splitter.take_finished(), &mut problems);
                }
                Err(e) => {
                    read_error = Some(e);
                    return false;
                }
            }
        }
        true
    };
    let mut pending: Option<Vec<std::io::Result<Lines>>> = None;
    for (g, firsts) in starts.chunks(group).enumerate() {
        let (fed, outputs) = rayon::join(
            || pending.take().is_none_or(&mut feed),
            || decode_group(g, firsts),
        );
        if !fed {
            break;
        }
        pending = Some(outputs);
    }
    if let Some(outputs) = pending {
        feed(outputs);
    }
    let mut session_problems = std::mem::take(&mut problems);
    hand_over(splitter.finish(), &mut session_problems);
    if let Some(e) = read_error {
        problems.push(format!(
            "{path}: reading failed part way ({e}); the lines before were read"
        ));
    }
    if had_errors {
        problems.push(format!(
            "{path}: some bytes are not valid {} and were replaced",
            encoding.as_str()
        ));
    }
    if cut_lines > 0 {
        problems.push(format!(
            "{path}: {cut_lines} line(s) or pieces of lines longer than {} MiB were cut (damage, not log lines)",
            MAX_KEPT_LINE >> 20
        ));
    }
    problems.extend(session_problems);
    MsiLogFile {
        encoding,
        sessions: Vec::new(),
        problems,
    }
}

/// Reads a pasted excerpt already brought back to one log line per line
/// (`src/input/paste.rs`): `origins[i]` is the physical line of the file that line `i + 1`
/// came from, and every line number in the result (events, session bounds, problems) is the
/// file's own. `keep`: the routine lines the user's rules match, as for [`read_source_keeping`].
pub fn read_excerpt(
    path: &Arc<str>,
    lines: &[String],
    origins: &[u64],
    encoding: TextEncoding,
    options: SessionOptions,
    keep: Option<&ExtraKeep>,
) -> MsiLogFile {
    let mut splitter = session::Splitter::new(path, options);
    for line in lines {
        splitter.push(classify_keeping(line, keep, true));
    }
    let mut sessions = splitter.finish();
    let map = |n: u64| {
        n.checked_sub(1)
            .and_then(|i| origins.get(i as usize))
            .copied()
            .unwrap_or(n)
    };
    for s in &mut sessions {
        s.first_line = map(s.first_line);
        s.last_line = map(s.last_line);
        for e in &mut s.events {
            e.origin.line = e.origin.line.map(map);
        }
    }
    let problems = session_problems(path, &sessions);
    MsiLogFile {
        encoding,
        sessions,
        problems,
    }
}

/// What the reader says about each session: no header, no footer, an uncertain date order.
fn session_problems(path: &Arc<str>, sessions: &[LogSession]) -> Vec<String> {
    sessions
        .iter()
        .enumerate()
        .flat_map(|(i, s)| session_problems_of(path, i + 1, s))
        .collect()
}

/// [`session_problems`] of the file's `n`-th session (from 1).
fn session_problems_of(path: &Arc<str>, n: usize, s: &LogSession) -> Vec<String> {
    let mut problems = Vec::new();
    if !s.has_header {
        problems.push(format!(
            "{path}: lines {}-{} have no `Verbose logging started` header (a fragment of a log?); dates are unknown there",
            s.first_line, s.last_line
        ));
    }
    if s.truncated {
        problems.push(format!(
            "{path}: session {} (from line {}) has no `Logging stopped` footer: the log is truncated after line {}",
            n,
            s.first_line,
            s.last_line
        ));
    }
    if let Some(d) = &s.date_order {
        if !d.certain {
            problems.push(format!("{path}: session {}: {}", n, d.reason));
        }
    }
    problems
}

/// The classified lines of one window.
struct Lines {
    lines: Vec<Slot>,
    /// The window's kept lines, in order: each one's range in `kept_text` (the window's decoded
    /// text) and what it says. No box and no string per kept line on the decoding thread: the
    /// splitting thread makes the events' texts, and frees the window's lists at once.
    kept: Vec<(std::ops::Range<usize>, ParsedLine)>,
    kept_text: String,
    had_errors: bool,
    /// Lines longer than [`MAX_KEPT_LINE`] (cut) or pieces of such lines (dropped).
    cut: u64,
}

/// One line of a window: classified, or the window's next kept line (`Lines::kept`).
enum Slot {
    Line(Classified),
    Kept,
}

impl Lines {
    /// Feeds the window's lines to the splitter in order.
    fn feed(self, splitter: &mut session::Splitter) {
        let Lines {
            lines,
            kept,
            kept_text,
            ..
        } = self;
        let mut kept = kept.into_iter();
        for slot in lines {
            match slot {
                Slot::Line(line) => splitter.push(line),
                Slot::Kept => {
                    if let Some((range, parsed)) = kept.next() {
                        let text = kept_text.get(range).unwrap_or_default().to_string();
                        splitter.push_kept(text, parsed);
                    }
                }
            }
        }
    }

    /// Classifies one line of the window (see [`decide`]): `raw`, which starts at byte `at` of
    /// the window's text (the text that becomes `kept_text`).
    fn push(&mut self, raw: &str, at: usize, keep: Option<&ExtraKeep>, may_match: bool) {
        match decide(raw, keep, may_match) {
            Decided::Line(line) => self.lines.push(Slot::Line(line)),
            Decided::Kept(text, parsed) => {
                // The kept text is `raw` or a prefix of it (a `\r` cut off).
                let start = at + (text.as_ptr() as usize - raw.as_ptr() as usize);
                self.kept.push((start..start + text.len(), parsed));
                self.lines.push(Slot::Kept);
            }
        }
    }
}

/// Longest line kept whole; longer lines (damage, not log lines) keep their first part.
const MAX_KEPT_LINE: usize = 1 << 20;

/// Keeps at most [`MAX_KEPT_LINE`] bytes of a line (at a character boundary).
fn capped<'a>(line: &'a str, cut: &mut u64) -> &'a str {
    if line.len() <= MAX_KEPT_LINE {
        return line;
    }
    *cut += 1;
    let mut end = MAX_KEPT_LINE;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    &line[..end]
}

/// Decodes and classifies the lines of the window that starts at the first line break at or
/// after `nominal` (`body`, the first byte after the BOM, for the first window) and ends at the
/// first line break at or after `nominal + window` (the end of the input for the last one).
fn decode_window(
    source: &Source,
    encoding: TextEncoding,
    body: u64,
    (nominal, window): (u64, usize),
    is_last: bool,
    keep: Option<&ExtraKeep>,
) -> std::io::Result<Lines> {
    let len = source.len();
    // `start_is_break`: the window starts just after a line break (not inside an over-long line).
    let (start, start_is_break) = if nominal == body {
        (body, true)
    } else {
        line_boundary(source, encoding, body, nominal)?
    };
    let end = if is_last {
        len
    } else {
        line_boundary(source, encoding, body, nominal + window as u64)?.0
    };
    let mut lines = Lines {
        lines: Vec::new(),
        kept: Vec::new(),
        kept_text: String::new(),
        had_errors: false,
        cut: 0,
    };
    // Counted apart from `lines`: `lines.push` takes each line through `capped`.
    let mut cut = 0u64;
    if start < end || is_last {
        source.with(start, (end.max(start) - start) as usize, |raw| {
            // The decoded text stays with the window: its kept lines are ranges of it.
            let mut text = String::new();
            lines.had_errors = decode_append(raw, encoding, &mut text);
            lines.lines.reserve(text.len() / 80);
            // A real log keeps about a third of its lines (about 100 bytes each).
            lines.kept.reserve(text.len() / 300);
            // With user line patterns: one search over the window names the candidate lines.
            let candidates = keep.and_then(|k| k.line_candidates(&text));
            let mut hit = 0;
            let mut may_match = |from: usize, to: usize| match &candidates {
                None => keep.is_some(),
                Some(c) => {
                    while c.get(hit).is_some_and(|&(_, end)| end < from) {
                        hit += 1;
                    }
                    c.get(hit).is_some_and(|&(start, _)| start <= to)
                }
            };
            let mut from = 0;
            // Inside an over-long line: its rest up to the next break is dropped (counted).
            let mut skip = !start_is_break;
            for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
                if std::mem::take(&mut skip) {
                    cut += 1;
                } else {
                    let candidate = may_match(from, nl);
                    lines.push(capped(&text[from..nl], &mut cut), from, keep, candidate);
                }
                from = nl + 1;
            }
            // A window ends just after a line break: the empty piece after it is the next
            // window's first line, except at the end of the input.
            if skip {
                cut += 1;
            } else if is_last || from < text.len() {
                let candidate = may_match(from, text.len());
                lines.push(capped(&text[from..], &mut cut), from, keep, candidate);
            }
            lines.kept_text = text;
        })?;
    }
    lines.cut = cut;
    Ok(lines)
}

/// The position just after the first line break at or after `from` and `true`; the end of the
/// input when there is none (`true`: the input ends there); `from + MAX_LINE` and `false` when
/// the break is farther than that (the position is inside an over-long line).
fn line_boundary(
    source: &Source,
    encoding: TextEncoding,
    body: u64,
    from: u64,
) -> std::io::Result<(u64, bool)> {
    let len = source.len();
    let wide = !matches!(
        encoding,
        TextEncoding::Utf8 | TextEncoding::Utf8Bom | TextEncoding::Windows1252
    );
    // UTF-16 code units are aligned on the body's parity.
    let from = if wide && (from - body) % 2 == 1 {
        from + 1
    } else {
        from
    };
    const STEP: usize = 64 << 10;
    let mut at = from;
    while at < len && at < from + MAX_LINE as u64 {
        let found = source.with(at, STEP, |raw| {
            let mut i = 0;
            while let Some(j) = memchr::memchr(b'\n', &raw[i..]) {
                let p = i + j;
                let hit = match encoding {
                    TextEncoding::Utf16LeBom | TextEncoding::Utf16LeNoBom => {
                        p % 2 == 0 && raw.get(p + 1) == Some(&0)
                    }
                    TextEncoding::Utf16BeBom => p % 2 == 1 && raw[p - 1] == 0,
                    _ => true,
                };
                if hit {
                    return Some(
                        p + if wide { 2 } else { 1 }
                            - usize::from(encoding == TextEncoding::Utf16BeBom),
                    );
                }
                i = p + 1;
            }
            None
        })?;
        if let Some(p) = found {
            return Ok(((at + p as u64).min(len), true));
        }
        at += STEP as u64;
    }
    let stop = from + MAX_LINE as u64;
    Ok((stop.min(len), stop >= len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::msilog::dates::DateHint;

    fn log_text() -> String {
        let mut text = String::new();
        for s in 0..3 {
            text.push_str(&format!("=== Verbose logging started: 3/1{s}/2025  23:59:{s}0  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===\r\n"));
            for i in 0..200 {
                text.push_str(&format!("MSI (s) (A0:C8) [23:59:{:02}:{:03}]: Component: C{i}; Installed: Absent;   Request: Local;   Action: Local\r\n", (i / 10) % 60, i));
                if i % 5 == 0 {
                    for msg in [
                        "Executing op: FileCopy(SourceName=a|b,DestName=C:\\Temp\\b)",
                        "Something failed here",
                        "Executing op: ProgressTotal(Total=1)",
                        "Not here",
                        "TEMPLATE",
                    ] {
                        text.push_str(&format!(
                            "MSI (s) (A0!C8) [23:59:{:02}:{:03}]: {msg}\r\n",
                            (i / 10) % 60,
                            i
                        ));
                    }
                }
                if i % 17 == 0 {
                    text.push_str(&format!(
                        "Property(S): P{i} = first é\r\nsecond line\r\n\r\n"
                    ));
                    text.push_str(&format!("MSI (s) (A0:C8) [00:00:{:02}:000]: Note: 1: 2203 2: C:\\Windows\\Installer\\inprogressinstallinfo.ipi 3: -2147287035\n", i % 60));
                }
            }
            if s < 2 {
                text.push_str("=== Verbose logging stopped: 3/14/2025  0:01:00 ===\r\n");
            }
        }
        text
    }

    type Summary = (Vec<(u64, u64, Vec<(Option<u64>, String)>)>, Vec<String>);

    fn sessions(bytes: &[u8], window: usize) -> Summary {
        let f = read_windowed(
            &Arc::from("t.log"),
            &Source::Memory(bytes),
            SessionOptions {
                date_hint: DateHint::None,
            },
            window,
            None,
        );
        let s = f
            .sessions
            .iter()
            .map(|s| {
                (
                    s.first_line,
                    s.last_line,
                    s.events
                        .iter()
                        .map(|e| (e.origin.line, format!("{:?} {}", e.time, e.text)))
                        .collect(),
                )
            })
            .collect();
        (s, f.problems)
    }

    #[test]
    fn windows_of_any_size_read_the_same_sessions() {
        let text = log_text();
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let mut utf16_odd = utf16[2..].to_vec();
        utf16_odd.push(b'x');
        for bytes in [text.as_bytes().to_vec(), utf16, utf16_odd] {
            let whole = sessions(&bytes, usize::MAX / 4);
            assert_eq!(whole.0.len(), 3);
            // The same sessions as one stream of lines through the splitter.
            let mut splitter = session::Splitter::new(
                &Arc::from("t.log"),
                SessionOptions {
                    date_hint: DateHint::None,
                },
            );
            crate::input::decode::decode_lines(&bytes, detect(&bytes), |l| splitter.push_line(l));
            let streamed: Vec<_> = splitter
                .finish()
                .iter()
                .map(|s| {
                    let events = s.events.iter();
                    (
                        s.first_line,
                        s.last_line,
                        events
                            .map(|e| (e.origin.line, format!("{:?} {}", e.time, e.text)))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            assert_eq!(streamed, whole.0);
            for window in [1, 2, 3, 5, 64, 1001, 4096] {
                assert_eq!(sessions(&bytes, window), whole, "window {window}");
            }
        }
    }
}
