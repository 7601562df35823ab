//! su (util-linux, setuid root) run by a non-root user (oscar, an LDAP
//! user) on a terminal, with the Debian package's /etc/pam.d/su-l and the
//! documented common-* stacks: what the terminal shows, su's exit status
//! (the PAM result: su prints pam_strerror's text) and the log lines.

use e2e::pty::{as_user, chat, Screen};
use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, SU};
use e2e::{Stack, World, PASSWORD};

fn su_to(w: &World, target: &str, password: &str) -> (Screen, Vec<String>) {
    w.new_log();
    let su = require(SU);
    let screen = chat(
        w,
        &[("Password:", password)],
        &as_user("oscar", &[su, "-", target, "-c", "echo RAN-AS=$(id -un)"]),
    );
    (screen, w.new_log())
}

#[test]
fn su_right_wrong_and_unlisted_shell() {
    let w = World::start(Stack::Apps(String::new()));

    // Right password: alice's shell runs; the module logs nothing.
    let (s, log) = su_to(&w, "alice", PASSWORD);
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    assert!(s.text.contains("RAN-AS=alice"), "{s:?}");
    line_with(&log, &["(to alice) oscar on pts/"]);
    line_with(
        &log,
        &["pam_unix(su-l:session): session opened for user alice"],
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");

    // Wrong password: PAM_AUTH_ERR, the module says which entry refused the bind.
    let (s, log) = su_to(&w, "alice", "Wrong-Pass-1");
    assert_eq!(s.exit_code, 1, "{s:?}");
    assert!(s.text.contains("su: Authentication failure"), "{s:?}");
    assert!(!s.text.contains("RAN-AS"), "{s:?}");
    line_with(
        &log,
        &[
            "pam_ldap_shell(su-l:auth): authentication failure for user \"alice\"",
            "\"uid=alice,ou=people,dc=example,dc=org\"",
            "invalid credentials",
        ],
    );
    line_with(&log, &["FAILED SU (to alice) oscar on pts/"]);

    // carol's /bin/dash is not in /etc/shells: the right password, then
    // refused in the account phase (PAM_PERM_DENIED) with the reason on the
    // terminal and in the log.
    let (s, log) = su_to(&w, "carol", PASSWORD);
    assert_eq!(s.exit_code, 1, "{s:?}");
    assert!(
        s.text
            .contains("your login shell /bin/dash is not allowed on this host"),
        "{s:?}"
    );
    assert!(s.text.contains("su: Permission denied"), "{s:?}");
    line_with(
        &log,
        &[
            "pam_ldap_shell(su-l:account): user \"carol\" refused",
            "\"/bin/dash\", which is not listed in /etc/shells",
        ],
    );
    line_with(&log, &["FAILED SU (to carol) oscar on pts/"]);
}

/// A loginShell with a newline and an ESC sequence (an entry whoever may
/// write loginShell controls): su's refusal shows it escaped on the
/// terminal, and the log line stays one line with `\n` and `\x1b` spelled
/// out, so it cannot forge a second line or drive the terminal.
#[test]
fn control_characters_from_the_directory_are_escaped() {
    use testkit::slapd::BASE;
    let slapd = testkit::Slapd::start();
    let shell = "/bin/sh\nDec  2 10:00:00 host sshd[999]: Accepted password for root\x1b[2J";
    // LDIF base64 (RFC 2849) carries the control characters.
    let ldif = format!(
        "dn: uid=mallory,ou=people,{BASE}\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n\
         uid: mallory\ncn: Mallory\nsn: M\nuidNumber: 10030\ngidNumber: 5000\n\
         homeDirectory: /home/mallory\nuserPassword: {PASSWORD}\nloginShell:: {}\n",
        base64(shell.as_bytes())
    );
    testkit::slapd::as_rootdn(slapd.uri(), testkit::slapd::LDAPADD, &ldif);
    let w = World::start_with_server(Stack::Apps(String::new()), slapd.uri());

    let (s, log) = su_to(&w, "mallory", PASSWORD);
    assert_eq!(s.exit_code, 1, "{s:?}\n{}", w.diagnostics());
    assert!(
        !s.text.contains('\x1b'),
        "raw ESC reached the terminal: {s:?}"
    );
    assert!(s.text.contains("\\x1b[2J"), "{s:?}");
    let line = line_with(
        &log,
        &["pam_ldap_shell(su-l:account): user \"mallory\" refused"],
    );
    assert!(!line.contains('\n') && !line.contains('\x1b'), "{line:?}");
    assert!(
        line.contains(
            "/bin/sh\\nDec  2 10:00:00 host sshd[999]: Accepted password for root\\x1b[2J"
        ),
        "{line:?}"
    );
    assert!(
        log.iter()
            .all(|l| !l.starts_with("Dec  2") && !l.contains("\n")),
        "{log:#?}"
    );
}

/// Standard base64 (RFC 4648), for an LDIF value.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
