//! pam_shells: the user's shell must be listed in /etc/shells (auth and account).

use super::args::{Kind::*, Spec};
use super::{Args, Call, Module, Prediction, Returns};
use crate::model::{PamCode, PamType};
use crate::why::facts::shells::read_list;
use crate::why::facts::PamVersion;

pub const MODULE: Module = Module {
    name: "pam_shells",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: Some(predict),
    refuses: Some(refuses),
    traits: &[],
};

const ARGS: Spec = &[("debug", Flag)];

fn refuses(_: &[String]) -> String {
    "users whose shell is not in /etc/shells, or empty on Linux-PAM < 1.4.0".into()
}

/// The first version that maps an empty shell to /bin/sh.
pub const EMPTY_IS_SH: PamVersion = PamVersion::new(1, 4, 0);
/// The first version that logs a refusal (LOG_NOTICE) and returns PAM_USER_UNKNOWN
/// for unknown users.
pub const LOGS_REFUSAL: PamVersion = PamVersion::new(1, 6, 0);

pub fn predict(call: &Call<'_>) -> Prediction {
    if !matches!(call.pam_type, PamType::Auth | PamType::Account) {
        return Prediction::known(
            PamCode::ModuleUnknown,
            "pam_shells has no hook for this type (only auth and account)",
        );
    }
    let facts = call.facts;
    let version = facts.pam_version();
    let newer = |v: PamVersion| version.is_none_or(|have| have >= v);
    let Some(pw) = &facts.passwd else {
        let code = if newer(LOGS_REFUSAL) {
            PamCode::UserUnknown
        } else {
            PamCode::AuthErr
        };
        return Prediction::known(
            code,
            format!(
                "{} has no passwd entry ({})",
                call.who(),
                facts.lookup_name()
            ),
        );
    };
    let (shell, note) = if pw.shell.is_empty() && newer(EMPTY_IS_SH) {
        (
            "/bin/sh".to_string(),
            format!(
                "the shell is empty, which Linux-PAM {EMPTY_IS_SH} and later read as /bin/sh; "
            ),
        )
    } else {
        (pw.shell.clone(), String::new())
    };
    let list = match read_list(&facts.fs, version, facts.shells_econf) {
        Ok(l) => l,
        Err(e) => return Prediction::known(e.code, e.reason),
    };
    let silence = if newer(LOGS_REFUSAL) {
        "pam_shells logs one LOG_NOTICE line \"User has an invalid shell\""
    } else {
        "silently: this Linux-PAM logs nothing"
    };
    if list.entries.contains(&shell) {
        let what = if shell.is_empty() {
            format!(
                "the shell is empty and {} has a blank line, which matches it",
                list.file
            )
        } else {
            format!("{note}the shell {shell} is listed in {}", list.file)
        };
        return Prediction::success(what);
    }
    let fact = if shell.is_empty() {
        format!(
            "{}'s shell is empty, and Linux-PAM before {EMPTY_IS_SH} refuses an empty shell ({silence})",
            call.who()
        )
    } else {
        format!(
            "{note}{}'s shell {shell} is not listed in {} ({silence})",
            call.who(),
            list.file
        )
    };
    Prediction::known(PamCode::AuthErr, fact)
}
