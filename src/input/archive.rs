//! Zip archives read in memory, never extracted: lists an archive's entries for discovery
//! (nested archives up to [`max_depth`](super::discover::Limits::max_depth) levels, a damaged
//! archive entry by entry from its local headers), refuses the entries it must not read
//! (traversal names, links, encryption, unsupported compression, the size, ratio and per-run
//! budget [`Limits`](super::discover::Limits)), and decompresses one entry on
//! [`load`](super::discover::load) with its declared size enforced.
//!
//! It must never write anything to disk, never follow a link stored in an archive, and never hold
//! more decompressed data than the limits allow. An archive on disk is read at offsets and never
//! loaded whole; only archives inside archives are held in memory. Walking folders and loading
//! plain files is `discover`'s job, not this module's.

use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use zip::read::read_zipfile_from_stream;
use zip::{CompressionMethod, ZipArchive};

use super::discover::{read_keeping_partial, FileSource, FoundFile, Loaded, Walk};
use super::report::{InputReport, InputStatus};
use super::sniff::InputKind;

/// Where an archive's bytes are: a file on disk (read at offsets, never loaded whole, so a
/// multi-gigabyte archive costs no memory) or memory (an archive inside an archive).
#[derive(Clone)]
pub(super) enum ArchiveBytes {
    File { file: Arc<File>, len: u64 },
    Memory(Arc<Loaded>),
}

/// A reader over an archive that is cheap to clone; each clone keeps its own position, so
/// entries can be decompressed in parallel.
#[derive(Clone)]
struct ArchiveReader {
    bytes: ArchiveBytes,
    pos: u64,
}

impl ArchiveReader {
    fn new(bytes: ArchiveBytes) -> Self {
        ArchiveReader { bytes, pos: 0 }
    }

    fn len(&self) -> u64 {
        match &self.bytes {
            ArchiveBytes::File { len, .. } => *len,
            ArchiveBytes::Memory(b) => b.len() as u64,
        }
    }
}

impl Read for ArchiveReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.len().saturating_sub(self.pos);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match &self.bytes {
            _ if want == 0 => 0,
            ArchiveBytes::File { file, .. } => read_at(file, &mut buf[..want], self.pos)?,
            ArchiveBytes::Memory(b) => {
                let start = self.pos as usize;
                buf[..want].copy_from_slice(&b[start..start + want]);
                want
            }
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for ArchiveReader {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let pos = pos.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        self.pos = pos;
        Ok(pos)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<usize> {
    Err(std::io::Error::other(
        "reading archives on disk is not supported on this platform",
    ))
}

/// An archive whose entries were listed; entries are decompressed from it on [`load`](super::discover::load).
pub struct ArchiveHandle {
    display: String,
    zip: ZipArchive<ArchiveReader>,
}

impl fmt::Debug for ArchiveHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ArchiveHandle({}, {} entries)",
            self.display,
            self.zip.len()
        )
    }
}

impl ArchiveHandle {
    pub(super) fn read_entry(&self, index: usize, size: u64) -> std::io::Result<Loaded> {
        let mut zip = self.zip.clone();
        let file = zip.by_index(index).map_err(zip_to_io)?;
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(16 << 20));
        let loaded = read_keeping_partial(
            file.take(size.saturating_add(1)),
            &mut bytes,
            "the archive entry",
        )?;
        if loaded.len() as u64 > size {
            return Err(std::io::Error::other(format!(
                "the entry holds more data than the {size} bytes its header declares (a zip bomb?): refused"
            )));
        }
        Ok(loaded)
    }
}

fn zip_to_io(e: zip::result::ZipError) -> std::io::Error {
    match e {
        zip::result::ZipError::Io(io) => io,
        other => std::io::Error::other(other.to_string()),
    }
}

impl Walk<'_> {
    /// Lists the entries of an archive given or found on disk. When none of them can be read,
    /// the archive becomes an input of its own (status `empty` or `error`) holding the
    /// problems met, so the report's inputs name it.
    pub(super) fn top_archive(&mut self, display: String, bytes: ArchiveBytes) {
        let (files, problems) = (self.files_found(), self.problems_listed());
        self.archive(display.clone(), bytes, 1);
        if self.files_found() > files {
            return;
        }
        let problems = self.take_problems_from(problems);
        let status = if problems.len() == 1 && problems[0].ends_with(": the archive is empty") {
            InputStatus::Empty
        } else {
            InputStatus::Error
        };
        self.unread_archive(InputReport {
            path: display,
            kind: InputKind::Zip.as_str(),
            encoding: None,
            status,
            problems,
        });
    }

    /// Lists an archive's entries; `depth` is 1 for an archive on disk.
    pub(super) fn archive(&mut self, display: String, bytes: ArchiveBytes, depth: u8) {
        let zip = match ZipArchive::new(ArchiveReader::new(bytes.clone())) {
            Ok(zip) => zip,
            Err(e) => {
                self.problem(format!(
                    "{display}: the archive's directory is unreadable ({e}): reading its entries one by one from the start (a truncated or damaged copy?)"
                ));
                self.salvage(&display, ArchiveReader::new(bytes), depth);
                return;
            }
        };
        if zip.is_empty() {
            self.problem(format!("{display}: the archive is empty"));
            return;
        }
        let total = zip.len();
        if total > self.limits.max_entries {
            self.problem(format!(
                "{display}: the archive has {total} entries; only the first {} are read",
                self.limits.max_entries
            ));
        }
        let handle = Arc::new(ArchiveHandle { display, zip });
        for index in 0..total.min(self.limits.max_entries) {
            self.archive_entry(&handle, index, depth);
        }
    }

    fn archive_entry(&mut self, handle: &Arc<ArchiveHandle>, index: usize, depth: u8) {
        let archive = &handle.display;
        let Ok(entry) = handle.zip.by_index_data(index) else {
            self.problem(format!("{archive}: entry {index} is unreadable: skipped"));
            return;
        };
        let name = entry_name(entry.name(), entry.name_raw());
        let shown = format!("{archive}!{name}");
        if entry.is_dir() {
            return;
        }
        let facts = EntryFacts {
            name: &name,
            symlink: entry.is_symlink(),
            encrypted: entry.encrypted(),
            compression: entry.compression(),
            size: entry.size(),
            compressed: entry.compressed_size(),
        };
        if let Some(reason) = self.refusal(&facts, depth) {
            self.problem(format!("{shown}: {reason}: skipped"));
            return;
        }
        let size = facts.size;
        let mut zip = handle.zip.clone();
        let mut head = [0u8; 4];
        let head = match zip.by_index(index) {
            Ok(mut f) => read_up_to(&mut f, &mut head)
                .map(|n| &head[..n])
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let head = match head {
            Ok(h) => h,
            Err(e) => {
                self.problem(format!("{shown}: cannot read ({e}): skipped"));
                return;
            }
        };
        if is_zip_magic(head) {
            self.nested(handle, index, shown, size, depth);
            return;
        }
        self.budget_used += size;
        self.push(FoundFile {
            display: shown,
            source: FileSource::ZipEntry {
                archive: handle.clone(),
                index,
                name,
                size,
            },
        });
    }

    /// Why an entry is not read, or `None` when it can be.
    fn refusal(&self, e: &EntryFacts<'_>, depth: u8) -> Option<String> {
        if let Some(reason) = unsafe_name(e.name) {
            return Some(format!(
                "{reason} (nothing is ever extracted, but such a name marks a hostile or broken archive)"
            ));
        }
        if e.symlink {
            return Some("a symbolic link stored in the archive (never followed)".into());
        }
        if e.encrypted {
            return Some(
                "encrypted (password-protected): extract it with its password and give the files"
                    .into(),
            );
        }
        if !matches!(
            e.compression,
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Some(format!(
                "compressed with {} which msidiag does not read (only stored and deflate): extract it and give the files",
                e.compression
            ));
        }
        self.size_refusal(e.size, Some(e.compressed), depth)
    }

    /// Size, ratio and budget checks; `compressed` is `None` when unknown.
    fn size_refusal(&self, size: u64, compressed: Option<u64>, _depth: u8) -> Option<String> {
        let l = self.limits;
        if size > l.max_entry_size {
            return Some(format!(
                "{} uncompressed, over the limit of {} for one file",
                human(size),
                human(l.max_entry_size)
            ));
        }
        if let Some(compressed) = compressed {
            if size > l.ratio_min_size && size / compressed.max(1) > l.max_ratio {
                return Some(format!(
                    "compression ratio {}:1 ({} from {}), over the {}:1 allowed (a zip bomb?)",
                    size / compressed.max(1),
                    human(size),
                    human(compressed),
                    l.max_ratio
                ));
            }
        }
        if self.budget_used.saturating_add(size) > l.max_total_uncompressed {
            return Some(format!(
                "{} uncompressed would pass the limit of {} read from archives in one run",
                human(size),
                human(l.max_total_uncompressed)
            ));
        }
        None
    }

    /// An archive inside an archive: decompressed into memory and listed, if deep enough.
    fn nested(
        &mut self,
        handle: &Arc<ArchiveHandle>,
        index: usize,
        shown: String,
        size: u64,
        depth: u8,
    ) {
        if depth >= self.limits.max_depth {
            self.problem(format!(
                "{shown}: an archive nested more than {} levels deep: skipped",
                self.limits.max_depth
            ));
            return;
        }
        if size > self.limits.max_nested_archive_size {
            self.problem(format!(
                "{shown}: a nested archive of {}, over the limit of {} for archives inside archives: skipped",
                human(size),
                human(self.limits.max_nested_archive_size)
            ));
            return;
        }
        match handle.read_entry(index, size) {
            Ok(bytes) => {
                self.budget_used += size;
                if let Some(note) = bytes.note() {
                    self.problem(format!("{shown}: {note}"));
                }
                self.archive(shown, ArchiveBytes::Memory(Arc::new(bytes)), depth + 1);
            }
            Err(e) => self.problem(format!("{shown}: cannot read ({e}): skipped")),
        }
    }

    /// Reads entries one after the other from the local headers, for archives whose central
    /// directory is gone (a cut copy). Output per entry is bounded by the ratio limit applied
    /// to the whole remaining archive, so a bomb cannot expand unchecked.
    fn salvage(&mut self, display: &str, mut cursor: ArchiveReader, depth: u8) {
        let archive_len = cursor.len();
        let mut found = 0usize;
        loop {
            if found >= self.limits.max_entries {
                self.problem(format!(
                    "{display}: more than {} entries: the rest are not read",
                    self.limits.max_entries
                ));
                break;
            }
            let start = cursor.pos;
            let remaining = archive_len.saturating_sub(start);
            let entry = match read_zipfile_from_stream(&mut cursor) {
                Ok(Some(entry)) => entry,
                Ok(None) => break,
                Err(e) => {
                    if found == 0 || start < archive_len {
                        self.problem(format!(
                            "{display}: no further entry could be read after byte {start} ({e})"
                        ));
                    }
                    break;
                }
            };
            found += 1;
            let name = entry_name(entry.name(), entry.name_raw());
            let shown = format!("{display}!{name}");
            if entry.is_dir() {
                continue;
            }
            let facts = EntryFacts {
                name: &name,
                symlink: entry.is_symlink(),
                encrypted: entry.encrypted(),
                compression: entry.compression(),
                size: 0,
                compressed: 0,
            };
            if let Some(reason) = self.refusal(&facts, depth) {
                self.problem(format!("{shown}: {reason}: skipped"));
                continue;
            }
            let l = self.limits;
            let cap = l
                .max_entry_size
                .min(l.max_total_uncompressed.saturating_sub(self.budget_used))
                .min(remaining.saturating_mul(l.max_ratio).max(l.ratio_min_size));
            let mut data = Vec::new();
            let result = entry.take(cap.saturating_add(1)).read_to_end(&mut data);
            let size = data.len() as u64;
            if size > cap {
                self.problem(format!(
                    "{shown}: expands past {} (the size, ratio or per-run limit): skipped",
                    human(cap)
                ));
                break;
            }
            let consumed = cursor.pos.saturating_sub(start);
            if let Some(reason) = self.size_refusal(size, Some(consumed), depth) {
                self.problem(format!("{shown}: {reason}: skipped"));
                continue;
            }
            if let Err(e) = &result {
                if data.is_empty() {
                    self.problem(format!("{shown}: cannot read ({e}): skipped"));
                    break;
                }
                self.problem(format!(
                    "{shown}: damaged after {size} bytes ({e}); the bytes before the damage are read"
                ));
            }
            self.budget_used += size;
            if is_zip_magic(&data) {
                if depth >= l.max_depth {
                    self.problem(format!(
                        "{shown}: an archive nested more than {} levels deep: skipped",
                        l.max_depth
                    ));
                } else {
                    let bytes = ArchiveBytes::Memory(Arc::new(Loaded::owned(data)));
                    self.archive(shown, bytes, depth + 1);
                }
            } else {
                self.push(FoundFile {
                    display: shown,
                    source: FileSource::Salvaged {
                        name,
                        bytes: Arc::from(data),
                    },
                });
            }
            if result.is_err() {
                break;
            }
        }
    }
}

/// What the checks need to know of an archive entry.
struct EntryFacts<'a> {
    name: &'a str,
    symlink: bool,
    encrypted: bool,
    compression: CompressionMethod,
    size: u64,
    compressed: u64,
}

/// An entry's name as the archive decodes it, else its raw bytes read leniently (the central
/// directory's entries and the salvaged local headers are different zip types).
fn entry_name(decoded: zip::result::ZipResult<std::borrow::Cow<'_, str>>, raw: &[u8]) -> String {
    decoded
        .map(|n| n.into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

/// Why an entry name is unsafe: parent-folder steps, absolute paths, drive letters, NUL.
fn unsafe_name(name: &str) -> Option<&'static str> {
    let n = name.replace('\\', "/");
    if n.contains('\0') {
        return Some("the entry name contains a NUL character");
    }
    if n.starts_with('/') {
        return Some("the entry name is an absolute path");
    }
    let b = n.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return Some("the entry name starts with a drive letter");
    }
    if n.split('/').any(|c| c == "..") {
        return Some("the entry name climbs out of the archive (`..`)");
    }
    None
}

/// Reads into `buf` until it is full or the reader ends.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn is_zip_magic(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// True when the file on disk starts like a zip archive (false when it cannot be read).
pub(super) fn starts_like_zip(path: &Path) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let mut head = [0u8; 4];
    matches!(read_up_to(&mut file, &mut head), Ok(4)) && is_zip_magic(&head)
}

/// `1.5 GiB`, `12 MiB`, `300 bytes`.
fn human(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            let whole = n / size;
            let tenth = (n % size) * 10 / size;
            return if tenth == 0 {
                format!("{whole} {unit}")
            } else {
                format!("{whole}.{tenth} {unit}")
            };
        }
    }
    format!("{n} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names() {
        assert!(unsafe_name("logs/install.log").is_none());
        assert!(unsafe_name("a/../../etc/passwd").is_some());
        assert!(unsafe_name("..\\x.log").is_some());
        assert!(unsafe_name("/etc/shadow").is_some());
        assert!(unsafe_name("\\Windows\\x").is_some());
        assert!(unsafe_name("C:/Windows/x.log").is_some());
        assert!(unsafe_name("c:x.log").is_some());
        assert!(unsafe_name("a\0b").is_some());
        assert!(unsafe_name("..log").is_none());
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(300), "300 bytes");
        assert_eq!(human(1 << 20), "1 MiB");
        assert_eq!(human(3 << 29), "1.5 GiB");
    }
}
