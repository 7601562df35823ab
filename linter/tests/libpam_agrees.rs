//! Differential tests: the real libpam (pamtester in a bwrap sandbox with a private
//! /etc/pam.d, via testkit) reads each quirky file the way pamlint's model says,
//! and logs the very problem pamlint reports. Needs the Debian packages pamtester
//! and bubblewrap (the test fails naming them when missing).

use std::path::Path;

use pamlint::model::{Action, HandlerKind, PamType};
use pamlint::parse::parse_service_bytes;
use pamlint::resolve::{resolve_service, ResolveContext};
use testkit::sandbox::{PamRun, Sandbox};

fn run(files: &[(&str, &str)], op: &str) -> PamRun {
    let mut sb = Sandbox::new();
    for (name, text) in files {
        sb.service(name, text);
    }
    sb.pamtester("svc", "root", &[op], "")
}

/// pamlint's view of the same files (resolved as a pam.d directory).
fn resolved(files: &[(&str, &str)]) -> pamlint::model::ResolvedService {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    resolve_service(&ResolveContext::for_dir(dir.path(), Path::new("/")), "svc")
}

fn codes(text: &str) -> Vec<&'static str> {
    parse_service_bytes(Path::new("svc"), text.as_bytes())
        .findings
        .iter()
        .map(|f| f.code())
        .collect()
}

fn logged(r: &PamRun, needle: &str) -> bool {
    !r.log_lines_with(needle).is_empty()
}

#[test]
fn unknown_type_is_a_must_fail_rule() {
    let files = [("svc", "auht required pam_permit.so\n")];
    assert_eq!(codes(files[0].1), vec!["PL001"]);
    let s = resolved(&files);
    assert_eq!(
        s.stack(PamType::Auth).rules()[0].handler,
        HandlerKind::MustFail
    );
    let r = run(&files, "authenticate");
    assert_eq!(r.result(), "PAM_PERM_DENIED", "{r:?}");
    assert!(logged(&r, "illegal module type: auht"), "{:?}", r.syslog);
}

#[test]
fn wrong_case_value_makes_every_value_bad() {
    let files = [("svc", "auth [Success=ok default=ok] pam_permit.so\n")];
    assert_eq!(codes(files[0].1), vec!["PL003"]);
    let s = resolved(&files);
    let rule = s.stack(PamType::Auth).rules()[0];
    assert!(rule.actions.0.iter().all(|a| *a == Action::Bad));
    let r = run(&files, "authenticate");
    assert_eq!(r.result(), "PAM_PERM_DENIED", "{r:?}");
    assert!(
        logged(&r, "pam_parse: expecting return value"),
        "{:?}",
        r.syslog
    );
}

#[test]
fn jump_of_zero_is_rejected() {
    let files = [("svc", "auth [success=0 default=ok] pam_permit.so\n")];
    assert_eq!(codes(files[0].1), vec!["PL003"]);
    let r = run(&files, "authenticate");
    assert_eq!(r.result(), "PAM_PERM_DENIED", "{r:?}");
    assert!(
        logged(&r, "pam_parse: expecting non-zero"),
        "{:?}",
        r.syslog
    );
}

#[test]
fn crlf_sticks_to_the_module_path() {
    let files = [("svc", "auth required pam_permit.so\r\n")];
    assert_eq!(codes(files[0].1), vec!["PL007"]);
    let s = resolved(&files);
    let rule = s.stack(PamType::Auth).rules()[0];
    assert_eq!(rule.module_path(), Some("pam_permit.so\r"));
    assert!(rule.module_file.is_none());
    let r = run(&files, "authenticate");
    assert_eq!(r.result(), "PAM_MODULE_UNKNOWN", "{r:?}");
}

#[test]
fn jump_past_the_end_fails_the_stack() {
    let files = [(
        "svc",
        "auth [success=2 default=ignore] pam_permit.so\nauth required pam_permit.so\n",
    )];
    let dir = write_dir(&files);
    let lint = pamlint::check::lint(&pamlint::check::CheckOptions {
        root: "/".into(),
        dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    });
    assert!(lint.findings.iter().any(|f| f.code() == "PL201"));
    let r = run(&files, "authenticate");
    assert_eq!(r.result(), "PAM_PERM_DENIED", "{r:?}");
    assert!(logged(&r, "bad jump in stack"), "{:?}", r.syslog);
}

#[test]
fn dash_only_silences_the_missing_module() {
    let files = [(
        "svc",
        "-auth required pam_no_such_module_xyz.so\nauth required pam_permit.so\n",
    )];
    let s = resolved(&files);
    let rule = s.stack(PamType::Auth).rules()[0];
    assert_eq!(rule.handler, HandlerKind::SilentModule);
    assert!(rule.module_file.is_none());
    let r = run(&files, "authenticate");
    assert_eq!(r.result(), "PAM_MODULE_UNKNOWN", "{r:?}");
    assert!(
        !logged(&r, "pam_no_such_module_xyz"),
        "logged despite `-`: {:?}",
        r.syslog
    );
}

#[test]
fn bad_type_in_included_file_lands_in_the_including_type() {
    let files = [
        ("svc", "auth required pam_permit.so\naccount include inc\n"),
        ("inc", "auht required pam_permit.so\n"),
    ];
    let s = resolved(&files);
    assert_eq!(
        s.stack(PamType::Account).rules()[0].handler,
        HandlerKind::MustFail
    );
    assert_eq!(
        s.stack(PamType::Auth).rules()[0].handler,
        HandlerKind::Module
    );
    assert_eq!(run(&files, "authenticate").result(), "PAM_SUCCESS");
    let r = run(&files, "acct_mgmt");
    assert_eq!(r.result(), "PAM_PERM_DENIED", "{r:?}");
    assert!(logged(&r, "illegal module type"), "{:?}", r.syslog);
}

#[test]
fn hash_inside_brackets_cuts_the_rule() {
    let files = [("svc", "auth [success=ok # default=bad] pam_permit.so\n")];
    assert_eq!(codes(files[0].1), vec!["PL006"]);
    let s = resolved(&files);
    let rule = s.stack(PamType::Auth).rules()[0];
    assert!(rule.rule.module.is_none());
    assert_eq!(rule.handler, HandlerKind::MustFail);
    let r = run(&files, "authenticate");
    assert_eq!(r.result(), "PAM_PERM_DENIED", "{r:?}");
    assert!(logged(&r, "no module name supplied"), "{:?}", r.syslog);
}

#[test]
fn missing_include_is_a_must_fail_rule() {
    let files = [(
        "svc",
        "auth required pam_permit.so\nauth include no-such-file\n",
    )];
    let s = resolved(&files);
    assert!(s.findings.iter().any(|f| f.code() == "PL103"));
    assert_eq!(
        s.stack(PamType::Auth).rules()[1].handler,
        HandlerKind::MustFail
    );
    let r = run(&files, "authenticate");
    assert_eq!(r.result(), "PAM_PERM_DENIED", "{r:?}");
    assert!(
        logged(&r, "unable to open config for") && logged(&r, "no-such-file"),
        "{:?}",
        r.syslog
    );
}

#[test]
fn trailing_backslash_fails_the_file() {
    let files = [(
        "svc",
        "auth required pam_permit.so\nauth required pam_permit.so \\",
    )];
    let parsed = parse_service_bytes(Path::new("svc"), files[0].1.as_bytes());
    assert!(parsed.aborts);
    assert_eq!(codes(files[0].1), vec!["PL008"]);
    let r = run(&files, "authenticate");
    assert!(logged(&r, "error reading"), "{:?}", r.syslog);
}

fn write_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// The host's Linux-PAM (major, minor), from dpkg (the project's machines are Debian).
fn libpam_version() -> (u32, u32) {
    let out = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "libpam0g"])
        .output()
        .expect("dpkg-query missing: this test needs a Debian host with libpam0g");
    let v = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut parts = v.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    assert!(
        major >= 1,
        "cannot read libpam0g's version from {v:?}: install libpam0g"
    );
    (major, minor)
}

#[test]
fn continuation_before_a_blank_line_depends_on_the_version() {
    let text = "auth required pam_permit.so \\\n\nauth required pam_deny.so\n";
    assert_eq!(codes(text), vec!["PL403"]);
    // pamlint reads it as Linux-PAM >= 1.6 does: two rules
    let files = [("svc", text)];
    assert_eq!(resolved(&files).stack(PamType::Auth).rules().len(), 2);
    let r = run(&files, "authenticate");
    if libpam_version() >= (1, 6) {
        assert_eq!(r.result(), "PAM_AUTH_ERR", "{r:?}");
    } else {
        // before 1.6 the blank line is skipped and pam_deny's line becomes arguments
        assert_eq!(r.result(), "PAM_SUCCESS", "{r:?}");
    }
}

#[test]
fn long_line_is_split_before_1_6() {
    let text = format!("auth required pam_permit.so {}\n", "debug ".repeat(200));
    assert_eq!(codes(&text), vec!["PL406"]);
    let files = [("svc", text.as_str())];
    let r = run(&files, "authenticate");
    if libpam_version() >= (1, 6) {
        assert_eq!(r.result(), "PAM_SUCCESS", "{r:?}");
    } else {
        // the 1024-byte buffer splits the line: its tail is read as a rule of
        // unknown type `debug`, which always fails
        assert_eq!(r.result(), "PAM_PERM_DENIED", "{r:?}");
        assert!(logged(&r, "illegal module type: debug"), "{:?}", r.syslog);
    }
}

#[test]
fn debian_at_include_pulls_every_type() {
    let files = [
        ("svc", "@include inc\n"),
        (
            "inc",
            "auth required pam_permit.so\naccount required pam_deny.so\n",
        ),
    ];
    let s = resolved(&files);
    assert_eq!(
        s.stack(PamType::Auth).rules()[0].module_name().as_deref(),
        Some("pam_permit")
    );
    assert_eq!(
        s.stack(PamType::Account).rules()[0]
            .module_name()
            .as_deref(),
        Some("pam_deny")
    );
    assert_eq!(run(&files, "authenticate").result(), "PAM_SUCCESS");
    // pam_deny's account hook returns PAM_AUTH_ERR (what the PL2xx rules assume)
    assert_eq!(run(&files, "acct_mgmt").result(), "PAM_AUTH_ERR");
}

#[test]
fn missing_at_include_aborts_the_whole_service() {
    let files = [(
        "svc",
        "auth required pam_permit.so\naccount required pam_permit.so\n@include no-such-file\n",
    )];
    let s = resolved(&files);
    assert!(s.aborts, "pamlint must model pam_start's PAM_ABORT");
    assert!(s.findings.iter().any(|f| f.code() == "PL103"));
    let sim = pamlint::simulate::simulate(
        &s,
        pamlint::simulate::ops::Operation::Account,
        &Default::default(),
    );
    assert_eq!(sim.result(), pamlint::model::PamCode::Abort);
    // pamtester prints this when pam_start itself fails (pam_start returns
    // PAM_ABORT there): no operation runs, whatever the other lines say.
    for op in ["authenticate", "acct_mgmt"] {
        let r = run(&files, op);
        assert_ne!(r.exit_code, 0, "{op}: {r:?}");
        assert!(
            r.stderr.contains("Initialization failure") && !r.stderr.contains("successfully"),
            "{op}: {r:?}"
        );
    }
}

/// PL205's claim checked with the real libpam: where pamlint finds no combination
/// of module results that succeeds (module `M` unknown to it, so every outcome is
/// explored), libpam with pam_debug in M's place returning each value fails every
/// time; where pamlint finds a path, libpam succeeds on it.
#[test]
fn no_path_to_success_agrees_with_libpam() {
    let lockouts = [
        "auth requisite M\nauth [success=die default=ok] pam_permit.so\n",
        "auth required M\nauth [default=die] pam_debug.so auth=success\nauth optional pam_permit.so\n",
        "auth required pam_env.so\nauth required M\nauth required pam_deny.so\n",
    ];
    // sufficient success ends the stack before the deny
    let open = "auth required pam_env.so\nauth sufficient M\nauth requisite pam_deny.so\n";
    let lint = |text: &str| {
        let files = [("svc", text.replace('M', "pam_unix.so"))];
        let dir = write_dir(&[(files[0].0, files[0].1.as_str())]);
        let opts = pamlint::check::CheckOptions {
            root: Path::new("/").to_path_buf(),
            dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        pamlint::check::lint(&opts)
            .findings
            .iter()
            .filter(|f| f.code() == "PL205")
            .count()
    };
    let outcomes = [
        "success",
        "auth_err",
        "ignore",
        "user_unknown",
        "authinfo_unavail",
    ];
    for text in lockouts {
        assert_eq!(lint(text), 1, "pamlint misses the lockout in\n{text}");
        for code in outcomes {
            let svc = text.replace('M', &format!("pam_debug.so auth={code}"));
            let r = run(&[("svc", svc.as_str())], "authenticate");
            assert_ne!(r.result(), "PAM_SUCCESS", "{svc}");
        }
    }
    assert_eq!(lint(open), 0, "{open}");
    let svc = open.replace('M', "pam_debug.so auth=success");
    assert_eq!(
        run(&[("svc", svc.as_str())], "authenticate").result(),
        "PAM_SUCCESS"
    );
}
