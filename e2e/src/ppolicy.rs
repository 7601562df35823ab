//! The password-policy directory lives in testkit (shared with the module's
//! own tests); re-exported here for the e2e tests.

pub use testkit::ppolicy::*;
