//! pamlint's PL501 on pam_ldap_shell's arguments agrees with the module: every
//! documented argument name, with good and malformed values, is linted, and the
//! same argument is given to the module's own loader (`sources::load`, what the
//! PAM hooks call) after a valid server and base. PL501 fires exactly when the
//! module refuses that argument.

use std::path::{Path, PathBuf};

use ldap_shell_core::sources::{self, Paths};
use pamlint::check::{lint, CheckOptions};

/// Values tried with every name: the module's own vocabulary, the eight
/// values pamlint once judged differently from the module, and typical slips.
/// `ABS` stands for an existing absolute file (a missing `config=` file is
/// the target's business, not the argument's).
const VALUES: &[Option<&str>] = &[
    None,
    Some(""),
    Some("hard"),
    Some("demand"),
    Some("never"),
    Some("maybe"),
    Some("0"),
    Some("1"),
    Some("-1"),
    Some("250"),
    Some("600001"),
    Some("abc"),
    Some("yes"),
    Some("no"),
    Some("true"),
    Some("deny"),
    Some("warn"),
    Some("allow"),
    Some("default:/bin/sh"),
    Some("default:sh"),
    Some("ABS"),
    Some("etc/shells"),
    Some("(objectClass=posixAccount)"),
    Some("(uid=*"),
    Some("(&(a=b)"),
    Some("uid=*"),
    Some("uid=%u,ou=people,dc=example,dc=org"),
    Some("uid=x,dc=org"),
    Some("uid=%u%u,dc=org"),
    Some("ldap://127.0.0.1:389"),
    Some("ldaps://h,ldap://g"),
    Some("http://example.org"),
    Some("ldap://h:99999"),
    Some("dns"),
    Some("cn"),
    Some("shell-x"),
    Some("uid)(x"),
    Some("1cn"),
    Some("sudo,cron"),
    Some("a/b"),
];

/// Names pamlint must judge: the module's arguments and a misspelt one.
fn names() -> Vec<&'static str> {
    let mut v: Vec<&str> = sources::argument_names().collect();
    v.push("timeout");
    v.push("nulok");
    v
}

/// Every argument to try, one per line of the linted file.
fn arguments(abs: &Path) -> Vec<String> {
    let abs = abs.to_string_lossy();
    let mut out = Vec::new();
    for name in names() {
        for v in VALUES {
            out.push(match v {
                None => name.to_string(),
                Some("ABS") => format!("{name}={abs}"),
                Some(v) => format!("{name}={v}"),
            });
        }
    }
    out
}

/// The module's verdict: `load` with a server and a base, then `arg`, fails
/// naming the argument's own option. (A lone `binddn=` or `bindpw_file=` is
/// refused for the missing other half, named as such: not the argument's fault.)
fn module_refuses(arg: &str, paths: &Paths) -> bool {
    let args = vec![
        "uri=ldap://127.0.0.1".to_string(),
        "base=dc=example,dc=org".to_string(),
        arg.to_string(),
    ];
    let key = arg.split_once('=').map_or(arg, |(k, _)| k);
    match sources::load(&args, paths) {
        Ok(_) => false,
        Err(e) => e.option == key,
    }
}

/// pamlint's verdict on each argument, linted as one rule line each.
fn pamlint_refuses(args: &[String]) -> Vec<bool> {
    let dir = tempfile::tempdir().unwrap();
    let text: String = args
        .iter()
        .map(|a| format!("account required pam_ldap_shell.so {a}\n"))
        .collect();
    std::fs::write(dir.path().join("svc"), text).unwrap();
    let report = lint(&CheckOptions {
        root: "/".into(),
        dir: Some(dir.path().to_path_buf()),
        ..CheckOptions::default()
    });
    let mut flagged = vec![false; args.len()];
    for f in report.findings.iter().filter(|f| f.code() == "PL501") {
        flagged[f.span.line - 1] = true;
    }
    flagged
}

#[test]
fn pl501_agrees_with_the_module_parser_on_every_argument() {
    let dir = tempfile::tempdir().unwrap();
    let abs: PathBuf = dir.path().join("file.conf");
    std::fs::write(&abs, "").unwrap();
    let paths = Paths {
        config: dir.path().join("absent.conf"),
        openldap: vec![dir.path().join("absent-ldap.conf")],
        euid: nix::unistd::geteuid().as_raw(),
    };
    let args = arguments(&abs);
    let pamlint = pamlint_refuses(&args);
    let mut disagreements = Vec::new();
    let mut refused = 0;
    for (arg, linted) in args.iter().zip(&pamlint) {
        let module = module_refuses(arg, &paths);
        refused += usize::from(module);
        if module != *linted {
            disagreements.push(format!("{arg}: module refuses={module}, PL501={linted}"));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // Both verdicts occur, so the comparison can fail either way.
    assert!(refused > 100 && refused < args.len() - 50, "{refused}");
}

/// The eight values pamlint's old copy of the option table judged otherwise.
#[test]
fn the_eight_old_disagreements_follow_the_module() {
    let args: Vec<String> = [
        "tls_reqcert=hard",
        "timeout_ms=0",
        "minimum_uid=-1",
        "filter=(uid=*",
        "uri=http://example.org",
        "shells=etc/shells",
        "user_attr=",
        "dn_template=uid=x,dc=org",
    ]
    .map(String::from)
    .to_vec();
    let flagged = pamlint_refuses(&args);
    assert_eq!(
        flagged,
        [false, true, true, true, true, true, true, true],
        "{args:?}"
    );
    for (a, f) in args.iter().zip(flagged) {
        assert_eq!(sources::check_argument(a).is_err(), f, "{a}");
    }
}
