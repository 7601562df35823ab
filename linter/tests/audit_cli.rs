//! `pamlint audit` against a real slapd (testkit, testdata/ldap/users.ldif)
//! and the module's e2e pam.d tree under a --root image: the verdicts of the
//! story's users, the output formats, the exit status, and paging past the
//! server's size limit.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;
use testkit::Slapd;

#[path = "support/image.rs"]
mod image;
use image::{json, module_image, pamlint, testdata};

/// An image: the e2e tests' /etc/shells (carol's /bin/dash unlisted, dave's
/// /opt/missing/zsh listed but absent), /bin/bash and /bin/dash installed,
/// oscar in /etc/ftpusers, the module's e2e pam.d tree with vsftpd also
/// checking pam_shells, and a service with a module nobody can predict.
fn image() -> tempfile::TempDir {
    let root = module_image("root\noscar\n");
    let r = root.path();
    let vsftpd = r.join("etc/pam.d/vsftpd");
    let text = std::fs::read_to_string(&vsftpd).unwrap();
    std::fs::write(&vsftpd, format!("{text}auth\trequired\tpam_shells.so\n")).unwrap();
    std::fs::write(
        r.join("etc/pam.d/weird"),
        "auth required pam_permit.so\naccount required pam_frobnicate.so\n",
    )
    .unwrap();
    std::fs::write(
        r.join("etc/pam_ldap_shell.conf"),
        "base=dc=example,dc=org\n",
    )
    .unwrap();
    root
}

/// `pamlint --format json audit ARGS` on the image, parsed.
fn audit_json(root: &std::path::Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "audit"];
    all.extend_from_slice(args);
    json(&pamlint(root, &all))
}

/// The audited user names, in output order.
fn user_names(doc: &Value) -> Vec<String> {
    doc["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user"].as_str().unwrap().to_string())
        .collect()
}

fn user<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user"] == name)
        .unwrap_or_else(|| panic!("{name} not in {doc}"))
}

fn service<'a>(doc: &'a Value, name: &str, svc: &str) -> &'a Value {
    &user(doc, name)["services"][svc]
}

#[test]
fn the_directory_users_verdicts_name_rule_and_cause() {
    let slapd = Slapd::start();
    let img = image();
    let out = pamlint(
        img.path(),
        &[
            "--format",
            "json",
            "audit",
            "sshd",
            "vsftpd",
            "--uri",
            slapd.uri(),
            "--pam-version",
            "1.5.2",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    // alice: a listed, installed shell.
    for svc in ["sshd", "vsftpd"] {
        assert_eq!(service(&doc, "alice", svc)["verdict"], "admitted", "{svc}");
    }
    let alice = user(&doc, "alice");
    assert_eq!(alice["source"], "ldap");
    assert_eq!(alice["dn"], "uid=alice,ou=people,dc=example,dc=org");
    assert_eq!(alice["uid"], 10001);
    // carol: /bin/dash is installed but not listed. sshd: the module's
    // account phase; vsftpd: pam_shells in auth, before the account phase.
    let c = service(&doc, "carol", "sshd");
    assert_eq!(c["verdict"], "refused");
    assert_eq!(c["cause"], "shell-not-listed");
    let rule = c["rule"].as_str().unwrap();
    assert!(
        rule.starts_with("common-account:") && rule.ends_with(" pam_ldap_shell.so"),
        "{rule}"
    );
    assert!(c["reason"].as_str().unwrap().contains("/bin/dash"), "{c}");
    let c = service(&doc, "carol", "vsftpd");
    assert_eq!(c["cause"], "shell-not-listed");
    assert!(c["rule"].as_str().unwrap().starts_with("vsftpd:"), "{c}");
    assert!(
        c["rule"].as_str().unwrap().ends_with(" pam_shells.so"),
        "{c}"
    );
    assert_eq!(user(&doc, "carol")["shell"], "/bin/dash");
    // nora: no loginShell at all (null in the JSON); pam_shells reads NSS's
    // empty shell as /bin/sh, the module refuses in the account phase.
    assert_eq!(user(&doc, "nora")["shell"], Value::Null);
    for svc in ["sshd", "vsftpd"] {
        let n = service(&doc, "nora", svc);
        assert_eq!(n["verdict"], "refused", "{svc}");
        assert_eq!(n["cause"], "shell-missing", "{svc}");
    }
    // emma: an empty loginShell.
    assert_eq!(service(&doc, "emma", "sshd")["cause"], "shell-empty");
    // dave: listed, not installed: sshd itself refuses him before PAM.
    let d = service(&doc, "dave", "sshd");
    assert_eq!(d["cause"], "shell-not-installed");
    assert_eq!(d["rule"], "OpenSSH allowed_user, before PAM");
    // oscar: in ftpusers: vsftpd refuses him at pam_listfile, sshd admits.
    let o = service(&doc, "oscar", "vsftpd");
    assert_eq!(o["cause"], "listfile");
    assert!(
        o["rule"].as_str().unwrap().ends_with(" pam_listfile.so"),
        "{o}"
    );
    assert_eq!(service(&doc, "oscar", "sshd")["verdict"], "admitted");
    // low: uid 500 < minimum_uid=1000: the module steps aside in auth, and
    // pam_unix has no password for a directory user: pam_deny refuses.
    let l = service(&doc, "low", "sshd");
    assert_eq!(l["cause"], "uid-below-minimum", "{l}");
    assert!(l["rule"].as_str().unwrap().ends_with(" pam_deny.so"), "{l}");
    assert!(
        l["reason"].as_str().unwrap().contains("minimum_uid 1000"),
        "{l}"
    );
    // twin: one name on two entries (found by the names-only first pass):
    // the module refuses it; both entries say so.
    let twins: Vec<&Value> = doc["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["user"] == "twin")
        .collect();
    assert_eq!(twins.len(), 2);
    for t in twins {
        let v = &t["services"]["sshd"];
        assert_eq!(v["verdict"], "refused");
        assert!(
            v["reason"].as_str().unwrap().contains("matches 2 entries"),
            "{v}"
        );
    }
    // hank is in ou=hidden, which anonymous searches do not see (nor the module).
    assert!(doc["users"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["user"] != "hank"));
    // The summary names each cause with the services on both sides.
    let causes = doc["summary"]["causes"].as_array().unwrap();
    let cause = |id: &str| {
        causes
            .iter()
            .find(|c| c["cause"] == id)
            .unwrap_or_else(|| panic!("{id} in {causes:?}"))
    };
    assert_eq!(cause("shell-not-listed")["users"], 1);
    assert_eq!(
        cause("shell-not-listed")["refused_by"],
        serde_json::json!(["sshd", "vsftpd"])
    );
    assert_eq!(
        cause("listfile")["admitted_by"],
        serde_json::json!(["sshd"])
    );
    assert_eq!(
        doc["summary"]["users"],
        doc["users"].as_array().unwrap().len()
    );
    assert!(doc["summary"]["refused"].as_u64().unwrap() >= 5);
}

#[test]
fn authz_filter_is_asked_per_user_from_the_config_file() {
    let slapd = Slapd::start();
    let img = image();
    let conf = img.path().join("audit.conf");
    std::fs::write(
        &conf,
        "base=dc=example,dc=org\nauthz_filter=(gidNumber=5000)\n",
    )
    .unwrap();
    let list = img.path().join("users");
    std::fs::write(&list, "alice\noscar\nnobody-here\n").unwrap();
    let out = pamlint(
        img.path(),
        &[
            "--format",
            "json",
            "audit",
            "sshd",
            "--uri",
            slapd.uri(),
            "--config",
            conf.to_str().unwrap(),
            "--users",
            list.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(service(&doc, "alice", "sshd")["verdict"], "admitted");
    assert_eq!(service(&doc, "oscar", "sshd")["cause"], "authz-filter");
    // Not in the directory nor in the image's passwd: a local name.
    assert_eq!(user(&doc, "nobody-here")["source"], "local");
    assert_eq!(doc["users"].as_array().unwrap().len(), 3);
}

#[test]
fn exit_status_formats_and_errors() {
    let slapd = Slapd::start();
    let img = image();
    let list = img.path().join("users");
    std::fs::write(&list, "alice\n").unwrap();
    let uri = slapd.uri();
    let users = list.to_str().unwrap();
    // Nobody refused: 0. An unpredictable required module: unknown, still 0.
    let out = pamlint(
        img.path(),
        &[
            "--format", "json", "audit", "sshd", "weird", "--uri", uri, "--users", users,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let w = service(&doc, "alice", "weird");
    assert_eq!(w["verdict"], "unknown");
    assert!(
        w["reason"]
            .as_str()
            .unwrap()
            .starts_with("pam_frobnicate.so"),
        "{w}"
    );
    assert_eq!(doc["summary"]["unknown"], 1);
    // CSV: the header, then a row per (user, service).
    let out = pamlint(
        img.path(),
        &["--format", "csv", "audit", "sshd", "vsftpd", "--uri", uri],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("user,source,service,verdict,rule,cause,reason")
    );
    assert!(text
        .lines()
        .any(|l| l.starts_with("carol,ldap,vsftpd,refused,vsftpd:")));
    assert!(text.lines().any(|l| l == "alice,ldap,sshd,admitted,,,"));
    // Human: the details and the summary.
    let out = pamlint(img.path(), &["audit", "sshd", "--uri", uri, "--details"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("carol: sshd refused at common-account:"),
        "{text}"
    );
    assert!(text.contains("[shell-missing]"), "{text}");
    // Errors: 2 with one line on stderr.
    let closed = format!("ldap://127.0.0.1:{}", testkit::slapd::free_port());
    for args in [
        vec!["audit", "sshd", "--uri", closed.as_str()],
        // A lookup that fails is the audit's error, not the user's refusal.
        vec!["audit", "sshd", "--uri", closed.as_str(), "--users", users],
        vec!["audit", "nosuch", "--uri", uri],
        vec!["audit", "--no-directory"],
        vec!["--target", "nosuch", "audit", "--uri", uri],
    ] {
        let out = pamlint(img.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("pamlint audit: "), "{args:?}: {err}");
    }
    // A format audit cannot write is refused by the command line (clap), as
    // for every subcommand.
    let out = pamlint(img.path(), &["--format", "sarif", "audit", "--uri", uri]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid value 'sarif' for '--format"), "{err}");
    assert!(err.contains("human, json, csv"), "{err}");
}

#[test]
fn pages_carry_the_scan_past_the_servers_size_limit() {
    // Three entries per search, but paged results may go on (prtotal).
    let slapd = Slapd::start_with_config(
        "",
        "limits * size.soft=3 size.hard=3 size.prtotal=unlimited",
    );
    let plain = std::process::Command::new("ldapsearch")
        .args([
            "-x",
            "-H",
            slapd.uri(),
            "-b",
            testkit::slapd::BASE,
            "(uid=*)",
            "dn",
        ])
        .output()
        .unwrap();
    assert_eq!(
        plain.status.code(),
        Some(4),
        "the limit bites a plain search"
    );
    let img = image();
    let out = pamlint(
        img.path(),
        &[
            "--format",
            "json",
            "audit",
            "sshd",
            "--uri",
            slapd.uri(),
            "--page-size",
            "2",
        ],
    );
    let doc = json(&out);
    let names = user_names(&doc);
    let ldif = std::fs::read_to_string(testdata().join("ldap/users.ldif")).unwrap();
    // Entries under ou=people and ou=staff with a uid (ou=hidden is not visible).
    let visible = ldif
        .split("\n\n")
        .filter(|e| e.lines().any(|l| l.starts_with("uid: ")) && !e.contains("ou=hidden"))
        .count();
    assert!(visible > 3);
    assert_eq!(names.len(), visible, "{names:?}");
    for n in ["alice", "nora", "carol", "dave", "low"] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
    let pages = doc["summary"]["pages"].as_u64().unwrap();
    assert_eq!(pages, (visible as u64).div_ceil(2), "two entries per page");
}

#[test]
fn the_scan_binds_as_the_modules_service_account() {
    let slapd = Slapd::start();
    let img = image();
    let secret = img.path().join("bindpw");
    std::fs::write(&secret, "Service-Secret-7\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let conf = img.path().join("svc.conf");
    // The files a configuration names are the image's (ROOT/bindpw).
    std::fs::write(
        &conf,
        "base=dc=example,dc=org\nbinddn=cn=svc,ou=services,dc=example,dc=org\nbindpw_file=/bindpw\n",
    )
    .unwrap();
    let args = |config: &str| {
        let out = pamlint(
            img.path(),
            &[
                "--format",
                "json",
                "audit",
                "sshd",
                "--uri",
                slapd.uri(),
                "--config",
                config,
            ],
        );
        json(&out)
    };
    // hank lives in ou=hidden, which only the service account may read.
    let with_account = args(conf.to_str().unwrap());
    assert!(user_names(&with_account).contains(&"hank".to_string()));
    assert_eq!(
        service(&with_account, "hank", "sshd")["verdict"],
        "admitted"
    );
    let anonymous = img.path().join("etc/pam_ldap_shell.conf");
    assert!(!user_names(&args(anonymous.to_str().unwrap())).contains(&"hank".to_string()));
    // A password file others can read is refused, as the module refuses it.
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = pamlint(
        img.path(),
        &[
            "audit",
            "sshd",
            "--uri",
            slapd.uri(),
            "--config",
            conf.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bindpw_file"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn local_users_are_the_regular_ones_unless_system_is_asked() {
    let img = image();
    let r = img.path();
    std::fs::write(
        r.join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/bash\n\
         daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
         ann:x:1000:1000::/home/ann:/bin/bash\n\
         ben:x:1001:1001::/home/ben:/bin/dash\n\
         nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    )
    .unwrap();
    let names = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "--format",
            "json",
            "audit",
            "sshd",
            "--no-directory",
            "--local",
        ];
        args.extend_from_slice(extra);
        user_names(&json(&pamlint(r, &args)))
    };
    assert_eq!(names(&[]), ["ann", "ben"]);
    assert_eq!(
        names(&["--system"]),
        ["root", "daemon", "ann", "ben", "nobody"]
    );
    // The image's login.defs decides who is a system account.
    std::fs::write(r.join("etc/login.defs"), "UID_MIN\t1001\n").unwrap();
    assert_eq!(names(&[]), ["ben"]);
    // A service named twice (libpam lower-cases it) is audited once.
    let doc = audit_json(r, &["sshd", "SSHD", "--no-directory", "--local"]);
    let services = doc["users"][0]["services"].as_object().unwrap();
    assert_eq!(services.keys().collect::<Vec<_>>(), ["sshd"]);
    // --system alone is a usage error.
    let out = pamlint(r, &["audit", "sshd", "--no-directory", "--system"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_local_account_with_a_directory_entry_is_audited_once_with_its_local_facts() {
    let slapd = Slapd::start();
    let img = image();
    // alice is also local (NSS reads the files first): uid 4242 here,
    // 10001 in the directory.
    std::fs::write(
        img.path().join("etc/passwd"),
        "alice:x:4242:4242::/home/alice:/bin/bash\nann:x:1000:1000::/home/ann:/bin/bash\n",
    )
    .unwrap();
    let doc = audit_json(img.path(), &["sshd", "--uri", slapd.uri(), "--local"]);
    let users = doc["users"].as_array().unwrap();
    let alices: Vec<&Value> = users.iter().filter(|u| u["user"] == "alice").collect();
    assert_eq!(alices.len(), 1, "{doc}");
    assert_eq!(alices[0]["source"], "ldap");
    assert_eq!(alices[0]["dn"], "uid=alice,ou=people,dc=example,dc=org");
    assert_eq!(user(&doc, "ann")["source"], "local");
}

#[test]
fn with_dn_template_users_are_named_by_the_rdn_the_module_reads() {
    let slapd = Slapd::start();
    let img = image();
    // user_attr=cn would name them "Alice", "Twin One"...: with dn_template the
    // module reads uid=NAME,ou=people and nothing else, so the audit does too.
    let conf = img.path().join("template.conf");
    std::fs::write(
        &conf,
        "dn_template=uid=%u,ou=people,dc=example,dc=org\nuser_attr=cn\n",
    )
    .unwrap();
    let doc = audit_json(
        img.path(),
        &[
            "sshd",
            "--uri",
            slapd.uri(),
            "--config",
            conf.to_str().unwrap(),
        ],
    );
    let names = user_names(&doc);
    for want in ["alice", "carol", "twin", "a*b", "x(y)", "bo,b"] {
        assert_eq!(
            names.iter().filter(|n| **n == want).count(),
            1,
            "{want}: {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| n == "Alice" || n == "hank"),
        "{names:?}"
    );
    // One entry per name under the template: twin is not ambiguous here.
    assert_eq!(
        user(&doc, "twin")["dn"],
        "uid=twin,ou=people,dc=example,dc=org"
    );
    assert_ne!(service(&doc, "twin", "sshd")["cause"], "other");
}
