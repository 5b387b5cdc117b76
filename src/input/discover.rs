//! Expands the user's paths into the list of files to read, and loads their bytes.
//!
//! Files are taken as given; folders are walked recursively in a stable (sorted) order; zip
//! archives (recognised by their first bytes, not their name) are listed in memory and their
//! entries become files named `archive.zip!inner/path`, nested archives up to [`Limits::max_depth`]
//! levels. Everything that is not read is reported with the reason, one line per item, and the
//! run goes on: symbolic links (never followed: a link to a place inside the folder is read at
//! its own place, a link outside is never read), pipes and devices, unreadable folder entries,
//! archive entries with traversal names (`..`, absolute paths, drive letters), encrypted or
//! unsupported entries, and entries over the size, compression-ratio (zip bomb) or per-run
//! budget limits of [`Limits`].
//!
//! It must never write anything (nothing is extracted to disk, no file is created beside the
//! inputs), never open a pipe or device (that could block), never follow a link out of a
//! folder, and never hold more decompressed data than the limits allow. [`load`] reads one
//! found file: disk files into memory (the caller reads large ones window by window instead),
//! archive entries decompressed in memory with their declared size enforced. An archive on disk
//! is read at offsets and never loaded whole; only archives inside archives are held in memory.

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;
use zip::read::read_zipfile_from_stream;
use zip::{CompressionMethod, ZipArchive};

/// Limits that keep hostile or damaged inputs from exhausting memory or time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest archive nesting read: 1 = archives given or found on disk, 3 = two archives inside.
    pub max_depth: u8,
    /// Uncompressed bytes taken from archives in one run, all archives together.
    pub max_total_uncompressed: u64,
    /// Uncompressed size of one archive entry.
    pub max_entry_size: u64,
    /// Uncompressed size of an archive inside an archive (it is held in memory for the run).
    pub max_nested_archive_size: u64,
    /// Compression ratio (uncompressed / compressed) refused on entries above `ratio_min_size`.
    pub max_ratio: u64,
    /// Entries smaller than this are never refused for their ratio (tiny files compress well).
    pub ratio_min_size: u64,
    /// Entries read from one archive.
    pub max_entries: usize,
    /// Files read in one run, all paths and archives together.
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 3,
            max_total_uncompressed: 8 << 30,
            max_entry_size: 2 << 30,
            max_nested_archive_size: 1 << 30,
            max_ratio: 100,
            ratio_min_size: 1 << 20,
            max_entries: 100_000,
            max_files: 200_000,
        }
    }
}

/// Problem lines listed one by one; the rest are counted in one last line.
const MAX_PROBLEMS: usize = 1000;

/// The bytes of a loaded file: owned, or shared with an archive listing.
pub struct Loaded {
    repr: Repr,
    note: Option<String>,
}

enum Repr {
    Owned(Vec<u8>),
    Shared(Arc<[u8]>),
}

impl Loaded {
    fn owned(bytes: Vec<u8>) -> Self {
        Loaded {
            repr: Repr::Owned(bytes),
            note: None,
        }
    }

    /// A problem met while loading that did not stop it (the bytes before a read error are
    /// kept): to be reported with the file.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

impl Deref for Loaded {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &self.repr {
            Repr::Owned(v) => v,
            Repr::Shared(a) => a,
        }
    }
}

impl AsRef<[u8]> for Loaded {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl fmt::Debug for Loaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match self.repr {
            Repr::Owned(_) => "owned",
            Repr::Shared(_) => "shared",
        };
        write!(f, "Loaded({how}, {} bytes)", self.len())
    }
}

/// Where an archive's bytes are: a file on disk (read at offsets, never loaded whole, so a
/// multi-gigabyte archive costs no memory) or memory (an archive inside an archive).
#[derive(Clone)]
enum ArchiveBytes {
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

/// An archive whose entries were listed; entries are decompressed from it on [`load`].
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

/// Where a found file's bytes live.
#[derive(Debug, Clone)]
pub enum FileSource {
    Disk(PathBuf),
    /// Entry `index` (named `name` inside its archive) of a listed archive, declared `size`
    /// bytes uncompressed (enforced on load).
    ZipEntry {
        archive: Arc<ArchiveHandle>,
        index: usize,
        name: String,
        size: u64,
    },
    /// An entry (named `name` inside its archive) salvaged from an archive whose directory was
    /// unreadable, already decompressed.
    Salvaged {
        name: String,
        bytes: Arc<[u8]>,
    },
}

/// A file found under the user's paths.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// How the file is named in reports (the path as given, or `archive.zip!inner/path`).
    pub display: String,
    pub source: FileSource,
}

impl FoundFile {
    fn disk(path: PathBuf) -> Self {
        FoundFile {
            display: path.display().to_string(),
            source: FileSource::Disk(path),
        }
    }
}

/// Reads a found file's bytes (read-only). Archive entries were checked against the limits
/// when they were listed; here their declared size is enforced.
pub fn load(found: &FoundFile) -> std::io::Result<Loaded> {
    match &found.source {
        FileSource::Disk(p) => load_disk(p),
        FileSource::ZipEntry {
            archive,
            index,
            size,
            ..
        } => archive.read_entry(*index, *size),
        FileSource::Salvaged { bytes, .. } => Ok(Loaded {
            repr: Repr::Shared(bytes.clone()),
            note: None,
        }),
    }
}

fn load_disk(path: &Path) -> std::io::Result<Loaded> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a pipe, socket or device)",
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).min(1 << 30));
    read_keeping_partial(file, &mut bytes, "the file")
}

/// Reads to the end; on a read error after some bytes, keeps them and notes the error.
fn read_keeping_partial(
    mut reader: impl Read,
    bytes: &mut Vec<u8>,
    what: &str,
) -> std::io::Result<Loaded> {
    match reader.read_to_end(bytes) {
        Ok(_) => Ok(Loaded::owned(std::mem::take(bytes))),
        Err(e) if bytes.is_empty() => Err(e),
        Err(e) => {
            let kept = bytes.len();
            Ok(Loaded {
                repr: Repr::Owned(std::mem::take(bytes)),
                note: Some(format!(
                    "reading {what} failed after {kept} bytes ({e}); the bytes before the damage were read"
                )),
            })
        }
    }
}

impl ArchiveHandle {
    fn read_entry(&self, index: usize, size: u64) -> std::io::Result<Loaded> {
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

/// What discovery found and what it could not look at.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<FoundFile>,
    /// Everything not read, one line each with the reason (the inventory of what was skipped).
    pub problems: Vec<String>,
}

/// Walks every path given with the default [`Limits`]; folders recursively, sorted by name.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    discover_with(paths, &Limits::default())
}

/// Walks every path given; folders recursively, sorted by name; archives listed in memory.
pub fn discover_with(paths: &[PathBuf], limits: &Limits) -> Discovery {
    let mut walk = Walk::new(limits);
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                walk.problem(format!("{}: cannot read: {e}", root.display()));
                continue;
            }
        };
        if meta.is_file() {
            walk.disk_file(root.clone());
        } else if meta.is_dir() {
            walk.folder(root);
        } else {
            walk.problem(format!(
                "{}: not a regular file or folder (a pipe, socket or device): skipped",
                root.display()
            ));
        }
    }
    walk.finish()
}

/// Lists the entries of the zip archive `bytes` (named `display` in reports) as discovery
/// would, for the fuzzer and tests. Entries are loaded with [`load`].
pub fn discover_archive_bytes(display: &str, bytes: Vec<u8>, limits: &Limits) -> Discovery {
    let mut walk = Walk::new(limits);
    let bytes = ArchiveBytes::Memory(Arc::new(Loaded::owned(bytes)));
    walk.archive(display.to_string(), bytes, 1);
    walk.finish()
}

struct Walk<'a> {
    limits: &'a Limits,
    out: Discovery,
    /// Problems not listed (over [`MAX_PROBLEMS`]).
    unlisted: usize,
    /// Canonical paths already taken, so a file given twice is read once.
    seen: HashSet<PathBuf>,
    /// Uncompressed bytes promised to archive entries so far.
    budget_used: u64,
    /// Files not taken because `max_files` was reached.
    over_files: usize,
}

impl<'a> Walk<'a> {
    fn new(limits: &'a Limits) -> Self {
        Walk {
            limits,
            out: Discovery::default(),
            unlisted: 0,
            seen: HashSet::new(),
            budget_used: 0,
            over_files: 0,
        }
    }

    fn finish(mut self) -> Discovery {
        if self.over_files > 0 {
            self.out.problems.push(format!(
                "{} more files were not read: a run reads at most {} files",
                self.over_files, self.limits.max_files
            ));
        }
        if self.unlisted > 0 {
            self.out.problems.push(format!(
                "{} more skipped items are not listed",
                self.unlisted
            ));
        }
        self.out
    }

    fn problem(&mut self, text: String) {
        if self.out.problems.len() < MAX_PROBLEMS {
            self.out.problems.push(text);
        } else {
            self.unlisted += 1;
        }
    }

    fn push(&mut self, file: FoundFile) {
        if self.out.files.len() < self.limits.max_files {
            self.out.files.push(file);
        } else {
            self.over_files += 1;
        }
    }

    fn folder(&mut self, root: &Path) {
        let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let walker = WalkDir::new(root).follow_links(false).sort_by_file_name();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => self.disk_file(e.into_path()),
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) if e.file_type().is_symlink() => {
                    let text = symlink_problem(e.path(), &canonical_root);
                    self.problem(text);
                }
                Ok(e) => self.problem(format!(
                    "{}: not a regular file (a pipe, socket or device): skipped",
                    e.path().display()
                )),
                Err(e) => {
                    let place = e
                        .path()
                        .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                    let why = e
                        .io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string());
                    self.problem(format!(
                        "{place}: cannot read this folder entry ({why}): skipped"
                    ));
                }
            }
        }
    }

    /// A regular file on disk: an archive is listed, anything else is passed on to be read.
    fn disk_file(&mut self, path: PathBuf) {
        if let Ok(canonical) = std::fs::canonicalize(&path) {
            if !self.seen.insert(canonical) {
                self.problem(format!(
                    "{}: given more than once (directly or through a folder): read once",
                    path.display()
                ));
                return;
            }
        }
        if !starts_like_zip(&path) {
            self.push(FoundFile::disk(path));
            return;
        }
        let display = path.display().to_string();
        let opened = File::open(&path).and_then(|f| Ok((f.metadata()?.len(), f)));
        match opened {
            Ok((len, file)) => {
                let file = Arc::new(file);
                self.archive(display, ArchiveBytes::File { file, len }, 1);
            }
            // Unreadable: passed on so the inputs list shows it with the reason.
            Err(_) => self.push(FoundFile::disk(path)),
        }
    }

    /// Lists an archive's entries; `depth` is 1 for an archive on disk.
    fn archive(&mut self, display: String, bytes: ArchiveBytes, depth: u8) {
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

/// Why a symbolic link found in a folder was not followed.
fn symlink_problem(link: &Path, canonical_root: &Path) -> String {
    match std::fs::canonicalize(link) {
        Err(_) => format!(
            "{}: symbolic link whose target is missing or unreadable: skipped",
            link.display()
        ),
        Ok(target) if target.starts_with(canonical_root) => format!(
            "{}: symbolic link to {} inside the folder: not followed (the target is read at its own place)",
            link.display(),
            target.display()
        ),
        Ok(target) => format!(
            "{}: symbolic link pointing outside the given folder (to {}): never followed, skipped",
            link.display(),
            target.display()
        ),
    }
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
fn starts_like_zip(path: &Path) -> bool {
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
