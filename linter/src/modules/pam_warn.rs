//! pam_warn: logs the call and returns PAM_IGNORE.

use super::{Args, Call, Module, Prediction, Returns, Trait};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    name: "pam_warn",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[Trait::RefusesOnPurpose],
};

fn predict(_: &Call<'_>) -> Prediction {
    Prediction::known(PamCode::Ignore, "pam_warn only logs and returns PAM_IGNORE")
}
