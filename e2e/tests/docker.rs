//! docker/: no Docker engine runs in CI, so the fixture is checked without
//! one: compose.yaml by `docker-compose config` (offline) and structurally,
//! the Dockerfiles' COPY sources against the repository, and the OpenLDAP
//! image's entrypoint by running it for real on this host (same script, same
//! testdata/ldap, same make-slapd-config) and searching the directory.

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
/// context, the repository root; images are pinned to a release.
#[test]
fn dockerfiles_copy_files_that_exist() {
    let root = testkit::repo_root();
    for df in ["openldap/Dockerfile", "demo/Dockerfile"] {
        let text = std::fs::read_to_string(docker_dir().join(df)).unwrap();
        for line in text.lines().map(str::trim) {
            if let Some(image) = line.strip_prefix("FROM ") {
                let image = image.split_whitespace().next().unwrap();
                assert!(
                    image.contains(':') && !image.ends_with(":latest"),
                    "{df}: unpinned base image {image}"
                );
            }
            let Some(args) = line.strip_prefix("COPY ") else {
                continue;
            };
            if args.starts_with("--from=") {
                continue;
            }
            let words: Vec<&str> = args.split_whitespace().collect();
            for src in &words[..words.len() - 1] {
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
    for script in ["openldap/entrypoint", "demo/entrypoint"] {
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
