//! pam_rootok: succeeds for root (uid 0) only.

use super::{Call, Module, Prediction, Trait};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    traits: &[Trait::Guard, Trait::AdmitsOnPurpose],
    predict: Some(predict),
    ..Module::unknown("pam_rootok")
};

/// pam_rootok.c: PAM_SUCCESS for uid 0, else PAM_AUTH_ERR (every hook). The
/// caller is known only in an audit, which judges ordinary users' logins.
fn predict(call: &Call<'_>) -> Prediction {
    if call.facts.ordinary_caller {
        return Prediction::known(
            PamCode::AuthErr,
            "pam_rootok fails: the caller is taken to be an ordinary user, not root",
        );
    }
    Prediction::assumed("pam_rootok: unknown, assumed success")
}
