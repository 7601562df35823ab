//! valgrind memcheck on pamtester running the module (auth + account, on
//! one connection; auth alone, its kept connection closed at pam_end): no
//! invalid read or write, no definite leak. Suppressions
//! (tests/support/valgrind.supp) cover libpam and the loader only.

mod common;
use common::*;

const VALGRIND: (&str, &str) = ("/usr/bin/valgrind", "valgrind");
const MARK: i32 = 99;

fn memcheck(user: &str, ops: &[&str], stdin: &str) -> testkit::PamRun {
    let valgrind = testkit::tools::require(VALGRIND);
    let supp = format!(
        "--suppressions={}/tests/support/valgrind.supp",
        env!("CARGO_MANIFEST_DIR")
    );
    let err = format!("--error-exitcode={MARK}");
    // The sandbox's / is read-only; its /dev is a private tmpfs where
    // valgrind may write its temporary files.
    let wrapper = [
        "/usr/bin/env",
        "TMPDIR=/dev",
        valgrind,
        "--tool=memcheck",
        "--leak-check=full",
        "--show-leak-kinds=definite",
        "--errors-for-leak-kinds=definite",
        err.as_str(),
        supp.as_str(),
        "--num-callers=30",
    ];
    sandbox(&args("")).pamtester_wrapped(&wrapper, "test", user, ops, stdin, &[])
}

fn assert_clean(run: &testkit::PamRun) {
    assert_ne!(run.exit_code, MARK, "valgrind found errors: {}", run.stderr);
    assert!(
        run.stderr.contains("ERROR SUMMARY: 0 errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn auth_and_account_are_clean_under_memcheck() {
    let run = memcheck(
        "alice",
        &["authenticate", "acct_mgmt"],
        &format!("{PASSWORD}\n"),
    );
    assert_clean(&run);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    // Auth alone: the connection kept for the account phase is closed by
    // the cleanup that pam_end runs (nothing may leak from it).
    let run = memcheck("alice", &["authenticate"], &format!("{PASSWORD}\n"));
    assert_clean(&run);
    assert_eq!(run.exit_code, 0, "{}", run.stderr);
    // Refusals go through other paths (error logging, the NSS lookup).
    let run = memcheck("alice", &["authenticate"], "wrong\n");
    assert_clean(&run);
    let run = memcheck("carol", &["acct_mgmt"], "");
    assert_clean(&run);
    assert_result(&run, "PAM_PERM_DENIED");
}
