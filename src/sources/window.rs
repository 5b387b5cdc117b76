//! Where a reader's bytes come from: a slice already in memory, or a file read window by window
//! (large inputs), so that memory holds a few windows per thread instead of the whole file.
//!
//! Readers ask for byte ranges; an in-memory source lends them without copying, a file source
//! reads them into a per-thread buffer that is reused from window to window. This module only
//! moves bytes: it must not interpret them.

use std::cell::RefCell;
use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The bytes of one input.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// The whole input, in memory.
    Memory(&'a [u8]),
    /// A file on disk (read-only), `len` bytes long when it was opened.
    File { file: &'a File, len: u64 },
}

impl<'a> Source<'a> {
    /// An open file, with its current length.
    pub fn file(file: &'a File) -> io::Result<Source<'a>> {
        Ok(Source::File {
            file,
            len: file.metadata()?.len(),
        })
    }

    pub fn len(&self) -> u64 {
        match self {
            Source::Memory(b) => b.len() as u64,
            Source::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole input when it is in memory.
    pub fn memory(&self) -> Option<&'a [u8]> {
        match self {
            Source::Memory(b) => Some(b),
            Source::File { .. } => None,
        }
    }

    /// Bytes `offset..offset + len` (fewer at the end of the input), borrowed from memory or
    /// read into `buf`.
    pub fn read<'b>(&'b self, offset: u64, len: usize, buf: &'b mut Vec<u8>) -> io::Result<&'b [u8]>
    where
        'a: 'b,
    {
        let end = offset.saturating_add(len as u64).min(self.len());
        let start = offset.min(end);
        match self {
            Source::Memory(b) => Ok(&b[start as usize..end as usize]),
            Source::File { file, .. } => {
                let want = (end - start) as usize;
                // Grown, never shrunk: a reused buffer is not zeroed again for every window.
                if buf.len() < want {
                    buf.resize(want, 0);
                }
                let got = read_at(file, start, &mut buf[..want])?;
                Ok(&buf[..got])
            }
        }
    }

    /// Bytes `offset..offset + len` as an owned vector (tables and headers).
    pub fn read_vec(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        if let Source::Memory(b) = self {
            let end = offset.saturating_add(len as u64).min(b.len() as u64) as usize;
            return Ok(b[(offset as usize).min(end)..end].to_vec());
        }
        let mut buf = Vec::new();
        let got = self.read(offset, len, &mut buf)?.len();
        buf.truncate(got);
        Ok(buf)
    }

    /// Calls `f` with bytes `offset..offset + len`, read into this thread's reusable buffer.
    pub fn with<R>(&self, offset: u64, len: usize, f: impl FnOnce(&[u8]) -> R) -> io::Result<R> {
        if let Source::Memory(b) = self {
            let end = offset.saturating_add(len as u64).min(b.len() as u64) as usize;
            return Ok(f(&b[(offset as usize).min(end)..end]));
        }
        BUFFER.with(|cell| {
            let mut buf = cell.take();
            let result = self.read(offset, len, &mut buf).map(f);
            // Keep a moderate buffer for the next window; give back huge ones.
            if buf.capacity() <= MAX_KEPT_BUFFER {
                cell.replace(buf);
            }
            result
        })
    }
}

/// The window size set by [`set_test_window`] (0: the readers' own sizes).
static TEST_WINDOW: AtomicUsize = AtomicUsize::new(0);

/// For tests only: makes every windowed reader cut its input into tiny windows, so that small
/// inputs cross many window boundaries — `units` bytes per window for the MSI log and Procmon
/// CSV readers and the PML record walk (and the bytes read past a PML batch), records per PML
/// batch, chunks per EVTX read. `None` restores the readers' own sizes. Process-wide: a test
/// binary that sets it must not read other inputs concurrently.
#[doc(hidden)]
pub fn set_test_window(units: Option<usize>) {
    TEST_WINDOW.store(units.map_or(0, |u| u.max(1)), Ordering::SeqCst);
}

/// `own` (a reader's window size), unless a test set another with [`set_test_window`].
pub(crate) fn window_or(own: usize) -> usize {
    match TEST_WINDOW.load(Ordering::Relaxed) {
        0 => own,
        units => units,
    }
}

/// Reused buffers above this size are freed after use.
const MAX_KEPT_BUFFER: usize = 64 << 20;

thread_local! {
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Reads as much of `buf` as the file holds from `offset` (short only at the end of the file).
fn read_at(file: &File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match read_at_once(file, offset + done as u64, &mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(unix)]
fn read_at_once(file: &File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at_once(file: &File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
fn read_at_once(file: &File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_test_window_replaces_every_reader_window_until_reset() {
        // A huge test window: harmless to the other tests of this binary reading meanwhile
        // (a tiny one would slow them down).
        set_test_window(Some(1 << 30));
        let set = (window_or(1 << 20), window_or(32));
        set_test_window(None);
        assert_eq!(set, (1 << 30, 1 << 30));
        assert_eq!(window_or(1 << 20), 1 << 20);
    }

    #[test]
    fn memory_and_file_sources_agree() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(&data).unwrap();
        let file = File::open(tmp.path()).unwrap();
        let disk = Source::file(&file).unwrap();
        let mem = Source::Memory(&data);
        assert_eq!(disk.len(), mem.len());
        for (offset, len) in [(0, 10), (99_990, 100), (5000, 70_000), (200_000, 5)] {
            let mut a = Vec::new();
            let mut b = Vec::new();
            assert_eq!(
                disk.read(offset, len, &mut a).unwrap(),
                mem.read(offset, len, &mut b).unwrap()
            );
            let x = disk.with(offset, len, |w| w.to_vec()).unwrap();
            assert_eq!(x, mem.read_vec(offset, len).unwrap());
        }
    }
}
