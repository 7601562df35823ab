//! The built `pamlint` binary on testdata trees and temp dirs (never this
//! host's own /etc/pam.d).

use assert_cmd::Command;
use std::path::Path;

#[path = "support/host.rs"]
mod host;

fn pamlint() -> Command {
    Command::cargo_bin("pamlint").unwrap()
}

fn case(code: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/lint")
        .join(code)
        .join("pam.d")
        .display()
        .to_string()
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("valid JSON")
}

#[test]
fn a_debian_tree_lints_with_json_shape() {
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/pam.d/debian12");
    let out = pamlint()
        .args(["check", "--format", "json", "--dir"])
        .arg(&tree)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    let findings = v["findings"].as_array().unwrap();
    for f in findings {
        for key in [
            "code", "severity", "file", "line", "column", "message", "help",
        ] {
            assert!(!f[key].is_null(), "finding without {key}: {f}");
        }
    }
    assert!(v["summary"]["services"].as_u64().unwrap() > 0);
    // Debian's stock files: no syntax errors expected
    assert!(!findings
        .iter()
        .any(|f| f["code"].as_str().unwrap().starts_with("PL0") && f["severity"] == "error"));
}

#[test]
fn errors_exit_1_and_deny_warning_fails_on_warnings() {
    pamlint()
        .args(["check", "--dir", &case("PL001")])
        .assert()
        .code(1);
    pamlint()
        .args(["check", "--dir", &case("PL302")])
        .assert()
        .code(0);
    pamlint()
        .args(["check", "--deny", "warning", "--dir", &case("PL302")])
        .assert()
        .code(1);
}

#[test]
fn usage_and_io_errors_exit_2() {
    pamlint()
        .args(["check", "/nonexistent/pam.d"])
        .assert()
        .code(2);
    pamlint()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
    pamlint().args(["explain", "PL999"]).assert().code(2);
}

#[test]
fn human_output_has_a_caret_and_summary() {
    let out = pamlint()
        .args(["check", "--color", "never", "--dir", &case("PL302")])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("PL302"), "{text}");
    assert!(text.contains("^^^^^^"), "{text}");
    assert!(text.contains("pamlint: "), "{text}");
    assert!(!text.contains('\u{1b}'), "colour without a terminal");
}

#[test]
fn sarif_is_2_1_0_with_rules_and_locations() {
    let out = pamlint()
        .args(["check", "--format", "sarif", "--dir", &case("PL001")])
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert!(run["tool"]["driver"]["rules"].as_array().unwrap().len() >= 30);
    let r = &run["results"][0];
    assert_eq!(r["ruleId"], "PL001");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
}

#[test]
fn github_annotations() {
    let out = pamlint()
        .args(["check", "--format", "github", "--dir", &case("PL001")])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("::error file="), "{text}");
    assert!(text.contains(",line=2,"), "{text}");
}

#[test]
fn explain_and_rules() {
    let out = pamlint().args(["explain", "pl302"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("nullok"));
    let out = pamlint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    assert!(v.as_array().unwrap().iter().any(|r| r["code"] == "PL106"));
}

#[test]
fn pam_conf_root_is_resolved_and_checked() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(
        root.path().join("etc/pam.conf"),
        "login auth sufficient pam_permit.so\nlogin auth required pam_no_such_xyz.so\n",
    )
    .unwrap();
    let out = pamlint()
        .args(["--format", "json", "--root"])
        .arg(root.path())
        .arg("--module-path")
        .arg(host::module_dir())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"PL301"), "{codes:?}");
    assert!(codes.contains(&"PL101"), "{codes:?}");
    assert_eq!(v["summary"]["services"], 1);
}

#[test]
fn a_reader_that_goes_away_is_not_a_panic() {
    // More output than a pipe buffer holds, so the write must meet the closed
    // reader (EPIPE) whatever the timing: 400 files with a finding each.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..400 {
        std::fs::write(
            dir.path().join(format!("svc{i}")),
            "auth required pam_unix.so nullok\n",
        )
        .unwrap();
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pamlint"))
        .args(["--color", "never", "check"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The findings decide the exit code as usual (PL302 is a warning: 0).
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn a_fifo_is_refused_not_read() {
    // Reading a FIFO with no writer would block forever.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo (Debian package coreutils)");
    assert!(made.success());
    let out = pamlint().arg("check").arg(&fifo).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file or directory"));
}

#[test]
fn one_file_checked_counts_one_file() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(dir.path().join(name), "auth required pam_permit.so\n").unwrap();
    }
    let out = pamlint()
        .args(["--color", "never", "check"])
        .arg(dir.path().join("a"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("pamlint: 1 files, 1 services"), "{text}");
}

#[test]
fn a_huge_file_is_an_error_not_a_memory_hog() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    let f = std::fs::File::create(&big).unwrap();
    // Sparse: 17 MiB on paper, nothing on disk.
    f.set_len(17 * 1024 * 1024).unwrap();
    let out = pamlint()
        .args(["--format", "json", "check"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "PL000");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("larger than 16 MiB"));
}

/// A format a subcommand cannot write is a usage error from clap, before or
/// after the subcommand; an existing line with --format first still works.
#[test]
fn format_values_are_the_subcommands_own() {
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/pam.d/debian12");
    for args in [
        &["--format", "sarif", "diff", "sshd", "login"][..],
        &["diff", "sshd", "login", "--format", "github"],
        &["why", "sshd", "root", "--format", "sarif"],
    ] {
        let out = pamlint()
            .arg("--dir")
            .arg(&tree)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("possible values: human, json"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = pamlint()
        .arg("--dir")
        .arg(&tree)
        .args(["--format", "json", "diff", "sshd", "sshd"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out.stdout)["a"], "sshd");
}
