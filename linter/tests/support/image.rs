//! A --root image for the tests that read the directory (audit_cli.rs,
//! why_directory.rs): the e2e tests' /etc/shells (/bin/dash unlisted,
//! /opt/missing/zsh listed but absent), /bin/sh, /bin/bash and /bin/dash
//! installed (sshd checks the shell before PAM, /bin/sh for an empty one),
//! `ftpusers` as /etc/ftpusers, and the module's e2e pam.d tree; and how
//! those tests run pamlint on it and read its JSON.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

pub fn module_image(ftpusers: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    std::fs::create_dir_all(r.join("etc/pam.d")).unwrap();
    std::fs::create_dir_all(r.join("bin")).unwrap();
    std::fs::copy(testdata().join("e2e/shells"), r.join("etc/shells")).unwrap();
    for sh in ["bin/sh", "bin/bash", "bin/dash"] {
        std::fs::write(r.join(sh), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(r.join(sh), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(r.join("etc/ftpusers"), ftpusers).unwrap();
    let tree = testdata().join("e2e/pam.d/module");
    for e in std::fs::read_dir(&tree).unwrap() {
        let e = e.unwrap();
        let text = std::fs::read_to_string(e.path()).unwrap();
        std::fs::write(
            r.join("etc/pam.d").join(e.file_name()),
            text.replace("@ACCOUNT_OPTIONS@", ""),
        )
        .unwrap();
    }
    root
}

/// pamlint on the image: its root, its pam.d, no pamlint config, `args`.
pub fn pamlint(root: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("pamlint")
        .unwrap()
        .arg("--root")
        .arg(root)
        .arg("--dir")
        .arg(root.join("etc/pam.d"))
        .arg("--no-config")
        .args(args)
        .output()
        .unwrap()
}

/// stdout as JSON, or a panic that shows both streams.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
