//! A server that answers the user's search and then hangs at the user's
//! bind (frozen or dead between the two operations): the login moves to
//! the next server, lookup and bind, through the real libpam (pamtester in
//! bwrap) against two real slapd holding the same entries. Server A is
//! reached through a relay (tests/support/ldap_proxy.rs) that relays the
//! search and its answer, then holds the bind: A hangs exactly there, and
//! the password never reaches it. B is behind a plain relay that counts.

mod common;
#[path = "support/ldap_proxy.rs"]
mod ldap_proxy;

use common::*;
use ldap_proxy::{Proxy, BIND, SEARCH};
use testkit::Slapd;

struct Pair {
    _a: Slapd,
    _b: Slapd,
    a: Proxy,
    b: Proxy,
}

impl Pair {
    /// Two slapd; A's relay holds every bind that follows a search.
    fn start() -> Pair {
        let (sa, sb) = (Slapd::start(), Slapd::start());
        let a = Proxy::start(sa.uri().trim_start_matches("ldap://"));
        let b = Proxy::start(sb.uri().trim_start_matches("ldap://"));
        a.hold_binds_after_search();
        Pair {
            _a: sa,
            _b: sb,
            a,
            b,
        }
    }

    /// The module line: A first, then B; each operation within 2 s.
    fn args(&self) -> String {
        format!(
            "uri={},{} base={BASE} timeout_ms=2000 connect_timeout_ms=2000",
            self.a.uri(),
            self.b.uri()
        )
    }

    /// How many binds and searches the client sent to `proxy`, all connections.
    fn ops(proxy: &Proxy, op: u8) -> usize {
        proxy
            .log()
            .iter()
            .map(|c| c.ops.iter().filter(|o| **o == op).count())
            .sum()
    }
}

#[test]
fn a_login_whose_first_server_hangs_at_the_bind_succeeds_on_the_second() {
    let pair = Pair::start();
    let run = login(&pair.args(), "alice");
    assert_result(&run, "PAM_SUCCESS");
    let (a, b) = (pair.a.uri(), pair.b.uri());
    assert_logged(
        &run,
        &[
            &format!("LDAP server {a} answered the lookup of user \"alice\" but not the bind"),
            "operation timed out (timeout_ms)",
            "looking the user up and binding again on the next server",
        ],
    );
    assert_logged(
        &run,
        &[&format!(
            "user \"alice\": LDAP server {b} answered the bind as \"uid=alice,ou=people,{BASE}\" after {a} failed at it"
        )],
    );
    // A: one search, one bind (held: the password never reached slapd A);
    // B: the lookup again and the bind that answered.
    assert_eq!(pair.a.connections(), 1, "{:?}", pair.a.log());
    assert_eq!(pair.a.log()[0].ops, [SEARCH, BIND]);
    assert_eq!(Pair::ops(&pair.b, SEARCH), 1, "{:?}", pair.b.log());
    assert_eq!(Pair::ops(&pair.b, BIND), 1, "{:?}", pair.b.log());
}

#[test]
fn a_wrong_password_after_the_hang_is_refused_by_the_second_alone() {
    let pair = Pair::start();
    let run = auth(&pair.args(), "alice", "wrong-password");
    assert_result(&run, "PAM_AUTH_ERR");
    assert_logged(
        &run,
        &[
            "authentication failure for user \"alice\"",
            "invalid credentials",
        ],
    );
    // Each server had the password once: no third attempt, no second on A.
    assert_eq!(Pair::ops(&pair.a, BIND), 1, "{:?}", pair.a.log());
    assert_eq!(Pair::ops(&pair.b, BIND), 1, "{:?}", pair.b.log());
}
