//! What the modelled modules return for each `pam_sm_*` call (the catalogue's
//! `returns`, `crate::modules`).

use crate::model::PamCode;

pub use crate::modules::hook::Hook;

use super::ir::Module;

/// What a modelled module returns from `hook` (None: not modelled, the caller
/// applies `--assume` or PAM_SUCCESS).
pub fn modelled_return(module: &Module, hook: Hook) -> Option<PamCode> {
    match module {
        Module::Modelled { module, args } => module.returns(args, hook),
        Module::Missing => Some(PamCode::ModuleUnknown),
        Module::Other => None,
    }
}
