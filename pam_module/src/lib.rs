//! pam_ldap_shell: LDAP authentication that reports a missing or unusable login shell.
//!
//! This crate is the thin FFI layer (`ffi`: libpam's entry points, the handle,
//! the transaction state kept on it, the wiping allocator). The logic lives in
//! `ldap_shell_core`, re-exported here under its usual paths.

pub use ldap_shell_core::{
    account, auth, connector, context, directory, discovery, escape, expiry, failover, file_trust,
    guard, host, ldap, ldap_url, lifecycle, options, pam_ops, parked, password, ppolicy, recent,
    resolve, reuse, shells, sources, sys, tls, transaction,
};

pub mod ffi;
