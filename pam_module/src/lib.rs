//! pam_ldap_shell: LDAP authentication that reports a missing or unusable login shell.
//!
//! This crate is the thin FFI layer (`ffi`: libpam's entry points, the handle,
//! the kept connection, the wiping allocator). The logic lives in
//! `ldap_shell_core`, re-exported here under its usual paths.

pub use ldap_shell_core::{
    account, auth, context, directory, discovery, escape, expiry, failover, file_trust, guard,
    ldap, ldap_url, options, pam_ops, parked, password, ppolicy, recent, resolve, shells, sources,
    sys, tls,
};

pub mod ffi;
