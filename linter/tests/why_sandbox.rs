//! `pamlint why` against users that exist only inside a bwrap sandbox: the
//! sandbox's /etc (passwd, group, shells, nsswitch.conf, ftpusers) replaces the
//! host's, so the real getpwnam through NSS sees them. Every distro stack of
//! testdata/pam.d is checked on the host's Linux-PAM version and with
//! `--pam-version 1.1.8`, and the predictions are compared with the real libpam
//! (pamtester) on a stack of the modules whose facts `why` computes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const DISTROS: [&str; 3] = ["centos7", "rhel9-authselect-sssd", "debian12"];

/// (user, shell): alice has a listed shell, bob an empty one, carol an unlisted
/// one, dave a listed one but is in the ftpusers files.
const USERS: [(&str, &str); 4] = [
    ("alice", "/bin/bash"),
    ("bob", ""),
    ("carol", "/bin/zsh"),
    ("dave", "/bin/bash"),
];
const FTPUSERS: &str = "root\ndave\n";
const SHELLS: &str =
    "# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n";

fn bwrap() -> &'static str {
    let ok = Command::new("bwrap")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "bwrap is missing: install the Debian package bubblewrap"
    );
    "bwrap"
}

/// A private /etc for the sandbox.
struct Etc {
    dir: tempfile::TempDir,
}

impl Etc {
    fn new() -> Etc {
        let dir = tempfile::tempdir().unwrap();
        let etc = dir.path();
        let mut passwd = String::from("root:x:0:0:root:/root:/bin/bash\n");
        let mut group = String::from("root:x:0:\n");
        for (i, (name, shell)) in USERS.iter().enumerate() {
            let id = 1001 + i;
            passwd.push_str(&format!("{name}:x:{id}:{id}:{name}:/home/{name}:{shell}\n"));
            group.push_str(&format!("{name}:x:{id}:\n"));
        }
        std::fs::write(etc.join("passwd"), passwd).unwrap();
        std::fs::write(etc.join("group"), group).unwrap();
        std::fs::write(etc.join("shells"), SHELLS).unwrap();
        std::fs::write(
            etc.join("nsswitch.conf"),
            "passwd: files\ngroup: files\nshadow: files\n",
        )
        .unwrap();
        std::fs::write(etc.join("ftpusers"), FTPUSERS).unwrap();
        std::fs::create_dir(etc.join("vsftpd")).unwrap();
        std::fs::write(etc.join("vsftpd/ftpusers"), FTPUSERS).unwrap();
        std::fs::create_dir(etc.join("pam.d")).unwrap();
        Etc { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Run a program with this /etc (and an empty /run, so no nologin file).
    fn run(&self, program: &Path, args: &[&str]) -> std::process::Output {
        Command::new(bwrap())
            .args(["--dev-bind", "/", "/", "--bind"])
            .arg(self.path())
            .args(["/etc", "--tmpfs", "/run", "--"])
            .arg(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }
}

fn pamlint() -> PathBuf {
    assert_cmd::cargo::cargo_bin("pamlint")
}

fn stacks(distro: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/pam.d")
        .join(distro)
}

/// `pamlint why` in the sandbox, as JSON.
fn why(etc: &Etc, distro: &str, service: &str, user: &str, version: Option<&str>) -> Value {
    let dir = stacks(distro);
    let mut args = vec![
        "--dir",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "why",
        service,
        user,
    ];
    if let Some(v) = version {
        args.extend(["--pam-version", v]);
    }
    let out = etc.run(&pamlint(), &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let refused = v["types"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["refused"] == true);
    let expected_exit = if refused { 1 } else { 0 };
    assert_eq!(out.status.code(), Some(expected_exit), "{stdout}");
    v
}

/// The 1-based line of the first rule in `distro/file` that names `module`.
fn line_of(distro: &str, file: &str, module: &str) -> usize {
    let text = std::fs::read_to_string(stacks(distro).join(file)).unwrap();
    text.lines()
        .position(|l| !l.trim_start().starts_with('#') && l.contains(module))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{module} not in {distro}/{file}"))
}

/// The auth stack's verdict: None if admitted, else (file name, line, module, fact).
fn auth_refusal(v: &Value) -> Option<(String, u64, String, String)> {
    let auth = v["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "auth")
        .unwrap();
    if auth["refused"] != true {
        return None;
    }
    let i = auth["decided_by"]
        .as_u64()
        .expect("a refusal names its rule") as usize;
    let step = &auth["trace"][i];
    let file = Path::new(step["file"].as_str().unwrap())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    Some((
        file,
        step["line"].as_u64().unwrap(),
        step["module"].as_str().unwrap().to_string(),
        step["fact"].as_str().unwrap().to_string(),
    ))
}

fn admitted(v: &Value) -> bool {
    v["verdict"].is_null()
        && v["types"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["refused"] == false)
}

fn version_of(v: &Value) -> (u64, u64) {
    let pv = &v["pam_version"]["version"];
    (pv["major"].as_u64().unwrap(), pv["minor"].as_u64().unwrap())
}

/// What every distro's vsftpd must say for the four users, at `version`.
fn check_distro(etc: &Etc, distro: &str, version: Option<&str>) {
    let shells_line = line_of(distro, "vsftpd", "pam_shells.so") as u64;
    let listfile_line = line_of(distro, "vsftpd", "pam_listfile.so") as u64;

    let alice = why(etc, distro, "vsftpd", "alice", version);
    assert!(admitted(&alice), "{distro}: {alice:#}");

    let bob = why(etc, distro, "vsftpd", "bob", version);
    let empty_is_sh = version_of(&bob) >= (1, 4);
    match auth_refusal(&bob) {
        None => assert!(
            empty_is_sh,
            "{distro}: bob admitted on {:?}",
            version_of(&bob)
        ),
        Some((file, line, module, fact)) => {
            assert!(
                !empty_is_sh,
                "{distro}: bob refused on a version that maps empty to /bin/sh: {fact}"
            );
            assert_eq!(
                (file.as_str(), line, module.as_str()),
                ("vsftpd", shells_line, "pam_shells.so")
            );
            assert!(fact.contains("empty"), "{fact}");
        }
    }

    let carol = why(etc, distro, "vsftpd", "carol", version);
    let (file, line, module, fact) = auth_refusal(&carol).expect("carol is refused");
    assert_eq!(
        (file.as_str(), line, module.as_str()),
        ("vsftpd", shells_line, "pam_shells.so")
    );
    assert!(
        fact.contains("/bin/zsh") && fact.contains("/etc/shells"),
        "{fact}"
    );
    let verdict = carol["verdict"].as_str().unwrap();
    assert!(
        verdict.starts_with("auth: ") && verdict.contains("refuses carol"),
        "{verdict}"
    );

    let dave = why(etc, distro, "vsftpd", "dave", version);
    let (file, line, module, fact) = auth_refusal(&dave).expect("dave is refused");
    assert_eq!(
        (file.as_str(), line, module.as_str()),
        ("vsftpd", listfile_line, "pam_listfile.so")
    );
    assert!(fact.contains("ftpusers"), "{fact}");

    // The seed case: the same user is let in by sshd, which runs neither module.
    for user in ["carol", "dave"] {
        let ssh = why(etc, distro, "sshd", user, version);
        assert!(admitted(&ssh), "{distro}: sshd refuses {user}: {ssh:#}");
    }
}

#[test]
fn why_on_each_distro_with_the_host_libpam_version() {
    let etc = Etc::new();
    for distro in DISTROS {
        check_distro(&etc, distro, None);
    }
}

#[test]
fn why_on_each_distro_with_linux_pam_1_1_8() {
    let etc = Etc::new();
    for distro in DISTROS {
        check_distro(&etc, distro, Some("1.1.8"));
    }
    let bob = why(&etc, "centos7", "vsftpd", "bob", Some("1.1.8"));
    assert_eq!(bob["pam_version"]["source"], "--pam-version");
}

/// pamtester prints pam_strerror's text; the few codes this stack can return.
fn code_of_pamtester(stdout_and_err: &str) -> &'static str {
    if stdout_and_err.contains("successfully authenticated") {
        "PAM_SUCCESS"
    } else if stdout_and_err.contains("Authentication failure") {
        "PAM_AUTH_ERR"
    } else if stdout_and_err.contains("User not known") {
        "PAM_USER_UNKNOWN"
    } else if stdout_and_err.contains("Error in service module") {
        "PAM_SERVICE_ERR"
    } else if stdout_and_err.contains("Permission denied") {
        "PAM_PERM_DENIED"
    } else if stdout_and_err.contains("Module is unknown") {
        "PAM_MODULE_UNKNOWN"
    } else if stdout_and_err.contains("Critical error") {
        "PAM_ABORT"
    } else {
        panic!("unexpected pamtester output: {stdout_and_err}")
    }
}

#[test]
fn predictions_agree_with_the_real_libpam() {
    let pamtester = Command::new("pamtester").arg("--version").output();
    assert!(
        pamtester.is_ok(),
        "pamtester is missing: install the Debian package pamtester"
    );
    let etc = Etc::new();
    // Stacks mixing the predicted modules with controls that matter: required,
    // requisite, sufficient, jumps, a substack.
    let stacks = [
        "auth required pam_listfile.so item=user sense=deny file=/etc/ftpusers onerr=succeed\n\
         auth required pam_shells.so\n\
         auth required pam_succeed_if.so uid >= 1000 quiet\n",
        "auth [success=1 default=ignore] pam_shells.so\n\
         auth requisite pam_deny.so\n\
         auth [success=ok default=die] pam_listfile.so item=user sense=allow file=/etc/ftpusers onerr=fail\n\
         auth required pam_permit.so\n",
        "auth sufficient pam_succeed_if.so user ingroup root\n\
         auth substack ftpsub\n\
         auth required pam_localuser.so\n",
        "auth required pam_listfile.so item=shell sense=allow file=/etc/shells onerr=fail\n\
         auth sufficient pam_succeed_if.so shell =~ /bin/* quiet\n\
         auth required pam_deny.so\n",
        // pam_loginuid has no authenticate hook: PAM_MODULE_UNKNOWN
        "auth [success=ok module_unknown=die default=bad] pam_loginuid.so\n\
         auth required pam_permit.so\n",
    ];
    std::fs::write(
        etc.path().join("pam.d/ftpsub"),
        "auth requisite pam_shells.so\nauth required pam_succeed_if.so user notin carol:dave\n",
    )
    .unwrap();
    std::fs::write(
        etc.path().join("pam.d/other"),
        "auth required pam_deny.so\naccount required pam_deny.so\n",
    )
    .unwrap();
    let mut users: Vec<&str> = USERS.iter().map(|u| u.0).collect();
    users.extend(["root", "nosuchuser"]);
    let mut seen = std::collections::HashSet::new();
    for (n, stack) in stacks.iter().enumerate() {
        std::fs::write(etc.path().join("pam.d/ftptest"), stack).unwrap();
        for user in &users {
            let real = etc.run(Path::new("pamtester"), &["ftptest", user, "authenticate"]);
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&real.stdout),
                String::from_utf8_lossy(&real.stderr)
            );
            let real_code = code_of_pamtester(&text);
            let out = etc.run(
                &pamlint(),
                &["--format", "json", "why", "ftptest", user, "--type", "auth"],
            );
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            let predicted = v["types"][0]["result"].as_str().unwrap().to_string();
            assert_eq!(
                predicted, real_code,
                "stack {n}, {user}: libpam says {text}, why says {v:#}"
            );
            seen.insert(real_code);
        }
    }
    // The users cover both outcomes, so agreement means something.
    assert!(
        seen.contains("PAM_SUCCESS") && seen.contains("PAM_AUTH_ERR"),
        "{seen:?}"
    );
}
