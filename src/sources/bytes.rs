//! Little-endian reading and UTF-16LE decoding over byte slices, shared by the binary readers
//! (PML captures, the EVTX pre-scan and template walk).
//!
//! [`Cursor`] reads forward from a position; [`u16_at`], [`u32_at`] and [`u64_at`] read at a
//! fixed offset. Every read returns `None` past the end instead of panicking, and nothing here
//! allocates more than the bytes actually present. The UTF-16 decoders are lossy (an unpaired
//! surrogate becomes U+FFFD) and drop an odd trailing byte. This module must not know any file
//! layout: offsets and structures belong to the readers.

/// Reads little-endian values from a slice, moving forward.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    /// A cursor at `offset` of `buf` (reads fail if `offset` is past the end).
    pub(crate) fn at(buf: &'a [u8], offset: usize) -> Self {
        Cursor { buf, pos: offset }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// The next `n` bytes.
    #[inline]
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let bytes = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }

    /// Everything left.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let bytes = self.buf.get(self.pos..).unwrap_or(&[]);
        self.pos = self.buf.len().max(self.pos);
        bytes
    }

    #[inline]
    pub(crate) fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }

    #[inline]
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    #[inline]
    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_le_bytes)
    }

    #[inline]
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    #[inline]
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    #[inline]
    pub(crate) fn i64(&mut self) -> Option<i64> {
        self.array().map(i64::from_le_bytes)
    }

    /// A pointer-sized value (8 bytes when `is64`, else 4).
    pub(crate) fn pointer(&mut self, is64: bool) -> Option<u64> {
        if is64 {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }

    #[inline]
    pub(crate) fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N).and_then(|b| b.try_into().ok())
    }

    /// `n_bytes` of UTF-16LE text (odd byte dropped), trailing NULs removed.
    pub(crate) fn utf16(&mut self, n_bytes: usize) -> Option<String> {
        self.take(n_bytes).map(utf16_trimmed)
    }

    /// UTF-16LE text up to a NUL character or the end.
    pub(crate) fn utf16_until_nul(&mut self) -> String {
        let rest = self.buf.get(self.pos..).unwrap_or(&[]);
        let units = rest.chunks_exact(2).take_while(|c| c != &[0, 0]).count();
        let text = utf16_trimmed(&rest[..units * 2]);
        self.pos += (units * 2 + 2).min(rest.len());
        text
    }
}

/// The little-endian `u16` at `at`, if the slice holds it.
#[inline]
pub(crate) fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// The little-endian `u32` at `at`, if the slice holds it.
#[inline]
pub(crate) fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The little-endian `u64` at `at`, if the slice holds it.
#[inline]
pub(crate) fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes([
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
    ]))
}

/// The UTF-16LE code units of `bytes` (an odd trailing byte is dropped).
#[inline]
pub(crate) fn utf16_units(bytes: &[u8]) -> impl Iterator<Item = u16> + '_ {
    bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
}

/// Decodes UTF-16LE code units, an unpaired surrogate becoming U+FFFD.
#[inline]
fn decode_lossy(units: impl Iterator<Item = u16>) -> String {
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// All of `bytes` as UTF-16LE text (NULs kept).
pub(crate) fn utf16_lossy(bytes: &[u8]) -> String {
    decode_lossy(utf16_units(bytes))
}

/// UTF-16LE text up to the first NUL character (or the end).
pub(crate) fn utf16_until_nul(bytes: &[u8]) -> String {
    decode_lossy(utf16_units(bytes).take_while(|u| *u != 0))
}

/// UTF-16LE text with its trailing NUL characters removed (NULs inside are kept).
pub(crate) fn utf16_trimmed(bytes: &[u8]) -> String {
    let mut text = utf16_lossy(bytes);
    let trimmed = text.trim_end_matches('\0').len();
    text.truncate(trimmed);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let mut c = Cursor::new(&[1, 0, 2, 0, 0, 0, 9]);
        assert_eq!(c.u16(), Some(1));
        assert_eq!(c.u32(), Some(2));
        assert_eq!(c.u32(), None);
        assert_eq!(c.u8(), Some(9));
        assert_eq!(c.u8(), None);
        assert_eq!(c.take(usize::MAX), None);
        let mut far = Cursor::at(&[1, 2], 10);
        assert_eq!(far.u8(), None);
        assert!(far.rest().is_empty());
        assert_eq!(far.utf16_until_nul(), "");
    }

    #[test]
    fn reads_at_offsets() {
        let data = [1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(u16_at(&data, 0), Some(1));
        assert_eq!(u32_at(&data, 2), Some(2));
        assert_eq!(u64_at(&data, 6), Some(3));
        assert_eq!(u64_at(&data, 7), None);
        assert_eq!(u32_at(&data, usize::MAX), None);
    }

    #[test]
    fn utf16_strings() {
        let bytes = [b'A', 0, b'B', 0, 0, 0, b'C', 0];
        assert_eq!(Cursor::new(&bytes).utf16(6).as_deref(), Some("AB"));
        let mut c = Cursor::new(&bytes);
        assert_eq!(c.utf16_until_nul(), "AB");
        assert_eq!(c.position(), 6);
        assert_eq!(c.utf16_until_nul(), "C");
        assert_eq!(utf16_trimmed(&[b'x', 0, 7]), "x");
        assert_eq!(utf16_until_nul(&bytes), "AB");
        assert_eq!(utf16_lossy(&bytes), "AB\0C");
        assert_eq!(utf16_lossy(&[0x00, 0xd8, b'x', 0]), "\u{fffd}x");
    }
}
