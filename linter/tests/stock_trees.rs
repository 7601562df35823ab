//! Every stock distribution tree in testdata/stock-trees (origins in its
//! MANIFEST.tsv) linted as a root: the warnings and errors are exactly the
//! reviewed ones below, each a real defect by its maintainers' standards or a
//! hardening guide's. Module presence is not judged here (which modules a
//! distribution ships is the target's business): every module a tree names is
//! given as an empty stand-in file.
//!
//! Review (warnings and errors; infos are not counted):
//! - PL302 on `auth ... pam_unix.so nullok` (Debian's common-auth, authselect's
//!   system-auth and password-auth, Arch's and Void's system-auth, Alpine's base-auth with
//!   `nullok_secure` and `nullok`): an account with an empty password logs in
//!   without one. CIS Debian 12 and RHEL 9 benchmarks ("Ensure pam_unix does not
//!   include nullok") and DISA STIG RHEL-09-611025 require removing it.
//!   `nullok` on password lines is not reported. rsh-redone-server's rlogin has
//!   it on a remote login service.
//! - PL501 `min=4` on rlogin's `password ... pam_unix.so`: pam_unix has no `min=`
//!   option (it logs "unrecognized option" on every password change).
//! - PL204 in lxdm (Debian's lxdm package): its own `session required
//!   pam_unix.so` and `session optional pam_systemd.so` run again from the
//!   `@include common-session` it adds: two "session opened" records and a
//!   second logind registration attempt.
//!
//! Nothing else: the pam-auth-update fallback, authselect's repeated
//! pam_usertype guards, greeters and root-only tools, `@include` on Debian,
//! pam_shells in chsh/vsftpd and pam_lastlog on Debian 12 stay quiet (see
//! docs/rules.md and docs/pamlint.md "Stock distribution trees").

#[path = "support/stock_trees.rs"]
mod stock;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use stock::LINUX_TREES;

use pamlint::check::{lint, CheckOptions};
use pamlint::model::Severity;

fn stock_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/stock-trees")
}

/// (tree, file inside the tree, line, code) of every reviewed finding.
const REVIEWED: &[(&str, &str, usize, &str)] = &[
    ("alpine-linux-pam", "usr/lib/pam.d/base-auth", 3, "PL302"),
    ("alpine-linux-pam", "usr/lib/pam.d/base-auth", 6, "PL302"),
    ("arch-pambase", "etc/pam.d/system-auth", 6, "PL302"),
    (
        "authselect-local",
        "etc/authselect/password-auth",
        8,
        "PL302",
    ),
    ("authselect-local", "etc/authselect/system-auth", 8, "PL302"),
    (
        "authselect-sssd",
        "etc/authselect/password-auth",
        10,
        "PL302",
    ),
    ("authselect-sssd", "etc/authselect/system-auth", 10, "PL302"),
    ("debian12", "etc/pam.d/common-auth", 17, "PL302"),
    ("debian12-allprofiles", "etc/pam.d/common-auth", 18, "PL302"),
    ("debian12-more", "etc/pam.d/common-auth", 20, "PL302"),
    ("debian12-more", "etc/pam.d/rlogin", 4, "PL302"),
    ("debian12-more", "etc/pam.d/rlogin", 7, "PL501"),
    ("debian12-more", "etc/pam.d/common-session", 26, "PL204"),
    ("debian12-more", "etc/pam.d/lxdm", 40, "PL204"),
    ("void-pam-base", "etc/pam.d/system-auth", 3, "PL302"),
];

/// An empty file for every `pam_*.so` the tree's files name.
fn stand_in_modules(tree: &Path, into: &Path) {
    let mut stack = vec![tree.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                for word in text.split_whitespace() {
                    if word.starts_with("pam_") && word.ends_with(".so") {
                        std::fs::write(into.join(word), "").unwrap();
                    }
                }
            }
        }
    }
}

fn lint_tree(name: &str) -> pamlint::check::Report {
    let tree = stock_dir().join(name);
    let modules = tempfile::tempdir().unwrap();
    stand_in_modules(&tree, modules.path());
    lint(&CheckOptions {
        root: tree,
        module_paths: vec![modules.path().to_path_buf()],
        ..CheckOptions::default()
    })
}

#[test]
fn stock_trees_report_only_the_reviewed_findings() {
    let mut got = BTreeSet::new();
    for name in LINUX_TREES {
        let report = lint_tree(name);
        assert!(
            report.io_errors.is_empty(),
            "{name}: {:?}",
            report.io_errors
        );
        assert!(report.services > 0, "{name}: no services linted");
        let tree = std::fs::canonicalize(stock_dir().join(name)).unwrap();
        for f in &report.findings {
            if f.severity() < Severity::Warning {
                continue;
            }
            let file = std::fs::canonicalize(&*f.span.file).unwrap_or(f.span.file.to_path_buf());
            let rel = file
                .strip_prefix(&tree)
                .unwrap_or(&file)
                .display()
                .to_string();
            got.insert((
                name.to_string(),
                rel,
                f.span.line,
                f.code().to_string(),
                f.message.clone(),
            ));
        }
    }
    let got_keys: BTreeSet<_> = got
        .iter()
        .map(|(t, p, l, c, _)| (t.clone(), p.clone(), *l, c.clone()))
        .collect();
    let want: BTreeSet<_> = REVIEWED
        .iter()
        .map(|(t, p, l, c)| (t.to_string(), p.to_string(), *l, c.to_string()))
        .collect();
    let unexpected: Vec<_> = got
        .iter()
        .filter(|(t, p, l, c, _)| !want.contains(&(t.clone(), p.clone(), *l, c.clone())))
        .collect();
    let missing: Vec<_> = want.difference(&got_keys).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "unreviewed findings: {unexpected:#?}\nreviewed findings no longer reported: {missing:#?}"
    );
    assert_eq!(
        got.len(),
        REVIEWED.len(),
        "a reviewed finding reported twice: {got:#?}"
    );
}

#[test]
fn debian_tree_lints_every_service_without_at_include_noise() {
    let report = lint_tree("debian12");
    assert!(report.services >= 40, "{}", report.services);
    assert!(!report.findings.iter().any(|f| f.code() == "PL405"));
}

#[test]
fn freebsd_tree_is_refused_as_openpam() {
    let report = lint(&CheckOptions {
        root: stock_dir().join("freebsd"),
        ..CheckOptions::default()
    });
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.io_errors.len(), 1, "{:?}", report.io_errors);
    assert!(
        report.io_errors[0].contains("OpenPAM"),
        "{:?}",
        report.io_errors
    );
}

#[test]
fn freebsd_tree_exits_2_with_one_message() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pamlint"))
        .args(["check", "--root"])
        .arg(stock_dir().join("freebsd"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("OpenPAM") && out.stdout.is_empty(), "{err}");
}

#[test]
fn simulate_why_and_diff_refuse_the_freebsd_tree_too() {
    let root = stock_dir().join("freebsd");
    for args in [
        vec!["simulate", "--type", "auth", "sshd"],
        vec!["why", "sshd", "root"],
        vec!["diff", "sshd", "login"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pamlint"))
            .arg("--root")
            .arg(&root)
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("OpenPAM") && out.stdout.is_empty(),
            "{args:?}: {err}"
        );
    }
}
