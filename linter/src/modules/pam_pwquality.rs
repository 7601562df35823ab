//! pam_pwquality (libpwquality). Arguments: pam_pwquality(8).

use super::args::{Kind::*, Spec};
use super::{Args, Module, Returns};

pub const MODULE: Module = Module {
    name: "pam_pwquality",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: None,
    refuses: None,
    traits: &[],
};

const ARGS: Spec = &[
    ("debug", Flag),
    ("authtok_type", Text),
    ("retry", Int),
    ("difok", Int),
    ("minlen", Int),
    ("dcredit", Int),
    ("ucredit", Int),
    ("lcredit", Int),
    ("ocredit", Int),
    ("minclass", Int),
    ("maxrepeat", Int),
    ("maxsequence", Int),
    ("maxclassrepeat", Int),
    ("gecoscheck", Flag),
    ("dictcheck", Int),
    ("usercheck", Int),
    ("usersubstr", Int),
    ("enforcing", Int),
    ("badwords", Text),
    ("dictpath", Text),
    ("enforce_for_root", Flag),
    ("local_users_only", Flag),
    ("use_authtok", Flag),
    ("try_first_pass", Flag),
    ("use_first_pass", Flag),
    ("reject_username", Flag),
];
