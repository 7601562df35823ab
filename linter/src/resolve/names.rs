//! Service names from pam.d directory listings, sorted (for stable output) and
//! held in one buffer: a `String` per name cost ~56 bytes of heap for a 7-byte
//! name, the largest thing left growing with a 10,000-service tree.

use std::fs::DirEntry;
use std::ops::Range;

/// Sorted, distinct names in one string.
#[derive(Debug, Default)]
pub struct NameList {
    text: String,
    names: Vec<Range<usize>>,
}

impl NameList {
    /// Sort and deduplicate `names`.
    pub fn from_names<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Self {
        let mut list = NameList::default();
        for name in names {
            let start = list.text.len();
            list.text.push_str(name.as_ref());
            list.names.push(start..list.text.len());
        }
        let text = &list.text;
        list.names
            .sort_unstable_by(|a, b| text[a.clone()].cmp(&text[b.clone()]));
        list.names
            .dedup_by(|a, b| text[a.clone()] == text[b.clone()]);
        list.names.shrink_to_fit();
        list.text.shrink_to_fit();
        list
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|r| &self.text[r.clone()])
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Whether a directory entry is a regular file, symlinks followed (as
/// `Path::is_file`), without a `stat` when the listing already says so.
pub fn is_file_entry(e: &DirEntry) -> bool {
    match e.file_type() {
        Ok(t) if t.is_symlink() => e.path().is_file(),
        Ok(t) => t.is_file(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_distinct() {
        let list = NameList::from_names(["sshd", "login", "common-auth", "sshd", "Login"]);
        let got: Vec<&str> = list.iter().collect();
        assert_eq!(got, ["Login", "common-auth", "login", "sshd"]);
        assert_eq!(list.len(), 4);
    }

    #[test]
    fn entries_that_are_files_symlinks_followed() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("file"), "").unwrap();
        std::fs::create_dir(t.path().join("dir")).unwrap();
        std::os::unix::fs::symlink("file", t.path().join("to-file")).unwrap();
        std::os::unix::fs::symlink("dir", t.path().join("to-dir")).unwrap();
        std::os::unix::fs::symlink("missing", t.path().join("dangling")).unwrap();
        let mut files: Vec<String> = std::fs::read_dir(t.path())
            .unwrap()
            .map(Result::unwrap)
            .filter(is_file_entry)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, ["file", "to-file"]);
    }
}
