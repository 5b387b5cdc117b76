//! Expands the user's paths into the list of files to read: files as given, folders walked
//! recursively in a stable (sorted) order.
//!
//! It never follows symbolic links out of a folder and never writes anything. Problems (a path
//! that does not exist, an unreadable folder entry) are returned, not raised.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// Where a found file's bytes live.
#[derive(Debug, Clone)]
pub enum FileSource {
    Disk(PathBuf),
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

/// Reads a found file's bytes (read-only).
pub fn load(found: &FoundFile) -> std::io::Result<Vec<u8>> {
    match &found.source {
        FileSource::Disk(p) => std::fs::read(p),
    }
}

/// What discovery found and what it could not look at.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<FoundFile>,
    pub problems: Vec<String>,
}

/// Walks every path given; folders recursively, sorted by name.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut out = Discovery::default();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                out.problems
                    .push(format!("{}: cannot read: {e}", root.display()));
                continue;
            }
        };
        if meta.is_file() {
            out.files.push(FoundFile::disk(root.clone()));
            continue;
        }
        walk_folder(root, &mut out);
    }
    out
}

fn walk_folder(root: &Path, out: &mut Discovery) {
    let walker = WalkDir::new(root).follow_links(false).sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => out.files.push(FoundFile::disk(e.into_path())),
            Ok(e) if e.file_type().is_symlink() => out.problems.push(format!(
                "{}: symbolic link skipped (links are not followed)",
                e.path().display()
            )),
            Ok(_) => {}
            Err(e) => out.problems.push(format!(
                "{}: cannot read: {e}",
                e.path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string())
            )),
        }
    }
}
