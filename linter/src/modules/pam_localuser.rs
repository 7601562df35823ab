//! pam_localuser: the user must have a line in /etc/passwd (or file=), whatever
//! NSS says.

use super::{Args, Call, Module, Prediction, Returns, Trait};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    name: "pam_localuser",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: Some(refuses),
    traits: &[Trait::Guard],
};

fn refuses(_: &[String]) -> String {
    "users not in /etc/passwd (e.g. LDAP users)".into()
}

pub fn predict(call: &Call<'_>) -> Prediction {
    let file = call.value("file").unwrap_or("/etc/passwd");
    let user = call.who();
    if user.is_empty() {
        return Prediction::known(PamCode::ServiceErr, "empty user name");
    }
    if user.contains(':') {
        return Prediction::known(
            PamCode::PermDenied,
            format!("`{user}` contains `:`, never a local user"),
        );
    }
    let Ok(bytes) = call.facts.fs.read(file) else {
        return Prediction::known(PamCode::ServiceErr, format!("{file} cannot be opened"));
    };
    let prefix = format!("{user}:");
    let found = bytes
        .split(|b| *b == b'\n')
        .any(|line| line.starts_with(prefix.as_bytes()));
    if found {
        Prediction::success(format!("{user} has a line in {file} (a local user)"))
    } else {
        Prediction::known(
            PamCode::PermDenied,
            format!("{user} has no line in {file} (not a local user: NSS may still know them, e.g. from LDAP)"),
        )
    }
}
