//! Threaded hosts call PAM on small thread stacks (musl's default is 128
//! KiB, some servers choose 64 KiB). The module must work there, plain and
//! LDAPS, for auth, account and password: with less stack left than it
//! needs, a hook runs on a stack of its own (same thread). Its real need is
//! measured by painting a large stack and finding the deepest byte touched.

mod common;
use common::*;
use testkit::libpam::{name, run_with_password, Call};
use testkit::Slapd;

/// What a thread with `stack` bytes of stack gets from `call` as `user`.
fn on_thread(stack: usize, dir: &std::path::Path, user: &str, call: Call) -> String {
    let dir = dir.to_path_buf();
    let user = user.to_string();
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || name(run_with_password(&dir, "test", &user, PASSWORD, call)).to_string())
        .expect("spawn")
        .join()
        .expect("the host thread crashed")
}

fn configs() -> Vec<(&'static str, tempfile::TempDir)> {
    let tls = Slapd::shared_tls();
    let ca = tls.ca_cert().expect("CA").display().to_string();
    let ldaps = format!(
        "uri={} base={BASE} tls_cacert={ca}",
        tls.ldaps_uri().expect("ldaps")
    );
    vec![("ldap", confdir(&args(""))), ("ldaps", confdir(&ldaps))]
}

#[test]
fn auth_and_account_work_on_a_64_kib_thread() {
    for (what, dir) in configs() {
        for (call, user, expected) in [
            (Call::Authenticate, "alice", "PAM_SUCCESS"),
            (Call::Authenticate, "nobody-here", "PAM_USER_UNKNOWN"),
            (Call::AcctMgmt, "alice", "PAM_SUCCESS"),
            (Call::AcctMgmt, "carol", "PAM_PERM_DENIED"),
        ] {
            let got = on_thread(64 * 1024, dir.path(), user, call);
            assert_eq!(got, expected, "{what} {call:?} {user}");
        }
    }
}

#[test]
fn a_password_change_works_on_a_64_kib_thread() {
    // A private server: the password is set (to itself) for real.
    let slapd = Slapd::start();
    let dir = tempfile::tempdir().unwrap();
    let m = module_path().display().to_string();
    let a = format!("uri={} base={BASE}", slapd.uri());
    std::fs::write(
        dir.path().join("test"),
        format!("password required {m} {a}\n"),
    )
    .unwrap();
    assert_eq!(
        on_thread(64 * 1024, dir.path(), "alice", Call::Chauthtok),
        "PAM_SUCCESS"
    );
}

/// Deepest stack use of `f` on a fresh 4 MiB thread: the unused part of the
/// stack below the caller's frame is painted first, then the first byte
/// from the bottom that lost its paint marks the peak.
fn peak_stack(f: impl FnOnce() + Send + 'static) -> usize {
    const SIZE: usize = 4 * 1024 * 1024;
    const PAINT: usize = 2 * 1024 * 1024;
    const MARK: u8 = 0xA5;
    std::thread::Builder::new()
        .stack_size(SIZE)
        .spawn(move || {
            let here = 0u8;
            let top = std::hint::black_box(&here) as *const u8 as usize;
            // Leave 16 KiB below this frame for the calls made from here.
            let bottom = top - PAINT;
            let end = top - 16 * 1024;
            for a in bottom..end {
                // SAFETY: [bottom, end) lies inside this thread's 4 MiB stack
                // mapping, below every live frame (the stack grows down and
                // only this function runs on it); writing it is what the
                // calls below would do anyway.
                unsafe { std::ptr::write_volatile(a as *mut u8, MARK) };
            }
            f();
            let first_touched = (bottom..end)
                // SAFETY: as above; reading the same range after the calls returned.
                .find(|&a| unsafe { std::ptr::read_volatile(a as *const u8) } != MARK)
                .unwrap_or(end);
            top - first_touched
        })
        .expect("spawn")
        .join()
        .expect("measuring thread")
}

#[test]
fn the_peak_stack_of_a_login_stays_below_what_the_module_reserves() {
    // The module switches stacks below 384 KiB left (ffi/hooks.rs
    // STACK_NEEDED): on a large stack it must never need more than that.
    for (what, dir) in configs() {
        let d = dir.path().to_path_buf();
        let peak = peak_stack(move || {
            let code = run_with_password(&d, "test", "alice", PASSWORD, Call::Authenticate);
            assert_eq!(name(code), "PAM_SUCCESS");
            let code = run_with_password(&d, "test", "alice", PASSWORD, Call::AcctMgmt);
            assert_eq!(name(code), "PAM_SUCCESS");
        });
        eprintln!("{what}: peak stack of auth and account {} KiB", peak / 1024);
        assert!(
            peak > 8 * 1024,
            "{what}: the measurement saw nothing ({peak})"
        );
        assert!(
            peak < 384 * 1024,
            "{what}: {} KiB of stack used, more than the 384 KiB the module reserves",
            peak / 1024
        );
    }
}
