//! Test-only helpers shared by the crates' integration tests: a real slapd
//! loaded from testdata/ldap, a PAM sandbox (pamtester in bwrap with a
//! private /etc/pam.d) and the capture of what modules send to syslog.
//!
//! Missing tools make the caller panic with the Debian package to install:
//! tests fail, they never skip.

pub mod pam_codes;
pub mod sandbox;
pub mod slapd;
pub mod syslog;
pub mod tools;

pub use sandbox::{PamRun, Sandbox};
pub use slapd::Slapd;
pub use syslog::SyslogCapture;

/// The repository's root (testkit lives one level below it).
pub fn repo_root() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}
