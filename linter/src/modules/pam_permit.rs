//! pam_permit: every hook returns PAM_SUCCESS.

use super::{Args, Call, Hook, Module, Prediction, Returns, Trait};
use crate::model::PamCode;

pub const MODULE: Module = Module {
    name: "pam_permit",
    args: Args::Unchecked,
    returns: Returns::Fixed(returns),
    predict: Some(predict),
    refuses: None,
    traits: &[Trait::AdmitsOnPurpose],
};

fn returns(_: Hook) -> PamCode {
    PamCode::Success
}

fn predict(_: &Call<'_>) -> Prediction {
    Prediction::success("pam_permit always succeeds")
}
