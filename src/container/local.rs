//! The files a web page refers to (`<img src="img/qr.png">`, `url(bg.png)`), read from disk
//! only where it is safe: inside the scanned tree.
//!
//! An HTML input is a container whose images are mostly other files. They are read when the
//! reference is a relative or root-relative path (`img/qr.png`, `../img/qr.png`,
//! `/img/qr.png`) that resolves, after symbolic links and `..`, to a regular file inside one of
//! the scan's roots: a PATH argument that is a folder, or the folder of a PATH argument that is
//! a file (so `qraudit scan site/index.html` reads `site/img/qr.png`). Nothing is ever
//! fetched from the network (`https:`, `//host/`), and a page cannot make the scanner read a
//! file outside the tree (`../../../etc/passwd`): such references are reported, not read.
//! A root-relative reference (`/img/qr.png`) is taken from the root the page lies in, as a web
//! server serving that root would.

use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Where a page's relative references are resolved, and what they may reach.
#[derive(Debug, Clone)]
pub struct LocalFiles {
    /// The folder of the page (canonical).
    dir: PathBuf,
    /// The scan's roots (canonical folders).
    roots: Vec<PathBuf>,
    /// The largest file read (`--max-file-size`).
    max_bytes: u64,
}

/// Why a reference was not read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Unread {
    #[error("not fetched: qraudit never reads the network")]
    Network,
    #[error("not a file reference")]
    NotAFile,
    #[error("not read: it lies outside the scanned folders")]
    OutsideTree,
    #[error("not read: {0}")]
    Missing(String),
    #[error("not read: {size} bytes, over --max-file-size {limit}")]
    TooBig { size: u64, limit: u64 },
}

impl LocalFiles {
    /// For a page read from `page` in a scan of `scan_paths`; `None` when the page's folder
    /// cannot be resolved (then its file references are reported as unread).
    pub fn new(page: &Path, scan_paths: &[PathBuf], max_bytes: u64) -> Option<LocalFiles> {
        let dir = page.parent()?;
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let dir = dir.canonicalize().ok()?;
        let roots = scan_paths
            .iter()
            .filter_map(|path| {
                let canonical = path.canonicalize().ok()?;
                if canonical.is_dir() {
                    Some(canonical)
                } else {
                    canonical.parent().map(Path::to_path_buf)
                }
            })
            .collect();
        Some(LocalFiles {
            dir,
            roots,
            max_bytes,
        })
    }

    /// Reads the file `reference` (as written in the page: percent-encoded, maybe with a query
    /// or fragment) names, when it lies inside the scanned tree: its canonical path and bytes.
    pub fn read(&self, reference: &str) -> Result<(PathBuf, Vec<u8>), Unread> {
        let reference = reference.trim();
        let lower = reference.to_ascii_lowercase();
        if lower.starts_with("//") || lower.starts_with("http:") || lower.starts_with("https:") {
            return Err(Unread::Network);
        }
        // Any other scheme (`javascript:`, `blob:`, `cid:`, `file:`) names no file of the tree.
        if let Some(colon) = reference.find(':')
            && !reference[..colon].contains(['/', '?', '#'])
        {
            return Err(Unread::NotAFile);
        }
        let path_part = reference.split(['?', '#']).next().unwrap_or("");
        if path_part.is_empty() {
            return Err(Unread::NotAFile);
        }
        let decoded = percent_encoding::percent_decode_str(path_part)
            .decode_utf8()
            .map_err(|_| Unread::NotAFile)?;
        let joined = match decoded.strip_prefix('/') {
            Some(from_root) => match self.root_of_page() {
                Some(root) => root.join(from_root),
                None => return Err(Unread::OutsideTree),
            },
            None => self.dir.join(decoded.as_ref()),
        };
        let missing = |err: std::io::Error| Unread::Missing(err.to_string());
        let canonical = joined.canonicalize().map_err(missing)?;
        if !self.roots.iter().any(|root| canonical.starts_with(root)) {
            return Err(Unread::OutsideTree);
        }
        // Only a regular file is opened: opening a named pipe (or a device) the page names would
        // block until something writes to it.
        if !std::fs::metadata(&canonical).map_err(missing)?.is_file() {
            return Err(Unread::NotAFile);
        }
        let file = std::fs::File::open(&canonical).map_err(missing)?;
        let metadata = file.metadata().map_err(missing)?;
        if metadata.len() > self.max_bytes {
            return Err(Unread::TooBig {
                size: metadata.len(),
                limit: self.max_bytes,
            });
        }
        let mut bytes = Vec::new();
        file.take(self.max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(missing)?;
        Ok((canonical, bytes))
    }

    /// The scan root the page lies in (the longest, when roots nest).
    fn root_of_page(&self) -> Option<&Path> {
        self.roots
            .iter()
            .filter(|root| self.dir.starts_with(root))
            .max_by_key(|root| root.components().count())
            .map(PathBuf::as_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_the_tree_and_nothing_else() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("pages")).unwrap();
        std::fs::create_dir_all(site.path().join("img")).unwrap();
        std::fs::write(site.path().join("img/q r.png"), "png").unwrap();
        let page = site.path().join("pages/index.html");
        std::fs::write(&page, "<html>").unwrap();
        let files = LocalFiles::new(&page, &[site.path().to_path_buf()], 1000).unwrap();
        let (path, bytes) = files.read("../img/q%20r.png?v=2#x").unwrap();
        assert_eq!(bytes, b"png");
        assert_eq!(files.read("/img/q%20r.png").unwrap().0, path);
        let escape = format!(
            "../../{}/secret.txt",
            outside.path().file_name().unwrap().to_string_lossy()
        );
        assert!(matches!(
            files.read(&escape),
            Err(Unread::OutsideTree) | Err(Unread::Missing(_))
        ));
        // An absolute path is root-relative, as a web server serving the site reads it: it
        // names a file under the scanned folder, never the machine's own /tmp.
        assert!(matches!(
            files.read(&outside.path().join("secret.txt").display().to_string()),
            Err(Unread::Missing(_))
        ));
        assert!(matches!(
            files.read("https://example.com/qr.png"),
            Err(Unread::Network)
        ));
        assert!(matches!(
            files.read("//cdn.example.com/qr.png"),
            Err(Unread::Network)
        ));
        assert!(matches!(
            files.read("javascript:alert(1)"),
            Err(Unread::NotAFile)
        ));
        assert!(matches!(files.read("missing.png"), Err(Unread::Missing(_))));
        let small = LocalFiles::new(&page, &[site.path().to_path_buf()], 2).unwrap();
        assert!(matches!(
            small.read("../img/q%20r.png"),
            Err(Unread::TooBig { size: 3, .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_in_the_tree_is_not_opened() {
        let site = tempfile::tempdir().unwrap();
        let fifo = site.path().join("pipe.png");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo unavailable: named pipe case not exercised");
            return;
        }
        let page = site.path().join("index.html");
        std::fs::write(&page, "<html>").unwrap();
        let files = LocalFiles::new(&page, &[site.path().to_path_buf()], 1000).unwrap();
        // Returns at once instead of blocking on the pipe.
        assert_eq!(files.read("pipe.png"), Err(Unread::NotAFile));
        assert_eq!(files.read("."), Err(Unread::NotAFile));
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_tree_is_not_followed_out() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.png"), "secret").unwrap();
        let site = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.png"), site.path().join("a.png"))
            .unwrap();
        let page = site.path().join("index.html");
        std::fs::write(&page, "<html>").unwrap();
        let files = LocalFiles::new(&page, &[site.path().to_path_buf()], 1000).unwrap();
        assert_eq!(files.read("a.png"), Err(Unread::OutsideTree));
    }
}
