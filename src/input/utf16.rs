//! UTF-16LE to UTF-8 with a fast path for ASCII text, the bulk of every verbose MSI log.
//!
//! The output is exactly what `encoding_rs`'s UTF-16LE decoder gives for the same bytes as a
//! whole input (unpaired surrogates and a trailing odd byte become U+FFFD and are reported):
//! runs of ASCII are narrowed here 32 code units at a time, and everything else (accents,
//! other scripts, surrogate pairs, damage) is handed to that decoder. It must not decode any
//! other encoding and must not panic on any input.

use encoding_rs::UTF_16LE;

/// Bytes looked at per step: 32 UTF-16 code units.
const BLOCK: usize = 64;

/// Appends the decoded `raw` (UTF-16LE without BOM, the whole input: a trailing odd byte is
/// an error) to `out`; true when some bytes were not valid UTF-16 and were replaced.
pub fn utf16le_append(raw: &[u8], out: &mut String) -> bool {
    let mut bytes = std::mem::take(out).into_bytes();
    bytes.reserve(raw.len() / 2 + 16);
    let mut had_errors = false;
    let mut decoder = UTF_16LE.new_decoder_without_bom_handling();
    let mut other = String::new();
    let mut at = 0;
    while at < raw.len() {
        // A run of ASCII blocks, narrowed (up to eight blocks per append).
        loop {
            let mut narrow = [0u8; 8 * BLOCK / 2];
            let mut filled = 0;
            while filled < narrow.len() {
                let Some(block) = raw.get(at..at + BLOCK).and_then(ascii_block) else {
                    break;
                };
                narrow_block(block, &mut narrow[filled..filled + BLOCK / 2]);
                filled += BLOCK / 2;
                at += BLOCK;
            }
            bytes.extend_from_slice(&narrow[..filled]);
            if filled < narrow.len() {
                break;
            }
        }
        if at >= raw.len() {
            break;
        }
        // Up to the next ASCII block (or the end) goes to the decoder; a span never ends on a
        // high surrogate, so the decoder holds nothing back when the fast path resumes.
        let mut end = (at + BLOCK).min(raw.len());
        while end < raw.len() {
            let ascii_next = raw.get(end..end + BLOCK).and_then(ascii_block).is_some();
            let high_last = (0xD8..0xDC).contains(&raw[end - 1]);
            if ascii_next && !high_last {
                break;
            }
            end = (end + BLOCK).min(raw.len());
        }
        other.clear();
        other.reserve(
            decoder
                .max_utf8_buffer_length(end - at)
                .unwrap_or(3 * (end - at)),
        );
        let (_, _, errors) = decoder.decode_to_string(&raw[at..end], &mut other, end == raw.len());
        had_errors |= errors;
        bytes.extend_from_slice(other.as_bytes());
        at = end;
    }
    // Every piece is UTF-8 (ASCII bytes or the decoder's output), so this never replaces.
    *out = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    had_errors
}

/// The low bytes of an ASCII block's code units: four units (8 bytes, high bytes zero) to four
/// bytes, a word at a time.
fn narrow_block(block: &[u8], into: &mut [u8]) {
    for (four, units) in into.chunks_exact_mut(4).zip(block.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(units);
        let x = u64::from_le_bytes(word);
        let x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
        let x = (x | (x >> 16)) & 0xFFFF_FFFF;
        four.copy_from_slice(&(x as u32).to_le_bytes());
    }
}

/// The block when its 32 code units are all ASCII.
fn ascii_block(block: &[u8]) -> Option<&[u8]> {
    let mut or = 0u64;
    for word in block.chunks_exact(8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        or |= u64::from_le_bytes(w);
    }
    (block.len() == BLOCK && or & 0xFF80_FF80_FF80_FF80 == 0).then_some(block)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(raw: &[u8]) -> (String, bool) {
        let mut decoder = UTF_16LE.new_decoder_without_bom_handling();
        let mut text = String::with_capacity(decoder.max_utf8_buffer_length(raw.len()).unwrap());
        let (_, _, errors) = decoder.decode_to_string(raw, &mut text, true);
        (text, errors)
    }

    fn fast(raw: &[u8]) -> (String, bool) {
        let mut text = String::from("kept ");
        let errors = utf16le_append(raw, &mut text);
        (text.strip_prefix("kept ").unwrap().to_string(), errors)
    }

    fn units(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn same_text_and_errors_as_the_decoder_at_every_cut() {
        let mut raw = units(&"MSI (s) (A0:C8) [23:59:00:000]: Doing action: X\r\n".repeat(3));
        raw.extend(units("Größe 日本語 😀 done\r\n"));
        raw.extend([0x00, 0xD8]); // a lone high surrogate
        raw.extend(units(&"a".repeat(70)));
        raw.extend([0x00, 0xDC, 0x41, 0x00]); // a lone low surrogate
        raw.extend(units(&"b".repeat(40)));
        raw.extend(units("😀"));
        raw.push(7); // a trailing odd byte
        for start in 0..raw.len() {
            for end in [
                start,
                start + 1,
                start + 63,
                start + 64,
                start + 65,
                raw.len(),
            ] {
                let piece = &raw[start..end.min(raw.len())];
                assert_eq!(fast(piece), reference(piece), "{start}..{end}");
            }
        }
    }

    #[test]
    fn a_surrogate_pair_across_blocks_stays_whole() {
        for before in 0..70 {
            let text = format!("{}😀{}", "a".repeat(before), "z".repeat(70));
            let raw = units(&text);
            assert_eq!(fast(&raw), (text, false));
        }
    }
}
