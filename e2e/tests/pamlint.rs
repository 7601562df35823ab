//! Part 3 of the story: pamlint, run inside the same sandbox (same
//! /etc/pam.d, /etc/shells, NSS through nslcd), names the rule and the fact
//! behind each refusal, and its prediction matches the real FTP login.

use e2e::{ftp, Stack, World, PASSWORD};

fn ftp_reply(w: &World, user: &str) -> String {
    let login = ftp::login(w.ftp_port, user, PASSWORD).expect("FTP exchange");
    login.pass_reply().to_string()
}

/// `pamlint diff sshd vsftpd` on the stock stacks: vsftpd's extra
/// pam_shells.so line is the difference that refuses carol.
#[test]
fn diff_names_pam_shells_as_the_difference() {
    let w = World::start(Stack::Stock);
    let (code, out) = w.pamlint(&["diff", "sshd", "vsftpd"]);
    assert_eq!(code, 1, "differences exit 1:\n{out}");
    assert!(out.contains("- auth: vsftpd also requires pam_shells.so in auth: users whose shell is not in /etc/shells"), "{out}");
    assert!(
        out.contains("vsftpd: /etc/pam.d/vsftpd:11  pam_shells.so required"),
        "{out}"
    );
}

/// `pamlint why vsftpd carol`: pam_shells at vsftpd:11, because NSS says
/// her shell is /bin/dash and /etc/shells does not list it, silently on
/// this Linux-PAM. The real login agrees; alice is predicted and found fine.
#[test]
fn why_names_pam_shells_and_the_unlisted_shell() {
    let w = World::start(Stack::Stock);
    let (code, out) = w.pamlint(&["why", "vsftpd", "carol"]);
    assert_eq!(code, 1, "a refusal exits 1:\n{out}");
    let first = out.lines().next().unwrap_or("");
    assert!(first.starts_with("auth: /etc/pam.d/vsftpd:11 pam_shells.so (required) refuses carol: carol's shell /bin/dash is not listed in /etc/shells"), "{out}");
    assert!(
        out.contains(
            "carol from NSS (getpwnam): uid 10004, gid 5000, home /home/carol, shell /bin/dash"
        ),
        "{out}"
    );
    assert_eq!(ftp_reply(&w, "carol"), "530 Login incorrect.");

    let (code, out) = w.pamlint(&["why", "vsftpd", "alice"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("alice would be admitted by vsftpd"),
        "{out}"
    );
    assert_eq!(ftp_reply(&w, "alice"), "230 Login successful.");
}

/// With pam_ldap_shell installed, `pamlint why` reads the directory as the
/// module does and points at its account line with the module's own log
/// line (unlisted loginShell; no loginShell with missing_shell=deny).
#[test]
fn why_names_pam_ldap_shell_and_the_fact() {
    let w = World::start(Stack::Module(String::new()));
    let (code, out) = w.pamlint(&["why", "vsftpd", "carol"]);
    assert_eq!(code, 1, "{out}");
    let first = out.lines().next().unwrap_or("");
    assert!(
        first.starts_with("account: /etc/pam.d/common-account:6 pam_ldap_shell.so"),
        "{out}"
    );
    assert!(
        first.contains("refuses carol: user \"carol\" refused: attribute loginShell of entry \"uid=carol,ou=people,dc=example,dc=org\" is \"/bin/dash\", which is not listed in /etc/shells"),
        "{out}"
    );
    assert_eq!(ftp_reply(&w, "carol"), "530 Login incorrect.");

    let (code, out) = w.pamlint(&["why", "vsftpd", "nora"]);
    assert_eq!(code, 1, "{out}");
    let first = out.lines().next().unwrap_or("");
    assert!(
        first.contains("refuses nora: user \"nora\" refused: attribute loginShell is absent from entry \"uid=nora,ou=people,dc=example,dc=org\""),
        "{out}"
    );
    assert_eq!(ftp_reply(&w, "nora"), "530 Login incorrect.");
}
