//! The module's `unsafe`: libpam entry points, handle data and the allocator.
//! Each hook parses the options, then hands a `PamOps` to the core's plain Rust.

pub mod alloc;
pub mod conn_slot;
pub mod handle;
pub mod hooks;
