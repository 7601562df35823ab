//! Modules whose result needs no facts (pam_permit, pam_deny) and the rest:
//! unknown, assumed success — except that most modules refuse an unknown user.

use super::{Call, Prediction};
use crate::model::{PamCode, PamType};

/// Modules that return PAM_USER_UNKNOWN (or similar) for a user NSS does not know.
const NEED_USER: [&str; 3] = ["pam_unix", "pam_sss", "pam_ldap"];

pub fn predict(module: &str, call: &Call<'_>) -> Prediction {
    match module {
        "pam_permit" => Prediction::success("pam_permit always succeeds"),
        "pam_deny" => {
            let code = match call.pam_type {
                PamType::Auth | PamType::Account => PamCode::AuthErr,
                PamType::Password => PamCode::AuthtokErr,
                PamType::Session => PamCode::SessionErr,
            };
            Prediction::known(code, "pam_deny always fails")
        }
        "pam_env" | "pam_faildelay" if call.pam_type == PamType::Auth => Prediction::known(
            PamCode::Ignore,
            format!("{module}'s authenticate hook only prepares (environment, delay) and returns PAM_IGNORE"),
        ),
        "pam_env" if call.pam_type == PamType::Account => Prediction::known(
            PamCode::ServiceErr,
            "pam_env has no account hook of use: it returns PAM_SERVICE_ERR",
        ),
        "pam_debug" => debug(call),
        // pam_rootok.c: PAM_SUCCESS for uid 0, else PAM_AUTH_ERR (every hook).
        "pam_rootok" if call.facts.ordinary_caller => Prediction::known(
            PamCode::AuthErr,
            "pam_rootok fails: the caller is taken to be an ordinary user, not root",
        ),
        "pam_warn" => Prediction::known(PamCode::Ignore, "pam_warn only logs and returns PAM_IGNORE"),
        m if m == "pam_unix"
            && call.facts.passwd.is_none()
            && call.facts.lookup_error.is_none() =>
        {
            Prediction::known(
                PamCode::UserUnknown,
                format!("{} has no passwd entry", call.who()),
            )
        }
        "pam_unix" if call.pam_type == PamType::Auth && directory_only(call) => Prediction::known(
            PamCode::AuthErr,
            format!(
                "{} is a directory user without a local password: pam_unix has no hash to check",
                call.who()
            ),
        ),
        m if NEED_USER.contains(&m) => Prediction::assumed(format!(
            "{m} checks credentials or a directory: unknown, assumed success"
        )),
        m => Prediction::assumed(format!("{m}: unknown, assumed success")),
    }
}

/// Facts from a directory audit say the user exists only in the directory.
fn directory_only(call: &Call<'_>) -> bool {
    call.facts
        .directory
        .as_ref()
        .is_some_and(|d| d.directory_only && d.entry.is_some())
}

/// pam_debug: the first `EVENT=` argument for the hook sets the return value when
/// it names a return code (`auth=perm_denied`); otherwise PAM_SUCCESS.
fn debug(call: &Call<'_>) -> Prediction {
    let event = match call.pam_type {
        PamType::Auth => "auth",
        PamType::Account => "acct",
        PamType::Password => "chauthtok",
        PamType::Session => "open_session",
    };
    let prefix = format!("{event}=");
    let chosen = call
        .args
        .iter()
        .find_map(|a| a.strip_prefix(prefix.as_str()));
    match chosen.and_then(PamCode::from_token) {
        Some(code) => Prediction::known(code, format!("pam_debug {event}= returns {code}")),
        None => Prediction::success(format!(
            "pam_debug: no valid {event}= argument, PAM_SUCCESS"
        )),
    }
}
