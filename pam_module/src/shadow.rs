//! Password and account aging from the shadowAccount attributes, decided
//! as pam_unix decides it for /etc/shadow (same order, same comparisons),
//! so an LDAP user and a local user with the same fields get the same
//! answer. Fields are days since 1970-01-01; an absent field is shadow's
//! empty field (-1: no limit). An absent shadowLastChange means no aging,
//! as shadow(5) says for an empty field.

use crate::directory::Shadow;

/// What the fields say today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aging {
    /// Nothing to say.
    Fine,
    /// Usable; the password expires in this many days.
    ExpiresIn(i64),
    /// shadowExpire is today or past: PAM_ACCT_EXPIRED.
    AccountExpired,
    /// The password expired and the account stayed inactive longer than
    /// shadowInactive allows: PAM_ACCT_EXPIRED (pam_unix: "authtok expired").
    Inactive,
    /// shadowLastChange is 0: an administrator requires a new password.
    ChangeEnforced,
    /// The password is older than shadowMax: PAM_NEW_AUTHTOK_REQD.
    PasswordExpired,
}

/// The day number of `now` (seconds since the epoch), as pam_unix counts.
pub fn day_of(seconds: u64) -> i64 {
    (seconds / 86_400) as i64
}

/// Decides `Aging` for `s` on day `today`.
pub fn check(s: &Shadow, today: i64) -> Aging {
    let field = |v: Option<i64>| v.unwrap_or(-1);
    let expire = field(s.expire);
    if expire != -1 && today >= expire {
        return Aging::AccountExpired;
    }
    let Some(last) = s.last_change else {
        return Aging::Fine;
    };
    if last == 0 {
        return Aging::ChangeEnforced;
    }
    if today < last {
        return Aging::Fine;
    }
    let (max, inactive, warn) = (field(s.max), field(s.inactive), field(s.warning));
    let age = today - last;
    if max != -1 && inactive != -1 && age > max && age > inactive && age > max + inactive {
        return Aging::Inactive;
    }
    if max != -1 && age > max {
        return Aging::PasswordExpired;
    }
    if max != -1 && warn != -1 && age > max - warn {
        return Aging::ExpiresIn(last + max - today);
    }
    Aging::Fine
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(
        last: Option<i64>,
        max: Option<i64>,
        warn: Option<i64>,
        inact: Option<i64>,
        exp: Option<i64>,
    ) -> Shadow {
        Shadow {
            last_change: last,
            max,
            warning: warn,
            inactive: inact,
            expire: exp,
        }
    }

    #[test]
    fn the_cases_pam_unix_knows() {
        let today = 20_000;
        assert_eq!(check(&Shadow::default(), today), Aging::Fine);
        assert_eq!(
            check(&s(None, None, None, None, Some(1)), today),
            Aging::AccountExpired
        );
        assert_eq!(
            check(&s(None, None, None, None, Some(today)), today),
            Aging::AccountExpired
        );
        assert_eq!(
            check(&s(None, None, None, None, Some(today + 1)), today),
            Aging::Fine
        );
        assert_eq!(
            check(&s(Some(0), Some(90), None, None, None), today),
            Aging::ChangeEnforced
        );
        // 100 days old, max 90: expired; with 30 days' inactivity allowed, still changeable.
        let old = Some(today - 100);
        assert_eq!(
            check(&s(old, Some(90), None, None, None), today),
            Aging::PasswordExpired
        );
        assert_eq!(
            check(&s(old, Some(90), None, Some(30), None), today),
            Aging::PasswordExpired
        );
        assert_eq!(
            check(&s(old, Some(90), None, Some(5), None), today),
            Aging::Inactive
        );
        // 85 days old, max 90, warn 7: 5 days left.
        let recent = Some(today - 85);
        assert_eq!(
            check(&s(recent, Some(90), Some(7), None, None), today),
            Aging::ExpiresIn(5)
        );
        assert_eq!(
            check(&s(recent, Some(90), Some(3), None, None), today),
            Aging::Fine
        );
        // No max: no aging; changed "in the future": fine.
        assert_eq!(
            check(&s(old, None, Some(7), None, None), today),
            Aging::Fine
        );
        assert_eq!(
            check(&s(Some(today + 3), Some(1), None, None, None), today),
            Aging::Fine
        );
        // Account expiry wins over everything.
        assert_eq!(
            check(&s(Some(0), None, None, None, Some(1)), today),
            Aging::AccountExpired
        );
    }

    #[test]
    fn days_are_counted_from_the_epoch() {
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(86_399), 0);
        assert_eq!(day_of(86_400), 1);
    }
}
