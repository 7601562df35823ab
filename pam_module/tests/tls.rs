//! ldaps:// and StartTLS against a real slapd with a throw-away CA
//! (issue #6 hardens TLS further; these pin the basic behaviour).

mod common;
use common::*;
use std::path::PathBuf;
use testkit::Slapd;

fn tls_args(uri: &str, extra: &str) -> String {
    let ca = Slapd::shared_tls()
        .ca_cert()
        .expect("CA")
        .display()
        .to_string();
    format!("uri={uri} base={BASE} tls_cacert={ca} {extra}")
}

#[test]
fn ldaps_with_the_right_ca_authenticates() {
    let s = Slapd::shared_tls();
    let uri = s.ldaps_uri().expect("ldaps uri");
    assert_result(&auth(&tls_args(uri, ""), "alice", PASSWORD), "PAM_SUCCESS");
    assert_result(&auth(&tls_args(uri, ""), "alice", "wrong"), "PAM_AUTH_ERR");
    assert_result(&account(&tls_args(uri, ""), "carol"), "PAM_PERM_DENIED");
}

#[test]
fn a_directory_of_ca_files_works_as_tls_cacert() {
    let s = Slapd::shared_tls();
    let ca = s.ca_cert().expect("CA");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(ca, dir.path().join("test-ca.pem")).unwrap();
    let a = format!(
        "uri={} base={BASE} tls_cacert={}",
        s.ldaps_uri().unwrap(),
        dir.path().display()
    );
    assert_result(&auth(&a, "alice", PASSWORD), "PAM_SUCCESS");
}

#[test]
fn starttls_with_the_right_ca_authenticates() {
    let s = Slapd::shared_tls();
    assert_result(
        &auth(&tls_args(s.uri(), "starttls"), "alice", PASSWORD),
        "PAM_SUCCESS",
    );
}

#[test]
fn an_untrusted_certificate_is_refused_unless_reqcert_never() {
    let s = Slapd::shared_tls();
    let uri = s.ldaps_uri().expect("ldaps uri");
    // A CA that did not sign slapd's certificate.
    let other = tempfile::tempdir().unwrap();
    let other_ca = testkit::slapd::make_certs(other.path()).join("ca.pem");
    let a = format!("uri={uri} base={BASE} tls_cacert={}", other_ca.display());
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert_tls_reason(&run, "invalid peer certificate");
    let a = format!(
        "uri={} base={BASE} starttls tls_cacert={}",
        s.uri(),
        other_ca.display()
    );
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert_tls_reason(&run, "invalid peer certificate");
    let a = format!("uri={uri} base={BASE} tls_reqcert=never");
    assert_result(&auth(&a, "alice", PASSWORD), "PAM_SUCCESS");
}

#[test]
fn a_broken_ca_file_is_a_configuration_error() {
    let s = Slapd::shared_tls();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ca.pem");
    std::fs::write(&bad, "garbage").unwrap();
    let a = format!(
        "uri={} base={BASE} tls_cacert={}",
        s.ldaps_uri().unwrap(),
        bad.display()
    );
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_SERVICE_ERR");
    assert_logged(&run, &["option \"tls_cacert\"", "no PEM certificate"]);
}

fn assert_tls_reason(run: &testkit::PamRun, reason: &str) {
    assert!(
        module_lines(run)
            .iter()
            .any(|l| l.contains("cannot check user \"alice\"") && l.contains(reason)),
        "expected a log line naming {reason:?}: {run:#?}"
    );
}

/// `openssl s_server` with a leaf certificate our test CA signed: the TLS
/// handshake fails before any LDAP is spoken, which is what these tests need.
struct TlsServer {
    child: std::process::Child,
    port: u16,
}

impl TlsServer {
    fn start(cert: &std::path::Path, key: &std::path::Path) -> TlsServer {
        let openssl = testkit::tools::require(testkit::tools::OPENSSL);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let mut child = std::process::Command::new(openssl)
            .args(["s_server", "-quiet", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(cert)
            .arg("-key")
            .arg(key)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return TlsServer { child, port };
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("openssl s_server did not listen on {port}");
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A leaf certificate signed by the CA in `dir` (from make_certs), for
/// `san` and valid for `days` (negative: already expired).
fn leaf(dir: &std::path::Path, name: &str, san: &str, days: i32) -> (PathBuf, PathBuf) {
    let openssl = testkit::tools::require(testkit::tools::OPENSSL);
    let (key, csr, pem, ext) = (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.csr")),
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.ext")),
    );
    std::fs::write(
        &ext,
        format!("subjectAltName={san}\nextendedKeyUsage=serverAuth\n"),
    )
    .unwrap();
    let ok = std::process::Command::new(openssl)
        .args([
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&csr)
        .args(["-subj", "/CN=leaf"])
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "openssl req");
    let ok = std::process::Command::new(openssl)
        .args([
            "x509",
            "-req",
            "-CAcreateserial",
            "-days",
            &days.to_string(),
        ])
        .arg("-in")
        .arg(&csr)
        .arg("-CA")
        .arg(dir.join("ca.pem"))
        .arg("-CAkey")
        .arg(dir.join("ca.key"))
        .arg("-out")
        .arg(&pem)
        .arg("-extfile")
        .arg(&ext)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "openssl x509");
    (pem, key)
}

#[test]
fn wrong_name_and_expired_certificates_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let ca = testkit::slapd::make_certs(dir.path()).join("ca.pem");
    let cases = [
        (
            "wrongname",
            "DNS:ldap.wrong.example",
            2,
            "certificate not valid for name",
        ),
        ("expired", "IP:127.0.0.1", -1, "Expired"),
    ];
    for (name, san, days, reason) in cases {
        let (pem, key) = leaf(dir.path(), name, san, days);
        let server = TlsServer::start(&pem, &key);
        let a = format!(
            "uri=ldaps://127.0.0.1:{} base={BASE} tls_cacert={} connect_timeout_ms=1000 timeout_ms=1000",
            server.port,
            ca.display()
        );
        let run = auth(&a, "alice", PASSWORD);
        assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
        assert_tls_reason(&run, reason);
        // With verification off the handshake succeeds (then s_server speaks no
        // LDAP and the operation times out): the refusal above was verification's.
        let run = auth(&format!("{a} tls_reqcert=never"), "alice", PASSWORD);
        assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
        assert!(
            !module_lines(&run)
                .iter()
                .any(|l| l.contains("invalid peer certificate")),
            "{run:#?}"
        );
        drop(server);
    }
}

#[test]
fn the_invoking_users_environment_cannot_choose_the_trusted_ca() {
    // In su, passwd or chsh (setuid root) the environment is the caller's.
    // Without tls_cacert the module trusts the system bundle at its fixed
    // path, never SSL_CERT_FILE/SSL_CERT_DIR: the test CA is in neither.
    let s = Slapd::shared_tls();
    let uri = s.ldaps_uri().expect("ldaps uri");
    let ca = s.ca_cert().expect("CA");
    let ca_dir = ca.parent().expect("CA dir");
    let mut sb = sandbox("");
    for conf in ["/etc/ldap/ldap.conf", "/etc/openldap/ldap.conf"] {
        if std::path::Path::new(conf).exists() {
            sb.replace_file(conf, "# no TLS_CACERT\n");
        }
    }
    let a = format!("uri={uri} base={BASE}");
    sb.service("test", &stack(&a));
    let env = [
        "/usr/bin/env".to_string(),
        format!("SSL_CERT_FILE={}", ca.display()),
        format!("SSL_CERT_DIR={}", ca_dir.display()),
    ];
    let wrapper: Vec<&str> = env.iter().map(String::as_str).collect();
    let run = sb.pamtester_wrapped(
        &wrapper,
        "test",
        "alice",
        &["authenticate"],
        &format!("{PASSWORD}\n"),
        &[],
    );
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert_tls_reason(&run, "invalid peer certificate");
    // Control: the same CA, configured, is trusted.
    assert_result(&auth(&tls_args(uri, ""), "alice", PASSWORD), "PAM_SUCCESS");
}
