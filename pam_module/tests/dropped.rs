//! A server behind a netfilter DROP rule (packets vanish, as with a
//! firewall): in a network namespace of this test's own, with its own slapd
//! on loopback. The dropped server is given up at connect_timeout_ms and the
//! next URI answers; alone, it is PAM_AUTHINFO_UNAVAIL saying "timed out".
//! One test in this binary: the namespace belongs to the test's thread.

mod common;
#[path = "support/netns.rs"]
mod netns;

use common::*;

#[test]
fn a_dropping_server_is_skipped_for_the_next_uri() {
    netns::enter_private_netns();
    // Started from this thread: slapd lives in the private namespace.
    let slapd = testkit::Slapd::start();
    let dropped = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dropped.local_addr().unwrap().port();
    netns::drop_port(port);
    let first = format!("ldap://127.0.0.1:{port}");
    let limits = "connect_timeout_ms=700 timeout_ms=700";
    let a = format!("uri={first},{} base={BASE} {limits}", slapd.uri());
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_SUCCESS");
    assert!(
        run.syslog.iter().any(
            |l| l.contains(&format!("LDAP server skipped: {first}")) && l.contains("timed out")
        ),
        "{run:#?}"
    );
    let run = auth(
        &format!("uri={first} base={BASE} {limits}"),
        "alice",
        PASSWORD,
    );
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert!(
        module_lines(&run).iter().any(|l| l.contains("timed out")),
        "{run:#?}"
    );
    drop(dropped);
}
