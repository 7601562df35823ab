//! Password and account aging, decided as pam_unix decides it for
//! /etc/shadow (same order, same comparisons): pam_ldap_shell applies it to
//! the shadowAccount attributes, pamlint's `why` to what NSS or an image's
//! /etc/shadow says, so an LDAP user and a local user with the same fields
//! get the same answer, and the prediction is the module's own rule. Fields are days since 1970-01-01; an absent field is shadow's
//! empty field (-1: no limit). An absent shadowLastChange means no aging,
//! as shadow(5) says for an empty field.
#![forbid(unsafe_code)]

/// The shadow fields aging looks at, in days since 1970-01-01 (None: the
/// field is empty, shadow's -1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shadow {
    pub last_change: Option<i64>,
    pub max: Option<i64>,
    pub warning: Option<i64>,
    pub inactive: Option<i64>,
    pub expire: Option<i64>,
}

/// `name:password:lastchg:min:max:warn:inactive:expire:reserved` as in
/// /etc/shadow: the entry for `name`, if the line is theirs.
pub fn parse_shadow_line(line: &str, name: &str) -> Option<Shadow> {
    let f: Vec<&str> = line.split(':').collect();
    if f.len() < 8 || f[0] != name {
        return None;
    }
    let day = |s: &str| s.trim().parse::<i64>().ok().filter(|d| *d >= 0);
    Some(Shadow {
        last_change: day(f[2]),
        max: day(f[4]),
        warning: day(f[5]),
        inactive: day(f[6]),
        expire: day(f[7]),
    })
}

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
    fn shadow_lines_parse_like_etc_shadow() {
        let s = parse_shadow_line("bob:$6$x:19000:0:90:7::20000:", "bob").unwrap();
        assert_eq!(
            s,
            Shadow {
                last_change: Some(19000),
                max: Some(90),
                warning: Some(7),
                inactive: None,
                expire: Some(20000)
            }
        );
        assert_eq!(
            parse_shadow_line("bob:x:19000:0:90:7::20000:", "alice"),
            None
        );
        assert_eq!(parse_shadow_line("short:x:1", "short"), None);
    }

    #[test]
    fn days_are_counted_from_the_epoch() {
        assert_eq!(day_of(0), 0);
        assert_eq!(day_of(86_399), 0);
        assert_eq!(day_of(86_400), 1);
    }
}
