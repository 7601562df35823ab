//! passwd (shadow, setuid root) on a terminal, with the Debian package's
//! /etc/pam.d/passwd and the documented common-password: pam_unix first
//! (`[success=2 default=ignore]`), then `pam_ldap_shell.so try_first_pass`.
//! A local user keeps working; an LDAP user's password changes on the
//! server; the server's password policy is shown to the user.

use e2e::pty::{as_user, chat, Screen};
use e2e::setuid::{LOCAL_PASSWORD, LOCAL_USER};
use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, PASSWD, SU};
use e2e::{Stack, World, PASSWORD};
use testkit::Slapd;

/// A private slapd with the ppolicy overlay: new passwords need 12
/// characters (this test changes passwords, so not the shared server).
fn slapd_with_policy() -> Slapd {
    testkit::ppolicy::min_length_directory()
}

/// `passwd` run by `user` on a terminal: current password, new one twice.
fn passwd(w: &World, user: &str, old: &str, new: &str) -> (Screen, Vec<String>) {
    w.new_log();
    let screen = chat(
        w,
        &[
            ("Current password:", old),
            ("New password:", new),
            ("Retype new password:", new),
        ],
        &as_user(user, &[require(PASSWD)]),
    );
    (screen, w.new_log())
}

/// Whether `user` can su to `target` with `password` (a real login with it).
fn su_works(w: &World, target: &str, password: &str) -> bool {
    let s = chat(
        w,
        &[("Password:", password)],
        &as_user(
            "oscar",
            &[require(SU), "-", target, "-c", "echo RAN-AS=$(id -un)"],
        ),
    );
    s.text.contains(&format!("RAN-AS={target}"))
}

#[test]
fn passwd_for_a_local_user_and_an_ldap_user_and_the_policy_refusal() {
    let slapd = slapd_with_policy();
    let w = World::start_with_server(Stack::Apps(String::new()), slapd.uri());

    // The local user: pam_unix changes /etc/shadow (the sandbox's overlay);
    // the module is never reached.
    let (lena, _, _) = LOCAL_USER;
    let (s, log) = passwd(&w, lena, LOCAL_PASSWORD, "Lena-New-Pass-77");
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    assert!(
        s.text.contains("passwd: password updated successfully"),
        "{s:?}"
    );
    line_with(
        &log,
        &["pam_unix(passwd:chauthtok): password changed for lena"],
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");
    assert!(su_works(&w, lena, "Lena-New-Pass-77"));

    // An LDAP user, a new password the server's policy refuses: PAM_AUTHTOK_ERR,
    // the server's reason on the terminal and in the log; nothing changes.
    let (s, log) = passwd(&w, "alice", PASSWORD, "Short-1");
    assert_eq!(s.exit_code, 10, "{s:?}\n{}", w.diagnostics());
    assert!(
        s.text
            .contains("Password change refused by the LDAP server"),
        "{s:?}"
    );
    assert!(
        s.text
            .contains("passwd: Authentication token manipulation error"),
        "{s:?}"
    );
    line_with(
        &log,
        &[
            "pam_ldap_shell(passwd:chauthtok)",
            "\"alice\"",
            "refused by the server: result code 19",
        ],
    );
    assert!(su_works(&w, "alice", PASSWORD));

    // A password the policy accepts: changed on the server (Password Modify).
    let (s, log) = passwd(&w, "alice", PASSWORD, "Alice-New-Pass-77");
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    assert!(
        s.text.contains("passwd: password updated successfully"),
        "{s:?}"
    );
    line_with(
        &log,
        &["pam_ldap_shell(passwd:chauthtok): password changed for user \"alice\""],
    );
    assert!(su_works(&w, "alice", "Alice-New-Pass-77"));
    assert!(!su_works(&w, "alice", PASSWORD));
}
