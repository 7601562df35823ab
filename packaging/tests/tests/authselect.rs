//! docs/authselect.md's custom profile: testdata/authselect holds the
//! system-auth and password-auth that `authselect select custom/ldap-shell
//! without-nullok` writes. pamlint checks them in an image of a RHEL host
//! (modules in /usr/lib64/security, pam_ldap_shell.so the one built here).

use std::path::Path;
use std::process::Command;

use packaging_tests::{artifacts, repo_root};
use serde_json::Value;

const FILES: [&str; 2] = ["system-auth", "password-auth"];
/// The modules the files name, as a RHEL 9 host with sssd has them (empty
/// stand-ins: only their presence matters to the lint).
const RHEL_MODULES: [&str; 13] = [
    "env",
    "faildelay",
    "usertype",
    "localuser",
    "unix",
    "deny",
    "permit",
    "sss",
    "pwquality",
    "keyinit",
    "limits",
    "systemd",
    "succeed_if",
];

fn image(with_module: bool) -> tempfile::TempDir {
    let img = tempfile::tempdir().expect("temp dir");
    let pamd = img.path().join("etc/pam.d");
    let lib = img.path().join("usr/lib64/security");
    std::fs::create_dir_all(&pamd).expect("create pam.d");
    std::fs::create_dir_all(&lib).expect("create lib64/security");
    for f in FILES {
        std::fs::copy(
            repo_root().join("testdata/authselect").join(f),
            pamd.join(f),
        )
        .expect("copy stack");
    }
    for m in RHEL_MODULES {
        std::fs::write(lib.join(format!("pam_{m}.so")), b"").expect("stand-in module");
    }
    if with_module {
        std::fs::copy(artifacts::module(), lib.join("pam_ldap_shell.so")).expect("copy module");
    }
    img
}

fn findings(root: &Path) -> Vec<Value> {
    let out = Command::new(artifacts::pamlint())
        .args(["check", "--format", "json", "--deny", "info", "--root"])
        .arg(root)
        .output()
        .expect("run pamlint");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "pamlint JSON: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    doc["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn authselect_stacks_have_no_findings() {
    let img = image(true);
    let found = findings(img.path());
    assert!(found.is_empty(), "findings: {found:#?}");
}

#[test]
fn authselect_stacks_use_the_module_for_auth_and_account() {
    for f in FILES {
        let text = std::fs::read_to_string(repo_root().join("testdata/authselect").join(f))
            .expect("read stack");
        for kind in ["auth", "account"] {
            assert!(
                text.lines()
                    .any(|l| l.starts_with(kind) && l.contains("pam_ldap_shell.so")),
                "{f}: no {kind} line with pam_ldap_shell.so"
            );
        }
    }
}

#[test]
fn without_the_module_installed_pamlint_says_so() {
    // The clean result above is not vacuous: the same stacks on a host
    // without pam_ldap_shell.so are reported.
    let img = image(false);
    let codes: Vec<String> = findings(img.path())
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    assert!(codes.iter().any(|c| c == "PL101"), "codes: {codes:?}");
}

#[test]
fn docs_show_the_same_edited_lines() {
    let doc = std::fs::read_to_string(repo_root().join("docs/authselect.md"))
        .expect("read docs/authselect.md");
    let stack = std::fs::read_to_string(repo_root().join("testdata/authselect/system-auth"))
        .expect("read system-auth");
    for line in stack.lines().filter(|l| l.contains("pam_ldap_shell.so")) {
        assert!(
            doc.contains(line),
            "docs/authselect.md lacks the line:\n{line}"
        );
    }
}
