//! Servers that fail in the ways real ones do: accept TCP and never answer,
//! answer half a message, close in the middle of the first operation. Each
//! is given up within connect_timeout_ms + timeout_ms and the next URI is
//! tried; the log says which server was skipped and why. No timing asserts.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;
use testkit::Slapd;

#[derive(Clone, Copy)]
enum Misbehaviour {
    /// Accepts and keeps the connection open, never writing.
    Silent,
    /// Reads the request, writes the start of a BER SEQUENCE, then nothing.
    HalfAnswer,
    /// Reads the request and closes the connection.
    CloseMidRequest,
}

/// A loopback server that misbehaves with every client; returns its port.
fn fake_server(how: Misbehaviour) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake server");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            match how {
                Misbehaviour::Silent => held.push(stream),
                Misbehaviour::HalfAnswer => {
                    let mut buf = [0u8; 512];
                    let _ = stream.read(&mut buf);
                    // SEQUENCE of 0x0c bytes, messageID INTEGER header: 3 of 14 bytes.
                    let _ = stream.write_all(&[0x30, 0x0c, 0x02]);
                    held.push(stream);
                }
                Misbehaviour::CloseMidRequest => {
                    let mut buf = [0u8; 512];
                    let _ = stream.read(&mut buf);
                    drop(stream);
                }
            }
        }
    });
    port
}

const LIMITS: &str = "connect_timeout_ms=700 timeout_ms=700";

fn failover_args(first: &str) -> String {
    format!("uri={first},{} base={BASE} {LIMITS}", Slapd::shared().uri())
}

fn skipped_line<'a>(run: &'a testkit::PamRun, uri: &str) -> Option<&'a String> {
    run.syslog
        .iter()
        .find(|l| l.contains(&format!("LDAP server skipped: {uri}")))
}

#[test]
fn a_silent_server_times_out_and_the_next_uri_answers() {
    let first = format!("ldap://127.0.0.1:{}", fake_server(Misbehaviour::Silent));
    let run = auth(&failover_args(&first), "alice", PASSWORD);
    assert_result(&run, "PAM_SUCCESS");
    let line = skipped_line(&run, &first).unwrap_or_else(|| panic!("{run:#?}"));
    assert!(line.contains("timed out (timeout_ms)"), "{line}");
    // The account phase fails over the same way, and decides from the real server.
    let run = account(&failover_args(&first), "carol");
    assert_result(&run, "PAM_PERM_DENIED");
}

#[test]
fn a_half_answer_times_out_and_the_next_uri_answers() {
    let first = format!("ldap://127.0.0.1:{}", fake_server(Misbehaviour::HalfAnswer));
    let run = auth(&failover_args(&first), "alice", PASSWORD);
    assert_result(&run, "PAM_SUCCESS");
    let line = skipped_line(&run, &first).unwrap_or_else(|| panic!("{run:#?}"));
    assert!(line.contains("timed out"), "{line}");
    // A wrong password is still wrong after a failover.
    assert_result(
        &auth(&failover_args(&first), "alice", "wrong"),
        "PAM_AUTH_ERR",
    );
}

#[test]
fn a_server_closing_mid_request_is_skipped() {
    let first = format!(
        "ldap://127.0.0.1:{}",
        fake_server(Misbehaviour::CloseMidRequest)
    );
    let run = auth(&failover_args(&first), "alice", PASSWORD);
    assert_result(&run, "PAM_SUCCESS");
    assert!(skipped_line(&run, &first).is_some(), "{run:#?}");
    // With dn_template the first operation is the user's bind itself.
    let a = format!(
        "{} dn_template=uid=%u,ou=people,{BASE}",
        failover_args(&first)
    );
    assert_result(&auth(&a, "alice", PASSWORD), "PAM_SUCCESS");
}

#[test]
fn only_bad_servers_is_authinfo_unavail_naming_each() {
    let silent = format!("ldap://127.0.0.1:{}", fake_server(Misbehaviour::Silent));
    let closing = format!(
        "ldap://127.0.0.1:{}",
        fake_server(Misbehaviour::CloseMidRequest)
    );
    // A TLS handshake nobody answers is bounded by connect_timeout_ms.
    let tls = format!("ldaps://127.0.0.1:{}", fake_server(Misbehaviour::Silent));
    let a = format!("uri={silent},{closing},{tls} base={BASE} tls_reqcert=never {LIMITS}");
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    let lines = module_lines(&run);
    let refusal = lines
        .iter()
        .find(|l| l.contains("no server reachable"))
        .unwrap_or_else(|| panic!("{run:#?}"));
    assert!(
        refusal.contains(&format!("{silent}: operation timed out")),
        "{refusal}"
    );
    assert!(refusal.contains(&format!("{closing}: ")), "{refusal}");
    assert!(
        refusal.contains(&format!("{tls}: ")) && refusal.contains("timed out (connect_timeout_ms)"),
        "{refusal}"
    );
    assert_no_password_in(&run, &[PASSWORD]);
}

#[test]
fn starttls_refused_by_the_server_is_never_plain_text() {
    // The shared plain slapd has no certificate: it refuses StartTLS.
    let a = format!(
        "uri={} base={BASE} starttls {LIMITS}",
        Slapd::shared().uri()
    );
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert_logged(&run, &["no server reachable"]);
}

#[test]
fn in_one_transaction_the_account_phase_goes_straight_to_the_server_that_answered() {
    let first = format!("ldap://127.0.0.1:{}", fake_server(Misbehaviour::Silent));
    let good = Slapd::shared().uri().to_string();
    let a = format!("{} debug", failover_args(&first));
    // One pamtester run = one PAM handle: auth then account, as sshd does.
    let run = login(&a, "alice");
    assert_result(&run, "PAM_SUCCESS");
    assert_no_password_in(&run, &[PASSWORD]);
    let lines = module_lines(&run);
    let timed_out: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(&format!("{first}: operation timed out")))
        .collect();
    assert_eq!(timed_out.len(), 1, "{lines:#?}");
    assert!(timed_out[0].contains("(test:auth)"), "{lines:#?}");
    let account: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("(test:account)"))
        .collect();
    assert!(
        account.iter().any(|l| l.contains(&format!(
            "LDAP server {first} failed earlier in this PAM transaction: skipped, tried last"
        ))),
        "{lines:#?}"
    );
    assert!(
        account.iter().any(|l| l.contains(&format!(
            "LDAP server {good} answered earlier in this PAM transaction: tried first"
        ))),
        "{lines:#?}"
    );
    assert!(
        !account.iter().any(|l| l.contains("LDAP server skipped")),
        "{lines:#?}"
    );
}

#[test]
fn a_resolver_that_never_answers_is_given_up_after_connect_timeout() {
    // A DNS server that receives every query and answers none (glibc then
    // waits `timeout` seconds per attempt), on a loopback address of its
    // own; the sandbox's resolv.conf names only it.
    let nameserver = "127.53.0.1";
    let dns = std::net::UdpSocket::bind((nameserver, 53)).expect("bind udp/53 on 127.53.0.1");
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while dns.recv_from(&mut buf).is_ok() {}
    });
    let mut sb = sandbox("");
    sb.replace_file(
        "/etc/resolv.conf",
        &format!("nameserver {nameserver}\noptions timeout:30 attempts:1\n"),
    );
    let a = format!(
        "uri=ldap://ldap.never-answers.test,{} base={BASE} connect_timeout_ms=300",
        uri()
    );
    sb.service("test", &stack(&a));
    let run = sb.pamtester("test", "alice", &["authenticate"], &format!("{PASSWORD}\n"));
    // The name is given up after 300 ms (not 30 s) and the next URI answers.
    assert_result(&run, "PAM_SUCCESS");
    assert_logged(
        &run,
        &[
            "LDAP server skipped: ldap://ldap.never-answers.test",
            "resolving ldap.never-answers.test took longer than 300 ms (connect_timeout_ms)",
        ],
    );
}
