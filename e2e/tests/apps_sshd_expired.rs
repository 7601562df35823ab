//! sshd (keyboard-interactive, the Debian package's /etc/pam.d/sshd with the
//! documented common-*) for an LDAP user who must change the password:
//! expired under OpenLDAP's ppolicy with grace logins left, or reset by an
//! administrator (pwdReset + pwdMustChange). The ssh client runs on a
//! terminal, as a user types.
//!
//! What OpenSSH 9.2 does (auth-pam.c, sshpam_thread): pam_authenticate,
//! then pam_acct_mgmt; on PAM_NEW_AUTHTOK_REQD it runs
//! pam_chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK) on the same handle, inside the
//! keyboard-interactive conversation, before the login is accepted; the
//! login then goes on in the same connection. The PAM messages (the
//! module's PAM_ERROR_MSG) are shown at the top of the next prompt.
//! (Only with the `password` method does sshd run passwd after login and
//! close the connection: session.c, do_pwchange.)

use e2e::ppolicy;
use e2e::pty::{chat, Screen};
use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, SSH};
use e2e::{ssh, Stack, World, PASSWORD};
use testkit::Slapd;

const KBD: &str = "keyboard-interactive";
const COMMAND: &str = "echo RAN-AS=$(id -un)";
const NEW_PASSWORD: &str = "Renewed-Pass-42";
const PEOPLE: &str = "ou=people,dc=example,dc=org";

/// e2e::ppolicy's directory and the setuid sandbox's sshd using it.
fn start() -> (Slapd, World) {
    let slapd = ppolicy::directory();
    let w = World::start_with_server(Stack::Apps(String::new()), slapd.uri());
    // The daemons' start-up lines.
    w.new_log();
    (slapd, w)
}

/// `ssh -p PORT USER@127.0.0.1 COMMAND` (keyboard-interactive only) on a
/// terminal, answering `pairs`; the screen without the "(USER@127.0.0.1) "
/// that OpenSSH clients since 8.3 put before each keyboard-interactive
/// prompt, and the syslog lines of the login.
fn terminal_login(w: &World, user: &str, pairs: &[(&str, &str)]) -> (Screen, Vec<String>) {
    let mut command = vec![require(SSH).to_string()];
    command.extend(ssh::client_options(w.ssh_port, KBD));
    command.push(format!("{user}@127.0.0.1"));
    command.push(COMMAND.to_string());
    let command: Vec<&str> = command.iter().map(String::as_str).collect();
    let mut screen = chat(w, pairs, &command);
    screen.text = screen.text.replace(&format!("({user}@127.0.0.1) "), "");
    (screen, w.new_log())
}

/// The forced change as the user goes through it: the login password, then
/// the module's prompts of pam_chauthtok (the current password again: it
/// does not take the auth phase's; the new one twice).
fn change_pairs() -> [(&'static str, &'static str); 4] {
    [
        ("Password:", PASSWORD),
        ("Current password:", PASSWORD),
        ("New password:", NEW_PASSWORD),
        ("Retype new password:", NEW_PASSWORD),
    ]
}

/// The index of the first line of `log` containing `part`.
fn position(log: &[String], part: &str) -> usize {
    line_with(log, &[part]);
    log.iter()
        .position(|l| l.contains(part))
        .unwrap_or(usize::MAX)
}

/// The old password is refused by the server (a fresh login, sshpass
/// answering the one prompt).
fn assert_old_password_refused(w: &World, user: &str) {
    let s = ssh::run_method(w.ssh_port, user, PASSWORD, COMMAND, KBD);
    let log = w.new_log();
    assert_eq!(s.exit_code, 255, "{s:?}");
    assert!(s.stderr.contains("Permission denied"), "{s:?}");
    assert_eq!(
        module_lines(&log),
        [&format!("<85>pam_ldap_shell(sshd:auth): authentication failure for user \"{user}\" (\"uid={user},{PEOPLE}\"): invalid credentials")],
        "{log:#?}"
    );
}

#[test]
fn expired_password_with_grace_logins_is_changed_during_the_login() {
    let (slapd, w) = start();
    std::thread::sleep(std::time::Duration::from_millis(2100)); // pwdMaxAge: 1 s
    let changed_before = ppolicy::operational(&slapd, "gracie", "pwdChangedTime");

    let (s, log) = terminal_login(&w, "gracie", &change_pairs());
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    // The passwords typed are not echoed; the messages of auth and account
    // lead the chauthtok prompt; the command runs in the same connection.
    assert_eq!(
        s.text,
        "Password: \n\
         Your password has expired; 4 grace login(s) left.\n\
         You are required to change your password immediately (password expired).\n\
         Current password: \n\
         New password: \n\
         Retype new password: \n\
         RAN-AS=gracie\n",
        "{s:?}"
    );
    let dn = format!("uid=gracie,{PEOPLE}");
    assert_eq!(
        module_lines(&log),
        [
            &format!("<85>pam_ldap_shell(sshd:auth): user \"gracie\" (\"{dn}\") logged in with an expired password: grace login used, 4 left (ppolicy graceAuthNsRemaining)"),
            "<85>pam_ldap_shell(sshd:account): user \"gracie\": password change required (password expired): PAM_NEW_AUTHTOK_REQD",
            &format!("<85>pam_ldap_shell(sshd:chauthtok): password changed for user \"gracie\" (\"{dn}\")"),
        ],
        "{log:#?}"
    );
    // The change is part of the authentication: sshd accepts the login after it.
    assert!(
        position(&log, "pam_ldap_shell(sshd:chauthtok): password changed")
            < position(
                &log,
                "Accepted keyboard-interactive/pam for gracie from 127.0.0.1"
            ),
        "{log:#?}"
    );
    // On the server: a new pwdChangedTime, the grace logins used forgotten.
    assert_ne!(
        ppolicy::operational(&slapd, "gracie", "pwdChangedTime"),
        changed_before
    );
    assert_eq!(
        ppolicy::operational(&slapd, "gracie", "pwdGraceUseTime"),
        Vec::<String>::new()
    );

    assert_old_password_refused(&w, "gracie");

    // The new password, once it has expired in turn (pwdMaxAge 1 s): the
    // server accepts it and counts grace logins from the start again (4
    // left, not 3); the user leaves at the change prompt.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let (s, log) = terminal_login(
        &w,
        "gracie",
        &[
            ("Password:", NEW_PASSWORD),
            ("Current password:", "<hangup>"),
        ],
    );
    assert!(
        s.text
            .contains("Your password has expired; 4 grace login(s) left."),
        "{s:?}"
    );
    line_with(
        &log,
        &[
            "pam_ldap_shell(sshd:auth): user \"gracie\"",
            "grace login used, 4 left",
        ],
    );
}

#[test]
fn administrator_reset_is_changed_during_the_login() {
    let (slapd, w) = start();
    ppolicy::reset_password(&slapd, "resetty");

    let (s, log) = terminal_login(&w, "resetty", &change_pairs());
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    assert_eq!(
        s.text,
        "Password: \n\
         You are required to change your password immediately (reset by an administrator).\n\
         Current password: \n\
         New password: \n\
         Retype new password: \n\
         RAN-AS=resetty\n",
        "{s:?}"
    );
    let dn = format!("uid=resetty,{PEOPLE}");
    assert_eq!(
        module_lines(&log),
        [
            &format!("<85>pam_ldap_shell(sshd:auth): user \"resetty\" (\"{dn}\") must change the password: reset by an administrator (ppolicy changeAfterReset)"),
            "<85>pam_ldap_shell(sshd:account): user \"resetty\": password change required (reset by an administrator): PAM_NEW_AUTHTOK_REQD",
            &format!("<85>pam_ldap_shell(sshd:chauthtok): password changed for user \"resetty\" (\"{dn}\")"),
        ],
        "{log:#?}"
    );
    assert!(
        position(&log, "pam_ldap_shell(sshd:chauthtok): password changed")
            < position(
                &log,
                "Accepted keyboard-interactive/pam for resetty from 127.0.0.1"
            ),
        "{log:#?}"
    );
    // The user's own change clears the administrator's reset.
    assert_eq!(
        ppolicy::operational(&slapd, "resetty", "pwdReset"),
        Vec::<String>::new()
    );

    // A fresh login with the new password is an ordinary one.
    let s = ssh::run_method(w.ssh_port, "resetty", NEW_PASSWORD, COMMAND, KBD);
    let log = w.new_log();
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    assert_eq!(s.stdout.trim(), "RAN-AS=resetty");
    line_with(
        &log,
        &["Accepted keyboard-interactive/pam for resetty from 127.0.0.1"],
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");

    assert_old_password_refused(&w, "resetty");
}
