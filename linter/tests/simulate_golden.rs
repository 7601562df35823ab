//! Golden cases modelled on Linux-PAM's xtests (tst-pam_dispatch*, tst-pam_substack*)
//! and on libpam's corner cases: each states libpam's answer and checks it against
//! both the real libpam (in-process, pam_start_confdir) and `pamlint simulate`.

mod support;

use pamlint::simulate::ops::Operation;
use support::libpam::require_modules;
use support::stacks::{both, write_dir};

fn check(files: &[(&str, &str)], op: Operation, expected: &str) {
    require_modules();
    let dir = write_dir(files);
    let (real, sim) = both(dir.path(), "svc", op);
    assert_eq!(
        real, expected,
        "real libpam disagrees with the golden value for {files:?} {op:?}"
    );
    assert_eq!(
        sim, expected,
        "simulate disagrees with libpam for {files:?} {op:?}"
    );
}

use Operation::*;

#[test]
fn required_permit_succeeds_everywhere() {
    let text = "auth required pam_permit.so\naccount required pam_permit.so\npassword required pam_permit.so\nsession required pam_permit.so\n";
    for op in support::stacks::ALL_OPS {
        check(&[("svc", text)], op, "PAM_SUCCESS");
    }
}

#[test]
fn required_deny_fails_with_the_modules_code() {
    let text = "auth required pam_deny.so\naccount required pam_deny.so\npassword required pam_deny.so\nsession required pam_deny.so\n";
    check(&[("svc", text)], Auth, "PAM_AUTH_ERR");
    check(&[("svc", text)], Setcred, "PAM_CRED_ERR");
    check(&[("svc", text)], Account, "PAM_AUTH_ERR");
    check(&[("svc", text)], Password, "PAM_AUTHTOK_ERR");
    check(&[("svc", text)], Session, "PAM_SESSION_ERR");
}

#[test]
fn required_failure_is_remembered_past_later_successes() {
    let text = "auth required pam_debug.so auth=user_unknown\nauth required pam_deny.so\nauth sufficient pam_permit.so\n";
    check(&[("svc", text)], Auth, "PAM_USER_UNKNOWN");
}

#[test]
fn sufficient_success_ends_the_stack_unless_already_failed() {
    check(
        &[(
            "svc",
            "auth sufficient pam_permit.so\nauth required pam_deny.so\n",
        )],
        Auth,
        "PAM_SUCCESS",
    );
    check(
        &[("svc", "auth required pam_debug.so auth=auth_err\nauth sufficient pam_permit.so\nauth required pam_permit.so\n")],
        Auth,
        "PAM_AUTH_ERR",
    );
}

#[test]
fn only_ignores_fail_with_perm_denied() {
    check(
        &[("svc", "auth optional pam_debug.so auth=ignore\n")],
        Auth,
        "PAM_PERM_DENIED",
    );
    check(
        &[("svc", "account [default=ignore] pam_permit.so\n")],
        Account,
        "PAM_PERM_DENIED",
    );
}

#[test]
fn bad_with_ignore_returns_must_fail_code() {
    check(
        &[(
            "svc",
            "auth [default=bad] pam_debug.so auth=ignore\nauth required pam_permit.so\n",
        )],
        Auth,
        "PAM_PERM_DENIED",
    );
}

#[test]
fn jump_skips_the_deny() {
    let text = "auth [success=1 default=ignore] pam_permit.so\nauth requisite pam_deny.so\nauth required pam_permit.so\n";
    check(&[("svc", text)], Auth, "PAM_SUCCESS");
    // Debian's libpam: the frozen setcred chain only jumps (patch 045), and
    // the permits give PAM_SUCCESS either way.
    check(&[("svc", text)], Setcred, "PAM_SUCCESS");
}

#[test]
fn jump_past_the_end_is_a_bad_jump() {
    check(
        &[(
            "svc",
            "auth [success=3 default=ignore] pam_permit.so\nauth required pam_permit.so\n",
        )],
        Auth,
        "PAM_PERM_DENIED",
    );
}

#[test]
fn jump_counts_a_substack_as_one_rule() {
    let files = [
        ("svc", "auth [success=1 default=bad] pam_permit.so\nauth substack @DIR@/sub\nauth required pam_permit.so\n"),
        ("sub", "auth required pam_deny.so\nauth required pam_deny.so\n"),
    ];
    check(&files, Auth, "PAM_SUCCESS");
}

#[test]
fn done_and_die_in_a_substack_end_only_the_substack() {
    let done = [
        (
            "svc",
            "auth substack @DIR@/sub\nauth required pam_debug.so auth=cred_err\n",
        ),
        (
            "sub",
            "auth sufficient pam_permit.so\nauth required pam_deny.so\n",
        ),
    ];
    check(&done, Auth, "PAM_CRED_ERR");
    let die = [
        (
            "svc",
            "auth substack @DIR@/sub\nauth required pam_permit.so\n",
        ),
        (
            "sub",
            "auth requisite pam_debug.so auth=maxtries\nauth required pam_deny.so\n",
        ),
    ];
    check(&die, Auth, "PAM_MAXTRIES");
    // The same with include: `done` ends the whole stack.
    let inc = [
        (
            "svc",
            "auth include @DIR@/sub\nauth required pam_debug.so auth=cred_err\n",
        ),
        (
            "sub",
            "auth sufficient pam_permit.so\nauth required pam_deny.so\n",
        ),
    ];
    check(&inc, Auth, "PAM_SUCCESS");
}

#[test]
fn reset_in_a_substack_restores_the_state_at_entry() {
    let files = [
        (
            "svc",
            "auth required pam_permit.so\nauth substack @DIR@/sub\n",
        ),
        (
            "sub",
            "auth required pam_deny.so\nauth [default=reset] pam_permit.so\n",
        ),
    ];
    check(&files, Auth, "PAM_SUCCESS");
    let top = "auth required pam_deny.so\nauth [default=reset] pam_permit.so\n";
    check(&[("svc", top)], Auth, "PAM_PERM_DENIED");
}

#[test]
fn dash_only_silences_the_load_error() {
    check(
        &[(
            "svc",
            "-auth required pam_h3_missing.so\nauth required pam_permit.so\n",
        )],
        Auth,
        "PAM_MODULE_UNKNOWN",
    );
    check(
        &[(
            "svc",
            "-auth optional pam_h3_missing.so\nauth required pam_permit.so\n",
        )],
        Auth,
        "PAM_SUCCESS",
    );
}

#[test]
fn missing_include_is_a_must_fail_line() {
    check(
        &[(
            "svc",
            "auth include @DIR@/nothere\nauth required pam_permit.so\n",
        )],
        Auth,
        "PAM_PERM_DENIED",
    );
}

#[test]
fn chauthtok_runs_prelim_then_update() {
    let prelim = "password required pam_debug.so prechauthtok=try_again chauthtok=success\n";
    check(&[("svc", prelim)], Password, "PAM_TRY_AGAIN");
    let update =
        "password required pam_debug.so prechauthtok=success chauthtok=authtok_lock_busy\n";
    check(&[("svc", update)], Password, "PAM_AUTHTOK_LOCK_BUSY");
}

#[test]
fn setcred_follows_the_frozen_auth_chain() {
    // auth: the first line is ignored (default=ignore on auth_err), so setcred's
    // cred_err on that line is ignored too, though `success=ok` would count it.
    let text = "auth [success=ok default=ignore] pam_debug.so auth=auth_err cred=cred_err\nauth required pam_permit.so\n";
    check(&[("svc", text)], Setcred, "PAM_SUCCESS");
    // A line the auth pass skipped (after `done`) is skipped by setcred as well.
    let done = "auth sufficient pam_permit.so\nauth required pam_deny.so\n";
    check(&[("svc", done)], Setcred, "PAM_SUCCESS");
}

#[test]
fn setcred_after_incomplete_auth_aborts() {
    check(
        &[("svc", "auth required pam_debug.so auth=incomplete\n")],
        Setcred,
        "PAM_ABORT",
    );
    check(
        &[("svc", "auth required pam_debug.so auth=incomplete\n")],
        Auth,
        "PAM_INCOMPLETE",
    );
}

#[test]
fn close_session_follows_the_frozen_open_chain() {
    let text = "session [success=ok default=ignore] pam_debug.so open_session=session_err close_session=abort\nsession required pam_permit.so\n";
    check(&[("svc", text)], CloseSession, "PAM_SUCCESS");
}

#[test]
fn no_rules_for_the_type_fail() {
    check(
        &[("svc", "auth required pam_permit.so\n")],
        Account,
        "PAM_PERM_DENIED",
    );
}

#[test]
fn debian_jump_in_a_frozen_chain_is_only_a_jump() {
    // Debian's patch 045_pam_dispatch_jump_is_ignore: the host's libpam ignores
    // line 1's cred_err; upstream Linux-PAM counts a jumping line as `ok` in a
    // frozen chain and returns it.
    let text = "auth [success=1 default=ignore] pam_debug.so auth=success cred=cred_err\nauth required pam_deny.so\nauth optional pam_permit.so\n";
    check(&[("svc", text)], Setcred, "PAM_SUCCESS");
    let dir = write_dir(&[("svc", text)]);
    let upstream = support::stacks::simulated(
        dir.path(),
        "svc",
        Setcred,
        pamlint::simulate::engine::Flavor::Upstream,
    );
    assert_eq!(upstream.result().name(), "PAM_CRED_ERR");
}

#[test]
fn trailing_backslash_at_end_of_file() {
    // In the service file libpam refuses the whole configuration: pam_start fails.
    check(
        &[("svc", "auth required pam_permit.so\nauth required \\")],
        Auth,
        "PAM_ABORT",
    );
    // In an included file the include line becomes a must-fail line, after the
    // rules read before the backslash.
    let files = [
        (
            "svc",
            "auth include @DIR@/inc\nauth required pam_permit.so\n",
        ),
        ("inc", "auth sufficient pam_permit.so\nauth required \\"),
    ];
    check(&files, Auth, "PAM_SUCCESS");
    let files = [
        (
            "svc",
            "auth include @DIR@/inc\nauth required pam_permit.so\n",
        ),
        ("inc", "auth optional pam_permit.so\nauth required \\"),
    ];
    check(&files, Auth, "PAM_PERM_DENIED");
}

#[test]
fn a_module_file_that_is_not_an_object_is_unknown() {
    require_modules();
    let dir = write_dir(&[
        ("svc", "auth required @DIR@/pam_text.so\n"),
        ("pam_text.so", "not an ELF file\n"),
    ]);
    let (real, sim) = support::stacks::both(dir.path(), "svc", Auth);
    assert_eq!(real, "PAM_MODULE_UNKNOWN");
    assert_eq!(sim, real);
}
