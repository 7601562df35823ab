//! Where a root keeps its PAM modules: what both the resolver (which file
//! a module line loads) and the host's own target (which libpam is there)
//! read, so neither imports the other.

use std::path::{Path, PathBuf};

/// libpam's module directories on Debian, Fedora, Arch, SUSE..., multiarch included.
pub fn module_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for base in ["lib", "usr/lib"] {
        if let Ok(rd) = std::fs::read_dir(root.join(base)) {
            let mut triplets: Vec<PathBuf> = rd
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().contains("-linux-"))
                .map(|e| e.path().join("security"))
                .filter(|p| p.is_dir())
                .collect();
            triplets.sort();
            dirs.extend(triplets);
        }
    }
    for d in [
        "lib/security",
        "lib64/security",
        "usr/lib/security",
        "usr/lib64/security",
    ] {
        dirs.push(root.join(d));
    }
    dirs
}
