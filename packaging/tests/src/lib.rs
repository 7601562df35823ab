//! Helpers for the packaging tests: the artifacts that packaging/build-deb
//! made (handed over in environment variables by packaging/test) and a
//! bubblewrap root in which dpkg installs and purges without touching the host.

pub mod artifacts;
pub mod install_root;

pub use install_root::InstallRoot;

/// The repository's root.
pub fn repo_root() -> std::path::PathBuf {
    testkit::repo_root()
}
