//! Servers discovered from DNS SRV records (`uri=dns`), against a real
//! dnsmasq on a loopback address of its own and a real slapd: the sandbox's
//! /etc/resolv.conf names only that DNS server and the test domain.

mod common;
#[path = "support/dns.rs"]
mod dns;
use common::*;
use dns::{own_address, Dns};

fn port_of(uri: &str) -> u16 {
    uri.rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port")
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn sandbox_with_dns(nameserver: &str, module_args: &str) -> testkit::Sandbox {
    let mut sb = sandbox(module_args);
    sb.replace_file(
        "/etc/resolv.conf",
        &format!("nameserver {nameserver}\nsearch example.test\noptions timeout:30 attempts:1\n"),
    );
    sb
}

#[test]
fn servers_come_from_srv_records_in_priority_order() {
    let live = port_of(&uri());
    let dead = closed_port();
    let ns = own_address();
    let ns = ns.as_str();
    let _dns = Dns::start(
        ns,
        &[
            "--host-record=ldap-a.example.test,127.0.0.1".into(),
            "--host-record=ldap-b.example.test,127.0.0.1".into(),
            format!("--srv-host=_ldap._tcp.example.test,ldap-a.example.test,{dead},10,100"),
            format!("--srv-host=_ldap._tcp.example.test,ldap-b.example.test,{live},20,100"),
        ],
    );
    // The domain from resolv.conf's search line.
    let a = format!("uri=dns base={BASE} connect_timeout_ms=2000 debug");
    let run = sandbox_with_dns(ns, &a).pamtester(
        "test",
        "alice",
        &["authenticate", "acct_mgmt"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_SUCCESS");
    assert_logged(
        &run,
        &[&format!(
            "uri dns: servers from DNS SRV: ldap://ldap-a.example.test:{dead}, ldap://ldap-b.example.test:{live}"
        )],
    );
    assert_logged(
        &run,
        &[&format!(
            "LDAP server skipped: ldap://ldap-a.example.test:{dead}"
        )],
    );
    // Looked up once per transaction: the account phase reuses the answer.
    let lookups = run.log_lines_with("servers from DNS SRV").len();
    assert_eq!(lookups, 1, "{run:#?}");
    // An explicit domain without records: no server, the reason logged.
    let a = format!("uri=dns:nowhere.test base={BASE} connect_timeout_ms=2000");
    let run = sandbox_with_dns(ns, &a).pamtester(
        "test",
        "alice",
        &["authenticate"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert_logged(
        &run,
        &[
            "uri dns:nowhere.test: no LDAP server from DNS",
            "_ldap._tcp.nowhere.test",
        ],
    );
}

#[test]
fn a_dns_server_that_never_answers_costs_at_most_connect_timeout() {
    let ns = "127.53.0.4";
    let silent = std::net::UdpSocket::bind((ns, 53)).expect("bind udp/53");
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while silent.recv_from(&mut buf).is_ok() {}
    });
    // dns first, then a literal server that answers.
    let a = format!("uri=dns,{} base={BASE} connect_timeout_ms=300", uri());
    let run = sandbox_with_dns(ns, &a).pamtester(
        "test",
        "alice",
        &["authenticate"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_SUCCESS");
    assert_logged(
        &run,
        &["SRV lookup of _ldap._tcp.example.test. took longer than 300 ms (connect_timeout_ms)"],
    );
}
