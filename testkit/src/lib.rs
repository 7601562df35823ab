//! Test-only helpers shared by the crates' integration tests: a real slapd
//! loaded from testdata/ldap, a PAM sandbox (pamtester in bwrap with a
//! private /etc/pam.d) and the capture of what modules send to syslog.
//!
//! Missing tools make the caller panic with the Debian package to install:
//! tests fail, they never skip.
//!
//! ```no_run
//! use testkit::{Sandbox, Slapd};
//!
//! // One slapd per test binary (or PAM_LDAP_SHELL_TEST_URI), stopped at exit.
//! let uri = Slapd::shared().uri();
//! let mut sb = Sandbox::new();
//! sb.service("test", &format!("auth required /path/to/pam_ldap_shell.so uri={uri} base=dc=example,dc=org\n"))
//!     .shells("/bin/sh\n/bin/bash\n");
//! let run = sb.pamtester("test", "alice", &["authenticate"], "Correct-Horse-9\n");
//! assert_eq!(run.result(), "PAM_SUCCESS");
//! assert!(run.log_lines_with("pam_ldap_shell(test:auth)").is_empty());
//! ```
//!
//! Tools: slapd, slapadd (package slapd), pamtester, bwrap (bubblewrap),
//! openssl (TLS servers only), pam_debug.so (libpam-modules).
#![deny(unsafe_code)]

// libpam, pam_strerror and signals to slapd: the test kit's FFI.
#[allow(unsafe_code)]
pub mod libpam;
#[allow(unsafe_code)]
pub mod pam_codes;
pub mod ppolicy;
pub mod rng;
pub mod sandbox;
#[allow(unsafe_code)]
pub mod slapd;
pub mod syslog;
pub mod system;
pub mod tools;

pub use sandbox::{PamRun, Sandbox};
pub use slapd::Slapd;
pub use syslog::SyslogCapture;

/// The repository's root (testkit lives one level below it).
pub fn repo_root() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}
