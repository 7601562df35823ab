//! pam_wheel: succeeds for members of the wheel group (or group=).

use super::{Module, Trait};

pub const MODULE: Module = Module {
    traits: &[Trait::Guard],
    ..Module::unknown("pam_wheel")
};
