//! Host names to addresses within a time limit. getaddrinfo has no timeout
//! of its own (resolv.conf's `timeout`/`attempts` can add up to many
//! seconds, and NSS modules may block longer), so a name is resolved on a
//! short-lived thread and waited for at most `connect_timeout_ms`; a lookup
//! that outlives the wait finishes on its own thread and is discarded.
//! Literal addresses never start a thread.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

/// The addresses of `host`:`port`, or why there are none in time.
pub fn resolve(host: &str, port: u16, limit: Duration) -> Result<Vec<SocketAddr>, String> {
    resolve_with(host, port, limit, getaddrinfo)
}

/// The system resolver (NSS: /etc/hosts, DNS, ...), blocking.
fn getaddrinfo(name: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    (name, port)
        .to_socket_addrs()
        .map(|a| a.collect())
        .map_err(|e| e.to_string())
}

type Lookup = fn(&str, u16) -> Result<Vec<SocketAddr>, String>;

/// `resolve` with the blocking `lookup` given (tests pass a slow one).
fn resolve_with(
    host: &str,
    port: u16,
    limit: Duration,
    lookup: Lookup,
) -> Result<Vec<SocketAddr>, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = mpsc::channel();
    let name = host.to_string();
    let worker = std::thread::Builder::new()
        .name("pam_ldap_shell-resolve".into())
        .spawn(move || {
            // The waiter may have given up: nobody to tell then.
            let _ = tx.send(lookup(&name, port));
        })
        .map_err(|e| format!("cannot resolve {host}: no thread for the lookup: {e}"))?;
    let answer = rx.recv_timeout(limit);
    if answer.is_ok() {
        // It has sent its answer and is ending: no thread outlives the call.
        let _ = worker.join();
    }
    match answer {
        Ok(Ok(addrs)) if addrs.is_empty() => Err(format!("{host} resolves to no address")),
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(e)) => Err(format!("cannot resolve {host}: {e}")),
        Err(_) => Err(format!(
            "resolving {host} took longer than {} ms (connect_timeout_ms)",
            limit.as_millis()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_addresses_need_no_lookup() {
        let a = resolve("127.0.0.1", 389, Duration::ZERO).unwrap();
        assert_eq!(a, vec!["127.0.0.1:389".parse().unwrap()]);
        let a = resolve("::1", 636, Duration::ZERO).unwrap();
        assert_eq!(a, vec!["[::1]:636".parse().unwrap()]);
    }

    #[test]
    fn names_resolve_within_the_limit() {
        let a = resolve("localhost", 389, Duration::from_secs(5)).unwrap();
        assert!(
            a.iter().all(|a| a.ip().is_loopback() && a.port() == 389),
            "{a:?}"
        );
    }

    fn hung(_: &str, _: u16) -> Result<Vec<SocketAddr>, String> {
        std::thread::sleep(Duration::from_secs(30));
        Err("never answered".into())
    }

    #[test]
    fn a_lookup_slower_than_the_limit_is_given_up() {
        let start = std::time::Instant::now();
        let e = resolve_with("ldap.example", 389, Duration::from_millis(100), hung).unwrap_err();
        assert!(e.contains("longer than 100 ms (connect_timeout_ms)"), "{e}");
        // Not a timing assertion on speed: only that the 30 s lookup was not awaited.
        assert!(start.elapsed() < Duration::from_secs(20));
    }
}
