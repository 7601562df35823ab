//! What the phases read from the host besides the directory: NSS's view of
//! the user (quoted in refusal lines, and the uid when the entry has none),
//! the shells list and the shell program. Traits, so the phases and the lifecycle are
//! unit-tested without the host's files; `Host::SYSTEM` is the real one.

use crate::shells::ShellProblem;
use crate::sys::nss::NssView;
use std::path::Path;

/// getpwnam.
pub trait Nss {
    fn getpwnam(&self, user: &str) -> NssView;
}

/// The shells list (`shells` option), read as pam_shells reads it, and the
/// shell program it names. pamlint's audit answers both from an image's
/// root (ROOT/etc/shells, ROOT/bin/dash) and runs the account phase on it.
pub trait ShellsFile {
    fn read(&self, path: &Path) -> Result<Vec<String>, String>;
    /// What is wrong with the program at `path` (absent, not executable);
    /// None when it can be run.
    fn program_problem(&self, path: &Path) -> Option<ShellProblem> {
        crate::shells::file_problem(path)
    }
}

/// getpwnam_r through the host's NSS modules (`sys::nss`).
pub struct SystemNss;

impl Nss for SystemNss {
    fn getpwnam(&self, user: &str) -> NssView {
        crate::sys::nss::getpwnam(user)
    }
}

/// The file and the programs on disk (`shells::read_shells`, `shells::file_problem`).
pub struct ShellsOnDisk;

impl ShellsFile for ShellsOnDisk {
    fn read(&self, path: &Path) -> Result<Vec<String>, String> {
        crate::shells::read_shells(path)
    }
}

/// The host as the phases see it.
#[derive(Clone, Copy)]
pub struct Host<'a> {
    pub nss: &'a dyn Nss,
    pub shells: &'a dyn ShellsFile,
}

impl Host<'static> {
    pub const SYSTEM: Host<'static> = Host {
        nss: &SystemNss,
        shells: &ShellsOnDisk,
    };
}
