//! pamlint: parse, resolve, lint, diff and simulate Linux-PAM configuration.
//!
//! Start with [`model`] (the types), [`parse::parse_service_file`] (one file) and
//! [`resolve::resolve_service`] (a service's effective stacks).

pub mod model;
pub mod parse;
pub mod resolve;
pub mod rules;

pub use parse::{parse_service_bytes, parse_service_file};
pub use resolve::{resolve_service, ResolveContext};
