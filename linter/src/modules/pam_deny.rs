//! pam_deny: every hook returns its failure code (pam_deny.c).

use super::{Args, Call, Hook, Module, Prediction, Returns, Trait};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    name: "pam_deny",
    args: Args::Unchecked,
    returns: Returns::Fixed(returns),
    predict: Some(predict),
    refuses: Some(refuses),
    traits: &[Trait::RefusesOnPurpose],
};

/// pam_deny.c: each hook's fixed failure.
fn returns(hook: Hook) -> PamCode {
    match hook {
        Hook::Authenticate | Hook::AcctMgmt => PamCode::AuthErr,
        Hook::Setcred => PamCode::CredErr,
        Hook::OpenSession | Hook::CloseSession => PamCode::SessionErr,
        Hook::ChauthtokPrelim | Hook::ChauthtokUpdate => PamCode::AuthtokErr,
    }
}

fn predict(call: &Call<'_>) -> Prediction {
    Prediction::known(
        returns(Hook::deciding(call.pam_type)),
        "pam_deny always fails",
    )
}

fn refuses(_: &[String]) -> String {
    "everyone who reaches it".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deny_codes_per_hook() {
        assert_eq!(
            MODULE.returns::<&str>(&[], Hook::Setcred),
            Some(PamCode::CredErr)
        );
        assert_eq!(
            MODULE.returns::<&str>(&[], Hook::CloseSession),
            Some(PamCode::SessionErr)
        );
    }
}
