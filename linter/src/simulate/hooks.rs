//! The `pam_sm_*` calls libpam makes, and what the modelled modules return for each.

use crate::model::PamCode;

use super::ir::Module;

/// One module hook call (chauthtok is two: PRELIM then UPDATE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hook {
    Authenticate,
    Setcred,
    AcctMgmt,
    OpenSession,
    CloseSession,
    ChauthtokPrelim,
    ChauthtokUpdate,
}

impl Hook {
    /// pam_debug's argument name for this hook.
    pub fn debug_event(self) -> &'static str {
        match self {
            Hook::Authenticate => "auth",
            Hook::Setcred => "cred",
            Hook::AcctMgmt => "acct",
            Hook::OpenSession => "open_session",
            Hook::CloseSession => "close_session",
            Hook::ChauthtokPrelim => "prechauthtok",
            Hook::ChauthtokUpdate => "chauthtok",
        }
    }

    /// The symbol libpam looks up for this hook.
    pub fn symbol(self) -> &'static str {
        match self {
            Hook::ChauthtokPrelim | Hook::ChauthtokUpdate => "pam_sm_chauthtok",
            other => other.as_str(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Hook::Authenticate => "pam_sm_authenticate",
            Hook::Setcred => "pam_sm_setcred",
            Hook::AcctMgmt => "pam_sm_acct_mgmt",
            Hook::OpenSession => "pam_sm_open_session",
            Hook::CloseSession => "pam_sm_close_session",
            Hook::ChauthtokPrelim => "pam_sm_chauthtok(PRELIM)",
            Hook::ChauthtokUpdate => "pam_sm_chauthtok(UPDATE)",
        }
    }
}

/// What a modelled module returns from `hook` (None: not modelled, the caller
/// applies `--assume` or PAM_SUCCESS).
pub fn modelled_return(module: &Module, hook: Hook) -> Option<PamCode> {
    match module {
        Module::Permit => Some(PamCode::Success),
        Module::Deny => Some(deny_return(hook)),
        Module::Debug { args } => Some(debug_return(args, hook)),
        Module::Missing => Some(PamCode::ModuleUnknown),
        Module::Other => None,
    }
}

/// pam_deny.c: each hook's fixed failure.
fn deny_return(hook: Hook) -> PamCode {
    match hook {
        Hook::Authenticate | Hook::AcctMgmt => PamCode::AuthErr,
        Hook::Setcred => PamCode::CredErr,
        Hook::OpenSession | Hook::CloseSession => PamCode::SessionErr,
        Hook::ChauthtokPrelim | Hook::ChauthtokUpdate => PamCode::AuthtokErr,
    }
}

/// pam_debug.c `parse_args`: the first argument `EVENT=...` decides; an unknown
/// value name (exact, case-sensitive) leaves PAM_SUCCESS; later arguments for the
/// same event are not looked at.
fn debug_return(args: &[String], hook: Hook) -> PamCode {
    let event = hook.debug_event();
    args.iter()
        .find_map(|a| a.strip_prefix(event).and_then(|r| r.strip_prefix('=')))
        .and_then(PamCode::from_token)
        .unwrap_or(PamCode::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debug(args: &[&str]) -> Module {
        Module::Debug {
            args: args.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn debug_first_matching_argument_wins_even_if_unknown() {
        let m = debug(&["auth=bogus", "auth=auth_err"]);
        assert_eq!(
            modelled_return(&m, Hook::Authenticate),
            Some(PamCode::Success)
        );
        let m = debug(&["authx=auth_err", "auth=user_unknown"]);
        assert_eq!(
            modelled_return(&m, Hook::Authenticate),
            Some(PamCode::UserUnknown)
        );
    }

    #[test]
    fn debug_chauthtok_phases_are_separate() {
        let m = debug(&["prechauthtok=try_again", "chauthtok=authtok_err"]);
        assert_eq!(
            modelled_return(&m, Hook::ChauthtokPrelim),
            Some(PamCode::TryAgain)
        );
        assert_eq!(
            modelled_return(&m, Hook::ChauthtokUpdate),
            Some(PamCode::AuthtokErr)
        );
    }

    #[test]
    fn deny_codes_per_hook() {
        assert_eq!(
            modelled_return(&Module::Deny, Hook::Setcred),
            Some(PamCode::CredErr)
        );
        assert_eq!(
            modelled_return(&Module::Deny, Hook::CloseSession),
            Some(PamCode::SessionErr)
        );
    }
}
