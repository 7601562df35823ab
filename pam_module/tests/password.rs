//! chauthtok through the real libpam (pamtester) against a private slapd:
//! the password really changes with the Password Modify extended operation.

mod common;
use common::*;
use testkit::{Sandbox, Slapd};

const NEW: &str = "Brand-New-Pass-8";

fn sandbox_for(s: &Slapd) -> Sandbox {
    let mut sb = Sandbox::new();
    sb.service("test", &stack(&format!("uri={} base={BASE}", s.uri())))
        .shells(SHELLS);
    sb
}

fn change(sb: &Sandbox, user: &str, stdin: &str) -> testkit::PamRun {
    sb.pamtester("test", user, &["chauthtok"], stdin)
}

fn login(sb: &Sandbox, user: &str, pw: &str) -> String {
    result(&sb.pamtester("test", user, &["authenticate"], &format!("{pw}\n")))
}

#[test]
fn a_password_change_takes_effect_on_the_server() {
    // A private server: this test changes alice's password.
    let s = Slapd::start();
    let sb = sandbox_for(&s);
    let run = change(&sb, "alice", &format!("{PASSWORD}\n{NEW}\n{NEW}\n"));
    assert_result(&run, "PAM_SUCCESS");
    assert_logged(
        &run,
        &[
            "pam_ldap_shell(test:chauthtok)",
            "password changed for user \"alice\"",
        ],
    );
    // The prompts came through the conversation, in order.
    let prompts = run.stderr.clone() + &run.stdout;
    assert!(prompts.contains("Current password: "), "{run:#?}");
    assert!(prompts.contains("Retype new password: "), "{run:#?}");
    assert_eq!(login(&sb, "alice", NEW), "PAM_SUCCESS");
    assert_eq!(login(&sb, "alice", PASSWORD), "PAM_AUTH_ERR");
    assert_no_password_in(&run, &[PASSWORD, NEW]);
}

#[test]
fn a_wrong_old_password_or_a_mismatch_changes_nothing() {
    let s = Slapd::start();
    let sb = sandbox_for(&s);
    // PRELIM refuses the wrong current password: no new password is asked.
    let run = change(&sb, "nora", &format!("wrong-old\n{NEW}\n{NEW}\n"));
    assert_result(&run, "PAM_AUTH_ERR");
    assert_logged(&run, &["current password is wrong"]);
    let run = change(&sb, "nora", &format!("{PASSWORD}\n{NEW}\nOther-Typed-9\n"));
    assert_result(&run, "PAM_AUTHTOK_ERR");
    assert!(run.stderr.contains("do not match"), "{run:#?}");
    assert_eq!(login(&sb, "nora", PASSWORD), "PAM_SUCCESS");
    assert_eq!(login(&sb, "nora", NEW), "PAM_AUTH_ERR");
    assert_no_password_in(&run, &[PASSWORD, NEW, "Other-Typed-9"]);
}

#[test]
fn unknown_users_and_unreachable_servers() {
    let run = sandbox(&format!("uri=ldap://127.0.0.1:1 base={BASE}")).pamtester(
        "test",
        "alice",
        &["chauthtok"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    let run = sandbox(&args("")).pamtester(
        "test",
        "nobody-here",
        &["chauthtok"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_USER_UNKNOWN");
}

/// A slapd with the ppolicy overlay: new passwords need 12 characters.
fn slapd_with_policy() -> Slapd {
    testkit::ppolicy::min_length_directory()
}

#[test]
fn the_server_password_policy_message_reaches_the_user() {
    let s = slapd_with_policy();
    let sb = sandbox_for(&s);
    let run = change(&sb, "emma", &format!("{PASSWORD}\nShort-1\nShort-1\n"));
    assert_result(&run, "PAM_AUTHTOK_ERR");
    // pamtester prints PAM_ERROR_MSG on stderr: the server's own words.
    assert!(
        run.stderr
            .contains("Password change refused by the LDAP server"),
        "{run:#?}"
    );
    assert_logged(&run, &["refused by the server: result code 19"]);
    assert_eq!(login(&sb, "emma", PASSWORD), "PAM_SUCCESS");
    // A long enough password is accepted under the same policy.
    let run = change(&sb, "emma", &format!("{PASSWORD}\n{NEW}\n{NEW}\n"));
    assert_result(&run, "PAM_SUCCESS");
    assert_eq!(login(&sb, "emma", NEW), "PAM_SUCCESS");
}
