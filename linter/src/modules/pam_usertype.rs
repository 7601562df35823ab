//! pam_usertype: issystem / isregular from the uid and /etc/login.defs.

use super::{Args, Call, Module, Prediction, Returns, Trait};
use crate::model::PamCode;
use crate::why::facts::logindefs::uid_key;

pub const MODULE: Module = Module {
    name: "pam_usertype",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[Trait::Guard],
};

const OVERFLOW_UID: u32 = 65534;

pub fn predict(call: &Call<'_>) -> Prediction {
    if call.flag("use_uid") {
        return Prediction::assumed("pam_usertype use_uid tests the user running the application");
    }
    let system = call.flag("issystem");
    let regular = call.flag("isregular");
    if system == regular {
        return Prediction::known(
            PamCode::ServiceErr,
            "pam_usertype needs exactly one of issystem, isregular",
        );
    }
    let Some(pw) = &call.facts.passwd else {
        return Prediction::known(
            PamCode::UserUnknown,
            format!("{} has no passwd entry", call.who()),
        );
    };
    let fs = &call.facts.fs;
    let uid_min = uid_key(fs, "UID_MIN", 1000);
    let sys_max = uid_key(fs, "SYS_UID_MAX", uid_min.saturating_sub(1));
    let is_system = pw.uid == OVERFLOW_UID || (pw.uid <= sys_max && pw.uid < uid_min);
    let kind = if is_system {
        "a system user"
    } else {
        "a regular user"
    };
    let fact = format!(
        "uid {} is {kind} (UID_MIN {uid_min}, SYS_UID_MAX {sys_max})",
        pw.uid
    );
    let code = if is_system == system {
        PamCode::Success
    } else {
        PamCode::AuthErr
    };
    Prediction::known(code, fact)
}
