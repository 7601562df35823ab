//! Refusals the directory decides besides the shell, against a real slapd
//! with the ppolicy overlay (`ppolicy_use_lockout`, one policy per user via
//! pwdPolicySubentry) and shadowAccount entries, through the real libpam:
//! the PAM result, what the user sees and the log line.

mod common;
use common::*;
use testkit::libpam::{Session, PAM_CHANGE_EXPIRED_AUTHTOK};
use testkit::{PamRun, Slapd};

/// The shared password-policy directory (testkit::ppolicy): one user per
/// case, the same one the e2e tests and the nss-pam-ldapd comparison use.
fn directory() -> Slapd {
    testkit::ppolicy::directory()
}

/// An operational attribute of `uid`'s entry, read as the rootdn.
fn operational(s: &Slapd, uid: &str, attr: &str) -> Option<String> {
    testkit::ppolicy::operational(s, uid, attr)
        .into_iter()
        .next()
}

fn stack_for(s: &Slapd) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let m = module_path().display().to_string();
    let a = format!("uri={} base={BASE}", s.uri());
    std::fs::write(
        dir.path().join("test"),
        format!("auth required {m} {a}\naccount required {m} {a}\npassword required {m} {a}\n"),
    )
    .unwrap();
    dir
}

fn pamtester(s: &Slapd, user: &str, ops: &[&str], input: &str) -> PamRun {
    let mut sb = testkit::Sandbox::new();
    sb.service("test", &stack(&format!("uri={} base={BASE}", s.uri())))
        .shells(SHELLS);
    sb.pamtester("test", user, ops, input)
}

#[test]
fn a_locked_account_is_told_so_and_logged_with_its_lock_time() {
    let s = directory();
    for _ in 0..3 {
        assert_result(
            &pamtester(&s, "locky", &["authenticate"], "wrong\n"),
            "PAM_AUTH_ERR",
        );
    }
    let run = pamtester(&s, "locky", &["authenticate"], &format!("{PASSWORD}\n"));
    assert_result(&run, "PAM_PERM_DENIED");
    assert!(run.stderr.contains("Your account is locked"), "{run:#?}");
    let locked_at = operational(&s, "locky", "pwdAccountLockedTime").expect("locked by slapd");
    assert_logged(
        &run,
        &[
            "user \"locky\" refused: account locked by the password policy",
            &locked_at,
        ],
    );
}

#[test]
fn an_expired_password_with_grace_logins_must_be_changed_on_the_same_handle() {
    let s = directory();
    std::thread::sleep(std::time::Duration::from_millis(2100)); // pwdMaxAge: 1 s
    let run = pamtester(&s, "gracie", &["authenticate"], &format!("{PASSWORD}\n"));
    assert_result(&run, "PAM_SUCCESS");
    assert!(
        run.stderr
            .contains("Your password has expired; 4 grace login(s) left"),
        "{run:#?}"
    );
    assert_logged(&run, &["grace login used, 4 left"]);
    // As sshd and login do: account says a change is due, the change runs
    // on the same handle, with PAM_CHANGE_EXPIRED_AUTHTOK.
    let dir = stack_for(&s);
    let mut h = Session::start(dir.path(), "test", "gracie", PASSWORD);
    assert_eq!(h.authenticate(), "PAM_SUCCESS");
    assert_eq!(h.acct_mgmt(), "PAM_NEW_AUTHTOK_REQD");
    let before = operational(&s, "gracie", "pwdChangedTime");
    assert_eq!(h.chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK), "PAM_SUCCESS");
    drop(h);
    assert_ne!(
        operational(&s, "gracie", "pwdChangedTime"),
        before,
        "not changed"
    );
}

#[test]
fn an_administrator_reset_forces_a_change_before_login() {
    let s = directory();
    testkit::ppolicy::reset_password(&s, "resetty");
    let run = pamtester(
        &s,
        "resetty",
        &["authenticate", "acct_mgmt"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_NEW_AUTHTOK_REQD");
    assert!(
        run.stderr.contains(
            "You are required to change your password immediately (reset by an administrator)"
        ),
        "{run:#?}"
    );
    assert_logged(
        &run,
        &["reset by an administrator (ppolicy changeAfterReset)"],
    );
    let dir = stack_for(&s);
    let mut h = Session::start(dir.path(), "test", "resetty", PASSWORD);
    assert_eq!(h.authenticate(), "PAM_SUCCESS");
    assert_eq!(h.acct_mgmt(), "PAM_NEW_AUTHTOK_REQD");
    assert_eq!(h.chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK), "PAM_SUCCESS");
    drop(h);
    assert_eq!(operational(&s, "resetty", "pwdReset"), None, "still reset");
    // The next login is an ordinary one.
    let run = pamtester(
        &s,
        "resetty",
        &["authenticate", "acct_mgmt"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_SUCCESS");
}

#[test]
fn a_password_expiring_soon_is_a_warning() {
    let s = directory();
    let run = pamtester(
        &s,
        "warner",
        &["authenticate", "acct_mgmt"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_SUCCESS");
    assert!(
        run.stdout
            .contains("Warning: your password will expire in 10 day(s)"),
        "{run:#?}"
    );
    assert_logged(&run, &["ppolicy timeBeforeExpiration"]);
}

#[test]
fn shadow_aging_decides_as_pam_unix_does() {
    let s = directory();
    let login = |user: &str| {
        pamtester(
            &s,
            user,
            &["authenticate", "acct_mgmt"],
            &format!("{PASSWORD}\n"),
        )
    };
    let run = login("gone");
    assert_result(&run, "PAM_ACCT_EXPIRED");
    assert!(run.stderr.contains("Your account has expired"), "{run:#?}");
    assert_logged(
        &run,
        &["user \"gone\" refused: account expired: shadowExpire is 1"],
    );
    let run = login("forced");
    assert_result(&run, "PAM_NEW_AUTHTOK_REQD");
    assert!(run.stderr.contains("(administrator enforced)"), "{run:#?}");
    assert_logged(&run, &["shadowLastChange is 0"]);
    let run = login("aged");
    assert_result(&run, "PAM_NEW_AUTHTOK_REQD");
    assert!(run.stderr.contains("(password expired)"), "{run:#?}");
    let run = login("soon");
    assert_result(&run, "PAM_SUCCESS");
    assert!(
        run.stdout
            .contains("Warning: your password will expire in 5 day(s)"),
        "{run:#?}"
    );
}
