//! pam_echo: prints a file or its argument; marks stacks that refuse on purpose.

use super::{Module, Trait};

pub const MODULE: Module = Module {
    traits: &[Trait::RefusesOnPurpose],
    ..Module::unknown("pam_echo")
};
