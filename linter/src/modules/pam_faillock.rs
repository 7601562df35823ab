//! pam_faillock: counts failures. Arguments: pam_faillock(8).

use super::args::{Kind::*, Spec};
use super::{Args, Module, Returns};

pub const MODULE: Module = Module {
    name: "pam_faillock",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: None,
    refuses: None,
    traits: &[],
};

const ARGS: Spec = &[
    ("preauth", Flag),
    ("authfail", Flag),
    ("authsucc", Flag),
    ("conf", Text),
    ("dir", Text),
    ("even_deny_root", Flag),
    ("deny", Int),
    ("fail_interval", Int),
    ("unlock_time", IntOrNever),
    ("root_unlock_time", IntOrNever),
    ("audit", Flag),
    ("silent", Flag),
    ("no_log_info", Flag),
    ("local_users_only", Flag),
    ("nodelay", Flag),
    ("admin_group", Text),
    ("debug", Flag),
];
