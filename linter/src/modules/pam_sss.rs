//! pam_sss: SSSD. Arguments: pam_sss(8).

use super::args::{Kind::*, Spec};
use super::{Args, Call, Module, Prediction, Returns};

pub const MODULE: Module = Module {
    name: "pam_sss",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[],
};

const ARGS: Spec = &[
    ("debug", Flag),
    ("quiet", Flag),
    ("use_first_pass", Flag),
    ("use_authtok", Flag),
    ("forward_pass", Flag),
    ("retry", Int),
    ("ignore_unknown_user", Flag),
    ("ignore_authinfo_unavail", Flag),
    ("domains", Text),
    ("allow_missing_name", Flag),
    ("prompt_always", Flag),
    ("try_cert_auth", Flag),
    ("require_cert_auth", Flag),
    ("try_first_pass", Flag),
];

/// Checks credentials or a directory: `why` cannot see the answer.
fn predict(_: &Call<'_>) -> Prediction {
    Prediction::assumed("pam_sss checks credentials or a directory: unknown, assumed success")
}
