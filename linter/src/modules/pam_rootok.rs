//! pam_rootok: succeeds for root (uid 0) only.

use super::{Module, Trait};

pub const MODULE: Module = Module {
    traits: &[Trait::Guard, Trait::AdmitsOnPurpose],
    ..Module::unknown("pam_rootok")
};
