//! A fast CSV record splitter for the regular shape Procmon writes: every field quoted (or
//! plain without quotes), `""` inside quotes, records ended by CRLF, LF or CR, blank lines
//! skipped. On that shape it gives exactly the records of the `csv` crate (flexible, no escape
//! character); it jumps from quote to quote with `memchr` instead of stepping byte by byte.
//!
//! Anything it does not handle the way the crate would (text after a closing quote, a quote
//! left open at the end of the input) is reported as [`Step::Irregular`] and the caller hands
//! that part to the crate. It must never guess.

use memchr::{memchr, memchr3};

/// A field: `start..end` in the buffer, `escaped` when it holds `""` pairs to collapse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub start: usize,
    pub end: usize,
    pub escaped: bool,
}

impl Span {
    /// The field's value (`""` collapsed to `"`), appended to `out`.
    pub fn push_value(&self, buf: &[u8], out: &mut Vec<u8>) {
        let raw = &buf[self.start..self.end];
        if !self.escaped {
            out.extend_from_slice(raw);
            return;
        }
        let mut rest = raw;
        while let Some(q) = memchr(b'"', rest) {
            out.extend_from_slice(&rest[..=q]);
            rest = rest.get(q + 2..).unwrap_or(&[]);
        }
        out.extend_from_slice(rest);
    }

    pub fn raw<'b>(&self, buf: &'b [u8]) -> &'b [u8] {
        &buf[self.start..self.end]
    }
}

/// What one call of [`next_record`] found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// A record starting at `start` (after skipped line breaks); the next one may start at `next`.
    Record { start: usize, next: usize },
    /// Nothing but line breaks up to the end of the buffer.
    End,
    /// The record starting at `start` runs past the end of the buffer (which is not the end of
    /// the input): read more.
    NeedMore { start: usize },
    /// A shape the crate reads differently: leave this record to it.
    Irregular { start: usize },
}

/// Reads the record at `pos` (line breaks before it are skipped); its fields go to `fields`.
/// `at_eof`: the buffer ends where the input ends.
pub(super) fn next_record(buf: &[u8], pos: usize, at_eof: bool, fields: &mut Vec<Span>) -> Step {
    fields.clear();
    let mut at = skip_line_breaks(buf, pos);
    if at >= buf.len() {
        return Step::End;
    }
    let start = at;
    loop {
        // One field starting at `at`.
        if buf.get(at) == Some(&b'"') {
            let open = at + 1;
            let mut search = open;
            let mut escaped = false;
            let close = loop {
                match memchr(b'"', &buf[search..]) {
                    Some(i) => {
                        let q = search + i;
                        match buf.get(q + 1) {
                            Some(b'"') => {
                                escaped = true;
                                search = q + 2;
                            }
                            Some(_) => break q,
                            None if at_eof => break q,
                            None => return Step::NeedMore { start },
                        }
                    }
                    None if at_eof => return Step::Irregular { start },
                    None => return Step::NeedMore { start },
                }
            };
            fields.push(Span {
                start: open,
                end: close,
                escaped,
            });
            at = close + 1;
            match buf.get(at) {
                Some(b',') => at += 1,
                Some(b'\r' | b'\n') | None => return end_record(buf, start, at),
                Some(_) => return Step::Irregular { start },
            }
        } else {
            match memchr3(b',', b'\r', b'\n', &buf[at..]) {
                Some(i) => {
                    let stop = at + i;
                    fields.push(Span {
                        start: at,
                        end: stop,
                        escaped: false,
                    });
                    if buf[stop] == b',' {
                        at = stop + 1;
                    } else {
                        return end_record(buf, start, stop);
                    }
                }
                None if at_eof => {
                    fields.push(Span {
                        start: at,
                        end: buf.len(),
                        escaped: false,
                    });
                    return Step::Record {
                        start,
                        next: buf.len(),
                    };
                }
                None => return Step::NeedMore { start },
            }
        }
        if at >= buf.len() {
            // A delimiter was the last byte: one more (empty) field, at the end of the input.
            if at_eof {
                fields.push(Span {
                    start: at,
                    end: at,
                    escaped: false,
                });
                return Step::Record { start, next: at };
            }
            return Step::NeedMore { start };
        }
    }
}

/// The record ends at `at` (a line break or the end of the buffer).
fn end_record(buf: &[u8], start: usize, at: usize) -> Step {
    let next = match buf.get(at) {
        Some(b'\r') if buf.get(at + 1) == Some(&b'\n') => at + 2,
        Some(b'\r' | b'\n') => at + 1,
        _ => at,
    };
    Step::Record { start, next }
}

/// The first position at or after `pos` that is not a line break.
pub(super) fn skip_line_breaks(buf: &[u8], mut pos: usize) -> usize {
    while matches!(buf.get(pos), Some(b'\r' | b'\n')) {
        pos += 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records of `text` by this splitter, or None when it defers to the crate.
    fn split(text: &str) -> Option<Vec<Vec<Vec<u8>>>> {
        let buf = text.as_bytes();
        let mut fields = Vec::new();
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            match next_record(buf, pos, true, &mut fields) {
                Step::Record { next, .. } => {
                    out.push(
                        fields
                            .iter()
                            .map(|f| {
                                let mut v = Vec::new();
                                f.push_value(buf, &mut v);
                                v
                            })
                            .collect(),
                    );
                    pos = next;
                }
                Step::End => return Some(out),
                Step::NeedMore { .. } => panic!("at eof"),
                Step::Irregular { .. } => return None,
            }
        }
    }

    fn crate_split(text: &str) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        r.byte_records()
            .map(|rec| rec.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    #[test]
    fn same_records_as_the_csv_crate() {
        for text in [
            "\"a\",\"b\"\r\n\"c\",\"d\"\r\n",
            "a,b\nc,d",
            "\"x \"\"y\"\" z\",\"multi\r\nline\",plain\r\n\r\n\r\n\"last\"",
            "a,,b,\r\n,\n\"\"\r\n\"\"\"\"\n",
            "a\rb\r\n\nc\r",
            "one\n\"two, three\",four\r\nfi\"ve,six\n",
            "",
            "\r\n\r\n",
            "x,",
        ] {
            assert_eq!(split(text).as_ref(), Some(&crate_split(text)), "{text:?}");
        }
    }

    #[test]
    fn irregular_shapes_are_left_to_the_crate() {
        assert_eq!(split("\"ab\"c,d\n"), None);
        assert_eq!(split("\"open"), None);
    }

    #[test]
    fn a_cut_buffer_asks_for_more() {
        let mut fields = Vec::new();
        for cut in ["\"ab", "\"ab\"", "ab", "a,", "\"a\"\""] {
            assert!(
                matches!(
                    next_record(cut.as_bytes(), 0, false, &mut fields),
                    Step::NeedMore { start: 0 }
                ),
                "{cut}"
            );
        }
        assert_eq!(
            next_record(b"\r\n\"a\"\r\n", 0, false, &mut fields),
            Step::Record { start: 2, next: 7 }
        );
    }
}
