//! Paths as a module on the target system would open them.

use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};

/// A view of the target filesystem: absolute paths are taken below `root`.
#[derive(Debug, Clone)]
pub struct FsView {
    pub root: PathBuf,
}

impl FsView {
    pub fn new(root: &Path) -> Self {
        FsView {
            root: root.to_path_buf(),
        }
    }

    /// The real path of an absolute path on the target.
    pub fn path(&self, abs: &str) -> PathBuf {
        self.root.join(abs.trim_start_matches('/'))
    }

    pub fn read(&self, abs: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(abs))
    }

    /// stat(2): follows symlinks.
    pub fn stat(&self, abs: &str) -> io::Result<Metadata> {
        std::fs::metadata(self.path(abs))
    }

    /// lstat(2): does not follow a final symlink.
    pub fn lstat(&self, abs: &str) -> io::Result<Metadata> {
        std::fs::symlink_metadata(self.path(abs))
    }

    pub fn exists(&self, abs: &str) -> bool {
        self.stat(abs).is_ok()
    }
}

/// The check pam_shells and pam_listfile make before reading a list: a regular
/// file that is not world-writable. Returns the reason when it fails.
pub fn unsafe_list_file(meta: &Metadata) -> Option<&'static str> {
    use std::os::unix::fs::PermissionsExt;
    if !meta.file_type().is_file() {
        Some("is not a regular file")
    } else if meta.permissions().mode() & 0o002 != 0 {
        Some("is world-writable")
    } else {
        None
    }
}
