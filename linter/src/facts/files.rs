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

    /// The real path of an absolute path on the target: below an image's
    /// root, its symlinks are followed inside the image (an absolute link,
    /// /etc/alternatives' style, names the image's file, not this host's).
    pub fn path(&self, abs: &str) -> PathBuf {
        below_root(&self.root, abs, true)
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
        std::fs::symlink_metadata(below_root(&self.root, abs, false))
    }

    pub fn exists(&self, abs: &str) -> bool {
        self.stat(abs).is_ok()
    }
}

/// Links followed before giving up, as the kernel's MAXSYMLINKS.
const MAX_LINKS: usize = 40;

/// `abs` resolved below `root` as the image's own kernel would: each
/// symlink on the way (the last one too when `follow_last`) is read and
/// followed, an absolute target from `root`, `..` never above `root`. The
/// host's root ("/") needs none of it. A loop, or more than MAX_LINKS links,
/// leaves the rest unresolved (opening it then fails as it would there).
fn below_root(root: &Path, abs: &str, follow_last: bool) -> PathBuf {
    if root == Path::new("/") {
        return PathBuf::from(abs);
    }
    let mut todo: Vec<String> = components(abs).rev().collect();
    let mut done: Vec<String> = Vec::new();
    let mut links = 0;
    while let Some(part) = todo.pop() {
        match part.as_str() {
            "." => continue,
            ".." => {
                done.pop();
                continue;
            }
            _ => {}
        }
        let here = join(root, &done).join(&part);
        let is_last = todo.is_empty();
        let target = (follow_last || !is_last)
            .then(|| std::fs::read_link(&here).ok())
            .flatten();
        let Some(target) = target.filter(|_| links < MAX_LINKS) else {
            done.push(part);
            continue;
        };
        links += 1;
        let target = target.to_string_lossy().into_owned();
        if target.starts_with('/') {
            done.clear();
        }
        todo.extend(components(&target).rev());
    }
    join(root, &done)
}

fn components(path: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    path.split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

fn join(root: &Path, parts: &[String]) -> PathBuf {
    let mut p = root.to_path_buf();
    p.extend(parts);
    p
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn an_images_links_are_followed_inside_the_image() {
        let img = tempfile::tempdir().unwrap();
        let r = img.path();
        for d in ["usr/bin", "etc/alternatives", "bin"] {
            std::fs::create_dir_all(r.join(d)).unwrap();
        }
        std::fs::write(r.join("usr/bin/zsh5"), "").unwrap();
        // /usr/bin/zsh -> /etc/alternatives/zsh -> /usr/bin/zsh5 (absolute links).
        symlink("/etc/alternatives/zsh", r.join("usr/bin/zsh")).unwrap();
        symlink("/usr/bin/zsh5", r.join("etc/alternatives/zsh")).unwrap();
        // A relative link climbing above the root stays inside it.
        symlink("../../../../usr/bin/zsh", r.join("bin/up")).unwrap();
        symlink("loop", r.join("bin/loop")).unwrap();
        let fs = FsView::new(r);
        assert_eq!(fs.path("/usr/bin/zsh"), r.join("usr/bin/zsh5"));
        assert_eq!(fs.path("/bin/up"), r.join("usr/bin/zsh5"));
        assert!(fs.stat("/usr/bin/zsh").unwrap().is_file());
        assert!(fs.lstat("/usr/bin/zsh").unwrap().file_type().is_symlink());
        // A link to a file the image lacks is missing, whatever this host has.
        symlink("/bin/sh", r.join("bin/mysh")).unwrap();
        assert!(!fs.exists("/bin/mysh"));
        assert_eq!(fs.path("/bin/loop"), r.join("bin/loop"));
        assert_eq!(
            FsView::new(Path::new("/")).path("/etc/shells"),
            Path::new("/etc/shells")
        );
    }
}
