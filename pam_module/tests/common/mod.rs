//! Shared helpers of the integration tests: the built module, the standard
//! stacks and the shared slapd.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;
use testkit::{PamRun, Sandbox, Slapd};

pub const PASSWORD: &str = "Correct-Horse-9";
pub const BASE: &str = testkit::slapd::BASE;

/// The cdylib cargo built for this test run, copied as `pam_ldap_shell.so`
/// (libpam names the module after its file: `pam_ldap_shell(SERVICE:TYPE)`).
pub fn module_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        let deps = exe.parent().expect("deps dir");
        let candidates = [
            deps.join("libpam_ldap_shell.so"),
            deps.parent()
                .map(|p| p.join("libpam_ldap_shell.so"))
                .unwrap_or_default(),
        ];
        let built = candidates
            .iter()
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("libpam_ldap_shell.so not found next to {}", exe.display()));
        // One copy per build, shared by every test process of it (a copy per
        // process filled the disk when a test was rerun thousands of times);
        // written under a unique name and renamed, so a reader never sees half.
        let meta = std::fs::metadata(built).expect("module metadata");
        let stamp = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let dir = deps.join(format!("pam-module-{}-{stamp}", meta.len()));
        std::fs::create_dir_all(&dir).expect("module dir");
        let dest = dir.join("pam_ldap_shell.so");
        if !dest.exists() {
            let partial = dir.join(format!("partial-{}", std::process::id()));
            std::fs::copy(built, &partial).expect("copy module");
            std::fs::rename(&partial, &dest).expect("rename module");
        }
        dest
    })
}

pub fn uri() -> String {
    Slapd::shared().uri().to_string()
}

/// Arguments pointing at the test directory, plus `extra`.
pub fn args(extra: &str) -> String {
    format!("uri={} base={BASE} {extra}", uri())
}

/// A stack where the module decides alone: its code is the stack's result.
/// PAM_IGNORE would otherwise become a generic failure, so an ignore falls
/// through to pam_debug returning PAM_INCOMPLETE, which `result()` maps back.
pub fn stack(module_args: &str) -> String {
    testkit::tools::require(testkit::tools::pam_debug());
    let m = module_path().display().to_string();
    format!(
        "auth [success=done ignore=ignore default=die] {m} {module_args}\n\
         auth requisite pam_debug.so auth=incomplete\n\
         account [success=done ignore=ignore default=die] {m} {module_args}\n\
         account requisite pam_debug.so acct=incomplete\n\
         password [success=done ignore=ignore default=die] {m} {module_args}\n\
         password requisite pam_debug.so chauthtok=incomplete\n"
    )
}

/// The standard /etc/shells of the sandbox: carol's /bin/dash is not in it,
/// dave's /opt/missing/zsh is listed but does not exist.
pub const SHELLS: &str = "# test shells\n/bin/sh\n/bin/bash\n/usr/bin/bash\n/opt/missing/zsh\n";

/// A pam.d directory (for pam_start_confdir in this process) whose service
/// `test` runs the module for auth and account with `module_args` and the
/// tests' list of shells (`SHELLS`).
pub fn confdir(module_args: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let m = module_path().display().to_string();
    let shells = dir.path().join("shells");
    std::fs::write(&shells, SHELLS).unwrap();
    let a = format!("{module_args} shells={}", shells.display());
    std::fs::write(
        dir.path().join("test"),
        format!("auth required {m} {a}\naccount required {m} {a}\n"),
    )
    .unwrap();
    dir
}

pub fn sandbox(module_args: &str) -> Sandbox {
    let mut sb = Sandbox::new();
    sb.service("test", &stack(module_args)).shells(SHELLS);
    sb
}

/// The result name, with the PAM_IGNORE marker of `stack` decoded.
pub fn result(run: &PamRun) -> String {
    match run.result().as_str() {
        "PAM_INCOMPLETE" => "PAM_IGNORE".to_string(),
        other => other.to_string(),
    }
}

/// Every password of the test directory (users, service account, rootdn).
pub const FIXTURE_PASSWORDS: &[&str] = &[
    PASSWORD,
    "Star-Pass-1",
    "Paren-Pass-2",
    "Comma-Pass-4",
    "Other-Twin-Pass-3",
    "Service-Secret-7",
    "admin-secret",
];

/// Every run made through these helpers is checked: no syslog line holds a
/// fixture password or the password typed (when long enough to be unique).
fn checked(run: PamRun, typed: &str) -> PamRun {
    for secret in FIXTURE_PASSWORDS
        .iter()
        .copied()
        .chain([typed].into_iter().filter(|t| t.len() >= 6))
    {
        for line in &run.syslog {
            assert!(!line.contains(secret), "a password was logged: {line}");
        }
    }
    run
}

pub fn auth(module_args: &str, user: &str, password: &str) -> PamRun {
    let run =
        sandbox(module_args).pamtester("test", user, &["authenticate"], &format!("{password}\n"));
    checked(run, password)
}

/// A login as sshd makes it: auth then account on one PAM handle, with
/// the test password.
pub fn login(module_args: &str, user: &str) -> PamRun {
    sandbox(module_args).pamtester(
        "test",
        user,
        &["authenticate", "acct_mgmt"],
        &format!("{PASSWORD}\n"),
    )
}

pub fn account(module_args: &str, user: &str) -> PamRun {
    checked(
        sandbox(module_args).pamtester("test", user, &["acct_mgmt"], ""),
        "",
    )
}

/// Lines our module logged (pam_syslog prefix `pam_ldap_shell(test:TYPE): `).
pub fn module_lines(run: &PamRun) -> Vec<String> {
    run.syslog
        .iter()
        .filter(|l| l.contains("pam_ldap_shell(test:"))
        .cloned()
        .collect()
}

pub fn assert_result(run: &PamRun, expected: &str) {
    assert_eq!(result(run), expected, "run: {run:#?}");
}

/// No log line, stdout or stderr text of `run` contains any of `secrets`.
pub fn assert_no_password_in(run: &PamRun, secrets: &[&str]) {
    for secret in secrets {
        for line in &run.syslog {
            assert!(!line.contains(secret), "a password was logged: {line}");
        }
        assert!(!run.stdout.contains(secret), "{run:#?}");
        assert!(!run.stderr.contains(secret), "{run:#?}");
    }
}

/// Adds the entries of `ldif` to `slapd` as its rootdn with ldapadd.
pub fn ldapadd(slapd: &Slapd, ldif: &str) {
    testkit::slapd::as_rootdn(slapd.uri(), testkit::slapd::LDAPADD, ldif);
}

/// Applies the changes of `ldif` (changetype records) on the server at
/// `uri` as its rootdn with ldapmodify.
pub fn ldapmodify(uri: &str, ldif: &str) {
    testkit::slapd::as_rootdn(uri, testkit::slapd::LDAPMODIFY, ldif);
}

/// Some line our module logged contains every one of `parts`.
pub fn assert_logged(run: &PamRun, parts: &[&str]) {
    assert!(
        module_lines(run)
            .iter()
            .any(|l| parts.iter().all(|p| l.contains(p))),
        "no module line with {parts:?}: {run:#?}"
    );
}
