//! A silent pam_end (PAM_DATA_SILENT) in the process that made the kept
//! connection closes it: sudo ends every failed authentication that way,
//! and a long-running host ends many handles. One test in this binary, so
//! no other test's threads or sockets disturb the counts.

mod common;

use common::*;
use testkit::libpam::{Session, PAM_DATA_SILENT};

const AUTHZ: &str = "authz_filter=(objectClass=posixAccount)";

/// This host's sockets connected to 127.0.0.1:`port` that are still open on
/// our side (ESTABLISHED, or CLOSE_WAIT: the server closed, we did not).
fn open_client_sockets(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    let remote = format!("0100007F:{port:04X}");
    table
        .lines()
        .skip(1)
        .filter(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.len() > 3 && cols[2] == remote && (cols[3] == "01" || cols[3] == "08")
        })
        .count()
}

#[test]
fn a_silent_pam_end_in_the_owning_process_leaks_nothing() {
    // sudo ends every failed authentication with pam_end(...|PAM_DATA_SILENT);
    // a long-running host does the same for 100 handles in one process.
    let server = uri();
    let port: u16 = server
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let dir = confdir(&args(AUTHZ));
    let count = |d: &str| std::fs::read_dir(d).expect(d).count();
    // Warm-up (syslog socket, NSS) before counting.
    let mut s = Session::start(dir.path(), "test", "alice", "wrong");
    assert_eq!(s.authenticate(), "PAM_AUTH_ERR");
    s.end(PAM_DATA_SILENT);
    let (fds, tasks) = (count("/proc/self/fd"), count("/proc/self/task"));
    for i in 0..100 {
        // Failed logins, and successful ones that keep the connection for
        // the account phase (authz_filter) but never get there.
        let (password, expected) = if i % 2 == 0 {
            ("wrong", "PAM_AUTH_ERR")
        } else {
            (PASSWORD, "PAM_SUCCESS")
        };
        let mut s = Session::start(dir.path(), "test", "alice", password);
        assert_eq!(s.authenticate(), expected, "login {i}");
        s.end(PAM_DATA_SILENT);
        assert_eq!(
            open_client_sockets(port),
            0,
            "login {i}: connection left open"
        );
    }
    assert_eq!(count("/proc/self/fd"), fds, "file descriptors leaked");
    assert_eq!(count("/proc/self/task"), tasks, "threads leaked");
}
