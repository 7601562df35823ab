//! `pamlint simulate`: libpam's control flow (pam_dispatch.c) over a service's
//! effective stack, with pam_permit, pam_deny and pam_debug modelled exactly and
//! every other module returning PAM_SUCCESS unless `--assume` says otherwise.
//!
//! Pipeline: resolved model → [`glue::handlers`] (libpam's flat handler list) →
//! [`ops::run`] (the application call: one or two dispatches) → [`report`].
//! See docs/simulate.md.

pub mod assume;
pub mod engine;
pub mod glue;
pub mod hooks;
pub mod ir;
pub mod ops;
pub mod report;

use crate::model::{PamCode, ResolvedService};

use assume::{assumed, Assumption};
use engine::Flavor;
use hooks::{modelled_return, Hook};
use ir::{Handler, HandlerKind};
use ops::{Operation, Run};

/// Everything a simulation needs besides the stack.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub assumptions: Vec<Assumption>,
    pub flavor: Flavor,
    /// Do not treat modules missing on disk as PAM_MODULE_UNKNOWN (`--dir`
    /// without the modules installed).
    pub assume_modules_present: bool,
}

/// A finished simulation: the handler list and what happened to it.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub service: String,
    pub operation: Operation,
    pub handlers: Vec<Handler>,
    pub run: Run,
}

impl Simulation {
    pub fn result(&self) -> PamCode {
        self.run.result
    }
}

/// Simulate `op` on a resolved service.
pub fn simulate(service: &ResolvedService, op: Operation, opts: &Options) -> Simulation {
    let handlers = glue::handlers(service.stack(op.pam_type()), opts.assume_modules_present);
    let run = if service.aborts {
        // pam_start itself fails: no module runs.
        Run {
            result: PamCode::Abort,
            passes: Vec::new(),
            note: Some("libpam refuses this configuration: pam_start returns PAM_ABORT"),
        }
    } else {
        ops::run(op, &handlers, opts.flavor, |h, hook| {
            module_return(h, hook, &opts.assumptions)
        })
    };
    Simulation {
        service: service.name.clone(),
        operation: op,
        handlers,
        run,
    }
}

/// What a module handler returns for a hook: PAM_MODULE_UNKNOWN when the module is
/// missing or lacks the hook, else an assumption, the modelled module, or success.
pub fn module_return(h: &Handler, hook: Hook, assumptions: &[Assumption]) -> PamCode {
    let HandlerKind::Module(module) = &h.kind else {
        return engine::MUST_FAIL;
    };
    if *module == ir::Module::Missing {
        return PamCode::ModuleUnknown;
    }
    if let Some(hooks) = &h.hooks {
        if !hooks.iter().any(|s| s == hook.symbol()) {
            return PamCode::ModuleUnknown;
        }
    }
    assumed(assumptions, &h.label)
        .or_else(|| modelled_return(module, hook))
        .unwrap_or(PamCode::Success)
}
