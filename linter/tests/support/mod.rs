//! Test-only helpers for the simulate tests.
pub mod libpam;
pub mod stacks;
