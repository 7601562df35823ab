//! Refusals the directory decides besides the shell, against a real slapd
//! with the ppolicy overlay (`ppolicy_use_lockout`, one policy per user via
//! pwdPolicySubentry) and shadowAccount entries, through the real libpam:
//! the PAM result, what the user sees and the log line.

mod common;
use common::*;
use testkit::libpam::{Session, PAM_CHANGE_EXPIRED_AUTHTOK};
use testkit::{PamRun, Slapd};

/// A user entry with the test password, optional extra attribute lines.
fn user_ldif(uid: &str, uid_number: u32, extra: &str) -> String {
    format!(
        "dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n\
         objectClass: shadowAccount\nuid: {uid}\ncn: {uid}\nsn: {uid}\nuidNumber: {uid_number}\n\
         gidNumber: 5000\nhomeDirectory: /home/{uid}\nloginShell: /bin/bash\n\
         userPassword: {PASSWORD}\n{extra}\n"
    )
}

fn policy_ldif(cn: &str, attrs: &str) -> String {
    format!(
        "dn: cn={cn},ou=policies,{BASE}\nobjectClass: device\nobjectClass: pwdPolicy\n\
         cn: {cn}\npwdAttribute: userPassword\n{attrs}\n"
    )
}

fn subentry(cn: &str) -> String {
    format!("pwdPolicySubentry: cn={cn},ou=policies,{BASE}")
}

/// A private slapd with four policies and one user for each case, and the
/// shadowAccount users.
fn directory() -> Slapd {
    let s = Slapd::start_with_config(
        "moduleload ppolicy",
        &format!(
            "overlay ppolicy\nppolicy_default \"cn=default,ou=policies,{BASE}\"\nppolicy_use_lockout"
        ),
    );
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    let ldif = [
        format!("dn: ou=policies,{BASE}\nobjectClass: organizationalUnit\nou: policies\n"),
        policy_ldif("default", ""),
        policy_ldif("lockout", "pwdLockout: TRUE\npwdMaxFailure: 3\n"),
        policy_ldif("grace", "pwdMaxAge: 1\npwdGraceAuthNLimit: 5\n"),
        policy_ldif("warn", "pwdMaxAge: 864000\npwdExpireWarning: 1728000\n"),
        policy_ldif("reset", "pwdMustChange: TRUE\npwdAllowUserChange: TRUE\n"),
        user_ldif("locky", 20001, &subentry("lockout")),
        user_ldif("gracie", 20002, &subentry("grace")),
        user_ldif("warner", 20003, &subentry("warn")),
        user_ldif("resetty", 20004, &subentry("reset")),
        user_ldif("gone", 20005, "shadowExpire: 1"),
        user_ldif("forced", 20006, "shadowLastChange: 0"),
        user_ldif(
            "aged",
            20007,
            &format!("shadowLastChange: {}\nshadowMax: 90", today - 100),
        ),
        user_ldif(
            "soon",
            20008,
            &format!(
                "shadowLastChange: {}\nshadowMax: 90\nshadowWarning: 7",
                today - 85
            ),
        ),
    ]
    .join("\n");
    ldapadd(&s, &ldif, "the policies and users");
    s
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

/// An operational attribute of `uid`'s entry, read as the rootdn.
fn operational(s: &Slapd, uid: &str, attr: &str) -> Option<String> {
    let out = std::process::Command::new("/usr/bin/ldapsearch")
        .args([
            "-LLL",
            "-x",
            "-D",
            &format!("cn=admin,{BASE}"),
            "-w",
            "admin-secret",
            "-H",
            s.uri(),
        ])
        .args([
            "-b",
            &format!("uid={uid},ou=people,{BASE}"),
            "-s",
            "base",
            attr,
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{attr}: ")).map(str::to_string))
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
    ldapmodify(
        s.uri(),
        &format!("dn: uid=resetty,ou=people,{BASE}\nchangetype: modify\nreplace: pwdReset\npwdReset: TRUE\n"),
        "pwdReset",
    );
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
