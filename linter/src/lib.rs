//! pamlint: parse, resolve, lint, diff and simulate Linux-PAM configuration.
//!
//! Start with [`model`] (the types), [`parse::parse_service_file`] (one file) and
//! [`resolve::resolve_service`] (a service's effective stacks).

// No `unsafe` outside the FFI module (why/facts/ffi.rs, which allows it).
#![deny(unsafe_code)]

pub mod audit;
pub mod check;
pub mod cli;
pub mod config;
pub mod diff;
pub mod elf;
pub mod model;
pub mod modules;
pub mod output;
pub mod parse;
pub mod resolve;
pub mod rules;
pub mod simulate;
pub mod target;
pub mod why;

pub use parse::{parse_service_bytes, parse_service_file};
pub use resolve::{resolve_service, ResolveContext};
