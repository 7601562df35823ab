//! ldaps:// and StartTLS against a real slapd with a throw-away CA
//! (issue #6 hardens TLS further; these pin the basic behaviour).

mod common;
use common::*;
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
    let a = format!(
        "uri={} base={BASE} starttls tls_cacert={}",
        s.uri(),
        other_ca.display()
    );
    assert_result(&auth(&a, "alice", PASSWORD), "PAM_AUTHINFO_UNAVAIL");
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
    assert!(
        module_lines(&run)
            .iter()
            .any(|l| l.contains("option \"tls_cacert\"") && l.contains("no PEM certificate")),
        "{run:#?}"
    );
}
