//! pam_time: login hours.

use super::{Args, Module, Returns, Trait};

pub const MODULE: Module = Module {
    name: "pam_time",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: None,
    refuses: Some(refuses),
    traits: &[Trait::Guard],
};

fn refuses(_: &[String]) -> String {
    "users outside the hours of /etc/security/time.conf".into()
}
