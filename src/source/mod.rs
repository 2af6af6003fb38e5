//! Sources: turning the PATHs a user names into a stream of inputs to scan.
//!
//! A PATH is a file, a folder (walked recursively, in file-name order so that reports are
//! stable; symbolic links are not followed unless asked, so a link cannot pull a scan outside
//! the tree or loop it), or `-` for bytes on standard input. Problems reaching one path (it
//! vanished, no permission, a link loop) become per-input errors and the walk goes on, as in
//! ripgrep. This module only enumerates and reads; what the bytes are is decided later, from the
//! bytes themselves.

mod provenance;
mod shard;

pub use provenance::Provenance;
pub use shard::Shard;

use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use thiserror::Error;

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk; `display` is the path as the user gave it joined with the walked part.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

/// One thing to scan, not yet read.
#[derive(Debug, Clone)]
pub struct Input {
    pub origin: Origin,
    /// The path as shown in reports.
    pub display: String,
    /// The path relative to the PATH argument it was found under (`img/qr.png` for
    /// `assets/img/qr.png` found under `assets`; the file name for a file argument), with `/`
    /// separators: what fingerprints used before they were rooted (`--baseline` files of that
    /// form are still matched with it).
    pub relative: String,
    /// The path relative to the fingerprint root (`site/img/qr.png`), with `/` separators:
    /// the same for every way of naming one file, different for two files (see `rooted`).
    pub rooted: String,
}

/// An input, or the error that kept the walk from producing one.
pub type WalkItem = Result<Input, WalkError>;

#[derive(Debug, Error)]
#[error("{message}")]
pub struct WalkError {
    /// The path as shown in reports.
    pub display: String,
    pub message: String,
}

#[derive(Debug, Error)]
pub enum SourceError {
    #[error("invalid --exclude pattern {pattern:?}: {reason}")]
    BadGlob { pattern: String, reason: String },
    #[error("cannot read {display}: {reason}")]
    Read { display: String, reason: String },
    #[error("{display} is {size} bytes, above the limit of {limit} bytes (--max-file-size)")]
    TooBig {
        display: String,
        size: u64,
        limit: u64,
    },
}

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub follow_symlinks: bool,
    pub exclude: Vec<String>,
    /// The folder fingerprints are relative to (`app::config` picks it: `--fingerprint-root`,
    /// the repository's top level, the policy file's folder or the working folder); `None`
    /// roots them at the working folder.
    pub fingerprint_root: Option<PathBuf>,
}

/// Walks `paths` lazily, in order. Set-up errors (a bad glob) are returned before any walking.
pub fn walk(
    paths: &[PathBuf],
    options: &WalkOptions,
) -> Result<impl Iterator<Item = WalkItem> + Send + use<>, SourceError> {
    let exclude = build_globset(&options.exclude)?;
    let follow = options.follow_symlinks;
    let paths = paths.to_vec();
    let fingerprint_root = options
        .fingerprint_root
        .clone()
        .or_else(|| std::env::current_dir().ok())
        .map(|root| std::fs::canonicalize(&root).unwrap_or(root))
        .unwrap_or_default();
    Ok(paths
        .into_iter()
        .flat_map(move |root| walk_one(root, follow, exclude.clone(), fingerprint_root.clone())))
}

/// `path` relative to the fingerprint root `root` (already canonical), `/`-separated: the
/// path is made canonical first (symbolic links and `..` resolved), so `site/img/qr.png`,
/// `./site/../site/img/qr.png` and an absolute path name one file alike. A file outside the
/// root keeps its canonical absolute path; one that cannot be resolved (it vanished) its path
/// made absolute as written.
pub fn rooted(root: &Path, path: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    });
    let relative = absolute.strip_prefix(root).unwrap_or(&absolute);
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if relative.is_absolute() {
        format!("/{}", parts.join("/"))
    } else {
        parts.join("/")
    }
}

fn build_globset(patterns: &[String]) -> Result<GlobSet, SourceError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|err| SourceError::BadGlob {
            pattern: pattern.clone(),
            reason: err.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map_err(|err| SourceError::BadGlob {
        pattern: patterns.join(", "),
        reason: err.to_string(),
    })
}

fn is_excluded(exclude: &GlobSet, path: &Path) -> bool {
    // Match on the whole path and on the bare name, like `--exclude '*.svg'` in fd/ripgrep.
    exclude.is_match(path) || path.file_name().is_some_and(|name| exclude.is_match(name))
}

fn walk_one(
    root: PathBuf,
    follow: bool,
    exclude: GlobSet,
    fingerprint_root: PathBuf,
) -> Box<dyn Iterator<Item = WalkItem> + Send> {
    if root.as_os_str() == "-" {
        return Box::new(std::iter::once(Ok(Input {
            origin: Origin::Stdin,
            display: "-".to_string(),
            relative: "-".to_string(),
            rooted: "-".to_string(),
        })));
    }
    let walker = walkdir::WalkDir::new(&root)
        .follow_links(follow)
        .follow_root_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |entry| entry.depth() == 0 || !is_excluded(&exclude, entry.path()));
    Box::new(walker.filter_map(move |entry| match entry {
        Ok(entry) if entry.file_type().is_file() => Some(Ok(Input {
            display: entry.path().display().to_string(),
            relative: relative_to(&root, entry.path()),
            rooted: rooted(&fingerprint_root, entry.path()),
            origin: Origin::File(entry.into_path()),
        })),
        // A symlink that is not followed, a folder, a socket: nothing to scan.
        Ok(_) => None,
        Err(err) => {
            let display = err.path().unwrap_or(&root).display().to_string();
            let message = match err.io_error() {
                Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
                    "no such file or folder".to_string()
                }
                Some(io) => io.to_string(),
                None => err.to_string(),
            };
            Some(Err(WalkError { display, message }))
        }
    }))
}

/// `path` relative to `root`, `/`-separated; the file name when `path` is `root` itself.
pub fn relative_to(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        path.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string())
    } else {
        parts.join("/")
    }
}

/// Reads the whole input, refusing more than `max_bytes`.
pub fn read_input(input: &Input, max_bytes: u64) -> Result<Vec<u8>, SourceError> {
    let read_error = |err: std::io::Error| SourceError::Read {
        display: input.display.clone(),
        reason: err.to_string(),
    };
    let mut bytes = Vec::new();
    match &input.origin {
        Origin::File(path) => {
            let file = std::fs::File::open(path).map_err(read_error)?;
            let size = file.metadata().map_err(read_error)?.len();
            if size > max_bytes {
                return Err(SourceError::TooBig {
                    display: input.display.clone(),
                    size,
                    limit: max_bytes,
                });
            }
            file.take(max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(read_error)?;
        }
        Origin::Stdin => {
            std::io::stdin()
                .lock()
                .take(max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(read_error)?;
        }
    }
    if bytes.len() as u64 > max_bytes {
        return Err(SourceError::TooBig {
            display: input.display.clone(),
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: Vec<WalkItem>) -> Vec<String> {
        items
            .into_iter()
            .map(|item| match item {
                Ok(input) => input.display,
                Err(err) => format!("ERR {}: {}", err.display, err.message),
            })
            .collect()
    }

    #[test]
    fn walks_sorted_with_excludes_and_reports_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for name in ["b.png", "a.png", "sub/c.png", "skip.svg"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let root = dir.path().to_path_buf();
        let missing = dir.path().join("gone");
        let options = WalkOptions {
            follow_symlinks: false,
            exclude: vec!["*.svg".to_string()],
            ..WalkOptions::default()
        };
        let items: Vec<_> = walk(&[root.clone(), missing.clone()], &options)
            .unwrap()
            .collect();
        let r = root.display();
        assert_eq!(
            names(items),
            vec![
                format!("{r}/a.png"),
                format!("{r}/b.png"),
                format!("{r}/sub/c.png"),
                format!("ERR {}: no such file or folder", missing.display()),
            ]
        );
    }

    #[test]
    fn relative_paths_survive_moving_the_root() {
        assert_eq!(
            relative_to(Path::new("assets"), Path::new("assets/img/qr.png")),
            "img/qr.png"
        );
        assert_eq!(
            relative_to(Path::new("/x/assets"), Path::new("/x/assets/img/qr.png")),
            "img/qr.png"
        );
        assert_eq!(
            relative_to(Path::new("a/qr.png"), Path::new("a/qr.png")),
            "qr.png"
        );
    }

    #[test]
    fn rooted_paths_name_one_file_alike() {
        let dir = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(top.join("site/img")).unwrap();
        std::fs::write(top.join("site/img/qr.png"), b"x").unwrap();
        for named in [
            top.join("site/img/qr.png"),
            top.join("site/../site/img/./qr.png"),
        ] {
            assert_eq!(rooted(&top, &named), "site/img/qr.png");
        }
        // Outside the root: the canonical absolute path.
        let elsewhere = top.join("site");
        assert_eq!(
            rooted(&elsewhere.join("img"), &top.join("site/../site/img/qr.png")),
            "qr.png"
        );
        assert_eq!(
            rooted(&top.join("other"), &top.join("site/img/qr.png")),
            format!("{}/site/img/qr.png", top.display())
        );
    }

    #[test]
    fn bad_glob_is_a_setup_error() {
        let options = WalkOptions {
            follow_symlinks: false,
            exclude: vec!["a[".to_string()],
            ..WalkOptions::default()
        };
        assert!(matches!(
            walk(&[], &options),
            Err(SourceError::BadGlob { .. })
        ));
    }
}
