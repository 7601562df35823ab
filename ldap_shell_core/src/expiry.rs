//! The account phase's checks of account state in the directory, besides
//! the shell: administrative locks (389-DS `nsAccountLock`, OpenLDAP
//! ppolicy's permanent `pwdAccountLockedTime`), shadowAccount aging
//! (the `aging` crate, shared with pamlint), and a password change the auth phase was told is due
//! (ppolicy `changeAfterReset`, grace logins). Each refusal names the
//! attribute and the entry in syslog and tells the user what pam_unix
//! tells a local user in the same state.

use crate::context::Context;
use crate::directory::UserEntry;
use crate::pam_ops::{MessageKind, Priority};
use crate::refusal::Refusal;
use aging::{check, day_of, Aging};
use pam::constants::PamResultCode;

/// OpenLDAP ppolicy's value for "locked by an administrator until unlocked"
/// (a lockout after failed binds carries the time it began instead, and
/// ends by itself after pwdLockoutDuration, which the account phase cannot
/// see: only this one is refused without a bind).
pub const PERMANENT_LOCK: &str = "000001010000Z";

/// What the account phase decides before the shell check: refuse now, or
/// go on (possibly requiring a password change once every check passed).
#[derive(Debug, PartialEq, Eq)]
pub enum State {
    Refused(PamResultCode),
    Usable { must_change: Option<String> },
}

/// Locks and aging of `entry` for `user`, on day `today`.
pub fn check_state(ctx: &mut Context, user: &str, entry: &UserEntry, today: i64) -> State {
    let dn = &entry.dn;
    let attrs = &entry.account;
    if let Some(v) = &attrs.ns_account_lock {
        if v.trim().eq_ignore_ascii_case("true") {
            return refuse(
                ctx,
                Refusal::AccountLocked,
                PamResultCode::PAM_PERM_DENIED,
                &format!("user \"{user}\" refused: account locked: nsAccountLock is \"{v}\" in entry \"{dn}\"; fix: set nsAccountLock to false (or remove it) to unlock"),
                "Your account is locked. Please contact your administrator.",
            );
        }
    }
    if attrs.pwd_account_locked_time.as_deref() == Some(PERMANENT_LOCK) {
        return refuse(
            ctx,
            Refusal::AccountLocked,
            PamResultCode::PAM_PERM_DENIED,
            &format!("user \"{user}\" refused: account locked by an administrator: pwdAccountLockedTime is {PERMANENT_LOCK} in entry \"{dn}\"; fix: remove pwdAccountLockedTime to unlock"),
            "Your account is locked. Please contact your administrator.",
        );
    }
    if !ctx.opts.shadow_expiry {
        return State::Usable { must_change: None };
    }
    let s = &attrs.shadow;
    let field = |v: Option<i64>| v.map_or("absent".to_string(), |d| d.to_string());
    match check(s, today) {
        Aging::Fine => State::Usable { must_change: None },
        Aging::ExpiresIn(days) => {
            ctx.log(
                Priority::Info,
                &format!("user \"{user}\": password expires in {days} day(s) (shadowLastChange {} + shadowMax {}, shadowWarning {}) in entry \"{dn}\"", field(s.last_change), field(s.max), field(s.warning)),
            );
            ctx.tell(
                MessageKind::Info,
                &format!("Warning: your password will expire in {days} day(s)."),
            );
            State::Usable { must_change: None }
        }
        Aging::AccountExpired => refuse(
            ctx,
            Refusal::AccountExpired,
            PamResultCode::PAM_ACCT_EXPIRED,
            &format!("user \"{user}\" refused: account expired: shadowExpire is {} (day {today} is today) in entry \"{dn}\"; fix: raise or remove shadowExpire", field(s.expire)),
            "Your account has expired; please contact your system administrator.",
        ),
        Aging::Inactive => refuse(
            ctx,
            Refusal::PasswordInactive,
            PamResultCode::PAM_ACCT_EXPIRED,
            &format!("user \"{user}\" refused: password expired and unused for longer than shadowInactive ({}): shadowLastChange {} + shadowMax {} in entry \"{dn}\"; fix: reset the password (shadowLastChange)", field(s.inactive), field(s.last_change), field(s.max)),
            "Your account has expired; please contact your system administrator.",
        ),
        Aging::ChangeEnforced => {
            ctx.log(
                Priority::Notice,
                &format!("user \"{user}\" must change the password: shadowLastChange is 0 in entry \"{dn}\""),
            );
            State::Usable {
                must_change: Some("administrator enforced".into()),
            }
        }
        Aging::PasswordExpired => {
            ctx.log(
                Priority::Notice,
                &format!("user \"{user}\" must change the password: it is older than shadowMax ({}): shadowLastChange {} in entry \"{dn}\"", field(s.max), field(s.last_change)),
            );
            State::Usable {
                must_change: Some("password expired".into()),
            }
        }
    }
}

/// The last step of an account phase that passed every check: a change
/// that is due is PAM_NEW_AUTHTOK_REQD (sshd, login, su and passwd then
/// run the password change), as pam_unix answers for /etc/shadow.
pub fn require_change(ctx: &mut Context, user: &str, why: &str) -> PamResultCode {
    ctx.refused(Refusal::ChangeRequired);
    ctx.log(
        Priority::Notice,
        &format!("user \"{user}\": password change required ({why}): PAM_NEW_AUTHTOK_REQD"),
    );
    ctx.tell(
        MessageKind::Error,
        &format!("You are required to change your password immediately ({why})."),
    );
    PamResultCode::PAM_NEW_AUTHTOK_REQD
}

/// Today's day number, as pam_unix counts it.
pub fn today() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    day_of(now)
}

fn refuse(
    ctx: &mut Context,
    why: Refusal,
    code: PamResultCode,
    line: &str,
    message: &str,
) -> State {
    ctx.refused(why);
    ctx.log(Priority::Notice, line);
    ctx.tell(MessageKind::Error, message);
    State::Refused(code)
}
