//! pam_ldap_shell's logic, without libpam's entry points: options, the
//! directory (LDAP, TLS, SRV, failover, password policy), and the auth,
//! account and password phases driven through the `PamOps` and `Directory`
//! traits, and the sequence of one hook call (`lifecycle.rs`) over the
//! transaction state kept between calls (`transaction.rs`). The module crate (`pam_module`) adds the FFI layer and the global
//! allocator; pamlint links this crate to read options and the directory
//! exactly as the module does.
#![deny(unsafe_code)]

pub mod account;
pub mod auth;
pub mod connector;
pub mod context;
pub mod directory;
pub mod discovery;
pub mod escape;
pub mod expiry;
pub mod failover;
pub mod file_trust;
pub mod guard;
pub mod host;
pub mod ldap;
pub mod ldap_link;
pub mod ldap_url;
pub mod lifecycle;
pub mod options;
pub mod pam_ops;
pub mod parked;
pub mod password;
pub mod ppolicy;
pub mod recent;
pub mod refusal;
pub mod resolve;
pub mod reuse;
pub mod scan;
pub mod shells;
pub mod sources;
#[allow(unsafe_code)]
pub mod sys;
pub mod tls;
pub mod transaction;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod testing;
