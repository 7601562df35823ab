//! chsh (shadow, setuid root) run by its user on a terminal, with the
//! Debian package's /etc/pam.d/chsh (pam_shells, pam_rootok, common-auth,
//! common-account): a local user changes their shell; an LDAP user is
//! authenticated by the module, then chsh itself says it only edits
//! /etc/passwd; a wrong password is refused by the module.

use e2e::pty::{as_user, chat, Screen};
use e2e::setuid::{LOCAL_PASSWORD, LOCAL_USER};
use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, CHSH};
use e2e::{Stack, World, PASSWORD};

fn chsh(w: &World, user: &str, password: &str, shell: &str) -> (Screen, Vec<String>) {
    w.new_log();
    let s = chat(
        w,
        &[("Password:", password)],
        &as_user(user, &[require(CHSH), "-s", shell]),
    );
    (s, w.new_log())
}

#[test]
fn chsh_local_user_ldap_user_and_wrong_password() {
    let w = World::start(Stack::Apps(String::new()));
    let (lena, _, _) = LOCAL_USER;

    let (s, log) = chsh(&w, lena, LOCAL_PASSWORD, "/bin/sh");
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    line_with(&log, &["changed user 'lena' shell to '/bin/sh'"]);
    assert!(module_lines(&log).is_empty(), "{log:#?}");
    let passwd = w.exec("/usr/bin/getent", &["passwd", lena], "");
    assert!(
        String::from_utf8_lossy(&passwd.stdout)
            .trim_end()
            .ends_with(":/bin/sh"),
        "{passwd:?}"
    );

    // alice: the module accepts her password (no line from it); chsh then
    // refuses to edit an account that is not in /etc/passwd.
    let (s, log) = chsh(&w, "alice", PASSWORD, "/bin/sh");
    assert_eq!(s.exit_code, 1, "{s:?}");
    assert!(
        s.text
            .contains("chsh: user 'alice' does not exist in /etc/passwd"),
        "{s:?}"
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");

    // A wrong password: the module's refusal, chsh's PAM error.
    let (s, log) = chsh(&w, "alice", "Wrong-Pass-1", "/bin/sh");
    assert_eq!(s.exit_code, 1, "{s:?}");
    assert!(
        s.text.contains("chsh: PAM: Authentication failure"),
        "{s:?}"
    );
    line_with(
        &log,
        &[
            "pam_ldap_shell(chsh:auth): authentication failure for user \"alice\"",
            "invalid credentials",
        ],
    );
}
