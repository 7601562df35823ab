//! Which files a check run covers, kept as directories rather than as every path:
//! the summary's file count and the "is this a listed pam.d file" test need no
//! more, and a path per file grew with the size of the tree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The pam.d directories seen and the files checked.
#[derive(Debug, Default)]
pub struct FileScope {
    /// The pam.d directories of every target: their files are "listed" (their
    /// `# pamlint: allow` comments count and the renderers show their lines).
    listed_dirs: Vec<PathBuf>,
    /// Directories checked whole: each file in them counts once.
    whole_dirs: Vec<PathBuf>,
    whole_dir_files: usize,
    /// Files checked one by one (named on the command line, pam.conf).
    single_files: BTreeSet<PathBuf>,
}

impl FileScope {
    /// Mark the files of `dirs` as listed.
    pub fn list(&mut self, dirs: &[PathBuf]) {
        for d in dirs {
            if !self.listed_dirs.contains(d) {
                self.listed_dirs.push(d.clone());
            }
        }
    }

    /// Count every file of `dirs` as checked (a directory given twice counts once).
    pub fn check_dirs(&mut self, dirs: &[PathBuf]) {
        for d in dirs {
            if !self.whole_dirs.contains(d) {
                self.whole_dir_files += count_files(d);
                self.whole_dirs.push(d.clone());
            }
        }
    }

    /// Count one file as checked.
    pub fn check_file(&mut self, path: PathBuf) {
        self.single_files.insert(path);
    }

    /// Whether `path` is a file of a listed directory.
    pub fn is_listed(&self, path: &Path) -> bool {
        is_file_in(&self.listed_dirs, path)
    }

    /// How many distinct files were checked.
    pub fn checked_count(&self) -> usize {
        let extra = self
            .single_files
            .iter()
            .filter(|p| !is_file_in(&self.whole_dirs, p))
            .count();
        self.whole_dir_files + extra
    }
}

/// Whether `path` is one of the files that listing a directory of `dirs` yields.
fn is_file_in(dirs: &[PathBuf], path: &Path) -> bool {
    path.parent().is_some_and(|p| dirs.iter().any(|d| d == p)) && path.is_file()
}

/// The regular files (symlinks followed) in `dir`; 0 when it cannot be read.
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |rd| {
        rd.filter_map(Result::ok)
            .filter(crate::resolve::is_file_entry)
            .count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("pam.d");
        std::fs::create_dir_all(d.join("subdir")).unwrap();
        for f in ["a", "b", "c"] {
            std::fs::write(d.join(f), "auth required pam_permit.so\n").unwrap();
        }
        std::fs::write(t.path().join("pam.conf"), "").unwrap();
        t
    }

    #[test]
    fn counts_each_file_once() {
        let t = tree();
        let d = t.path().join("pam.d");
        let mut s = FileScope::default();
        s.check_file(d.join("a"));
        s.check_dirs(std::slice::from_ref(&d));
        // the same directory spelled with a trailing slash is the same directory
        s.check_dirs(&[PathBuf::from(format!("{}/", d.display()))]);
        s.check_file(d.join("b"));
        s.check_file(t.path().join("pam.conf"));
        assert_eq!(s.checked_count(), 4);
    }

    #[test]
    fn listed_means_a_file_directly_in_a_listed_dir() {
        let t = tree();
        let d = t.path().join("pam.d");
        let mut s = FileScope::default();
        s.list(std::slice::from_ref(&d));
        assert!(s.is_listed(&d.join("a")));
        assert!(!s.is_listed(&d.join("subdir")));
        assert!(!s.is_listed(&d.join("missing")));
        assert!(!s.is_listed(&t.path().join("pam.conf")));
    }
}
