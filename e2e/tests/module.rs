//! Part 2 of the story: pam_ldap_shell in place of pam_ldap (auth and
//! account) and of pam_shells. The same refusals now say why, and the FTP
//! client still sees the denial ("530 Login incorrect.").

use e2e::{ftp, Stack, World, PASSWORD};

fn module(options: &str) -> World {
    World::start(Stack::Module(options.to_string()))
}

/// Logs `user` in by FTP; returns the reply to PASS and the module's
/// account lines logged meanwhile.
fn ftp_login(w: &World, user: &str) -> (String, Vec<String>) {
    w.new_log();
    let login = ftp::login(w.ftp_port, user, PASSWORD).expect("FTP exchange");
    let lines = w
        .new_log()
        .into_iter()
        .filter(|l| l.contains("pam_ldap_shell(vsftpd:account)"))
        .collect();
    (login.pass_reply().to_string(), lines)
}

fn assert_mentions(line: &str, parts: &[&str]) {
    for p in parts {
        assert!(line.contains(p), "{p:?} missing from {line:?}");
    }
}

/// carol's /bin/dash is installed but not in /etc/shells: refused, and the
/// log names the user, the attribute and its value, the DN, NSS's view and
/// the fix.
#[test]
fn unlisted_shell_is_refused_and_the_log_says_why() {
    let w = module("");
    let (reply, lines) = ftp_login(&w, "carol");
    assert_eq!(reply, "530 Login incorrect.", "{}", w.diagnostics());
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_mentions(
        &lines[0],
        &[
            "user \"carol\" refused",
            "attribute loginShell",
            "\"uid=carol,ou=people,dc=example,dc=org\"",
            "\"/bin/dash\", which is not listed in /etc/shells",
            "NSS (getpwnam) reports shell \"/bin/dash\"",
            "fix: add /bin/dash to /etc/shells",
        ],
    );

    // The control: a good shell gets in, with nothing logged by the module.
    let (reply, lines) = ftp_login(&w, "alice");
    assert_eq!(reply, "230 Login successful.", "{}", w.diagnostics());
    assert!(lines.is_empty(), "{lines:#?}");
}

/// dave's shell is listed but not installed: pam_shells let him in by FTP;
/// the module refuses and says the shell does not exist.
#[test]
fn nonexistent_shell_is_refused_by_ftp_too() {
    let w = module("");
    let (reply, lines) = ftp_login(&w, "dave");
    assert_eq!(reply, "530 Login incorrect.", "{}", w.diagnostics());
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_mentions(
        &lines[0],
        &[
            "user \"dave\" refused",
            "\"/opt/missing/zsh\", which does not exist on this host",
            "\"uid=dave,ou=people,dc=example,dc=org\"",
            "fix: install /opt/missing/zsh",
        ],
    );
}

/// nora has no loginShell; missing_shell=deny (the default) refuses her
/// with the missing-attribute message.
#[test]
fn missing_shell_deny() {
    let w = module("missing_shell=deny");
    let (reply, lines) = ftp_login(&w, "nora");
    assert_eq!(reply, "530 Login incorrect.", "{}", w.diagnostics());
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_mentions(
        &lines[0],
        &[
            "user \"nora\" refused",
            "attribute loginShell is absent from entry \"uid=nora,ou=people,dc=example,dc=org\"",
            "NSS (getpwnam) reports shell \"\"",
            "fix: set loginShell",
        ],
    );
}

/// missing_shell=default:/bin/sh: nora is admitted as if her shell were
/// /bin/sh (which is listed and installed).
#[test]
fn missing_shell_default_bin_sh() {
    let w = module("missing_shell=default:/bin/sh");
    let (reply, lines) = ftp_login(&w, "nora");
    assert_eq!(reply, "230 Login successful.", "{}", w.diagnostics());
    assert!(lines.iter().all(|l| !l.contains("refused")), "{lines:#?}");
    // The substitute shell is still checked: carol stays refused.
    let (reply, _) = ftp_login(&w, "carol");
    assert_eq!(reply, "530 Login incorrect.");
}

/// missing_shell=warn: nora is admitted and the log warns about her entry.
#[test]
fn missing_shell_warn() {
    let w = module("missing_shell=warn");
    let (reply, lines) = ftp_login(&w, "nora");
    assert_eq!(reply, "230 Login successful.", "{}", w.diagnostics());
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_mentions(
        &lines[0],
        &[
            "user \"nora\" admitted (missing_shell=warn)",
            "attribute loginShell is absent from entry \"uid=nora,ou=people,dc=example,dc=org\"",
        ],
    );
    // Logged at LOG_WARNING (authpriv: <84>), refusals at LOG_NOTICE (<85>).
    assert!(lines[0].starts_with("<84>"), "{lines:#?}");
}

/// oscar (gidNumber 6000) is outside the FTP group: authz_filter refuses him
/// and names the filter; alice (gidNumber 5000) gets in.
#[test]
fn user_outside_the_ftp_group_is_refused() {
    let w = module("authz_filter=(gidNumber=5000)");
    let (reply, lines) = ftp_login(&w, "oscar");
    assert_eq!(reply, "530 Login incorrect.", "{}", w.diagnostics());
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_mentions(&lines[0], &["oscar", "(gidNumber=5000)"]);
    let (reply, _) = ftp_login(&w, "alice");
    assert_eq!(reply, "230 Login successful.");
}
