//! A loopback TCP relay in front of slapd that counts connections and
//! records, per connection, the LDAP operations the client sent (the
//! protocolOp tag of each LDAPMessage: 0x60 bind, 0x63 search, 0x42
//! unbind...) and whether the client closed it. It can also close a
//! connection as a server would (idletimeout, restart), or stop answering
//! a connection at its bind after a search (a server frozen or dead right
//! after answering the user's search).
//!
//! LDAP messages are BER: SEQUENCE (0x30), a definite length, the
//! messageID INTEGER, then the protocolOp whose tag names the operation.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIND: u8 = 0x60;
pub const UNBIND: u8 = 0x42;
pub const SEARCH: u8 = 0x63;
const BIND_RESPONSE: u8 = 0x61;

#[derive(Default, Debug, Clone)]
pub struct ConnLog {
    /// protocolOp tags of the client's requests, in order.
    pub ops: Vec<u8>,
    /// The client closed its side (EOF read from the client).
    pub client_closed: bool,
}

#[derive(Default)]
struct State {
    conns: Vec<ConnLog>,
    /// Both sockets of every open connection, to close them on request.
    sockets: Vec<(TcpStream, TcpStream)>,
    /// Close the first connection right after relaying its first bind response.
    close_after_first_bind: bool,
    /// Never relay a bind that follows a search on its connection.
    hold_binds_after_search: bool,
}

/// The relays' own loopback address. Not 127.0.0.1: other tests (in this
/// process or any other on the host) pick a port "free" on 127.0.0.1, close
/// it, then start a server there and probe it; when a relay has taken that
/// port meanwhile, their probes and clients would reach the relay and be
/// counted as the module's connections.
const RELAY_ADDR: &str = "127.0.33.1";

pub struct Proxy {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl Proxy {
    /// Relays RELAY_ADDR:<new port> to `upstream` (host:port).
    pub fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind((RELAY_ADDR, 0)).expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let upstream = upstream.to_string();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                relay(client, server, &shared);
            }
        });
        Proxy { port, state }
    }

    /// `ldap://RELAY_ADDR:PORT` of the relay.
    pub fn uri(&self) -> String {
        format!("ldap://{RELAY_ADDR}:{}", self.port)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().conns.len()
    }

    pub fn log(&self) -> Vec<ConnLog> {
        self.state.lock().unwrap().conns.clone()
    }

    /// The first connection is closed by the "server" right after its
    /// first bind response (what an idletimeout or a restart does to a
    /// connection kept between auth and account).
    pub fn close_after_first_bind(&self) {
        self.state.lock().unwrap().close_after_first_bind = true;
    }

    /// From now on, a bind sent on a connection that already carried a
    /// search is recorded but never relayed: the server answered the
    /// search, and the bind waits forever (the password never reaches it).
    pub fn hold_binds_after_search(&self) {
        self.state.lock().unwrap().hold_binds_after_search = true;
    }

    /// Client sockets of this host connected to the relay and still open
    /// (ESTABLISHED): the module's side, seen by the kernel, so a socket
    /// closed before a call returns is never counted. Asked of the kernel
    /// with `ss` (sock_diag, filtered in the kernel, one pass over the
    /// socket table), not read from /proc/net/tcp: that file is made a page
    /// at a time, each page resuming the walk of the hash table by position,
    /// so while other sockets come and go (a busy host has thousands, in
    /// TIME_WAIT) one line can be listed twice, or not at all.
    pub fn client_sockets_open(&self) -> usize {
        let out = Command::new(testkit::tools::require(testkit::tools::SS))
            .args(["-H", "-t", "-n", "state", "established", "dst"])
            .arg(format!("{RELAY_ADDR}:{}", self.port))
            .output()
            .expect("run ss");
        assert!(
            out.status.success(),
            "ss: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count()
    }

    /// Closes every open connection now, as a restarting server would.
    pub fn close_all(&self) {
        for (c, s) in self.state.lock().unwrap().sockets.drain(..) {
            let _ = c.shutdown(Shutdown::Both);
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// Waits (up to 10 s: this waits for an event, it measures nothing)
    /// until connection `i` is closed by the client; returns whether it was.
    pub fn wait_client_closed(&self, i: usize) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.log().get(i).is_some_and(|c| c.client_closed) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// The operations client connection `i` carried, once the client has
    /// closed it (an unbind has no answer: only the close says the relay
    /// has seen everything).
    pub fn closed_ops(&self, i: usize) -> Vec<u8> {
        assert!(
            self.wait_client_closed(i),
            "connection {i} not closed: {:?}",
            self.log()
        );
        self.log()[i].ops.clone()
    }
}

fn relay(client: TcpStream, server: TcpStream, state: &Arc<Mutex<State>>) {
    let index = {
        let mut st = state.lock().unwrap();
        st.conns.push(ConnLog::default());
        if let (Ok(c), Ok(s)) = (client.try_clone(), server.try_clone()) {
            st.sockets.push((c, s));
        }
        st.conns.len() - 1
    };
    let (Ok(c_read), Ok(s_write), Ok(s_read), Ok(c_write)) = (
        client.try_clone(),
        server.try_clone(),
        server.try_clone(),
        client.try_clone(),
    ) else {
        return;
    };
    let up = state.clone();
    std::thread::spawn(move || pump(c_read, s_write, |msg| record_request(&up, index, msg)));
    let down = state.clone();
    std::thread::spawn(move || {
        let mut closed = false;
        pump(s_read, c_write, |msg| {
            if !closed && index == 0 && msg.and_then(op_tag) == Some(BIND_RESPONSE) {
                let st = down.lock().unwrap();
                if st.close_after_first_bind {
                    closed = true;
                    return Action::CloseAfter;
                }
            }
            Action::Relay
        });
    });
    let _ = (client, server);
}

enum Action {
    Relay,
    /// Record this message, relay nothing.
    Hold,
    /// Relay this message, then close both sides.
    CloseAfter,
}

fn record_request(state: &Arc<Mutex<State>>, index: usize, msg: Option<&[u8]>) -> Action {
    let mut st = state.lock().unwrap();
    match msg {
        Some(m) => {
            if let Some(tag) = op_tag(m) {
                let after_search = st.conns[index].ops.contains(&SEARCH);
                st.conns[index].ops.push(tag);
                if tag == BIND && after_search && st.hold_binds_after_search {
                    return Action::Hold;
                }
            }
        }
        None => st.conns[index].client_closed = true,
    }
    Action::Relay
}

/// Copies whole LDAP messages from `from` to `to`, calling `seen` with each
/// (and with None at EOF, for the client side's record).
fn pump(mut from: TcpStream, mut to: TcpStream, mut seen: impl FnMut(Option<&[u8]>) -> Action) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 16384];
    loop {
        let n = match from.read(&mut chunk) {
            Ok(0) | Err(_) => {
                seen(None);
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        while let Some(len) = message_len(&buf) {
            let msg: Vec<u8> = buf.drain(..len).collect();
            let action = seen(Some(&msg));
            if let Action::Hold = action {
                continue;
            }
            if to.write_all(&msg).is_err() {
                return;
            }
            if let Action::CloseAfter = action {
                let _ = to.shutdown(Shutdown::Both);
                let _ = from.shutdown(Shutdown::Both);
                return;
            }
        }
        // Not LDAP (e.g. a TLS handshake): relay the bytes as they are.
        if !buf.is_empty() && buf[0] != 0x30 {
            if to.write_all(&buf).is_err() {
                return;
            }
            buf.clear();
        }
    }
}

/// The length of the complete BER element at the start of `buf`, if there is one.
fn message_len(buf: &[u8]) -> Option<usize> {
    if buf.len() < 2 || buf[0] != 0x30 {
        return None;
    }
    let (header, len) = ber_length(&buf[1..])?;
    let total = 1 + header + len;
    (buf.len() >= total).then_some(total)
}

/// (bytes of the length field, the length) of a BER definite length.
fn ber_length(b: &[u8]) -> Option<(usize, usize)> {
    let first = *b.first()?;
    if first < 0x80 {
        return Some((1, first as usize));
    }
    let n = (first & 0x7f) as usize;
    if n == 0 || n > 4 || b.len() < 1 + n {
        return None;
    }
    let len = b[1..=n]
        .iter()
        .fold(0usize, |acc, x| (acc << 8) | *x as usize);
    Some((1 + n, len))
}

/// The protocolOp tag of a complete LDAPMessage.
fn op_tag(msg: &[u8]) -> Option<u8> {
    let (h, _) = ber_length(msg.get(1..)?)?;
    let id_at = 1 + h;
    if *msg.get(id_at)? != 0x02 {
        return None;
    }
    let (ih, ilen) = ber_length(msg.get(id_at + 1..)?)?;
    msg.get(id_at + 1 + ih + ilen).copied()
}
