//! A threaded PAM host: one process doing 200 logins (pam_start,
//! pam_authenticate, pam_acct_mgmt, pam_end) on 8 threads through the real
//! libpam (testkit's FFI), half of the threads ending their handles with
//! PAM_DATA_SILENT as sudo and long-running servers do, one login in four
//! with a wrong password; without and with `authz_filter`. Counted inside
//! the process before and after: open fds, threads, and its LDAP sockets
//! (ESTABLISHED to the relay in front of slapd); the relay sees every
//! connection closed with an unbind.
//!
//! The host is this test binary's ignored test `host`, run in bwrap with a
//! syslog catcher on /dev/log, so the module's log lines are asserted too.

#[path = "../../pam_module/tests/support/ldap_proxy.rs"]
mod ldap_proxy;

use e2e::syslog::{line_with, module_lines};
use ldap_proxy::{Proxy, UNBIND};
use std::process::Command;
use testkit::libpam::{name, Session, PAM_DATA_SILENT};
use testkit::slapd::BASE;
use testkit::tools::{require, BWRAP};

const THREADS: usize = 8;
const PER_THREAD: usize = 25;
/// The relay's URI and the pam.d directory, for the host.
const URI_ENV: &str = "E2E_PAM_HOST_URI";
const CONFDIR_ENV: &str = "E2E_PAM_HOST_CONFDIR";

/// Without and with `authz_filter` (then the account phase searches on the
/// connection auth kept, rebound from the user to the search identity).
#[test]
fn two_hundred_logins_on_eight_threads() {
    for options in ["", "authz_filter=(objectClass=posixAccount)"] {
        run_host(options);
    }
}

/// Runs the host with `options` on its module lines, then checks its log
/// and the relay's record.
fn run_host(options: &str) {
    let slapd = testkit::Slapd::shared();
    let proxy = Proxy::start(slapd.uri().trim_start_matches("ldap://"));
    let dir = tempfile::tempdir().expect("temp dir");
    let catcher = e2e::syslog::Catcher::bind(&dir.path().join("log"));
    // The module under its installed name (libpam names log lines after it).
    let confdir = dir.path().join("pam.d");
    std::fs::create_dir(&confdir).expect("create pam.d");
    let module = dir.path().join("pam_ldap_shell.so");
    std::fs::copy(&e2e::artifacts::get().module, &module).expect("copy the module");
    let line = format!(
        "{} uri={} base={BASE} {options}",
        module.display(),
        proxy.uri()
    );
    std::fs::write(
        confdir.join("host"),
        format!("auth required {line}\naccount required {line}\n"),
    )
    .expect("write the stack");
    let out = Command::new(require(BWRAP))
        .args([
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--bind",
        ])
        .arg(dir.path().join("log"))
        .args(["/dev/log", "--die-with-parent", "--"])
        .arg(std::env::current_exe().expect("this test binary"))
        .args([
            "--ignored",
            "--exact",
            "host",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(URI_ENV, proxy.uri())
        .env(CONFDIR_ENV, &confdir)
        .output()
        .expect("run the host");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = catcher.take();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "host failed ({options:?}):\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "the host did not run:\n{stdout}"
    );

    // Every refused password logged once, naming the entry; nothing else.
    let wrong = THREADS * PER_THREAD / 4 + 1; // + the warm-up's
    let refusals = log
        .iter()
        .filter(|l| {
            l.contains("pam_ldap_shell(host:auth): authentication failure for user \"alice\"")
        })
        .count();
    assert_eq!(refusals, wrong, "{log:#?}");
    line_with(
        &log,
        &[
            "\"uid=alice,ou=people,dc=example,dc=org\"",
            "invalid credentials",
        ],
    );
    assert_eq!(module_lines(&log).len(), wrong, "{log:#?}");

    // Every connection the module opened was closed with an unbind, also
    // those of handles ended with PAM_DATA_SILENT.
    assert!(proxy.connections() > 0);
    for i in 0..proxy.connections() {
        let ops = proxy.closed_ops(i);
        assert_eq!(ops.last(), Some(&UNBIND), "connection {i}: ops {ops:02x?}");
    }
}

/// This process's open file descriptors.
fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// This process's threads.
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// This process's TCP sockets ESTABLISHED to 127.0.0.1:`port`.
fn sockets_to(port: u16) -> usize {
    let mine: std::collections::HashSet<String> = std::fs::read_dir("/proc/self/fd")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .filter_map(|t| {
            let t = t.to_string_lossy().into_owned();
            t.strip_prefix("socket:[")
                .and_then(|s| s.strip_suffix(']'))
                .map(str::to_string)
        })
        .collect();
    let remote = format!("0100007F:{port:04X}");
    std::fs::read_to_string("/proc/net/tcp")
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            c.len() > 9 && c[2] == remote && c[3] == "01" && mine.contains(c[9])
        })
        .count()
}

/// One login: the PAM result names of auth and account, after pam_end
/// with the last result (| PAM_DATA_SILENT when `silent`).
fn login(confdir: &std::path::Path, password: &str, silent: bool) -> (&'static str, &'static str) {
    let mut s = Session::start(confdir, "host", "alice", password);
    let auth = s.authenticate();
    let account = if auth == "PAM_SUCCESS" {
        s.acct_mgmt()
    } else {
        "not run"
    };
    let last = if auth == "PAM_SUCCESS" { account } else { auth };
    let code = testkit::pam_codes::NAMES
        .iter()
        .position(|n| *n == last)
        .and_then(|i| i32::try_from(i).ok())
        .unwrap_or(0);
    let flags = if silent { PAM_DATA_SILENT } else { 0 };
    assert_eq!(name(s.end(code | flags)), "PAM_SUCCESS", "pam_end");
    (auth, account)
}

#[test]
#[ignore = "the PAM host: run by two_hundred_logins_on_eight_threads in bwrap"]
fn host() {
    let (Ok(uri), Some(confdir)) = (std::env::var(URI_ENV), std::env::var_os(CONFDIR_ENV)) else {
        panic!("run by two_hundred_logins_on_eight_threads, with {URI_ENV} and {CONFDIR_ENV} set");
    };
    let confdir = std::path::PathBuf::from(confdir);
    let port: u16 = uri
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("relay port");

    // Warm-up: libpam and the module loaded, syslog's socket open.
    assert_eq!(login(&confdir, e2e::PASSWORD, false).0, "PAM_SUCCESS");
    assert_eq!(login(&confdir, "Wrong-Pass-0", false).0, "PAM_AUTH_ERR");
    let before = (fds(), threads(), sockets_to(port));
    assert_eq!(before.2, 0, "a connection outlived the warm-up");

    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let confdir = confdir.clone();
            std::thread::spawn(move || {
                let silent = t % 2 == 1;
                let mut results = Vec::new();
                for i in 0..PER_THREAD {
                    let wrong = (t * PER_THREAD + i).is_multiple_of(4);
                    let pw = if wrong { "Wrong-Pass-1" } else { e2e::PASSWORD };
                    results.push((wrong, login(&confdir, pw, silent)));
                }
                results
            })
        })
        .collect();
    let mut ok = 0;
    let mut refused = 0;
    for h in handles {
        for (wrong, (auth, account)) in h.join().expect("a host thread panicked") {
            if wrong {
                assert_eq!((auth, account), ("PAM_AUTH_ERR", "not run"));
                refused += 1;
            } else {
                assert_eq!((auth, account), ("PAM_SUCCESS", "PAM_SUCCESS"));
                ok += 1;
            }
        }
    }
    assert_eq!((ok, refused), (150, 50));
    let after = (fds(), threads(), sockets_to(port));
    println!("fds, threads, LDAP sockets: before {before:?}, after {after:?}");
    assert_eq!(
        after, before,
        "(fds, threads, LDAP sockets) before and after 200 logins"
    );
}
