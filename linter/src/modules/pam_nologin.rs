//! pam_nologin: while /var/run/nologin or /etc/nologin exists, only root gets in.

use super::{Args, Call, Module, Prediction, Returns};
use crate::model::{PamCode, PamType};

pub const MODULE: Module = Module {
    name: "pam_nologin",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: Some(refuses),
    traits: &[],
};

fn refuses(_: &[String]) -> String {
    "users other than root (while /etc/nologin or /var/run/nologin exists)".into()
}

pub fn predict(call: &Call<'_>) -> Prediction {
    let nofile = if call.flag("successok") {
        PamCode::Success
    } else {
        PamCode::Ignore
    };
    if !matches!(call.pam_type, PamType::Auth | PamType::Account) {
        return Prediction::known(
            PamCode::ModuleUnknown,
            "pam_nologin has no hook for this type",
        );
    }
    let fs = &call.facts.fs;
    let file = match call.value("file") {
        Some(f) => fs.exists(f).then(|| f.to_string()),
        None => ["/var/run/nologin", "/etc/nologin"]
            .iter()
            .find(|f| fs.exists(f))
            .map(|f| f.to_string()),
    };
    let Some(file) = file else {
        return Prediction::known(nofile, format!("no nologin file: {nofile}"));
    };
    if fs.path(&file).is_dir() {
        return Prediction::known(PamCode::SystemErr, format!("{file} is a directory"));
    }
    match &call.facts.passwd {
        None => Prediction::known(PamCode::UserUnknown, format!("{file} exists and {} has no passwd entry", call.who())),
        Some(pw) if pw.uid != 0 => Prediction::known(
            PamCode::AuthErr,
            format!("{file} exists: logins other than root's are refused (its text is shown to the user)"),
        ),
        Some(_) => Prediction::known(nofile, format!("{file} exists but {} is uid 0", call.who())),
    }
}
