//! The .deb installed into a bubblewrap root (see `InstallRoot`): files and
//! modes, pam-auth-update wiring the module into common-auth/common-account,
//! pamlint (the packaged one) finding nothing in the result, an LDAP user
//! (real slapd) and a local user (sandbox /etc/shadow) both logging in through
//! the real libpam and pamtester, and purge restoring the stacks byte for byte.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::process::Command;

use packaging_tests::{artifacts, InstallRoot};
use testkit::{PamRun, Slapd};

const COMMON: [&str; 5] = [
    "/etc/pam.d/common-auth",
    "/etc/pam.d/common-account",
    "/etc/pam.d/common-password",
    "/etc/pam.d/common-session",
    "/etc/pam.d/common-session-noninteractive",
];
const LOCAL_PASSWORD: &str = "Local-Pass-4";
const LDAP_PASSWORD: &str = "Correct-Horse-9";

#[test]
fn deb_installs_wires_pam_logs_users_in_and_purges_cleanly() {
    let root = InstallRoot::new();
    only_stock_profiles(&root);
    root.run_ok(&["pam-auth-update", "--package", "--force"]);
    let before = read_stacks(&root);
    add_users(&root);
    root.write_service();
    let stock_findings = findings(&root, artifacts::pamlint().to_str().expect("utf-8 path"));

    let deb = root.stage(&artifacts::deb());
    root.run_ok(&["dpkg", "-i", deb.to_str().expect("utf-8 path")]);
    assert_files_and_modes(&root);
    assert_stacks_name_the_module(&root);
    assert_packaged_pamlint_adds_no_finding(&root, &stock_findings);

    // Unconfigured (the example conf is all comments): local users still log in.
    assert_eq!(login(&root, "h7local", LOCAL_PASSWORD), "PAM_SUCCESS");

    configure(&root, Slapd::shared().uri());
    assert_eq!(login(&root, "alice", LDAP_PASSWORD), "PAM_SUCCESS");
    assert_eq!(login(&root, "h7local", LOCAL_PASSWORD), "PAM_SUCCESS");
    assert_eq!(login(&root, "alice", "wrong-password"), "PAM_AUTH_ERR");
    // nora has no loginShell: the module's account check runs and refuses her.
    assert_eq!(login(&root, "nora", LDAP_PASSWORD), "PAM_PERM_DENIED");
    // passwd through the generated common-password: pam_unix first, then the
    // module. A local user's change is pam_unix's (root is not asked for the
    // current password); an LDAP user's goes to the server (set to itself
    // here: the shared server's fixture must not change).
    let fresh = "Fresh-Local-Pass-42";
    assert_eq!(
        change_password(&root, "h7local", &format!("{fresh}\n{fresh}\n")),
        "PAM_SUCCESS"
    );
    assert_eq!(login(&root, "h7local", fresh), "PAM_SUCCESS");
    let same = format!("{LDAP_PASSWORD}\n{LDAP_PASSWORD}\n{LDAP_PASSWORD}\n");
    assert_eq!(change_password(&root, "alice", &same), "PAM_SUCCESS");
    assert_eq!(login(&root, "alice", LDAP_PASSWORD), "PAM_SUCCESS");

    // Remove (prerm takes the module out of the stacks; the conffile stays),
    // then purge (the conffile goes too).
    root.run_ok(&["dpkg", "--remove", "libpam-ldap-shell"]);
    assert_same_stacks(&before, &read_stacks(&root), "remove");
    assert!(
        root.host_path("/etc/pam_ldap_shell.conf").exists(),
        "conffile gone on remove"
    );
    root.run_ok(&["dpkg", "--purge", "libpam-ldap-shell"]);
    assert_same_stacks(&before, &read_stacks(&root), "purge");
    for gone in [
        "/etc/pam_ldap_shell.conf",
        "/usr/share/pam-configs/ldap-shell",
        "/usr/bin/pamlint",
    ] {
        assert!(!root.host_path(gone).exists(), "{gone} left after purge");
    }
}

fn assert_same_stacks(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)], step: &str) {
    for ((name, a), (_, b)) in before.iter().zip(after.iter()) {
        assert!(
            a == b,
            "{name} differs after {step}:\nbefore:\n{}\nafter:\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        );
    }
}

/// The host may carry other profiles (ldap, sss...): keep Debian's stock ones
/// so the stacks are the same on every machine.
fn only_stock_profiles(root: &InstallRoot) {
    let dir = root.host_path("/usr/share/pam-configs");
    for e in std::fs::read_dir(&dir).expect("read pam-configs") {
        let e = e.expect("pam-configs entry");
        if e.file_name() != "unix" {
            // Unlinks the farm's hard link only; the host's file stays.
            std::fs::remove_file(e.path()).expect("remove profile from the root");
        }
    }
}

fn read_stacks(root: &InstallRoot) -> Vec<(String, Vec<u8>)> {
    COMMON
        .iter()
        .map(|f| {
            let bytes = std::fs::read(root.host_path(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), bytes)
        })
        .collect()
}

/// alice and nora stand for LDAP users that NSS knows (as nslcd or sssd would
/// provide them, with a locked shadow entry); h7local is a local user.
fn add_users(root: &InstallRoot) {
    let hash = password_hash(LOCAL_PASSWORD);
    root.append(
        "/etc/passwd",
        "alice:x:10001:5000:Alice:/nonexistent:/bin/bash\nnora:x:10002:5000:Nora:/nonexistent:\nh7local:x:2001:2001:Local:/nonexistent:/bin/bash\n",
    );
    root.append(
        "/etc/shadow",
        &format!("alice:*:19000:0:99999:7:::\nnora:*:19000:0:99999:7:::\nh7local:{hash}:19000:0:99999:7:::\n"),
    );
    root.append("/etc/group", "h7local:x:2001:\n");
}

fn password_hash(password: &str) -> String {
    let openssl = testkit::tools::require(testkit::tools::OPENSSL);
    let out = Command::new(openssl)
        .args(["passwd", "-6", "-salt", "h7saltsalt", password])
        .output()
        .expect("run openssl passwd");
    assert!(out.status.success(), "openssl passwd failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

trait Service {
    fn write_service(&self);
}

impl Service for InstallRoot {
    /// A login-like service made only of the distribution's common stacks.
    fn write_service(&self) {
        std::fs::write(
            self.host_path("/etc/pam.d/h7-login"),
            "@include common-auth\n@include common-account\n@include common-password\n",
        )
        .expect("write pam.d/h7-login");
    }
}

fn configure(root: &InstallRoot, uri: &str) {
    let conf = root.host_path("/etc/pam_ldap_shell.conf");
    std::fs::write(&conf, format!("uri {uri}\nbase dc=example,dc=org\n")).expect("write conf");
}

fn login(root: &InstallRoot, user: &str, password: &str) -> String {
    testkit::tools::require(testkit::tools::PAMTESTER);
    let out = root.run(
        &[
            "pamtester",
            "-v",
            "h7-login",
            user,
            "authenticate",
            "acct_mgmt",
        ],
        &format!("{password}\n"),
    );
    PamRun {
        exit_code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        syslog: Vec::new(),
    }
    .result()
}

/// `pamtester h7-login USER chauthtok` with `input` as the terminal.
fn change_password(root: &InstallRoot, user: &str, input: &str) -> String {
    let out = root.run(&["pamtester", "-v", "h7-login", user, "chauthtok"], input);
    PamRun {
        exit_code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        syslog: Vec::new(),
    }
    .result()
}

fn multiarch() -> String {
    let out = Command::new("dpkg-architecture")
        .arg("-qDEB_HOST_MULTIARCH")
        .output()
        .expect("dpkg-architecture (package dpkg-dev)");
    assert!(out.status.success(), "dpkg-architecture failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn assert_mode(root: &InstallRoot, inside: &str, mode: u32) {
    let m = std::fs::metadata(root.host_path(inside)).unwrap_or_else(|e| panic!("{inside}: {e}"));
    assert_eq!(m.permissions().mode() & 0o7777, mode, "mode of {inside}");
    assert_eq!((m.uid(), m.gid()), (0, 0), "owner of {inside}");
}

fn assert_files_and_modes(root: &InstallRoot) {
    let module = format!("/usr/lib/{}/security/pam_ldap_shell.so", multiarch());
    assert_mode(root, &module, 0o644);
    assert_mode(root, "/usr/bin/pamlint", 0o755);
    assert_mode(root, "/etc/pam_ldap_shell.conf", 0o600);
    assert_mode(root, "/usr/share/pam-configs/ldap-shell", 0o644);
    for page in [
        "/usr/share/man/man1/pamlint.1.gz",
        "/usr/share/man/man5/pam_ldap_shell.conf.5.gz",
        "/usr/share/man/man8/pam_ldap_shell.8.gz",
    ] {
        assert_mode(root, page, 0o644);
    }
    for (file, needle) in [
        ("/usr/share/bash-completion/completions/pamlint", "_pamlint"),
        (
            "/usr/share/zsh/vendor-completions/_pamlint",
            "#compdef pamlint",
        ),
        (
            "/usr/share/fish/vendor_completions.d/pamlint.fish",
            "complete -c pamlint",
        ),
    ] {
        let text =
            std::fs::read_to_string(root.host_path(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(text.contains(needle), "{file} lacks {needle:?}");
    }
    let conffiles = root.run_ok(&["dpkg-query", "-W", "-f=${Conffiles}", "libpam-ldap-shell"]);
    assert!(
        conffiles.contains("/etc/pam_ldap_shell.conf"),
        "not a conffile: {conffiles}"
    );
}

fn assert_stacks_name_the_module(root: &InstallRoot) {
    for (file, kind) in [
        ("/etc/pam.d/common-auth", "auth"),
        ("/etc/pam.d/common-account", "account"),
        ("/etc/pam.d/common-password", "password"),
    ] {
        let text = std::fs::read_to_string(root.host_path(file)).expect("read stack");
        assert!(
            text.lines()
                .any(|l| l.starts_with(kind) && l.contains("pam_ldap_shell.so")),
            "{file} has no {kind} line with pam_ldap_shell.so:\n{text}"
        );
    }
}

/// `(code, file)` of every finding at warning or above in the common stacks
/// and the test service, from `pamlint` run inside the root.
fn findings(root: &InstallRoot, pamlint: &str) -> Vec<(String, String)> {
    let mut argv = vec![pamlint, "check", "--format", "json", "--deny", "warning"];
    argv.extend(COMMON);
    argv.push("/etc/pam.d/h7-login");
    let out = root.run(&argv, "");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "pamlint failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("pamlint JSON");
    let mut found: Vec<(String, String)> = doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| {
            assert!(
                !f["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("pam_ldap_shell"),
                "finding about the module: {f}"
            );
            (f["code"].to_string(), f["file"].to_string())
        })
        .collect();
    found.sort();
    found
}

/// Stock Debian stacks already draw a few warnings (pam_unix `nullok`, the
/// unreachable `requisite pam_deny.so` in common-session): the profile must
/// add none, and the packaged pamlint must see exactly the stock ones.
fn assert_packaged_pamlint_adds_no_finding(root: &InstallRoot, stock: &[(String, String)]) {
    let after = findings(root, "/usr/bin/pamlint");
    assert_eq!(
        after, stock,
        "findings after install differ from the stock stacks'"
    );
    assert!(
        !after
            .iter()
            .any(|(code, _)| code.contains("PL0") || code.contains("PL1")),
        "syntax or resolution findings: {after:?}"
    );
}
