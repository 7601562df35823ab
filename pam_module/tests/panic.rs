//! A panic inside a hook (forced with the test-only `test-panic` feature
//! and the `test_panic` argument) becomes PAM_SERVICE_ERR with a log line;
//! the host process carries on and nothing reaches its stdout/stderr.
//! Run with `cargo test -p pam_ldap_shell --features test-panic`.
#![cfg(feature = "test-panic")]

mod common;
use testkit::libpam;

use common::*;

#[test]
fn a_panicking_hook_is_service_err_and_the_host_carries_on() {
    for op in ["authenticate", "acct_mgmt", "chauthtok"] {
        let run = sandbox(&args("test_panic")).pamtester(
            "test",
            "alice",
            &[op],
            &format!("{PASSWORD}\n"),
        );
        assert_result(&run, "PAM_SERVICE_ERR");
        assert_logged(&run, &["panic caught"]);
        // pamtester exited normally (1), not killed by a signal or an abort.
        assert_eq!(run.exit_code, 1, "{run:#?}");
        let all = format!("{}{}", run.stdout, run.stderr.replace("Password: ", ""));
        assert!(
            all.lines().all(|l| l.starts_with("pamtester: ")),
            "{run:#?}"
        );
        assert!(
            !all.contains("forced by"),
            "the panic message reached the host: {run:#?}"
        );
    }
}

#[test]
fn the_same_process_authenticates_after_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let m = module_path().display().to_string();
    std::fs::write(
        dir.path().join("panics"),
        format!("auth required {m} {}\n", args("test_panic")),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("works"),
        format!("auth required {m} {}\n", args("")),
    )
    .unwrap();
    let code = libpam::run_with_password(
        dir.path(),
        "panics",
        "alice",
        PASSWORD,
        libpam::Call::Authenticate,
    );
    assert_eq!(libpam::name(code), "PAM_SERVICE_ERR");
    let code = libpam::run_with_password(
        dir.path(),
        "works",
        "alice",
        PASSWORD,
        libpam::Call::Authenticate,
    );
    assert_eq!(libpam::name(code), "PAM_SUCCESS");
}
