//! The calling process's identity, for the file ownership checks.

/// The effective user id (root in setuid hosts such as su and passwd).
pub fn euid() -> u32 {
    // SAFETY: geteuid takes no arguments, cannot fail and touches no memory.
    unsafe { libc::geteuid() }
}
