//! What the hooks need from the directory, as a trait (LDAP in `ldap.rs`).

/// The parts of a user's entry the module looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntry {
    pub dn: String,
    /// Every value of the shell attribute (the schema says one; we check).
    pub shell_values: Vec<String>,
    pub uid_number: Option<u32>,
}

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
}
