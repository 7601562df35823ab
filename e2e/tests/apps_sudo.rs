//! sudo (setuid root) with the Debian package's /etc/pam.d/sudo and the
//! documented common-* stacks. The module talks to slapd through a relay
//! that records every connection (pam_module/tests/support/ldap_proxy.rs),
//! so the connections sudo opens, keeps and closes are counted on the
//! server's side. sudo ends a failed authentication with
//! pam_end(…|PAM_DATA_SILENT): the module must still close its connection
//! (unbind) in the process that opened it.

#[path = "../../pam_module/tests/support/ldap_proxy.rs"]
mod ldap_proxy;

use e2e::pty::as_user;
use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, SS, SUDO};
use e2e::{Stack, World, PASSWORD};
use ldap_proxy::{Proxy, UNBIND};

/// An Apps world whose module lines go through a counting relay.
fn world_with_relay(options: &str) -> (World, Proxy) {
    let w = World::start(Stack::Apps(options.to_string()));
    let upstream = w
        .ldap_uri
        .trim_start_matches("ldap://")
        .trim_end_matches('/');
    let proxy = Proxy::start(upstream);
    w.module_uri(&proxy.uri());
    (w, proxy)
}

/// The shell command sudo runs: counts, while sudo (its parent) still
/// holds its PAM handle, the connections open to the relay on `port`.
fn count_held(port: u16) -> String {
    format!(
        "echo HELD=$({} -Htn state established '( dport = :{port} )' | wc -l); echo RAN-AS=$(id -un)",
        require(SS)
    )
}

fn proxy_port(p: &Proxy) -> u16 {
    p.uri()
        .rsplit(':')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("relay port")
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// 20 sudo runs, each refused after one wrong password, then a right one:
/// each failed run used one connection and closed it with an unbind
/// before exiting; none is left open, and none is held while the command
/// runs.
#[test]
fn twenty_failed_sudo_runs_then_a_right_one() {
    let (w, proxy) = world_with_relay("");
    let sudo = require(SUDO);
    for i in 0..20 {
        w.new_log();
        let argv = as_user("oscar", &[sudo, "-S", "-p", "PROMPT:", "true"]);
        let out = w.exec(argv[0], &argv[1..], &format!("Wrong-Pass-{i}\n"));
        let log = w.new_log();
        assert_eq!(out.status.code(), Some(1), "{out:?}\n{}", w.diagnostics());
        assert!(
            stderr(&out).contains("sudo: 1 incorrect password attempt"),
            "{out:?}"
        );
        line_with(
            &log,
            &[
                "pam_ldap_shell(sudo:auth): authentication failure for user \"oscar\"",
                "invalid credentials",
            ],
        );
        line_with(&log, &["oscar : 1 incorrect password attempt"]);
        assert_eq!(proxy.connections(), i + 1, "one connection per failed run");
        let ops = proxy.closed_ops(i);
        assert_eq!(
            ops.last(),
            Some(&UNBIND),
            "failed run {i}: the connection was dropped without an unbind (ops {ops:02x?})"
        );
    }
    assert_eq!(proxy.client_sockets_open(), 0);

    w.new_log();
    let cmd = count_held(proxy_port(&proxy));
    let argv = as_user("oscar", &[sudo, "-S", "-p", "PROMPT:", "sh", "-c", &cmd]);
    let out = w.exec(argv[0], &argv[1..], &format!("{PASSWORD}\n"));
    let log = w.new_log();
    assert_eq!(out.status.code(), Some(0), "{out:?}\n{}", w.diagnostics());
    assert!(stdout(&out).contains("RAN-AS=root"), "{out:?}");
    assert!(stdout(&out).contains("HELD=0"), "{out:?}");
    line_with(
        &log,
        &["oscar : PWD=/ ; USER=root ; COMMAND=/usr/bin/sh -c"],
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");
    assert_eq!(proxy.client_sockets_open(), 0);
    for i in 0..proxy.connections() {
        assert_eq!(proxy.closed_ops(i).last(), Some(&UNBIND), "connection {i}");
    }
}

/// One sudo run, 20 wrong passwords then the right one on the same PAM
/// handle: sudo says "Sorry, try again." 20 times, runs the command, and
/// holds no connection while it runs.
#[test]
fn twenty_wrong_passwords_then_the_right_one_in_one_run() {
    let (w, proxy) = world_with_relay("");
    let sudo = require(SUDO);
    let mut input: String = (0..20).map(|i| format!("Wrong-Pass-{i}\n")).collect();
    input.push_str(&format!("{PASSWORD}\n"));
    w.new_log();
    let cmd = count_held(proxy_port(&proxy));
    let argv = as_user("alice", &[sudo, "-S", "-p", "PROMPT:", "sh", "-c", &cmd]);
    let out = w.exec(argv[0], &argv[1..], &input);
    let log = w.new_log();
    assert_eq!(out.status.code(), Some(0), "{out:?}\n{}", w.diagnostics());
    assert_eq!(
        stderr(&out).matches("Sorry, try again.").count(),
        20,
        "{out:?}"
    );
    assert!(stdout(&out).contains("RAN-AS=root"), "{out:?}");
    assert!(stdout(&out).contains("HELD=0"), "{out:?}");
    let failures = log
        .iter()
        .filter(|l| {
            l.contains("pam_ldap_shell(sudo:auth): authentication failure for user \"alice\"")
        })
        .count();
    assert_eq!(failures, 20, "{log:#?}");
    line_with(
        &log,
        &["alice : PWD=/ ; USER=root ; COMMAND=/usr/bin/sh -c"],
    );
    assert_eq!(proxy.client_sockets_open(), 0);
    for i in 0..proxy.connections() {
        assert_eq!(proxy.closed_ops(i).last(), Some(&UNBIND), "connection {i}");
    }
}

fn sudo_l(w: &World) -> (std::process::Output, Vec<String>) {
    w.new_log();
    let argv = as_user("nora", &[require(SUDO), "-S", "-p", "PROMPT:", "-l"]);
    let out = w.exec(argv[0], &argv[1..], &format!("{PASSWORD}\n"));
    (out, w.new_log())
}

/// nora has no loginShell. sudo is in skip_shell_services' default list:
/// `sudo -l` works, and the skipped check is not logged (debug level only).
#[test]
fn sudo_l_works_for_a_user_without_a_shell() {
    let w = World::start(Stack::Apps(String::new()));
    let (out, log) = sudo_l(&w);
    assert_eq!(out.status.code(), Some(0), "{out:?}\n{}", w.diagnostics());
    assert!(
        stdout(&out).contains("User nora may run the following commands"),
        "{out:?}"
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");
}

/// The control: with `skip_shell_services=` (empty) the shell is checked
/// for sudo too, and nora is refused with the reason.
#[test]
fn sudo_l_checks_the_shell_when_no_service_is_skipped() {
    let w = World::start(Stack::Apps("skip_shell_services=".to_string()));
    let (out, log) = sudo_l(&w);
    assert_eq!(out.status.code(), Some(1), "{out:?}\n{}", w.diagnostics());
    assert!(
        stderr(&out).contains("sudo: PAM account management error"),
        "{out:?}"
    );
    line_with(
        &log,
        &[
            "pam_ldap_shell(sudo:account): user \"nora\" refused",
            "attribute loginShell is absent",
        ],
    );
}
