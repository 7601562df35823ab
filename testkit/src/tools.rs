//! Required external tools, each with the Debian package that provides it.

use std::path::Path;

pub const SLAPD: (&str, &str) = ("/usr/sbin/slapd", "slapd");
pub const SLAPADD: (&str, &str) = ("/usr/sbin/slapadd", "slapd");
pub const PAMTESTER: (&str, &str) = ("/usr/bin/pamtester", "pamtester");
pub const OPENSSL: (&str, &str) = ("/usr/bin/openssl", "openssl");
pub const BWRAP: (&str, &str) = ("/usr/bin/bwrap", "bubblewrap");
pub const SS: (&str, &str) = ("/bin/ss", "iproute2");
/// pam_debug.so in this system's module directory (package libpam-modules).
pub fn pam_debug() -> (&'static str, &'static str) {
    (crate::system::pam_module("pam_debug.so"), "libpam-modules")
}

/// Returns the tool's path, or panics naming the package to install.
pub fn require(tool: (&'static str, &'static str)) -> &'static str {
    let (path, package) = tool;
    if !Path::new(path).exists() {
        panic!("{path} is missing: install the Debian package `{package}` (apt-get install -y {package})");
    }
    path
}
