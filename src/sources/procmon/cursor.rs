//! A bounds-checked little-endian reader over a byte slice, for PML structures.
//!
//! Every read returns `None` past the end instead of panicking; nothing here allocates more
//! than the bytes actually present. It must not know anything about PML layouts.

/// Reads little-endian values from a slice, moving forward.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    /// A cursor at `offset` of `buf` (reads fail if `offset` is past the end).
    pub fn at(buf: &'a [u8], offset: usize) -> Self {
        Cursor { buf, pos: offset }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let bytes = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        let bytes = self.buf.get(self.pos..).unwrap_or(&[]);
        self.pos = self.buf.len().max(self.pos);
        bytes
    }

    pub fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_le_bytes)
    }

    pub fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    pub fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    pub fn i64(&mut self) -> Option<i64> {
        self.array().map(i64::from_le_bytes)
    }

    /// A pointer-sized value (8 bytes in 64-bit captures, 4 in 32-bit ones).
    pub fn pointer(&mut self, is64: bool) -> Option<u64> {
        if is64 {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }

    pub fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N).and_then(|b| b.try_into().ok())
    }

    /// `n_bytes` of UTF-16LE text (odd byte dropped), trailing NULs removed.
    pub fn utf16(&mut self, n_bytes: usize) -> Option<String> {
        self.take(n_bytes).map(utf16_text)
    }

    /// UTF-16LE text up to a NUL character or the end.
    pub fn utf16_until_nul(&mut self) -> String {
        let rest = self.buf.get(self.pos..).unwrap_or(&[]);
        let units = rest.chunks_exact(2).take_while(|c| c != &[0, 0]).count();
        let text = utf16_text(&rest[..units * 2]);
        self.pos += (units * 2 + 2).min(rest.len());
        text
    }
}

/// Decodes UTF-16LE bytes (lossy), dropping an odd trailing byte and trailing NULs.
pub fn utf16_text(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let mut text = String::from_utf16_lossy(&units);
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
    fn utf16_strings() {
        let bytes = [b'A', 0, b'B', 0, 0, 0, b'C', 0];
        assert_eq!(Cursor::new(&bytes).utf16(6).as_deref(), Some("AB"));
        let mut c = Cursor::new(&bytes);
        assert_eq!(c.utf16_until_nul(), "AB");
        assert_eq!(c.position(), 6);
        assert_eq!(c.utf16_until_nul(), "C");
        assert_eq!(utf16_text(&[b'x', 0, 7]), "x");
    }
}
