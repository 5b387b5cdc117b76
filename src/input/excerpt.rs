//! Re-reads chosen physical lines of a text input (a file on disk or an archive entry), decoded
//! the way the readers decode it (UTF-16LE/BE, UTF-8, Windows-1252, detected from the bytes by
//! `decode.rs`), for the log context that reports show around evidence lines.
//!
//! Lines are numbered from 1 and split on `\n` exactly as the MSI log reader counts them, so a
//! cited `file:line` finds its own line. A file on disk is streamed in pieces and reading stops
//! after the last wanted line: memory holds the wanted lines and one piece, never the file.
//! Each kept line is cut to [`MAX_EXCERPT_LINE`] bytes (and then ends with `…`). This module must not interpret what
//! the lines say.

use std::collections::BTreeMap;
use std::io::Read;

use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::decode::{detect, TextEncoding};
use super::discover::{load, FileSource, FoundFile};

/// Bytes of one line kept for an excerpt (a longer line is cut, at a character boundary).
pub const MAX_EXCERPT_LINE: usize = 500;

/// Bytes read from a disk file at a time.
const PIECE: usize = 1 << 20;

/// Lines of one input, by 1-based line number (a trailing `\r` removed).
pub type ExcerptLines = BTreeMap<u64, String>;

/// The lines of `found` that fall in `ranges` (inclusive, 1-based; any order, may overlap).
/// Lines past the end of the input are simply absent.
pub fn read_lines(found: &FoundFile, ranges: &[(u64, u64)]) -> std::io::Result<ExcerptLines> {
    let mut wanted: Vec<(u64, u64)> = ranges
        .iter()
        .filter(|(a, b)| a <= b)
        .map(|&(a, b)| (a.max(1), b))
        .collect();
    wanted.sort_unstable();
    match &found.source {
        FileSource::Disk(path) => {
            let file = std::fs::File::open(path)?;
            lines_of(file, &wanted)
        }
        FileSource::ZipEntry { .. } | FileSource::Salvaged { .. } => {
            let bytes = load(found)?;
            lines_of(&bytes[..], &wanted)
        }
    }
}

/// Streams `reader`, keeping the lines in `wanted` (sorted by start).
fn lines_of(mut reader: impl Read, wanted: &[(u64, u64)]) -> std::io::Result<ExcerptLines> {
    let mut out = ExcerptLines::new();
    let Some(last_wanted) = wanted.iter().map(|w| w.1).max() else {
        return Ok(out);
    };
    let mut raw = vec![0u8; PIECE];
    let mut head = Vec::new();
    // The first piece decides the encoding, as the readers decide from the first bytes.
    while head.len() < PIECE {
        let n = reader.read(&mut raw)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&raw[..n]);
    }
    let encoding = detect(&head);
    let codec = match encoding {
        TextEncoding::Utf16LeBom | TextEncoding::Utf16LeNoBom => UTF_16LE,
        TextEncoding::Utf16BeBom => UTF_16BE,
        TextEncoding::Utf8Bom | TextEncoding::Utf8 => UTF_8,
        TextEncoding::Windows1252 => WINDOWS_1252,
    };
    let bom = match encoding {
        TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom => 2,
        TextEncoding::Utf8Bom => 3,
        _ => 0,
    };
    let mut decoder = codec.new_decoder_without_bom_handling();
    let mut keeper = Keeper {
        wanted,
        next: 0,
        line: 1,
        pending: String::new(),
        cut: false,
        out: &mut out,
    };
    let mut text = String::new();
    let mut piece: Vec<u8> = head.split_off(bom.min(head.len()));
    loop {
        let last = piece.is_empty();
        text.clear();
        text.reserve(
            decoder
                .max_utf8_buffer_length(piece.len())
                .unwrap_or(PIECE * 3),
        );
        let _ = decoder.decode_to_string(&piece, &mut text, last);
        keeper.feed(&text, last);
        if last || keeper.line > last_wanted {
            break;
        }
        let n = reader.read(&mut raw)?;
        piece.clear();
        piece.extend_from_slice(&raw[..n]);
    }
    Ok(out)
}

/// Splits decoded text into numbered lines and keeps the wanted ones.
struct Keeper<'a> {
    wanted: &'a [(u64, u64)],
    /// The first range that may still hold a wanted line.
    next: usize,
    /// The number of the line in progress.
    line: u64,
    /// The kept part of the line in progress (only when it is wanted).
    pending: String,
    /// The line in progress was cut.
    cut: bool,
    out: &'a mut ExcerptLines,
}

impl Keeper<'_> {
    fn is_wanted(&mut self) -> bool {
        while self.next < self.wanted.len() && self.wanted[self.next].1 < self.line {
            self.next += 1;
        }
        self.wanted
            .get(self.next)
            .is_some_and(|&(a, _)| a <= self.line)
    }

    fn feed(&mut self, mut text: &str, last: bool) {
        while let Some(nl) = memchr::memchr(b'\n', text.as_bytes()) {
            self.take(&text[..nl]);
            self.end_line();
            text = &text[nl + 1..];
        }
        self.take(text);
        if last && !self.pending.is_empty() {
            self.end_line();
        }
    }

    fn take(&mut self, piece: &str) {
        if !self.is_wanted() {
            return;
        }
        let room = MAX_EXCERPT_LINE.saturating_sub(self.pending.len());
        let mut end = piece.len().min(room);
        while !piece.is_char_boundary(end) {
            end -= 1;
        }
        self.pending.push_str(&piece[..end]);
        self.cut |= end < piece.len();
    }

    fn end_line(&mut self) {
        if self.is_wanted() {
            let mut text = std::mem::take(&mut self.pending);
            if text.ends_with('\r') {
                text.pop();
            }
            if std::mem::take(&mut self.cut) {
                text.push('…');
            }
            self.out.insert(self.line, text);
        }
        self.line += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8], ranges: &[(u64, u64)]) -> Vec<(u64, String)> {
        let mut sorted = ranges.to_vec();
        sorted.sort_unstable();
        lines_of(bytes, &sorted).unwrap().into_iter().collect()
    }

    #[test]
    fn numbers_lines_like_the_reader_and_keeps_only_the_wanted_ones() {
        let text = "one\r\ntwo\r\n\r\nfour\r\nfive";
        assert_eq!(
            lines(text.as_bytes(), &[(2, 3), (5, 9)]),
            [
                (2, "two".to_string()),
                (3, String::new()),
                (5, "five".to_string())
            ]
        );
    }

    #[test]
    fn decodes_utf16_and_ansi_like_the_reader() {
        let text = "a\r\nSociété\r\nc\r\n";
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(lines(&utf16, &[(2, 2)]), [(2, "Société".to_string())]);
        assert_eq!(
            lines(b"a\r\nSoci\xe9t\xe9\r\n", &[(2, 2)]),
            [(2, "Société".to_string())]
        );
    }

    #[test]
    fn lines_across_pieces_and_long_lines_are_cut() {
        let mut text = String::new();
        for i in 1..=300_000 {
            text.push_str(&format!("line {i}\n"));
        }
        text.push_str(&"é".repeat(5000));
        text.push('\n');
        let got = lines(text.as_bytes(), &[(150_000, 150_001), (300_001, 300_001)]);
        assert_eq!(got[0], (150_000, "line 150000".to_string()));
        assert_eq!(got[1], (150_001, "line 150001".to_string()));
        assert_eq!(got[2].1.len(), MAX_EXCERPT_LINE + '…'.len_utf8());
        assert!(got[2].1.ends_with("é…"));
    }
}
