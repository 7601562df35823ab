//! The only place with `unsafe`: libpam entry points and the libc calls.
//! Each hook parses the options, then hands a `PamOps` to plain Rust code.

pub mod alloc;
pub mod conn_slot;
pub mod handle;
pub mod hooks;
pub mod nss;
pub mod process;
