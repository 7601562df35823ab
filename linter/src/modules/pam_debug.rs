//! pam_debug: each hook returns what its `EVENT=CODE` argument says.

use super::{Args, Call, Hook, Module, Prediction, Returns, Trait};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    name: "pam_debug",
    args: Args::Unchecked,
    returns: Returns::FromArgs(returns),
    predict: Some(predict),
    refuses: None,
    traits: &[Trait::RefusesOnPurpose],
};

/// pam_debug.c `parse_args`: the first argument `EVENT=...` decides; an unknown
/// value name (exact, case-sensitive) leaves PAM_SUCCESS; later arguments for the
/// same event are not looked at.
fn chosen<S: AsRef<str>>(args: &[S], hook: Hook) -> Option<PamCode> {
    let event = hook.debug_event();
    args.iter()
        .find_map(|a| a.as_ref().strip_prefix(event)?.strip_prefix('='))
        .and_then(PamCode::from_token)
}

fn returns(args: &[String], hook: Hook) -> PamCode {
    chosen(args, hook).unwrap_or(PamCode::Success)
}

fn predict(call: &Call<'_>) -> Prediction {
    let hook = Hook::deciding(call.pam_type);
    let event = hook.debug_event();
    match chosen(&call.args, hook) {
        Some(code) => Prediction::known(code, format!("pam_debug {event}= returns {code}")),
        None => Prediction::success(format!(
            "pam_debug: no valid {event}= argument, PAM_SUCCESS"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_first_matching_argument_wins_even_if_unknown() {
        let r = |args: &[&str], hook| MODULE.returns(args, hook);
        assert_eq!(
            r(&["auth=bogus", "auth=auth_err"], Hook::Authenticate),
            Some(PamCode::Success)
        );
        assert_eq!(
            r(&["authx=auth_err", "auth=user_unknown"], Hook::Authenticate),
            Some(PamCode::UserUnknown)
        );
    }

    #[test]
    fn debug_chauthtok_phases_are_separate() {
        let args = ["prechauthtok=try_again", "chauthtok=authtok_err"];
        assert_eq!(
            MODULE.returns(&args, Hook::ChauthtokPrelim),
            Some(PamCode::TryAgain)
        );
        assert_eq!(
            MODULE.returns(&args, Hook::ChauthtokUpdate),
            Some(PamCode::AuthtokErr)
        );
    }
}
