//! `check --select/--ignore`, pamlint.toml (`select`, `ignore`, `per-file-ignores`,
//! `baseline`), `--baseline` and `--write-baseline`, through the built binary.

use assert_cmd::Command;
use std::path::Path;

/// A pam.d with known findings: PL302 (nullok) twice, PL101 (missing module) once.
fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("pam.d");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(
        d.join("login"),
        "auth required pam_unix.so nullok\naccount required pam_nonexistent_xyz.so\n",
    )
    .unwrap();
    std::fs::write(
        d.join("sshd"),
        "auth required pam_unix.so nullok\naccount required pam_unix.so\n",
    )
    .unwrap();
    t
}

/// Run `check --format json` in `cwd`; (exit code, [(code, file name, line)], stderr).
fn check(cwd: &Path, args: &[&str]) -> (i32, Vec<(String, String, u64)>, String) {
    let out = Command::cargo_bin("pamlint")
        .unwrap()
        .current_dir(cwd)
        .args(["check", "--format", "json", "--dir", "pam.d"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if code == 2 || out.stdout.is_empty() {
        return (code, Vec::new(), stderr);
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let name = Path::new(file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                f["code"].as_str().unwrap().to_string(),
                name,
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (code, found, stderr)
}

fn has(found: &[(String, String, u64)], code: &str) -> usize {
    found.iter().filter(|f| f.0 == code).count()
}

#[test]
fn select_and_ignore_take_codes_and_prefixes() {
    let t = tree();
    let (code, all, _) = check(t.path(), &["--no-config"]);
    assert_eq!((has(&all, "PL302"), has(&all, "PL101")), (2, 1), "{all:?}");
    assert_eq!(code, 1);
    let (code, only3, _) = check(t.path(), &["--no-config", "--select", "PL3"]);
    assert!(
        only3.iter().all(|f| f.0.starts_with("PL3")) && has(&only3, "PL302") == 2,
        "{only3:?}"
    );
    assert_eq!(code, 0, "warnings only");
    let (_, some, _) = check(t.path(), &["--no-config", "--ignore", "pl302,PL1"]);
    assert_eq!(has(&some, "PL302") + has(&some, "PL101"), 0, "{some:?}");
    let (code, _, err) = check(t.path(), &["--no-config", "--ignore", "PL999"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`PL999` is not a rule code or prefix"),
        "{err}"
    );
}

#[test]
fn config_file_select_ignore_and_per_file_ignores() {
    let t = tree();
    std::fs::write(
        t.path().join("pamlint.toml"),
        "ignore = [\"PL101\"]\n[per-file-ignores]\n\"pam.d/ssh*\" = [\"PL302\"]\n",
    )
    .unwrap();
    let sub = t.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let (_, found, _) = check(t.path(), &[]);
    assert_eq!(has(&found, "PL101"), 0, "{found:?}");
    let pl302: Vec<_> = found.iter().filter(|f| f.0 == "PL302").collect();
    assert_eq!(pl302.len(), 1, "{found:?}");
    assert_eq!(pl302[0].1, "login");
    // --ignore adds to the file's list; --no-config drops the file
    let (_, none, _) = check(t.path(), &["--ignore", "PL3"]);
    assert_eq!(has(&none, "PL302"), 0);
    let (_, raw, _) = check(t.path(), &["--no-config"]);
    assert_eq!(has(&raw, "PL101"), 1);
    // --config names a file anywhere
    let (_, named, _) = check(&sub, &["--dir", "../pam.d", "--config", "../pamlint.toml"]);
    assert_eq!(has(&named, "PL101"), 0, "{named:?}");
}

#[test]
fn bad_config_is_a_usage_error() {
    let t = tree();
    for (text, says) in [
        ("targte = \"rhel9\"\n", "unknown field `targte`"),
        ("ignore = \"PL302\"\n", "invalid type"),
        ("select = [\"PLX\"]\n", "`PLX` is not a rule code"),
        ("target = \"nosuch\"\n", "unknown target `nosuch`"),
        ("[per-file-ignores]\n\"[\" = [\"PL302\"]\n", "bad pattern"),
        ("not toml at all\n", "pamlint.toml"),
    ] {
        std::fs::write(t.path().join("pamlint.toml"), text).unwrap();
        let (code, _, err) = check(t.path(), &[]);
        assert_eq!(code, 2, "{text}: {err}");
        assert!(err.contains(says), "{text}: {err}");
    }
    let (code, _, err) = check(t.path(), &["--config", "missing.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.toml"), "{err}");
}

#[test]
fn baseline_hides_known_findings_across_moves_and_realignment() {
    let t = tree();
    let (code, _, err) = check(t.path(), &["--no-config", "--write-baseline", "base.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 3 findings"), "{err}");
    let (code, found, err) = check(t.path(), &["--no-config", "--baseline", "base.json"]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(code, 0);
    assert!(err.contains("3 findings recorded in the baseline"), "{err}");
    // authselect-style rewrite: comments added, columns re-aligned, lines moved
    std::fs::write(
        t.path().join("pam.d/login"),
        "# Generated\n\naccount     required    pam_nonexistent_xyz.so\nauth        required    pam_unix.so   nullok\n",
    )
    .unwrap();
    let (_, found, _) = check(t.path(), &["--no-config", "--baseline", "base.json"]);
    assert!(found.is_empty(), "{found:?}");
    // a new finding is reported, and only it
    std::fs::write(
        t.path().join("pam.d/sshd"),
        "auth required pam_unix.so nullok\naccount required pam_unix.so\nauth sufficient pam_unix.so nullok\n",
    )
    .unwrap();
    let (code, found, _) = check(t.path(), &["--no-config", "--baseline", "base.json"]);
    assert!(
        found.iter().all(|f| (f.1.as_str(), f.2) == ("sshd", 3)),
        "{found:?}"
    );
    assert_eq!(has(&found, "PL302"), 1, "{found:?}");
    assert_eq!(code, 0);
    // the baseline also comes from pamlint.toml, relative to it
    std::fs::write(t.path().join("pamlint.toml"), "baseline = \"base.json\"\n").unwrap();
    let (_, from_config, _) = check(t.path(), &[]);
    assert_eq!(from_config, found);
}

#[test]
fn bad_baseline_is_a_usage_error() {
    let t = tree();
    let (code, _, err) = check(t.path(), &["--no-config", "--baseline", "nosuch.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("nosuch.json"), "{err}");
    std::fs::write(t.path().join("bad.json"), "[1, 2]").unwrap();
    let (code, _, err) = check(t.path(), &["--no-config", "--baseline", "bad.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a pamlint baseline"), "{err}");
    let (code, _, err) = check(
        t.path(),
        &["--no-config", "--write-baseline", "no/such/dir/b.json"],
    );
    assert_eq!(code, 2, "{err}");
}
