//! Test-only helpers for the simulate tests.
pub use testkit::libpam;
pub mod stacks;
