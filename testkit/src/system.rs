//! Where this system keeps libpam's modules and the multiarch libraries, found
//! by looking (not a hard-coded amd64 path): Debian uses /lib/<triplet>/security,
//! Fedora/RHEL /usr/lib64/security, others /lib/security.

use std::path::Path;
use std::sync::OnceLock;

/// Directories libpam builds use for modules, most specific first.
fn candidates() -> Vec<String> {
    let arch = std::env::consts::ARCH;
    let mut dirs = Vec::new();
    for root in ["/lib", "/usr/lib"] {
        // The multiarch triplets of this architecture (x86_64-linux-gnu,
        // aarch64-linux-gnu, arm-linux-gnueabihf, ...), whichever exist.
        if let Ok(entries) = std::fs::read_dir(root) {
            let mut found: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(arch) && n.contains("-linux-"))
                .map(|n| format!("{root}/{n}/security"))
                .collect();
            found.sort();
            dirs.extend(found);
        }
    }
    dirs.extend(
        [
            "/usr/lib64/security",
            "/lib64/security",
            "/lib/security",
            "/usr/lib/security",
        ]
        .map(String::from),
    );
    dirs
}

/// The directory libpam loads `pam_permit.so` from on this system.
pub fn pam_module_dir() -> &'static str {
    static DIR: OnceLock<String> = OnceLock::new();
    DIR.get_or_init(|| {
        candidates()
            .into_iter()
            .find(|d| Path::new(d).join("pam_permit.so").exists())
            .unwrap_or_else(|| {
                panic!("no directory with pam_permit.so: install the Debian package libpam-modules")
            })
    })
}

/// The library directory that holds the module directory (e.g.
/// /lib/x86_64-linux-gnu), where NSS modules such as libnss_ldap.so.2 live.
pub fn lib_dir() -> &'static str {
    let dir = pam_module_dir();
    dir.strip_suffix("/security").unwrap_or(dir)
}

/// A module of this system's module directory, for `tools::require`.
pub fn pam_module(name: &str) -> &'static str {
    Box::leak(format!("{}/{name}", pam_module_dir()).into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_directory_holds_libpams_own_modules() {
        let dir = pam_module_dir();
        assert!(Path::new(dir).join("pam_deny.so").exists(), "{dir}");
        assert!(dir.ends_with("/security"), "{dir}");
        assert!(Path::new(lib_dir()).is_dir());
    }
}
