//! Part 1 of the story, with the stacks a Debian 12 host with libpam-ldapd
//! ships (pam_ldap through nslcd, and `auth required pam_shells.so` in
//! vsftpd): what users see and what the logs say, per user.

use e2e::{ftp, libpam_version, normalize_log, ssh, Stack, World, PASSWORD};

/// carol's shell /bin/dash is installed but not listed in the sandbox's
/// /etc/shells: sshd lets her in, vsftpd's pam_shells refuses her, and on
/// Linux-PAM before 1.6.0 no log line says why.
#[test]
fn unlisted_shell_ssh_works_ftp_fails_silently() {
    let w = World::start(Stack::Stock);
    w.new_log();

    let s = ssh::run(w.ssh_port, "carol", PASSWORD, "echo SHELL=$SHELL");
    assert_eq!(s.exit_code, 0, "ssh carol: {s:?}\n{}", w.diagnostics());
    assert_eq!(s.stdout.trim(), "SHELL=/bin/dash");
    w.new_log();

    let login = ftp::login(w.ftp_port, "carol", PASSWORD).expect("FTP exchange");
    assert_eq!(login.pass_reply(), "530 Login incorrect.", "{login:?}");
    let log = w.new_log();
    let version = libpam_version();
    if version < (1, 6, 0) {
        let names_shell: Vec<_> = log
            .iter()
            .filter(|l| l.contains("/bin/dash") || l.to_lowercase().contains("shell"))
            .collect();
        assert!(
            names_shell.is_empty(),
            "a line names the shell: {names_shell:?}"
        );
    }
    if (version.0, version.1) == (1, 5) {
        // Exactly what Debian 12 logs for the refused FTP login: pam_unix's
        // failure (carol is not in /etc/shadow), nslcd refusing pam_unix's
        // probe user, and vsftpd's own FAIL LOGIN. Nothing from pam_shells.
        let mut got = normalize_log(&log);
        got.sort();
        let mut want = vec![
            "<28>[ID] <passwd=\"pam_unix_non_existent:\"> request denied by validnames option".to_string(),
            "<85>pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=carol rhost=127.0.0.1  user=carol".to_string(),
            "<92>[carol] FAIL LOGIN: Client \"127.0.0.1\"".to_string(),
        ];
        want.sort();
        assert_eq!(got, want);
    }
}

/// nora has no loginShell: nslcd reports an empty shell, sshd runs her
/// session with /bin/sh. alice (good shell) is the control.
#[test]
fn missing_shell_gets_bin_sh_over_ssh() {
    let w = World::start(Stack::Stock);
    let s = ssh::run(w.ssh_port, "nora", PASSWORD, "echo SHELL=$SHELL");
    assert_eq!(s.exit_code, 0, "ssh nora: {s:?}\n{}", w.diagnostics());
    assert_eq!(s.stdout.trim(), "SHELL=/bin/sh");

    // pam_shells reads an empty shell as /bin/sh since Linux-PAM 1.4.0 (and
    // refused it, silently, before): FTP follows the same rule.
    let login = ftp::login(w.ftp_port, "nora", PASSWORD).expect("FTP exchange");
    let want = if libpam_version() >= (1, 4, 0) {
        "230 Login successful."
    } else {
        "530 Login incorrect."
    };
    assert_eq!(login.pass_reply(), want, "{login:?}");

    let s = ssh::run(w.ssh_port, "alice", PASSWORD, "echo SHELL=$SHELL");
    assert_eq!(s.exit_code, 0, "ssh alice: {s:?}\n{}", w.diagnostics());
    assert_eq!(s.stdout.trim(), "SHELL=/bin/bash");
    let login = ftp::login(w.ftp_port, "alice", PASSWORD).expect("FTP exchange");
    assert!(login.succeeded(), "{login:?}\n{}", w.diagnostics());
}

/// dave's shell /opt/missing/zsh is listed in /etc/shells but not
/// installed: sshd refuses him and says so in its own words.
#[test]
fn nonexistent_shell_is_refused_by_sshd_with_its_log_line() {
    let w = World::start(Stack::Stock);
    w.new_log();
    let s = ssh::run(w.ssh_port, "dave", PASSWORD, "true");
    // ssh gives up after its one password prompt (exit 255).
    assert_eq!(s.exit_code, 255, "ssh dave: {s:?}");
    assert!(s.stderr.contains("Permission denied"), "{s:?}");
    let log = w.new_log();
    let line = "<38>User dave not allowed because shell /opt/missing/zsh does not exist";
    assert!(log.iter().any(|l| l == line), "no {line:?} in {log:#?}");
}
