//! docker/ without a Docker engine (the images themselves are built and run
//! by docker/test, which scripts/test calls after this suite): compose.yaml
//! by `docker-compose config` (offline) and structurally, the Dockerfiles'
//! COPY sources against the repository, and both entrypoints by running
//! them on this host (same scripts, same testdata/ldap and testdata/e2e).

use e2e::tools::{require, DOCKER_COMPOSE, LDAPSEARCH};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use yaml_rust2::{Yaml, YamlLoader};

fn docker_dir() -> PathBuf {
    testkit::repo_root().join("docker")
}

fn compose() -> Yaml {
    let text = std::fs::read_to_string(docker_dir().join("compose.yaml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

#[test]
fn compose_file_is_valid_for_docker_compose() {
    let out = Command::new(require(DOCKER_COMPOSE))
        .arg("-f")
        .arg(docker_dir().join("compose.yaml"))
        .args(["config", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker-compose config: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Both services exist, build from Dockerfiles that exist, and publish
/// ports on loopback only; the fixture is on 127.0.0.1:3389.
#[test]
fn compose_services_build_existing_dockerfiles_on_loopback_ports() {
    let doc = compose();
    for name in ["openldap", "demo"] {
        let svc = &doc["services"][name];
        assert!(!svc.is_badvalue(), "service {name} missing");
        let context = docker_dir().join(svc["build"]["context"].as_str().unwrap());
        let dockerfile = context.join(svc["build"]["dockerfile"].as_str().unwrap());
        assert!(
            dockerfile.is_file(),
            "{name}: {} missing",
            dockerfile.display()
        );
        for port in svc["ports"].as_vec().unwrap() {
            let p = port.as_str().unwrap();
            assert!(
                p.starts_with("127.0.0.1:"),
                "{name} publishes {p} beyond loopback"
            );
        }
    }
    let ldap_ports: Vec<_> = doc["services"]["openldap"]["ports"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert!(ldap_ports.contains(&"127.0.0.1:3389:389"), "{ldap_ports:?}");
    assert!(ldap_ports.contains(&"127.0.0.1:3636:636"), "{ldap_ports:?}");
}

/// Every COPY source (other than from a build stage) exists in the build
/// context, the repository root; images are pinned to a release, and a
/// `FROM ${ARG}` names a stage by its default.
#[test]
fn dockerfiles_copy_files_that_exist() {
    let root = testkit::repo_root();
    for df in ["openldap/Dockerfile", "demo/Dockerfile"] {
        let text = std::fs::read_to_string(docker_dir().join(df)).unwrap();
        let mut stages: Vec<&str> = Vec::new();
        let mut args: Vec<(&str, &str)> = Vec::new();
        for line in text.lines().map(str::trim) {
            if let Some(arg) = line.strip_prefix("ARG ") {
                if let Some((name, default)) = arg.split_once('=') {
                    args.push((name, default));
                }
            }
            if let Some(from) = line.strip_prefix("FROM ") {
                let words: Vec<&str> = from.split_whitespace().collect();
                let image = words[0];
                let image = match image.strip_prefix("${").and_then(|a| a.strip_suffix('}')) {
                    Some(arg) => args
                        .iter()
                        .find(|(n, _)| *n == arg)
                        .map(|(_, d)| *d)
                        .unwrap_or_else(|| panic!("{df}: FROM ${{{arg}}} without a default")),
                    None => image,
                };
                assert!(
                    stages.contains(&image)
                        || image == "scratch"
                        || (image.contains(':') && !image.ends_with(":latest")),
                    "{df}: unpinned base image {image}"
                );
                if let [_, "AS", name] = words[..] {
                    stages.push(name);
                }
            }
            let Some(args) = line.strip_prefix("COPY ") else {
                continue;
            };
            if args.starts_with("--from=") {
                continue;
            }
            let words: Vec<&str> = args.split_whitespace().collect();
            for src in &words[..words.len() - 1] {
                // Laid out by docker/build-images --prebuilt in a context of its own.
                if src.starts_with("prebuilt/") {
                    continue;
                }
                assert!(
                    root.join(src).exists(),
                    "{df}: COPY source {src} does not exist"
                );
            }
        }
        // The fixture's slapd is configured by the tests' own script.
        if df.starts_with("openldap") {
            assert!(text.contains("COPY testdata/ldap/ /fixture/ldap/"), "{df}");
        }
    }
    let entry = std::fs::read_to_string(docker_dir().join("openldap/entrypoint")).unwrap();
    assert!(
        entry.contains("make-slapd-config"),
        "the entrypoint must use make-slapd-config"
    );
}

#[test]
fn entrypoints_are_valid_shell() {
    for script in [
        "openldap/entrypoint",
        "openldap/healthcheck",
        "openldap/defaults",
        "demo/entrypoint",
        "demo/healthcheck",
        "demo/defaults",
    ] {
        let status = Command::new("/bin/sh")
            .arg("-n")
            .arg(docker_dir().join(script))
            .status()
            .unwrap();
        assert!(status.success(), "sh -n {script}");
    }
}

/// Kills the entrypoint's slapd even when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The OpenLDAP image's entrypoint, run on this host with a fixture
/// directory laid out as the Dockerfile does: slapd serves the test users
/// over ldap:// and, with the certificate it made, over ldaps://.
#[test]
fn openldap_entrypoint_serves_the_test_directory() {
    let ldapsearch = require(LDAPSEARCH);
    require(testkit::tools::SLAPD);
    require(testkit::tools::OPENSSL);
    let fixture = tempfile::tempdir().unwrap();
    // slapd drops to the openldap user, which must reach the files.
    std::fs::set_permissions(fixture.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    copy_dir(
        &testkit::repo_root().join("testdata/ldap"),
        &fixture.path().join("ldap"),
    );
    let (port, tls_port) = (free_port(), free_port());
    let child = Command::new("/bin/sh")
        .arg(docker_dir().join("openldap/entrypoint"))
        .env("FIXTURE_DIR", fixture.path())
        .env("LDAP_PORT", port.to_string())
        .env("LDAPS_PORT", tls_port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _slapd = Running(child);
    wait_port(port);
    wait_port(tls_port);
    // The image's healthcheck probes the port the environment names.
    let healthy = |ldap_port: u16| {
        Command::new("/bin/sh")
            .arg(docker_dir().join("openldap/healthcheck"))
            .env("LDAP_PORT", ldap_port.to_string())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    assert!(healthy(port), "healthcheck failed on LDAP_PORT={port}");
    // Port 1: nothing listens there (a port just found free could be taken
    // by another test's server by now).
    assert!(!healthy(1), "healthcheck passed on a closed port");

    let search = |uri: &str| {
        let out = Command::new(ldapsearch)
            .args([
                "-x",
                "-LLL",
                "-H",
                uri,
                "-b",
                "dc=example,dc=org",
                "uid=carol",
                "loginShell",
            ])
            .env("LDAPTLS_CACERT", fixture.path().join("tls/ca.pem"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let plain = search(&format!("ldap://127.0.0.1:{port}"));
    assert!(
        plain.contains("dn: uid=carol,ou=people,dc=example,dc=org"),
        "{plain}"
    );
    assert!(plain.contains("loginShell: /bin/dash"), "{plain}");
    // The certificate names 127.0.0.1: the search over TLS verifies it.
    let tls = search(&format!("ldaps://127.0.0.1:{tls_port}"));
    assert_eq!(tls, plain);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "slapd did not listen on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Both images' entrypoints, run together in a private network namespace
/// (so slapd, vsftpd and sshd can take their real ports 389, 21 and 22, as
/// in the containers) with the container paths they write to replaced by
/// private copies: the demo host with `PAM_STACK=module` refuses carol by
/// FTP, admits alice, and pam_ldap_shell's line reaches syslog.
#[test]
fn demo_entrypoint_reproduces_the_story() {
    e2e::tools::require_all();
    require(LDAPSEARCH);
    let curl = require(e2e::tools::CURL);
    let module = &e2e::artifacts::get().module;
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    std::fs::set_permissions(t, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy_dir(
        &testkit::repo_root().join("testdata/ldap"),
        &t.join("ldapfix/ldap"),
    );
    for d in ["run", "pamd", "security"] {
        std::fs::create_dir(t.join(d)).unwrap();
        std::fs::set_permissions(t.join(d), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    copy_dir(Path::new("/etc/pam.d"), &t.join("pamd"));
    copy_dir(Path::new(e2e::tools::pam_module_dir()), &t.join("security"));
    let log = e2e::syslog::Catcher::bind(&t.join("log"));

    let mut cmd = Command::new(require(testkit::tools::BWRAP));
    cmd.args([
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/home",
    ]);
    let bind = |cmd: &mut Command, src: PathBuf, target: &str| {
        cmd.arg("--bind").arg(src).arg(target);
    };
    // The scratch directory itself stays writable (slapd's database, outputs).
    bind(&mut cmd, t.to_path_buf(), &t.display().to_string());
    bind(&mut cmd, t.join("run"), "/run");
    bind(&mut cmd, t.join("log"), "/dev/log");
    bind(&mut cmd, t.join("pamd"), "/etc/pam.d");
    bind(&mut cmd, t.join("security"), e2e::tools::pam_module_dir());
    for target in [
        "/etc/nslcd.conf",
        "/etc/nsswitch.conf",
        "/etc/ldap/ldap.conf",
        "/etc/shells",
    ] {
        let copy = t.join(target.trim_start_matches('/').replace('/', "_"));
        std::fs::copy(target, &copy).unwrap();
        bind(&mut cmd, copy, target);
    }
    let script = format!(
        r#"set -u
FIXTURE_DIR={t}/ldapfix sh {docker}/openldap/entrypoint >{t}/slapd.out 2>&1 &
i=0
until ldapsearch -x -H ldap://127.0.0.1:389/ -b dc=example,dc=org -s base dn >/dev/null 2>&1; do
  i=$((i+1)); [ $i -gt 150 ] && {{ echo "slapd did not start"; cat {t}/slapd.out; exit 1; }}; sleep 0.2
done
LDAP_URI=ldap://127.0.0.1:389/ PAM_STACK=module E2E_DIR={repo}/testdata/e2e ETC_DIR=/run/e2e \
  MODULE_SO={module} SYSLOGD= sh {docker}/demo/entrypoint >{t}/demo.out 2>&1 &
i=0
# The image's healthcheck: nslcd's socket, vsftpd and sshd listening.
until sh {docker}/demo/healthcheck; do
  i=$((i+1)); [ $i -gt 150 ] && {{ echo "the demo did not become healthy"; cat {t}/demo.out; exit 1; }}; sleep 0.2
done
for u in carol alice; do
  echo "== $u"
  {curl} -sS -v --max-time 30 ftp://127.0.0.1:21/ -u "$u:{password}" 2>&1 | grep -E '^< [0-9]{{3}} '
done
"#,
        t = t.display(),
        docker = docker_dir().display(),
        repo = testkit::repo_root().display(),
        module = module.display(),
        curl = curl,
        password = e2e::PASSWORD,
    );
    let out = cmd
        .args([
            "--unshare-net",
            "--unshare-pid",
            "--die-with-parent",
            "--cap-add",
            "ALL",
        ])
        .args(["--", "/bin/sh", "-c", &script])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let demo = std::fs::read_to_string(t.join("demo.out")).unwrap_or_default();
    let context = format!(
        "{stdout}\n{}\ndemo: {demo}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (carol, alice) = stdout.split_once("== alice").expect(&context);
    assert!(carol.contains("< 530 Login incorrect."), "{context}");
    assert!(alice.contains("< 230 Login successful."), "{context}");
    std::thread::sleep(Duration::from_millis(300));
    let lines = log.take();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("pam_ldap_shell(vsftpd:account): user \"carol\" refused")),
        "{lines:#?}\n{context}"
    );
}
