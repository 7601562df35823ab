//! pam_sepermit: SELinux-confined logins.

use super::{Args, Module, Returns};

pub const MODULE: Module = Module {
    name: "pam_sepermit",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: None,
    refuses: Some(refuses),
    traits: &[],
};

fn refuses(_: &[String]) -> String {
    "users listed in /etc/security/sepermit.conf while SELinux enforces".into()
}
