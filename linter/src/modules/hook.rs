//! The `pam_sm_*` calls libpam makes: what a module's returns are told per.

use crate::model::PamType;

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

impl Hook {
    /// The call that decides a type's result (chauthtok's update pass for
    /// password; setcred and close_session are not the type's verdict).
    pub fn deciding(t: PamType) -> Hook {
        match t {
            PamType::Auth => Hook::Authenticate,
            PamType::Account => Hook::AcctMgmt,
            PamType::Password => Hook::ChauthtokUpdate,
            PamType::Session => Hook::OpenSession,
        }
    }
}
