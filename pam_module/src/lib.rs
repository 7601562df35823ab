//! pam_ldap_shell: LDAP authentication that reports a missing or unusable login shell.
//!
//! `ffi` holds the libpam entry points; everything else is plain Rust that
//! runs against the `PamOps` and `Directory` traits, so it is tested without libpam.

pub mod account;
pub mod auth;
pub mod context;
pub mod directory;
pub mod discovery;
pub mod escape;
pub mod expiry;
pub mod failover;
pub mod ffi;
pub mod file_trust;
pub mod guard;
pub mod ldap;
pub mod ldap_url;
pub mod options;
pub mod pam_ops;
pub mod parked;
pub mod password;
pub mod ppolicy;
pub mod recent;
pub mod resolve;
pub mod shells;
pub mod sources;
pub mod tls;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod testing;
