//! Test-only helpers shared by the crates' integration tests.
