//! pam_faildelay: sets the failure delay in auth and returns PAM_IGNORE.

use super::{Args, Call, Module, Prediction, Returns, Trait};
use crate::model::{PamCode, PamType};

pub const MODULE: Module = Module {
    name: "pam_faildelay",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[Trait::RefusesOnPurpose],
};

fn predict(call: &Call<'_>) -> Prediction {
    match call.pam_type {
        PamType::Auth => Prediction::known(
            PamCode::Ignore,
            "pam_faildelay's authenticate hook only prepares (environment, delay) and returns PAM_IGNORE",
        ),
        _ => Prediction::assumed("pam_faildelay: unknown, assumed success"),
    }
}
