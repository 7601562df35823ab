//! `--target`, `--modules` and the target in pamlint.toml, through the built binary,
//! on a stock RHEL 9 tree (testdata/pam.d/rhel9-stock, origin in rhel9-stock.md)
//! linted on this (Debian) machine.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn pamlint() -> Command {
    let mut c = Command::cargo_bin("pamlint").unwrap();
    // a pamlint.toml above the test's working directory must not change the results
    c.current_dir(std::env::temp_dir());
    c
}

fn rhel9() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/pam.d/rhel9-stock")
}

/// (exit code, findings) of `check --format json` with `args`.
fn check(args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let out = pamlint()
        .args(["check", "--no-config", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code < 2,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (code, v["findings"].as_array().unwrap().clone())
}

fn codes<'a>(findings: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    findings.iter().filter(|f| f["code"] == code).collect()
}

/// The stock tree plus `extra` services, in a temp dir.
fn tree_with(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(rhel9()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, t.path().join(p.file_name().unwrap())).unwrap();
    }
    for (name, text) in extra {
        std::fs::write(t.path().join(name), text).unwrap();
    }
    t
}

#[test]
fn stock_rhel9_tree_has_no_module_presence_error_for_rhel9() {
    let dir = rhel9();
    let (code, findings) = check(&["--target", "rhel9", "--dir", dir.to_str().unwrap()]);
    assert!(codes(&findings, "PL101").is_empty(), "{findings:#?}");
    assert!(codes(&findings, "PL102").is_empty(), "{findings:#?}");
    // the tree uses pam_sss, pam_pwquality, pam_faillock... which RHEL 9 ships
    let text = std::fs::read_to_string(dir.join("system-auth")).unwrap();
    assert!(text.contains("pam_sss.so") && text.contains("pam_pwquality.so"));
    assert_eq!(code, 0, "{findings:#?}");
    // aliases name the same target
    let (_, rocky) = check(&["--target", "rocky9", "--dir", dir.to_str().unwrap()]);
    assert_eq!(rocky, findings);
    // the human summary says which target
    let out = pamlint()
        .args(["check", "--no-config", "--target", "alma9", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(" services for rhel9: 0 errors"), "{text}");
}

#[test]
fn a_module_rhel9_does_not_ship_is_one_clear_error() {
    let t = tree_with(&[
        ("vsftpd", "auth required pam_cracklib.so deny=5\nauth include password-auth\naccount required pam_cracklib.so\n"),
        ("ftp", "auth required pam_cracklib.so deny=5\n"),
    ]);
    let (code, findings) = check(&["--target", "rhel9", "--dir", t.path().to_str().unwrap()]);
    let pl101 = codes(&findings, "PL101");
    assert_eq!(pl101.len(), 1, "{pl101:#?}");
    let f = pl101[0];
    assert_eq!(f["severity"], "error");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("`pam_cracklib.so` is not shipped by rhel9"),
        "{msg}"
    );
    assert!(msg.contains("Red Hat Enterprise Linux 9"), "{msg}");
    assert!(
        msg.contains("vsftpd:1") && msg.contains("vsftpd:3"),
        "{msg}"
    );
    assert_eq!(code, 1);
    // the same module is fine for a target that ships it (RHEL 8 still has pam_cracklib)
    let (_, el8) = check(&["--target", "rhel8", "--dir", t.path().to_str().unwrap()]);
    assert!(!codes(&el8, "PL101")
        .iter()
        .any(|f| f["message"].as_str().unwrap().contains("pam_cracklib")));
}

#[test]
fn this_machines_module_files_do_not_count_for_another_target() {
    // pam_unix.so exists on this Debian machine under its multiarch path; for another
    // target that file does not matter, only the file names the target ships
    // the machine's multiarch module directory (<arch>-linux-gnu, found, not named)
    let host_unix = ["/usr/lib", "/lib"]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("-linux-"))
        .map(|e| format!("{}/security/pam_unix.so", e.path().display()))
        .find(|p| Path::new(p).is_file())
        .expect("pam_unix.so: install the Debian package libpam-modules");
    let host_debug = host_unix.replace("pam_unix.so", "pam_debug.so");
    assert!(Path::new(&host_debug).is_file(), "{host_debug}");
    let t = tree_with(&[(
        "svc",
        &format!("auth required {host_unix}\nauth required {host_debug}\n"),
    )]);
    let dir = t.path().to_str().unwrap();
    let (_, host) = check(&["--dir", dir]);
    let svc = |f: &&serde_json::Value| f["file"].as_str().unwrap().ends_with("/svc");
    assert!(!codes(&host, "PL101").iter().any(svc), "{host:#?}");
    let (_, alpine) = check(&["--target", "alpine", "--dir", dir]);
    let on_svc: Vec<_> = codes(&alpine, "PL101").into_iter().filter(svc).collect();
    assert!(
        on_svc.is_empty(),
        "alpine ships pam_unix and pam_debug: {on_svc:#?}"
    );
    // Alpine's linux-pam is built without pam_userdb
    let host_userdb = host_unix.replace("pam_unix.so", "pam_userdb.so");
    assert!(Path::new(&host_userdb).is_file(), "{host_userdb}");
    std::fs::write(
        t.path().join("svc2"),
        format!("auth required {host_userdb}\n"),
    )
    .unwrap();
    let (_, alpine) = check(&["--target", "alpine", "--dir", dir]);
    let msgs: Vec<&str> = codes(&alpine, "PL101")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("pam_userdb.so` is not shipped by alpine")),
        "{msgs:#?}"
    );
}

#[test]
fn site_modules_file_adds_to_the_target() {
    let t = tree_with(&[(
        "vsftpd",
        "auth required pam_tally2.so\nauth required pam_site.so\n",
    )]);
    let site = tempfile::tempdir().unwrap();
    let list = site.path().join("site-modules.txt");
    std::fs::write(
        &list,
        "# our own\npam_site.so\n/usr/lib64/security/pam_tally2.so\n",
    )
    .unwrap();
    let dir = t.path().to_str().unwrap();
    let (_, without) = check(&["--target", "rhel9", "--dir", dir]);
    assert_eq!(codes(&without, "PL101").len(), 2, "{without:#?}");
    let (code, with) = check(&[
        "--target",
        "rhel9",
        "--modules",
        list.to_str().unwrap(),
        "--dir",
        dir,
    ]);
    assert!(codes(&with, "PL101").is_empty(), "{with:#?}");
    assert_eq!(code, 0);
}

#[test]
fn unknown_target_or_modules_file_is_a_usage_error() {
    let out = pamlint()
        .args(["check", "--target", "rhel7", "--dir"])
        .arg(rhel9())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown target `rhel7`") && err.contains("rhel9 (alma9, rocky9"),
        "{err}"
    );
    for cmd in [
        &["simulate", "sshd", "--type", "auth"][..],
        &["diff", "sshd", "login"],
        &["why", "sshd", "root"],
    ] {
        let out = pamlint()
            .args(cmd)
            .args(["--target", "rhel7", "--dir"])
            .arg(rhel9())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("unknown target"),
            "{cmd:?}"
        );
    }
    let out = pamlint()
        .args([
            "check",
            "--target",
            "rhel9",
            "--modules",
            "/nonexistent/list",
            "--dir",
        ])
        .arg(rhel9())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--modules /nonexistent/list"));
}

/// What `simulate --format json` says pam_sss.so returned in sshd's auth stack when
/// pam_unix fails.
fn pam_sss_result(target: &str) -> String {
    let out = pamlint()
        .args([
            "simulate",
            "sshd",
            "--type",
            "auth",
            "--format",
            "json",
            "--no-config",
        ])
        .args([
            "--assume",
            "pam_unix.so=PAM_AUTH_ERR",
            "--target",
            target,
            "--dir",
        ])
        .arg(rhel9())
        .output()
        .unwrap();
    assert!(
        out.status.code().unwrap() < 2,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let trace = v["trace"].as_array().unwrap();
    let step = trace
        .iter()
        .find(|s| s["module"] == "pam_sss.so")
        .expect("pam_sss.so runs");
    step["returned"].as_str().unwrap().to_string()
}

#[test]
fn simulate_follows_the_target() {
    assert_ne!(pam_sss_result("rhel9"), "PAM_MODULE_UNKNOWN");
    // Alpine's linux-pam has no pam_sss
    assert_eq!(pam_sss_result("alpine"), "PAM_MODULE_UNKNOWN");
}

#[test]
fn an_openpam_target_is_refused_by_every_command() {
    for cmd in [
        &["check"][..],
        &["simulate", "sshd", "--type", "auth"],
        &["diff", "sshd", "login"],
        &["why", "sshd", "root"],
    ] {
        let out = pamlint()
            .args(cmd)
            .args(["--target", "freebsd", "--dir"])
            .arg(rhel9())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("uses OpenPAM") && err.contains("Linux-PAM only"),
            "{cmd:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{cmd:?}");
    }
}

#[test]
fn config_file_sets_the_target() {
    let t = tree_with(&[("vsftpd", "auth required pam_cracklib.so\n")]);
    let work = tempfile::tempdir().unwrap();
    let sub = work.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(work.path().join("pamlint.toml"), "target = \"rhel9\"\n").unwrap();
    let run = |extra: &[&str]| {
        let out = Command::cargo_bin("pamlint")
            .unwrap()
            .current_dir(&sub)
            .args(["check", "--format", "json", "--dir"])
            .arg(t.path())
            .args(extra)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "PL101")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    // found from a subdirectory: one "not shipped by rhel9"
    let found = run(&[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("not shipped by rhel9"));
    // the command line wins over the file
    let el8 = run(&["--target", "rhel8"]);
    assert!(el8.iter().all(|m| !m.contains("pam_cracklib")), "{el8:?}");
}

#[test]
fn host_target_of_a_pam_d_only_image_follows_its_os_release() {
    // an image root holding only etc/pam.d and etc/os-release (no module directories)
    let root = tempfile::tempdir().unwrap();
    let pam_d = root.path().join("etc/pam.d");
    std::fs::create_dir_all(&pam_d).unwrap();
    for e in std::fs::read_dir(rhel9()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, pam_d.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(pam_d.join("vsftpd"), "auth required pam_cracklib.so\n").unwrap();
    std::fs::write(
        root.path().join("etc/os-release"),
        "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\n",
    )
    .unwrap();
    let (code, findings) = check(&["--root", root.path().to_str().unwrap()]);
    let pl101 = codes(&findings, "PL101");
    assert_eq!(pl101.len(), 1, "{pl101:#?}");
    let msg = pl101[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("pam_cracklib.so") && msg.contains("Red Hat Enterprise Linux 9"),
        "{msg}"
    );
    assert_eq!(code, 1);
}

#[test]
fn why_predicts_with_the_targets_linux_pam() {
    let version = |extra: &[&str]| {
        let out = pamlint()
            .args([
                "why",
                "sshd",
                "root",
                "--format",
                "json",
                "--no-config",
                "--dir",
            ])
            .arg(rhel9())
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.code().unwrap() < 2,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["pam_version"].clone()
    };
    let el9 = version(&["--target", "rhel9"]);
    assert_eq!(
        el9["version"],
        serde_json::json!({"major": 1, "minor": 5, "patch": 1})
    );
    assert_eq!(el9["source"], "target rhel9");
    let el8 = version(&["--target", "rhel8"]);
    assert_eq!(el8["version"]["minor"], 3);
    // --pam-version still wins
    let given = version(&["--target", "rhel9", "--pam-version", "1.6.0"]);
    assert_eq!(given["version"]["minor"], 6);
    assert_eq!(given["source"], "--pam-version");
}
