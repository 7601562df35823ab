//! `pamlint why --root DIR`: facts from a filesystem image (its /etc/passwd,
//! /etc/shells, dpkg status and module files), no NSS and no sandbox.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/host.rs"]
mod host;

/// An image with Debian 12's stacks, users, and a dpkg status saying `version`.
fn image(version: &str, modules: &[&str]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    // Laid out like this machine (its multiarch triplet, if any).
    let modules_dir = r.join(host::module_dir().strip_prefix("/").unwrap());
    for d in [
        r.join("etc/pam.d"),
        r.join("var/lib/dpkg"),
        modules_dir.clone(),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/pam.d/debian12");
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), r.join("etc/pam.d").join(e.file_name())).unwrap();
    }
    std::fs::write(
        r.join("etc/passwd"),
        "root:x:0:0::/root:/bin/bash\nbob:x:1002:1002::/home/bob:\nerin:x:1005:1005::/home/erin:/bin/bash\n",
    )
    .unwrap();
    std::fs::write(
        r.join("etc/group"),
        "root:x:0:\nbob:x:1002:\nerin:x:1005:\n",
    )
    .unwrap();
    std::fs::write(r.join("etc/shells"), "/bin/sh\n/bin/bash\n").unwrap();
    std::fs::write(r.join("etc/ftpusers"), "root\n").unwrap();
    std::fs::write(
        r.join("var/lib/dpkg/status"),
        format!("Package: libpam-modules\nStatus: install ok installed\nVersion: {version}\n\n"),
    )
    .unwrap();
    for m in modules {
        std::fs::write(modules_dir.join(format!("{m}.so")), b"").unwrap();
    }
    root
}

const ALL: [&str; 6] = [
    "pam_listfile",
    "pam_unix",
    "pam_deny",
    "pam_permit",
    "pam_shells",
    "pam_nologin",
];

fn why(root: &Path, user: &str, extra: &[&str]) -> Value {
    let out = Command::cargo_bin("pamlint")
        .unwrap()
        .arg("--root")
        .arg(root)
        .args(["--format", "json", "why", "vsftpd", user])
        .args(extra)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"))
}

fn decider(v: &Value) -> Option<&Value> {
    let auth = &v["types"][0];
    auth["decided_by"]
        .as_u64()
        .map(|i| &auth["trace"][i as usize])
}

#[test]
fn version_comes_from_the_image_dpkg_status() {
    let old = image("1.3.1-5", &ALL);
    let v = why(old.path(), "bob", &[]);
    assert_eq!(v["pam_version"]["version"]["minor"], 3);
    assert!(v["pam_version"]["source"]
        .as_str()
        .unwrap()
        .contains("dpkg"));
    assert!(v["passwd_source"].as_str().unwrap().ends_with("etc/passwd"));
    assert_eq!(decider(&v).unwrap()["module"], "pam_shells.so");

    let new = image("1.5.2-6+deb12u2", &ALL);
    let v = why(new.path(), "bob", &[]);
    assert!(decider(&v).is_none(), "{v:#}");
    assert!(v["verdict"].is_null());
    // --pam-version wins over the image
    let v = why(new.path(), "bob", &["--pam-version", "1.1.8"]);
    assert_eq!(decider(&v).unwrap()["module"], "pam_shells.so");
}

#[test]
fn a_module_missing_from_the_image_returns_module_unknown() {
    let modules: Vec<&str> = ALL.iter().copied().filter(|m| *m != "pam_shells").collect();
    let img = image("1.5.2-6", &modules);
    let v = why(img.path(), "erin", &[]);
    let d = decider(&v).expect("refused");
    assert_eq!(d["module"], "pam_shells.so");
    assert_eq!(d["returns"], "PAM_MODULE_UNKNOWN");
    assert!(d["fact"].as_str().unwrap().contains("not installed"));
}

#[test]
fn unknown_users_and_listed_users() {
    let img = image("1.6.0-1", &ALL);
    // root is in the image's /etc/ftpusers
    let v = why(img.path(), "root", &[]);
    assert_eq!(decider(&v).unwrap()["module"], "pam_listfile.so");
    // no such user: pam_unix says PAM_USER_UNKNOWN, and common-auth's pam_deny
    // (requisite) is what refuses
    let v = why(img.path(), "nobody-here", &[]);
    assert!(v["passwd"].is_null());
    let d = decider(&v).unwrap();
    assert_eq!(d["module"], "pam_deny.so");
    let unix = v["types"][0]["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["module"] == "pam_unix.so")
        .unwrap();
    assert_eq!(unix["returns"], "PAM_USER_UNKNOWN");
}
