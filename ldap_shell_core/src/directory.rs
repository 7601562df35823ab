//! What the hooks need from the directory, as a trait (LDAP in `ldap.rs`).

/// The parts of a user's entry the module looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntry {
    pub dn: String,
    /// Every value of the shell attribute (the schema says one; we check).
    pub shell_values: Vec<String>,
    pub uid_number: Option<u32>,
    /// What else the account phase checks (expiry, locks).
    pub account: AccountAttrs,
}

/// Account state in the entry besides the shell; None where absent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountAttrs {
    /// shadowAccount, in days since 1970-01-01 (as /etc/shadow).
    pub shadow: Shadow,
    /// 389-DS / Red Hat DS `nsAccountLock`.
    pub ns_account_lock: Option<String>,
    /// OpenLDAP ppolicy `pwdAccountLockedTime` (operational).
    pub pwd_account_locked_time: Option<String>,
}

/// The shadowAccount attributes, as /etc/shadow's fields (days).
pub use aging::Shadow;

/// The attributes `AccountAttrs` is read from (requested with every search).
pub const ACCOUNT_ATTRIBUTES: &[&str] = &[
    "shadowLastChange",
    "shadowMax",
    "shadowWarning",
    "shadowInactive",
    "shadowExpire",
    "nsAccountLock",
    "pwdAccountLockedTime",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(UserEntry),
    NotFound,
    /// More than one entry matched: the DNs (never "take the first").
    Ambiguous(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindOutcome {
    Success,
    InvalidCredentials,
}

/// What the server said to a password change (RFC 3062 Password Modify).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeOutcome {
    Changed,
    /// The old password did not bind.
    InvalidOld,
    /// The server refused the new password: its result code and message
    /// (e.g. a ppolicy quality or history error).
    Refused {
        rc: u32,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirError {
    /// No server answered in time: PAM_AUTHINFO_UNAVAIL.
    Unavailable(String),
    /// A server answered with an error (bad base, service bind refused, ...).
    Failed(String),
}

impl std::fmt::Display for DirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DirError::Unavailable(s) => write!(f, "LDAP server unavailable: {s}"),
            DirError::Failed(s) => write!(f, "LDAP error: {s}"),
        }
    }
}

/// A server that answered in this call, then failed an operation without
/// answering it (timed out, connection lost), given up for the rest of the
/// call (`Directory::give_up_broken`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenUp {
    pub server: String,
    /// What happened, e.g. "operation timed out (timeout_ms)".
    pub why: String,
}

pub trait Directory {
    /// Finds the user's entry (search, or a read of `dn_template`'s DN).
    fn lookup(&mut self, user: &str) -> Result<Lookup, DirError>;
    /// A simple bind as `dn` with `password` (never called with an empty one).
    fn bind(&mut self, dn: &str, password: &str) -> Result<BindOutcome, DirError>;
    /// Binds as `dn` with `old`, then changes its password to `new` with the
    /// Password Modify extended operation (RFC 3062).
    fn change_password(
        &mut self,
        dn: &str,
        old: &str,
        new: &str,
    ) -> Result<ChangeOutcome, DirError>;
    /// Whether the entry at `dn` matches `filter`.
    fn entry_matches(&mut self, dn: &str, filter: &str) -> Result<bool, DirError>;
    /// A short description of the search for log lines, e.g. `(uid=bob) under dc=example,dc=org`.
    fn describe_search(&self, user: &str) -> String;
    /// The server in use, once connected (for `debug` lines).
    fn server(&self) -> Option<String> {
        None
    }
    /// When the last operation failed because the server in use, after
    /// answering earlier in this call, gave no answer (a timeout, a lost
    /// connection; never a result code): gives that server up for the rest
    /// of the call, so the next operation starts over on the next server
    /// of the order. None when the last operation failed otherwise or
    /// succeeded, or for a directory without failover.
    fn give_up_broken(&mut self) -> Option<GivenUp> {
        None
    }
    /// The password-policy response to the last bind or password change
    /// (`ppolicy.rs`); empty when the server sent none.
    fn policy(&self) -> crate::ppolicy::Policy {
        crate::ppolicy::Policy::default()
    }
}
