//! pam_ldap (nss-pam-ldapd). Arguments: pam_ldap(8).

use super::args::{Kind::*, Spec};
use super::{Args, Call, Module, Prediction, Returns};

pub const MODULE: Module = Module {
    name: "pam_ldap",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[],
};

const ARGS: Spec = &[
    ("debug", Flag),
    ("use_first_pass", Flag),
    ("try_first_pass", Flag),
    ("use_authtok", Flag),
    ("nullok", Flag),
    ("ignore_unknown_user", Flag),
    ("ignore_authinfo_unavail", Flag),
    ("no_warn", Flag),
    ("minimum_uid", Int),
    ("config", Text),
    ("missingok", Flag),
];

/// Checks credentials or a directory: `why` cannot see the answer.
fn predict(_: &Call<'_>) -> Prediction {
    Prediction::assumed("pam_ldap checks credentials or a directory: unknown, assumed success")
}
