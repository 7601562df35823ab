//! The module inside a host process, through the real libpam
//! (pam_start_confdir): a call leaves no thread, file descriptor or child
//! process behind, as counted in /proc. One test in this binary, so no
//! other test's threads disturb the counts.

mod common;
use testkit::libpam::{name, run_with_password, Call};

fn count(dir: &str) -> usize {
    std::fs::read_dir(dir).expect(dir).count()
}

/// Child processes of every thread of this process.
fn children() -> usize {
    let mut n = 0;
    for task in std::fs::read_dir("/proc/self/task")
        .expect("tasks")
        .flatten()
    {
        let text = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        n += text.split_whitespace().count();
    }
    n
}

fn snapshot() -> (usize, usize, usize) {
    (count("/proc/self/task"), count("/proc/self/fd"), children())
}

#[test]
fn a_call_leaves_no_thread_fd_or_child_behind() {
    let good = common::confdir(&common::args(""));
    let down = common::confdir(&format!("uri=ldap://127.0.0.1:1 base={}", common::BASE));
    let dir = good.path();
    // Warm-up: starts slapd (a child of this process, counted from now on)
    // and lets glibc open its syslog socket, which it keeps by design.
    assert_eq!(
        name(run_with_password(
            dir,
            "test",
            "alice",
            common::PASSWORD,
            Call::Authenticate
        )),
        "PAM_SUCCESS"
    );
    let before = snapshot();
    let cases = [
        (
            dir,
            "alice",
            common::PASSWORD,
            Call::Authenticate,
            "PAM_SUCCESS",
        ),
        (dir, "alice", "wrong", Call::Authenticate, "PAM_AUTH_ERR"),
        (
            dir,
            "nobody-here",
            "x",
            Call::Authenticate,
            "PAM_USER_UNKNOWN",
        ),
        (dir, "carol", "", Call::AcctMgmt, "PAM_PERM_DENIED"),
        (dir, "alice", "", Call::AcctMgmt, "PAM_SUCCESS"),
        (
            down.path(),
            "alice",
            common::PASSWORD,
            Call::Authenticate,
            "PAM_AUTHINFO_UNAVAIL",
        ),
    ];
    for (d, user, pw, call, expected) in cases {
        assert_eq!(
            name(run_with_password(d, "test", user, pw, call)),
            expected,
            "{user} {call:?}"
        );
        assert_eq!(
            snapshot(),
            before,
            "(threads, fds, children) changed after {call:?} for {user}"
        );
    }
}
