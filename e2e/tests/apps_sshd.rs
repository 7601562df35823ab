//! sshd (OpenSSH, the Debian package's /etc/pam.d/sshd with the documented
//! common-*) with keyboard-interactive authentication (the module's prompt
//! through sshd's PAM conversation) and with a public key (sshd runs only
//! PAM's account phase: the module checks the shell without a password).

use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, SSH_KEYGEN};
use e2e::{ssh, Stack, World, PASSWORD};
use std::process::Command;

const KBD: &str = "keyboard-interactive";

#[test]
fn keyboard_interactive() {
    let w = World::start(Stack::Apps(String::new()));

    w.new_log();
    let s = ssh::run_method(w.ssh_port, "alice", PASSWORD, "echo RAN-AS=$(id -un)", KBD);
    let log = w.new_log();
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    assert_eq!(s.stdout.trim(), "RAN-AS=alice");
    line_with(
        &log,
        &["Accepted keyboard-interactive/pam for alice from 127.0.0.1"],
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");

    // A wrong password: one prompt allowed, then ssh gives up (255).
    let s = ssh::run_method(w.ssh_port, "alice", "Wrong-Pass-1", "true", KBD);
    let log = w.new_log();
    assert_eq!(s.exit_code, 255, "{s:?}");
    assert!(s.stderr.contains("Permission denied"), "{s:?}");
    line_with(
        &log,
        &[
            "pam_ldap_shell(sshd:auth): authentication failure for user \"alice\"",
            "invalid credentials",
        ],
    );
    line_with(
        &log,
        &["error: PAM: Authentication failure for alice from 127.0.0.1"],
    );

    // carol: right password, unlisted shell: refused in the account phase.
    let s = ssh::run_method(w.ssh_port, "carol", PASSWORD, "true", KBD);
    let log = w.new_log();
    assert_eq!(s.exit_code, 255, "{s:?}");
    assert!(s.stderr.contains("Permission denied"), "{s:?}");
    line_with(
        &log,
        &[
            "pam_ldap_shell(sshd:account): user \"carol\" refused",
            "\"/bin/dash\", which is not listed in /etc/shells",
        ],
    );
}

#[test]
fn public_key_runs_the_account_phase_only() {
    let w = World::start(Stack::Apps(String::new()));
    let key = w.path().join("client_key");
    let made = Command::new(require(SSH_KEYGEN))
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "e2e-client", "-f"])
        .arg(&key)
        .status()
        .expect("run ssh-keygen");
    assert!(made.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    for user in ["alice", "carol", "nora"] {
        std::fs::write(w.path().join("keys").join(user), &public).expect("authorized key");
    }

    w.new_log();
    let s = ssh::run_key(w.ssh_port, "alice", &key, "echo RAN-AS=$(id -un)");
    let log = w.new_log();
    assert_eq!(s.exit_code, 0, "{s:?}\n{}", w.diagnostics());
    assert_eq!(s.stdout.trim(), "RAN-AS=alice");
    line_with(&log, &["Accepted publickey for alice from 127.0.0.1"]);
    assert!(module_lines(&log).is_empty(), "{log:#?}");

    // No password asked, yet the shell is checked: carol's unlisted shell
    // and nora's missing one are refused, each with its reason.
    for (user, reason) in [
        ("carol", "\"/bin/dash\", which is not listed in /etc/shells"),
        (
            "nora",
            "attribute loginShell is absent from entry \"uid=nora,",
        ),
    ] {
        let s = ssh::run_key(w.ssh_port, user, &key, "echo RAN");
        let log = w.new_log();
        assert_eq!(s.exit_code, 255, "{user}: {s:?}");
        // The client just sees the connection closed (no shell, no output);
        // sshd says PAM's account phase refused.
        assert!(s.stdout.is_empty(), "{user}: {s:?}");
        line_with(
            &log,
            &[&format!(
                "Access denied for user {user} by PAM account configuration"
            )],
        );
        line_with(
            &log,
            &[
                &format!("pam_ldap_shell(sshd:account): user \"{user}\" refused"),
                reason,
            ],
        );
    }
}
