//! `pamlint why` reads the directory for pam_ldap_shell (a real slapd,
//! testdata/ldap/users.ldif) under a --root image: the module's lookup,
//! then its own account phase on the entry. NSS's view in the image
//! (ROOT/etc/passwd) gives everyone /bin/bash, so an answer naming the
//! directory's loginShell can only come from the directory.

use std::path::Path;

use serde_json::Value;
use testkit::Slapd;

#[path = "support/image.rs"]
mod image;
use image::{json, module_image, pamlint};

/// An image: the e2e tests' /etc/shells (/bin/dash not listed), /bin/bash
/// and /bin/dash installed, the module's e2e pam.d tree, NSS's view of the
/// directory users with /bin/bash, and the module's config naming `uri`.
fn image(uri: &str) -> tempfile::TempDir {
    let root = module_image("root\n");
    let r = root.path();
    std::fs::write(
        r.join("etc/passwd"),
        "root:x:0:0::/root:/bin/bash\n\
         alice:x:10001:5000::/home/alice:/bin/bash\n\
         nora:x:10002:5000::/home/nora:/bin/bash\n\
         carol:x:10004:5000::/home/carol:/bin/bash\n",
    )
    .unwrap();
    std::fs::write(r.join("etc/group"), "root:x:0:\nusers:x:5000:\n").unwrap();
    std::fs::write(
        r.join("etc/pam_ldap_shell.conf"),
        format!("uri={uri}\nbase=dc=example,dc=org\n"),
    )
    .unwrap();
    root
}

fn why(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["why"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--pam-version", "1.5.2"]);
    pamlint(root, &all)
}

/// The pam_ldap_shell step of the account trace.
fn ldap_shell_step(doc: &Value) -> &Value {
    doc["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "account")
        .and_then(|t| {
            t["trace"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["module"].as_str().unwrap().contains("pam_ldap_shell"))
        })
        .unwrap_or_else(|| panic!("no pam_ldap_shell account step in {doc}"))
}

#[test]
fn why_names_the_directory_entry_and_its_login_shell() {
    let slapd = Slapd::start();
    let img = image(slapd.uri());
    // carol: the directory's /bin/dash is not listed (NSS's /bin/bash would be).
    let out = why(img.path(), &["vsftpd", "carol", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = json(&out);
    let verdict = doc["verdict"].as_str().unwrap();
    assert!(
        verdict.starts_with("account: ")
            && verdict.contains("common-account:")
            && verdict.contains("pam_ldap_shell.so")
            && verdict.contains(
                "attribute loginShell of entry \"uid=carol,ou=people,dc=example,dc=org\" is \"/bin/dash\", which is not listed in /etc/shells"
            ),
        "{verdict}"
    );
    assert_eq!(ldap_shell_step(&doc)["returns"], "PAM_PERM_DENIED");
    assert_eq!(ldap_shell_step(&doc)["cause"], "shell-not-listed");
    assert!(
        doc["directory"]
            .as_str()
            .unwrap()
            .contains("uid=carol,ou=people,dc=example,dc=org"),
        "{doc}"
    );
    // nora: no loginShell attribute at all (NSS's view has one).
    let out = why(img.path(), &["vsftpd", "nora", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let step = ldap_shell_step(&doc);
    assert_eq!(step["cause"], "shell-missing", "{step}");
    let fact = step["fact"].as_str().unwrap();
    assert!(
        fact.starts_with(
            "user \"nora\" refused: attribute loginShell is absent from entry \"uid=nora,ou=people,dc=example,dc=org\""
        ),
        "{fact}"
    );
    // alice: /bin/bash, listed and installed.
    let out = why(img.path(), &["vsftpd", "alice"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "directory: pam_ldap_shell's lookup found uid=alice,ou=people,dc=example,dc=org"
        ) && text.contains("the entry passes every account check of pam_ldap_shell"),
        "{text}"
    );
    // --no-directory: NSS's view (/bin/bash) admits carol.
    let out = why(
        img.path(),
        &["vsftpd", "carol", "--no-directory", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    assert!(doc.get("directory").is_none(), "{doc}");
    let fact = ldap_shell_step(&doc)["fact"].as_str().unwrap().to_string();
    assert!(fact.contains("predicted from NSS's shell"), "{fact}");
    assert!(!fact.contains("unreachable"), "{fact}");
}

#[test]
fn an_unreachable_directory_falls_back_to_nss_and_says_so() {
    let closed = format!("ldap://127.0.0.1:{}", testkit::slapd::free_port());
    let img = image(&closed);
    let out = why(img.path(), &["vsftpd", "carol", "--format", "json"]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{doc}");
    let fact = ldap_shell_step(&doc)["fact"].as_str().unwrap();
    assert!(
        fact.starts_with("directory unreachable (")
            && fact.contains("): predicted from NSS's view: the shell /bin/bash is listed"),
        "{fact}"
    );
    assert!(
        doc["directory"]
            .as_str()
            .unwrap()
            .starts_with("unreachable ("),
        "{doc}"
    );
}
