//! pam_usertype: issystem / isregular from the uid and /etc/login.defs.

use super::{Args, Call, Module, Prediction, Returns, Trait};
use crate::model::PamCode;
use crate::facts::logindefs::UidClasses;

pub const MODULE: Module = Module {
    name: "pam_usertype",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[Trait::Guard],
};

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
    let classes = UidClasses::read(&call.facts.fs);
    let is_system = classes.is_system(pw.uid);
    let kind = if is_system {
        "a system user"
    } else {
        "a regular user"
    };
    let fact = format!(
        "uid {} is {kind} (UID_MIN {}, SYS_UID_MAX {})",
        pw.uid, classes.uid_min, classes.sys_uid_max
    );
    let code = if is_system == system {
        PamCode::Success
    } else {
        PamCode::AuthErr
    };
    Prediction::known(code, fact)
}
