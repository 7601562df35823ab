//! Load: 200 concurrent authentications through the real libpam, in this
//! process (one thread per host call, as a busy sshd or vsftpd would),
//! against one slapd. Every answer must be right; p50/p99 latency is
//! printed (never asserted: machines are noisy).

mod common;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use testkit::libpam::{name, run_with_password, Call};

const CALLS: usize = 200;

#[test]
fn two_hundred_concurrent_authentications_are_all_answered_right() {
    let dir = tempfile::tempdir().unwrap();
    let m = common::module_path().display().to_string();
    std::fs::write(
        dir.path().join("test"),
        format!("auth required {m} {} timeout_ms=20000\n", common::args("")),
    )
    .unwrap();
    let start = Arc::new(Barrier::new(CALLS));
    let workers: Vec<_> = (0..CALLS)
        .map(|i| {
            let (dir, start) = (dir.path().to_path_buf(), Arc::clone(&start));
            std::thread::spawn(move || {
                // Every third call has a wrong password, every seventh an unknown user.
                let (user, pw, expected) = match (i % 3, i % 7) {
                    (_, 0) => ("nobody-here", common::PASSWORD, "PAM_USER_UNKNOWN"),
                    (0, _) => ("alice", "Wrong-Horse-1", "PAM_AUTH_ERR"),
                    _ => ("alice", common::PASSWORD, "PAM_SUCCESS"),
                };
                start.wait();
                let t = Instant::now();
                let got = name(run_with_password(
                    &dir,
                    "test",
                    user,
                    pw,
                    Call::Authenticate,
                ));
                (i, expected, got, t.elapsed())
            })
        })
        .collect();
    let mut times: Vec<Duration> = Vec::new();
    for w in workers {
        let (i, expected, got, took) = w.join().expect("worker");
        assert_eq!(got, expected, "call {i}");
        times.push(took);
    }
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!(
        "load: {CALLS} concurrent pam_authenticate calls: p50 {:?}, p99 {:?}, max {:?}",
        pct(50),
        pct(99),
        times[times.len() - 1]
    );
}
