//! pam_unix: passwd/shadow. Arguments: pam_unix(8), Linux-PAM 1.5/1.6.

use super::args::{Kind::*, Spec};
use super::{Args, Call, Module, Prediction, Returns};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    name: "pam_unix",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[],
};

const ARGS: Spec = &[
    ("debug", Flag),
    ("audit", Flag),
    ("nullok", Flag),
    ("nullok_secure", Flag),
    ("nullresetok", Flag),
    ("try_first_pass", Flag),
    ("use_first_pass", Flag),
    ("nodelay", Flag),
    ("use_authtok", Flag),
    ("authtok_type", Text),
    ("nis", Flag),
    ("remember", Int),
    ("shadow", Flag),
    ("md5", Flag),
    ("bigcrypt", Flag),
    ("sha256", Flag),
    ("sha512", Flag),
    ("blowfish", Flag),
    ("gost_yescrypt", Flag),
    ("yescrypt", Flag),
    ("rounds", Int),
    ("broken_shadow", Flag),
    ("quiet", Flag),
    ("no_pass_expiry", Flag),
    ("minlen", Int),
    ("obscure", Flag),
    ("not_set_pass", Flag),
    ("likeauth", Flag),
    ("noreap", Flag),
    ("use_first_pass", Flag),
    ("descrypt", Flag),
    ("sha1", Flag),
];

/// A user NSS does not know is PAM_USER_UNKNOWN; a directory user (audit)
/// has no local hash for auth to check; the rest needs the password.
fn predict(call: &Call<'_>) -> Prediction {
    if call.facts.passwd.is_none() && call.facts.lookup_error.is_none() {
        return Prediction::known(
            PamCode::UserUnknown,
            format!("{} has no passwd entry", call.who()),
        );
    }
    if call.pam_type == crate::model::PamType::Auth && directory_only(call) {
        return Prediction::known(
            PamCode::AuthErr,
            format!(
                "{} is a directory user without a local password: pam_unix has no hash to check",
                call.who()
            ),
        );
    }
    Prediction::assumed("pam_unix checks credentials or a directory: unknown, assumed success")
}

/// Facts from a directory audit say the user exists only in the directory.
fn directory_only(call: &Call<'_>) -> bool {
    call.facts
        .directory
        .as_ref()
        .is_some_and(|d| d.directory_only && d.entry.is_some())
}
