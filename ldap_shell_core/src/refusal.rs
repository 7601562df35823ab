//! Why a phase did not answer PAM_SUCCESS, as a value: each refusal point of
//! the account phase (and the auth helpers it shares) records one on the
//! `Context` next to its log line. The module only logs; pamlint's audit
//! runs the same account phase and reads the value, so its cause ids come
//! from the module's own decision instead of a second copy of the rules.

use crate::shells::ShellProblem;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No entry for the user (PAM_USER_UNKNOWN, or PAM_IGNORE with ignore_unknown_user).
    UnknownUser,
    /// More than one entry matches the user.
    Ambiguous,
    /// The directory could not be asked (PAM_AUTHINFO_UNAVAIL).
    DirectoryError,
    /// The uid is below `minimum_uid`: the module steps aside (PAM_IGNORE).
    BelowMinimumUid,
    /// `nsAccountLock` or ppolicy's permanent `pwdAccountLockedTime`.
    AccountLocked,
    /// shadowExpire reached.
    AccountExpired,
    /// The password expired longer ago than shadowInactive allows.
    PasswordInactive,
    /// A password change is due (shadow aging or ppolicy): PAM_NEW_AUTHTOK_REQD.
    ChangeRequired,
    /// The shell attribute is absent and `missing_shell=deny`.
    ShellAbsent,
    /// The shell attribute is empty and `missing_shell=deny`.
    ShellEmpty,
    /// The shell attribute has more than one value.
    ShellManyValues,
    /// The shell (or missing_shell's default) is refused by the shells list
    /// or the filesystem.
    Shell(ShellProblem),
    /// The shells list (`shells` option) cannot be read (PAM_SERVICE_ERR).
    ShellsFileUnusable,
    /// The entry does not match `authz_filter`.
    AuthzFilter,
}
