//! pam_env: sets the environment; its answers are fixed per type.

use super::{Args, Call, Module, Prediction, Returns};
use crate::model::{PamCode, PamType};

pub const MODULE: Module = Module {
    name: "pam_env",
    args: Args::Unchecked,
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[],
};

fn predict(call: &Call<'_>) -> Prediction {
    match call.pam_type {
        PamType::Auth => Prediction::known(
            PamCode::Ignore,
            "pam_env's authenticate hook only prepares (environment, delay) and returns PAM_IGNORE",
        ),
        PamType::Account => Prediction::known(
            PamCode::ServiceErr,
            "pam_env has no account hook of use: it returns PAM_SERVICE_ERR",
        ),
        _ => Prediction::assumed("pam_env: unknown, assumed success"),
    }
}
