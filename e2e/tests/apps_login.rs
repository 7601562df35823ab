//! login (shadow) on a terminal, as getty would start it (as root), with
//! the Debian package's /etc/pam.d/login and the documented common-*.

use e2e::pty::{chat, Screen};
use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, LOGIN};
use e2e::{Stack, World, PASSWORD};

/// Types `user` and `password` at login's prompts, then `then` (pairs).
fn login(w: &World, user: &str, password: &str, then: &[(&str, &str)]) -> (Screen, Vec<String>) {
    w.new_log();
    let mut pairs = vec![("login:", user), ("Password:", password)];
    pairs.extend_from_slice(then);
    let screen = chat(w, &pairs, &[require(LOGIN)]);
    (screen, w.new_log())
}

#[test]
fn login_right_wrong_and_unlisted_shell() {
    let w = World::start(Stack::Apps(String::new()));

    // Right password: alice's shell runs (the "$ " of its prompt), the
    // session is opened and closed; the module logs nothing.
    let (s, log) = login(
        &w,
        "alice",
        PASSWORD,
        &[("$ ", "echo RAN-AS=$(id -un); exit")],
    );
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    assert!(s.text.contains("RAN-AS=alice"), "{s:?}");
    line_with(
        &log,
        &["pam_unix(login:session): session opened for user alice"],
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");

    // Wrong password: "Login incorrect" and the prompt again (the user
    // then hangs up: login dies of SIGHUP, 128+1).
    let (s, log) = login(&w, "alice", "Wrong-Pass-1", &[("login:", "<hangup>")]);
    assert_eq!(s.exit_code, 129, "{s:?}");
    assert!(s.text.contains("Login incorrect"), "{s:?}");
    line_with(
        &log,
        &[
            "pam_ldap_shell(login:auth): authentication failure for user \"alice\"",
            "invalid credentials",
        ],
    );
    line_with(
        &log,
        &[
            "FAILED LOGIN (1) on '/dev/pts/",
            "FOR 'alice', Authentication failure",
        ],
    );

    // carol's /bin/dash is not in /etc/shells: refused after the right
    // password (PAM_PERM_DENIED), the reason on the terminal and in the log.
    let (s, log) = login(&w, "carol", PASSWORD, &[]);
    assert_eq!(s.exit_code, 1, "{s:?}");
    assert!(
        s.text
            .contains("Login refused: your login shell /bin/dash is not allowed on this host"),
        "{s:?}"
    );
    assert!(s.text.contains("Permission denied"), "{s:?}");
    line_with(
        &log,
        &[
            "pam_ldap_shell(login:account): user \"carol\" refused",
            "\"/bin/dash\", which is not listed in /etc/shells",
        ],
    );
}
