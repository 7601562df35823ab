//! This machine's PAM module directory, found on the system (where its
//! pam_unix.so is, multiarch triplet included), never named: the tests run on
//! any architecture and distribution layout.

use std::path::PathBuf;

/// The directory holding this machine's pam_unix.so: a multiarch one
/// (/usr/lib/<triplet>/security, /lib/<triplet>/security) first, then the
/// other directories libpam searches.
pub fn module_dir() -> PathBuf {
    let multiarch = ["/usr/lib", "/lib"]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("-linux-"))
        .map(|e| e.path().join("security"));
    let plain = [
        "/usr/lib64/security",
        "/lib64/security",
        "/usr/lib/security",
        "/lib/security",
    ]
    .map(PathBuf::from);
    multiarch
        .chain(plain)
        .find(|d| d.join("pam_unix.so").is_file())
        .expect("pam_unix.so not found: install the Debian package libpam-modules")
}
