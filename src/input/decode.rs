//! Turns the raw bytes of a text input into a `String`, detecting the encoding from the bytes.
//!
//! Handles UTF-16LE (with or without BOM), UTF-16BE with BOM, UTF-8 (with or without BOM) and
//! falls back to Windows-1252 ("ANSI"). It must not guess from file names and must never fail:
//! undecodable bytes become U+FFFD and are counted so the caller can report them.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use serde::Serialize;

/// The encoding a text input was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TextEncoding {
    #[serde(rename = "utf-16le")]
    Utf16LeBom,
    #[serde(rename = "utf-16le-nobom")]
    Utf16LeNoBom,
    #[serde(rename = "utf-16be")]
    Utf16BeBom,
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl TextEncoding {
    pub fn as_str(&self) -> &'static str {
        match self {
            TextEncoding::Utf16LeBom => "utf-16le",
            TextEncoding::Utf16LeNoBom => "utf-16le-nobom",
            TextEncoding::Utf16BeBom => "utf-16be",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }

    fn codec(&self) -> &'static Encoding {
        match self {
            TextEncoding::Utf16LeBom | TextEncoding::Utf16LeNoBom => UTF_16LE,
            TextEncoding::Utf16BeBom => UTF_16BE,
            TextEncoding::Utf8Bom | TextEncoding::Utf8 => UTF_8,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }

    /// Bytes of the byte-order mark the encoding was detected by (0 without one).
    pub(crate) fn bom_len(&self) -> usize {
        match self {
            TextEncoding::Utf16LeBom | TextEncoding::Utf16BeBom => 2,
            TextEncoding::Utf8Bom => 3,
            _ => 0,
        }
    }
}

/// Decoded text plus what was learnt while decoding.
#[derive(Debug)]
pub struct DecodedText {
    pub text: String,
    pub encoding: TextEncoding,
    /// True when some bytes could not be decoded and were replaced.
    pub had_errors: bool,
}

/// Detects the encoding of `bytes` from BOMs and byte statistics.
pub fn detect(bytes: &[u8]) -> TextEncoding {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return TextEncoding::Utf16LeBom;
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return TextEncoding::Utf16BeBom;
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return TextEncoding::Utf8Bom;
    }
    if looks_like_utf16le(bytes) {
        return TextEncoding::Utf16LeNoBom;
    }
    let sample = &bytes[..bytes.len().min(1 << 20)];
    match std::str::from_utf8(sample) {
        Ok(_) => TextEncoding::Utf8,
        // A UTF-8 sequence cut by the sample boundary is still UTF-8.
        Err(e) if e.error_len().is_none() => TextEncoding::Utf8,
        Err(_) => TextEncoding::Windows1252,
    }
}

/// ASCII-heavy UTF-16LE text has a zero in most odd positions and few in even ones.
fn looks_like_utf16le(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return false;
    }
    let pairs = sample.len() / 2;
    let odd_zero = sample.chunks_exact(2).filter(|p| p[1] == 0).count();
    let even_zero = sample.chunks_exact(2).filter(|p| p[0] == 0).count();
    odd_zero * 10 >= pairs * 7 && even_zero * 10 <= pairs
}

/// Decodes `bytes` with the detected encoding.
pub fn decode(bytes: &[u8]) -> DecodedText {
    let encoding = detect(bytes);
    let body = &bytes[encoding.bom_len()..];
    let (text, had_errors) = encoding.codec().decode_without_bom_handling(body);
    DecodedText {
        text: text.into_owned(),
        encoding,
        had_errors,
    }
}

/// Decodes `raw` (a whole piece of text in `encoding`, without its BOM, ending where the input
/// or a line ends) and appends it to `text`; true when some bytes were replaced. UTF-16LE, the
/// encoding of nearly every verbose MSI log, goes through its ASCII fast path (`utf16.rs`).
pub fn decode_append(raw: &[u8], encoding: TextEncoding, text: &mut String) -> bool {
    if matches!(
        encoding,
        TextEncoding::Utf16LeBom | TextEncoding::Utf16LeNoBom
    ) {
        return super::utf16::utf16le_append(raw, text);
    }
    let mut decoder = encoding.codec().new_decoder_without_bom_handling();
    text.reserve(
        decoder
            .max_utf8_buffer_length(raw.len())
            .unwrap_or(raw.len() * 3),
    );
    decoder.decode_to_string(raw, text, true).2
}

/// Decodes `bytes` (in `encoding`) piece by piece and calls `on_line` for every physical line
/// (split on `\n`, the `\r` left in place), without holding the whole text in memory.
/// Returns true when some bytes had to be replaced.
pub fn decode_lines(bytes: &[u8], encoding: TextEncoding, on_line: impl FnMut(&str)) -> bool {
    decode_lines_capped(bytes, encoding, usize::MAX, on_line).had_errors
}

/// What [`decode_lines_capped`] met on the way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineStats {
    /// Some bytes had to be replaced.
    pub had_errors: bool,
    /// Lines longer than the cap: only their first `max_line` bytes were passed on.
    pub cut_lines: u64,
}

/// [`decode_lines`] with lines longer than `max_line` bytes cut to their first `max_line`
/// bytes (at a character boundary), so one enormous line costs neither memory nor time beyond
/// the cap. Each new piece of text is searched for line ends once: time is linear in the input.
pub fn decode_lines_capped(
    bytes: &[u8],
    encoding: TextEncoding,
    max_line: usize,
    mut on_line: impl FnMut(&str),
) -> LineStats {
    const CHUNK: usize = 1 << 20;
    let body = &bytes[encoding.bom_len().min(bytes.len())..];
    let mut decoder = encoding.codec().new_decoder_without_bom_handling();
    let mut buf = String::with_capacity(CHUNK * 3 + 16);
    // The line in progress when it spans pieces (at most `max_line` bytes of it).
    let mut pending = String::new();
    let mut cut = false;
    let mut stats = LineStats::default();
    let mut pos = 0;
    loop {
        let end = (pos + CHUNK).min(body.len());
        let last = end == body.len();
        let needed = decoder
            .max_utf8_buffer_length(end - pos)
            .unwrap_or(CHUNK * 3);
        buf.clear();
        buf.reserve(needed);
        let (_, read, errors) = decoder.decode_to_string(&body[pos..end], &mut buf, last);
        stats.had_errors |= errors;
        pos += read;
        let mut rest = buf.as_str();
        while let Some(nl) = memchr::memchr(b'\n', rest.as_bytes()) {
            let piece = &rest[..nl];
            if pending.is_empty() && !cut && piece.len() <= max_line {
                on_line(piece);
            } else {
                cut |= append_capped(&mut pending, piece, max_line);
                on_line(&pending);
                pending.clear();
                stats.cut_lines += u64::from(cut);
                cut = false;
            }
            rest = &rest[nl + 1..];
        }
        cut |= append_capped(&mut pending, rest, max_line);
        if last && pos >= body.len() {
            on_line(&pending);
            stats.cut_lines += u64::from(cut);
            break;
        }
    }
    stats
}

/// Appends as much of `piece` as fits in `max_line` bytes; true when something was left out.
fn append_capped(line: &mut String, piece: &str, max_line: usize) -> bool {
    let room = max_line.saturating_sub(line.len());
    if piece.len() <= room {
        line.push_str(piece);
        return false;
    }
    let mut take = room;
    while !piece.is_char_boundary(take) {
        take -= 1;
    }
    line.push_str(&piece[..take]);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn detects_each_encoding() {
        let s = "=== Verbose logging started: 5/24/2020  11:04:55 ===\r\n";
        assert_eq!(detect(&utf16le(s, true)), TextEncoding::Utf16LeBom);
        assert_eq!(detect(&utf16le(s, false)), TextEncoding::Utf16LeNoBom);
        assert_eq!(detect(s.as_bytes()), TextEncoding::Utf8);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        assert_eq!(detect(&bom), TextEncoding::Utf8Bom);
        assert_eq!(
            detect(b"Soci\xe9t\xe9 Exemple\r\n"),
            TextEncoding::Windows1252
        );
    }

    #[test]
    fn decodes_without_bom_and_keeps_accents() {
        let d = decode(&utf16le("Société", true));
        assert_eq!(d.text, "Société");
        let d = decode(b"Soci\xe9t\xe9");
        assert_eq!(d.text, "Société");
        assert_eq!(d.encoding, TextEncoding::Windows1252);
    }

    #[test]
    fn line_streaming_matches_whole_decoding() {
        let text: String = (0..200_000).map(|i| format!("line {i} é\r\n")).collect();
        for bytes in [utf16le(&text, true), text.clone().into_bytes()] {
            let enc = detect(&bytes);
            let mut lines = Vec::new();
            let errors = decode_lines(&bytes, enc, |l| lines.push(l.to_string()));
            assert!(!errors);
            assert_eq!(lines.join("\n"), text);
        }
        let mut n = 0;
        decode_lines(b"", TextEncoding::Utf8, |_| n += 1);
        assert_eq!(n, 1);
    }

    #[test]
    fn long_lines_are_cut_in_linear_time() {
        let mut text = String::from("short\r\n");
        text.push_str(&"é".repeat(3 << 20));
        text.push_str("\r\nafter\r\n");
        text.push_str(&"x".repeat(5 << 20));
        let mut lines = Vec::new();
        let stats = decode_lines_capped(text.as_bytes(), TextEncoding::Utf8, 1000, |l| {
            lines.push(l.to_string())
        });
        assert_eq!(stats.cut_lines, 2);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "short\r");
        assert_eq!(lines[1], "é".repeat(500));
        assert_eq!(lines[2], "after\r");
        assert_eq!(lines[3].len(), 1000);
        let mut uncapped = Vec::new();
        let stats = decode_lines_capped(b"a\nbb\nccc", TextEncoding::Utf8, 2, |l| {
            uncapped.push(l.to_string())
        });
        assert_eq!(uncapped, ["a", "bb", "cc"]);
        assert_eq!(stats.cut_lines, 1);
    }

    #[test]
    fn odd_length_utf16_is_not_fatal() {
        let mut b = utf16le("abcdefgh", true);
        b.push(0x41);
        let d = decode(&b);
        assert!(d.text.starts_with("abcdefgh"));
        assert!(d.had_errors);
    }
}
