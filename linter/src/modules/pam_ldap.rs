//! pam_ldap.so of nss-pam-ldapd; arguments: pam_ldap(8) (`minimum_uid=` is its argument syntax; the
//! older PADL pam_ldap reads pam_min_uid from ldap.conf instead): before
//! asking nslcd it looks the user up with getpwnam and, for a uid below
//! minimum_uid, returns PAM_USER_UNKNOWN, or PAM_IGNORE with
//! ignore_unknown_user (nss-pam-ldapd's pam/pam.c, init()). Everything else
//! it does depends on the password or nslcd: assumed success.

use super::args::{Kind::*, Spec};
use super::{Args, Call, Module, Prediction, Returns};
use crate::model::{PamCode, PamType};
use aging::Aging;
use ldap_shell_core::directory::UserEntry;
use ldap_shell_core::expiry::{today, PERMANENT_LOCK};

pub const MODULE: Module = Module {
    name: "pam_ldap",
    args: Args::Table(ARGS),
    returns: Returns::Any,
    predict: Some(predict),
    refuses: None,
    traits: &[],
};

const ARGS: Spec = &[
    ("debug", Flag),
    ("use_first_pass", Flag),
    ("try_first_pass", Flag),
    ("use_authtok", Flag),
    ("nullok", Flag),
    ("ignore_unknown_user", Flag),
    ("ignore_authinfo_unavail", Flag),
    ("no_warn", Flag),
    ("minimum_uid", Int),
    ("config", Text),
    ("missingok", Flag),
];

fn predict(call: &Call<'_>) -> Prediction {
    if let Some(p) = below_minimum_uid(call) {
        return p;
    }
    let entry = call.facts.directory.as_ref().and_then(|d| d.entry.as_ref());
    let decided = entry.and_then(|e| match call.pam_type {
        PamType::Auth => locked(e),
        PamType::Account => shadow(e),
        _ => None,
    });
    decided.unwrap_or_else(|| {
        Prediction::assumed("pam_ldap checks credentials or a directory: unknown, assumed success")
    })
}

/// nss-pam-ldapd's minimum_uid: a lower uid is not its user.
fn below_minimum_uid(call: &Call<'_>) -> Option<Prediction> {
    let min = call
        .value("minimum_uid")
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|m| *m > 0)?;
    let uid = call.facts.passwd.as_ref().map(|pw| pw.uid).filter(|u| *u < min)?;
    let code = if call.flag("ignore_unknown_user") {
        PamCode::Ignore
    } else {
        PamCode::UserUnknown
    };
    Some(
        Prediction::known(
            code,
            format!("uid {uid} is below minimum_uid {min}: nss-pam-ldapd's pam_ldap steps aside"),
        )
        .because("uid-below-minimum"),
    )
}

/// pam_ldap authenticates with a bind as the user (through nslcd): the
/// server refuses it for an account its password policy locked for good
/// (pwdAccountLockedTime 000001010000Z). A lock that ends after
/// pwdLockoutDuration is left to the server, as pam_ldap_shell leaves it.
fn locked(entry: &UserEntry) -> Option<Prediction> {
    (entry.account.pwd_account_locked_time.as_deref() == Some(PERMANENT_LOCK)).then(|| {
        Prediction::known(
            PamCode::AuthErr,
            format!(
                "entry \"{}\" is locked by the password policy (pwdAccountLockedTime {PERMANENT_LOCK}): the server refuses pam_ldap's bind",
                entry.dn
            ),
        )
        .because("account-locked")
    })
}

/// nslcd's account check reads the entry's shadowAccount attributes
/// (nslcd/pam.c, check_shadow) with pam_unix's rule (the `aging` crate).
fn shadow(entry: &UserEntry) -> Option<Prediction> {
    let dn = &entry.dn;
    let (code, cause, what) = match aging::check(&entry.account.shadow, today()) {
        Aging::AccountExpired => (PamCode::AcctExpired, "account-expired", "shadowExpire has passed"),
        Aging::Inactive => (
            PamCode::AcctExpired,
            "account-expired",
            "the password expired longer ago than shadowInactive allows",
        ),
        Aging::ChangeEnforced => (
            PamCode::NewAuthtokReqd,
            "password-expired",
            "shadowLastChange is 0: a new password is required",
        ),
        Aging::PasswordExpired => (
            PamCode::NewAuthtokReqd,
            "password-expired",
            "the password is older than shadowMax",
        ),
        Aging::Fine | Aging::ExpiresIn(_) => return None,
    };
    Some(
        Prediction::known(code, format!("entry \"{dn}\": {what} (nslcd's account check)"))
            .because(cause),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{DirectoryFacts, Facts, Source};
    use ldap_shell_core::directory::AccountAttrs;

    fn code(args: &str, user: &str) -> PamCode {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("etc")).unwrap();
        std::fs::write(
            root.path().join("etc/passwd"),
            "low:x:500:500::/home/low:/bin/sh\nann:x:2000:2000::/home/ann:/bin/sh\n",
        )
        .unwrap();
        let facts = Facts::gather(&Source::Root(root.path().into()), "sshd", user, None);
        let call = Call {
            pam_type: PamType::Auth,
            args: args.split_whitespace().collect(),
            facts: &facts,
        };
        predict(&call).code
    }

    #[test]
    fn a_uid_below_minimum_uid_is_unknown_or_ignored() {
        assert_eq!(code("minimum_uid=1000", "low"), PamCode::UserUnknown);
        assert_eq!(
            code("minimum_uid=1000 ignore_unknown_user", "low"),
            PamCode::Ignore
        );
        assert_eq!(code("minimum_uid=1000", "ann"), PamCode::Success);
        assert_eq!(code("", "low"), PamCode::Success);
    }

    /// pam_ldap's answer in `pam_type` for ann with a directory entry
    /// holding `account`.
    fn with_entry(pam_type: PamType, account: AccountAttrs) -> Prediction {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("etc")).unwrap();
        std::fs::write(
            root.path().join("etc/passwd"),
            "ann:x:2000:2000::/home/ann:/bin/sh\n",
        )
        .unwrap();
        let mut facts = Facts::gather(&Source::Root(root.path().into()), "sshd", "ann", None);
        facts.directory = Some(DirectoryFacts {
            entry: Some(UserEntry {
                dn: "uid=ann,dc=x".into(),
                shell_values: vec!["/bin/sh".into()],
                uid_number: Some(2000),
                account,
            }),
            unusable: None,
            options: Default::default(),
            authz: Vec::new(),
            directory_only: true,
        });
        let call = Call {
            pam_type,
            args: vec!["minimum_uid=1000"],
            facts: &facts,
        };
        predict(&call)
    }

    #[test]
    fn a_permanently_locked_entry_fails_the_bind_and_a_temporary_lock_is_left_to_the_server() {
        let locked = |time: &str| AccountAttrs {
            pwd_account_locked_time: Some(time.into()),
            ..Default::default()
        };
        let p = with_entry(PamType::Auth, locked(PERMANENT_LOCK));
        assert_eq!((p.code, p.cause), (PamCode::AuthErr, Some("account-locked")));
        let p = with_entry(PamType::Auth, locked("20261201000000Z"));
        assert_eq!((p.code, p.certainty), (PamCode::Success, crate::modules::Certainty::Assumed));
        // The account phase does not bind.
        let p = with_entry(PamType::Account, locked(PERMANENT_LOCK));
        assert_eq!(p.code, PamCode::Success);
    }

    #[test]
    fn nslcd_applies_the_entrys_shadow_aging_in_the_account_phase() {
        let shadow = |s: aging::Shadow| AccountAttrs {
            shadow: s,
            ..Default::default()
        };
        let expired = shadow(aging::Shadow {
            expire: Some(1),
            ..Default::default()
        });
        let p = with_entry(PamType::Account, expired.clone());
        assert_eq!((p.code, p.cause), (PamCode::AcctExpired, Some("account-expired")));
        // Authentication alone does not look at the aging fields.
        assert_eq!(with_entry(PamType::Auth, expired).code, PamCode::Success);
        let reset = shadow(aging::Shadow {
            last_change: Some(0),
            ..Default::default()
        });
        let p = with_entry(PamType::Account, reset);
        assert_eq!((p.code, p.cause), (PamCode::NewAuthtokReqd, Some("password-expired")));
        assert_eq!(
            with_entry(PamType::Account, AccountAttrs::default()).code,
            PamCode::Success
        );
    }
}
