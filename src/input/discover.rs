//! Expands the user's paths into the list of files to read, and loads their bytes.
//!
//! Files are taken as given; folders are walked recursively in a stable (sorted) order; zip
//! archives (recognised by their first bytes, not their name) are handed to
//! `archive.rs`, which lists their entries as files named `archive.zip!inner/path`.
//! Everything that is not read is reported with the reason, one line per item, and the run goes
//! on: symbolic links (never followed: a link to a place inside the folder is read at its own
//! place, a link outside is never read), pipes and devices, unreadable folder entries, and the
//! archive entries that module refuses under the [`Limits`].
//!
//! It must never write anything (nothing is extracted to disk, no file is created beside the
//! inputs), never open a pipe or device (that could block), and never follow a link out of a
//! folder. [`load`] reads one found file: disk files into memory (the caller reads large ones
//! window by window instead), archive entries decompressed in memory with their declared size
//! enforced.

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use super::archive::{starts_like_zip, ArchiveBytes, ArchiveHandle};

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
    pub(super) fn owned(bytes: Vec<u8>) -> Self {
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
pub(super) fn read_keeping_partial(
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

/// What discovery found and what it could not look at.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<FoundFile>,
    /// Everything not read, one line each with the reason (the inventory of what was skipped).
    pub problems: Vec<String>,
    /// Archives given (or found in a folder) that yielded no file to read: each is an input of
    /// its own in the report, with its status and the problems that explain it (they are not
    /// repeated in `problems`).
    pub unread_archives: Vec<super::report::InputReport>,
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
    walk.top_archive(display.to_string(), bytes);
    walk.finish()
}

/// The state of one discovery: what was found and skipped so far, and the archive budget used
/// (archive listing is in [`super::archive`]).
pub(super) struct Walk<'a> {
    pub(super) limits: &'a Limits,
    out: Discovery,
    /// Problems not listed (over [`MAX_PROBLEMS`]).
    unlisted: usize,
    /// Canonical paths already taken, so a file given twice is read once.
    seen: HashSet<PathBuf>,
    /// Uncompressed bytes promised to archive entries so far.
    pub(super) budget_used: u64,
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

    pub(super) fn problem(&mut self, text: String) {
        if self.out.problems.len() < MAX_PROBLEMS {
            self.out.problems.push(text);
        } else {
            self.unlisted += 1;
        }
    }

    /// Files found so far (taken, or left out by `max_files`).
    pub(super) fn files_found(&self) -> usize {
        self.out.files.len() + self.over_files
    }

    /// Problems listed so far.
    pub(super) fn problems_listed(&self) -> usize {
        self.out.problems.len()
    }

    /// Takes back the problems listed after the first `from` (they move to an input's own list).
    pub(super) fn take_problems_from(&mut self, from: usize) -> Vec<String> {
        self.out
            .problems
            .split_off(from.min(self.out.problems.len()))
    }

    /// An archive that yielded nothing to read, as an input of its own.
    pub(super) fn unread_archive(&mut self, mut report: super::report::InputReport) {
        if report.problems.is_empty() {
            report.problems.push(format!(
                "{}: no entry could be read (the reasons are past the {MAX_PROBLEMS} problems listed)",
                report.path
            ));
        }
        self.out.unread_archives.push(report);
    }

    pub(super) fn push(&mut self, file: FoundFile) {
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
                self.top_archive(display, ArchiveBytes::File { file, len });
            }
            // Unreadable: passed on so the inputs list shows it with the reason.
            Err(_) => self.push(FoundFile::disk(path)),
        }
    }
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
