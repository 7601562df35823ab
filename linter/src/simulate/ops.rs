//! The application calls (pam_authenticate, pam_setcred, ...) as sequences of
//! dispatches, the way libpam's pam_auth.c, pam_account.c, pam_session.c and
//! pam_password.c drive `_pam_dispatch`.

use serde::Serialize;

use crate::model::{PamCode, PamType};

use super::engine::{dispatch, Cache, Flavor, Pass};
use super::hooks::Hook;
use super::ir::Handler;

/// What `--type` asks for: one application call (setcred and close_session first
/// run the call that freezes their chain, on the same handle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// pam_authenticate.
    Auth,
    /// pam_authenticate, then pam_setcred on the frozen auth chain.
    Setcred,
    /// pam_acct_mgmt.
    Account,
    /// pam_chauthtok: PRELIM_CHECK, then UPDATE_AUTHTOK if that succeeded.
    Password,
    /// pam_open_session.
    Session,
    /// pam_open_session, then pam_close_session on the frozen session chain.
    CloseSession,
}

impl Operation {
    /// The management group whose stack the operation runs.
    pub fn pam_type(self) -> PamType {
        match self {
            Operation::Auth | Operation::Setcred => PamType::Auth,
            Operation::Account => PamType::Account,
            Operation::Password => PamType::Password,
            Operation::Session | Operation::CloseSession => PamType::Session,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Auth => "auth",
            Operation::Setcred => "setcred",
            Operation::Account => "account",
            Operation::Password => "password",
            Operation::Session => "session",
            Operation::CloseSession => "close_session",
        }
    }
}

/// The result of one operation: its final code and every dispatch it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub result: PamCode,
    pub passes: Vec<Pass>,
    pub note: Option<&'static str>,
}

/// Run `op` over `handlers` (the stack of `op.pam_type()`), with `call` giving
/// each module's return for a hook.
pub fn run(
    op: Operation,
    handlers: &[Handler],
    flavor: Flavor,
    mut call: impl FnMut(&Handler, Hook) -> PamCode,
) -> Run {
    let mut cache: Cache = vec![None; handlers.len()];
    let mut one = |hook: Hook, frozen: bool, cache: &mut Cache| {
        dispatch(handlers, hook, frozen, flavor, cache, |h| call(h, hook))
    };
    match op {
        Operation::Auth => single(one(Hook::Authenticate, false, &mut cache)),
        Operation::Account => single(one(Hook::AcctMgmt, false, &mut cache)),
        Operation::Session => single(one(Hook::OpenSession, false, &mut cache)),
        Operation::Setcred => {
            let first = one(Hook::Authenticate, false, &mut cache);
            frozen_after(first, |c| one(Hook::Setcred, true, c), &mut cache)
        }
        Operation::CloseSession => {
            let first = one(Hook::OpenSession, false, &mut cache);
            frozen_after(first, |c| one(Hook::CloseSession, true, c), &mut cache)
        }
        Operation::Password => {
            let prelim = one(Hook::ChauthtokPrelim, false, &mut cache);
            if prelim.result != PamCode::Success {
                return Run {
                    result: prelim.result,
                    passes: vec![prelim],
                    note: Some("the PRELIM_CHECK pass failed: libpam does not run UPDATE_AUTHTOK"),
                };
            }
            let update = one(Hook::ChauthtokUpdate, false, &mut cache);
            Run {
                result: update.result,
                passes: vec![prelim, update],
                note: None,
            }
        }
    }
}

fn single(pass: Pass) -> Run {
    Run {
        result: pass.result,
        passes: vec![pass],
        note: None,
    }
}

/// The second call of a frozen pair. After PAM_INCOMPLETE libpam expects the same
/// call again: any other call returns PAM_ABORT ("application failed to re-exec
/// stack") without running a module.
fn frozen_after(first: Pass, second: impl FnOnce(&mut Cache) -> Pass, cache: &mut Cache) -> Run {
    if first.result == PamCode::Incomplete {
        return Run {
            result: PamCode::Abort,
            passes: vec![first],
            note: Some("the first call returned PAM_INCOMPLETE: libpam refuses a different call with PAM_ABORT"),
        };
    }
    let pass = second(cache);
    Run {
        result: pass.result,
        passes: vec![first, pass],
        note: None,
    }
}
