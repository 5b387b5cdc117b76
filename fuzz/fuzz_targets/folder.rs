//! Fuzzes folder discovery (`input::discover::discover_with`) on small trees built from the
//! input in a temporary folder: folders, files, empty files, zip archives and symbolic links
//! (inside, outside, absolute, dangling, looping). Checks that nothing outside the given
//! folder is ever listed or loaded, that symbolic links are never followed, and that the tree
//! is left exactly as it was built.
#![no_main]

use std::io::Write;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use msidiag::input::discover::{discover_with, load, FileSource};

/// Reads `data` as a small program of file-system operations.
struct Ops<'a> {
    data: &'a [u8],
}

impl Ops<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.data.split_first()?;
        self.data = rest;
        Some(b)
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = usize::from(self.byte().unwrap_or(0))
            .min(max)
            .min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head.to_vec()
    }

    /// A name of 1–6 safe characters, maybe under an existing folder.
    fn name(&mut self, dirs: &[PathBuf]) -> PathBuf {
        let dir = match self.byte() {
            Some(b) if !dirs.is_empty() => dirs[usize::from(b) % dirs.len()].clone(),
            _ => PathBuf::new(),
        };
        let raw = self.bytes(6);
        let name: String = raw
            .iter()
            .map(|b| b"abcdefghijklmnopqrstuvwxyz0123456789._-"[usize::from(*b) % 39] as char)
            .collect();
        let name = match name.as_str() {
            "" | "." | ".." => "f".to_string(),
            _ => name,
        };
        dir.join(name)
    }
}

fn zip_bytes(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut out);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        if w.start_file(name.as_str(), options).is_ok() {
            let _ = w.write_all(bytes);
        }
    }
    let _ = w.finish();
    out.into_inner()
}

/// Every path under `root` with its kind and bytes, to compare before and after.
fn snapshot(root: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for e in walkdir_like(root) {
        let meta = std::fs::symlink_metadata(&e).unwrap();
        let what = if meta.file_type().is_symlink() {
            format!("link {:?}", std::fs::read_link(&e).unwrap())
        } else if meta.is_dir() {
            "dir".to_string()
        } else {
            format!("file {:?}", std::fs::read(&e).unwrap())
        };
        out.push((e, what));
    }
    out.sort();
    out
}

fn walkdir_like(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() && !meta.file_type().is_symlink() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.log"), b"OUTSIDE").unwrap();
    let mut ops = Ops { data };
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut made: Vec<PathBuf> = Vec::new();
    for _ in 0..24 {
        let Some(op) = ops.byte() else { break };
        let rel = ops.name(&dirs);
        let path = root.join(&rel);
        if path.symlink_metadata().is_ok() {
            continue;
        }
        match op % 6 {
            0 => {
                if std::fs::create_dir(&path).is_ok() {
                    dirs.push(rel.clone());
                }
            }
            1 => {
                let bytes = ops.bytes(64);
                let _ = std::fs::write(&path, bytes);
            }
            2 => {
                let _ = std::fs::write(&path, b"");
            }
            3 => {
                let mut entries = Vec::new();
                for _ in 0..(ops.byte().unwrap_or(0) % 4) {
                    let name = String::from_utf8_lossy(&ops.bytes(12)).into_owned();
                    entries.push((name, ops.bytes(48)));
                }
                let _ = std::fs::write(&path, zip_bytes(&entries));
            }
            _ => {
                let target: PathBuf = match ops.byte().unwrap_or(0) % 6 {
                    0 => outside.join("secret.log"),
                    1 => PathBuf::from("../outside/secret.log"),
                    2 => outside.clone(),
                    3 => PathBuf::from("."),
                    4 => made
                        .last()
                        .cloned()
                        .map_or_else(|| PathBuf::from("nothing"), |m| root.join(m)),
                    _ => PathBuf::from("missing"),
                };
                #[cfg(unix)]
                let _ = std::os::unix::fs::symlink(&target, &path);
            }
        }
        made.push(rel);
    }
    let before = snapshot(tmp.path());
    let limits = msidiag_fuzz::small_limits();
    let canonical_root = std::fs::canonicalize(&root).unwrap();
    let found = discover_with(std::slice::from_ref(&root), &limits);
    for f in &found.files {
        if let FileSource::Disk(p) = &f.source {
            let meta = std::fs::symlink_metadata(p).unwrap();
            assert!(
                !meta.file_type().is_symlink(),
                "a symbolic link was listed: {p:?}"
            );
            let real = std::fs::canonicalize(p).unwrap();
            assert!(
                real.starts_with(&canonical_root),
                "listed outside the folder: {real:?}"
            );
        }
        if let Ok(bytes) = load(f) {
            assert_ne!(
                &bytes[..],
                b"OUTSIDE",
                "read a file outside the folder: {}",
                f.display
            );
        }
    }
    assert_eq!(before, snapshot(tmp.path()), "discovery changed the tree");
});
