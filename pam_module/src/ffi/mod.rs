//! The module's `unsafe`: libpam entry points, handle data and the allocator.
//! Each hook hands a `PamOps` and the transaction state kept on the handle
//! to the core's plain Rust (`lifecycle::run`).

pub mod alloc;
pub mod handle;
pub mod hooks;
pub mod state_slot;
