//! Servers discovered from DNS SRV records (`uri=dns`), against a real
//! dnsmasq on a loopback address of its own and a real slapd: the sandbox's
//! /etc/resolv.conf names only that DNS server and the test domain.

mod common;
use common::*;
use std::process::{Child, Command, Stdio};

/// dnsmasq answering for example.test on `addr`:53 only; killed on drop
/// (and by `timeout` should this process die first).
struct Dns(Child);

impl Dns {
    fn start(addr: &str, records: &[String]) -> Dns {
        let dnsmasq = testkit::tools::require(("/usr/sbin/dnsmasq", "dnsmasq-base"));
        let mut cmd = Command::new("/usr/bin/timeout");
        cmd.args(["300", dnsmasq])
            .args([
                "--keep-in-foreground",
                "--conf-file=/dev/null",
                "--pid-file=",
            ])
            .args([
                "--no-resolv",
                "--no-hosts",
                "--bind-interfaces",
                "--port=53",
            ])
            .arg(format!("--listen-address={addr}"))
            .args(records)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let child = cmd.spawn().expect("start dnsmasq");
        // Ready when it answers: poll with a query of our own.
        let dns = Dns(child);
        for _ in 0..100 {
            if std::net::UdpSocket::bind("127.0.0.1:0")
                .and_then(|s| {
                    s.set_read_timeout(Some(std::time::Duration::from_millis(50)))?;
                    // A minimal query for "test." type A.
                    let q = [
                        0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, b't', b'e', b's', b't', 0, 0,
                        1, 0, 1,
                    ];
                    s.send_to(&q, (addr, 53))?;
                    let mut buf = [0u8; 512];
                    s.recv_from(&mut buf).map(|_| ())
                })
                .is_ok()
            {
                return dns;
            }
        }
        panic!("dnsmasq did not answer on {addr}:53");
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        // SIGTERM, which `timeout` passes on to dnsmasq (a SIGKILL would
        // only end `timeout` and leave dnsmasq answering on the address).
        let pid = self.0.id() as libc::pid_t;
        // SAFETY: kill(2) on our own child's pid; no memory is involved.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

/// A loopback address of this test run's own (127.53.X.Y), so a server
/// of another run cannot answer in its place.
fn own_address() -> String {
    let n = std::process::id();
    format!("127.53.{}.{}", (n >> 8) % 250 + 1, n % 250 + 1)
}

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
