//! The built module (libpam_ldap_shell.so) and the pamlint binary, from the
//! same target directory as the running test, built by cargo if needed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub struct Artifacts {
    pub module: PathBuf,
    pub pamlint: PathBuf,
}

/// Runs `cargo build -p pam_ldap_shell -p pamlint` once per test binary
/// (a no-op when they are fresh) into this test's own target directory, so
/// the suite never tests a stale module, then returns their paths.
pub fn get() -> &'static Artifacts {
    static ARTIFACTS: OnceLock<Artifacts> = OnceLock::new();
    ARTIFACTS.get_or_init(build)
}

fn build() -> Artifacts {
    let profile_dir = profile_dir();
    let target_dir = profile_dir
        .parent()
        .expect("the profile directory has a parent");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(testkit::repo_root())
        .args(["build", "-p", "pam_ldap_shell", "-p", "pamlint"])
        .env("CARGO_TARGET_DIR", target_dir);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("run cargo build");
    assert!(
        status.success(),
        "cargo build of the module and pamlint failed: {status}"
    );
    let a = Artifacts {
        module: profile_dir.join("libpam_ldap_shell.so"),
        pamlint: profile_dir.join("pamlint"),
    };
    for p in [&a.module, &a.pamlint] {
        assert!(p.exists(), "{} was not built", p.display());
    }
    a
}

/// target/debug (or release): tests run from target/debug/deps, examples
/// from target/debug/examples.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test binary");
    let deps = exe.parent().expect("the test binary's directory");
    if deps
        .file_name()
        .is_some_and(|n| n == "deps" || n == "examples")
    {
        return deps
            .parent()
            .map(Path::to_path_buf)
            .expect("target/<profile>");
    }
    deps.to_path_buf()
}
