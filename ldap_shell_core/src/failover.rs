//! Failover memory within one PAM transaction: auth, account and password
//! run as separate hook calls on the same handle, each with a fresh
//! connection. Without memory each starts at the first URI and a hung first
//! server costs its timeout in every phase; with it, a later phase starts at
//! the server that answered and tries the ones that failed last (still
//! tried: if the others fail now, nothing is lost).

use crate::options::Options;
use crate::pam_ops::{PamOps, Priority};

/// What earlier hook calls on this handle learnt about the servers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerMemory {
    /// The server that last answered.
    pub answered: Option<String>,
    /// Servers given up earlier in this transaction (timed out, closed...).
    pub failed: Vec<String>,
    /// What each `uri=dns...` entry stood for, looked up once per transaction.
    pub discovered: Vec<(String, Vec<String>)>,
}

impl ServerMemory {
    /// `uris` reordered: the server that answered earlier first, then the
    /// others in configured order, the ones that failed earlier last.
    pub fn order(&self, uris: &[String]) -> Vec<String> {
        let answered = uris.iter().filter(|u| self.answered.as_ref() == Some(*u));
        let fresh = uris
            .iter()
            .filter(|u| self.answered.as_ref() != Some(*u) && !self.failed.contains(u));
        let failed = uris
            .iter()
            .filter(|u| self.answered.as_ref() != Some(*u) && self.failed.contains(u));
        answered.chain(fresh).chain(failed).cloned().collect()
    }

    /// Adds what one hook call saw: `answered` (if any) and the servers it gave up.
    pub fn record(&mut self, answered: Option<&str>, failed: &[String]) {
        for uri in failed {
            if !self.failed.contains(uri) {
                self.failed.push(uri.clone());
            }
            if self.answered.as_ref() == Some(uri) {
                self.answered = None;
            }
        }
        if let Some(uri) = answered {
            self.failed.retain(|f| f != uri);
            self.answered = Some(uri.to_string());
        }
    }
}

/// `uri` with each `dns...` entry replaced by the servers its SRV records
/// name (looked up once per PAM transaction, within connect_timeout_ms,
/// and kept in `memory`); a lookup that fails is logged and contributes no
/// server.
pub fn servers(pam: &mut dyn PamOps, memory: &mut ServerMemory, opts: &Options) -> Vec<String> {
    let mut out = Vec::new();
    for entry in &opts.uris {
        let Some(Ok(spec)) = crate::discovery::SrvSpec::parse(entry) else {
            out.push(entry.clone());
            continue;
        };
        if let Some((_, found)) = memory.discovered.iter().find(|(e, _)| e == entry) {
            out.extend(found.iter().cloned());
            continue;
        }
        match crate::discovery::discover(&spec, opts.connect_timeout) {
            Ok(found) => {
                if opts.debug {
                    pam.syslog(
                        Priority::Debug,
                        &format!("uri {entry}: servers from DNS SRV: {}", found.join(", ")),
                    );
                }
                out.extend(found.iter().cloned());
                memory.discovered.push((entry.clone(), found));
            }
            Err(why) => pam.syslog(
                Priority::Err,
                &format!("uri {entry}: no LDAP server from DNS: {why}"),
            ),
        }
    }
    out
}

/// The servers to try in this hook call, in order; says in the log which
/// ones are moved last because they failed earlier in this transaction.
pub fn plan(pam: &mut dyn PamOps, memory: &mut ServerMemory, opts: &Options) -> Vec<String> {
    let uris = servers(pam, memory, opts);
    let order = memory.order(&uris);
    for uri in order.iter().filter(|u| memory.failed.contains(u)) {
        pam.syslog(
            Priority::Info,
            &format!(
                "LDAP server {uri} failed earlier in this PAM transaction: skipped, tried last"
            ),
        );
    }
    if opts.debug {
        if let Some(uri) = memory
            .answered
            .as_ref()
            .filter(|u| order.first() == Some(*u))
        {
            pam.syslog(
                Priority::Debug,
                &format!("LDAP server {uri} answered earlier in this PAM transaction: tried first"),
            );
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{options, FakePam};

    fn uris(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nothing_known_keeps_the_configured_order() {
        let all = uris(&["a", "b", "c"]);
        assert_eq!(ServerMemory::default().order(&all), all);
    }

    #[test]
    fn the_server_that_answered_goes_first_and_failed_ones_last() {
        let mut m = ServerMemory::default();
        m.record(Some("c"), &uris(&["a"]));
        assert_eq!(m.order(&uris(&["a", "b", "c"])), uris(&["c", "b", "a"]));
    }

    #[test]
    fn failed_servers_are_still_tried_last_in_configured_order() {
        let mut m = ServerMemory::default();
        m.record(None, &uris(&["b", "a"]));
        assert_eq!(m.order(&uris(&["a", "b", "c"])), uris(&["c", "a", "b"]));
    }

    #[test]
    fn servers_not_configured_in_this_stack_line_are_ignored() {
        let mut m = ServerMemory::default();
        m.record(Some("x"), &uris(&["y"]));
        assert_eq!(m.order(&uris(&["a", "b"])), uris(&["a", "b"]));
    }

    #[test]
    fn a_server_that_answers_later_is_no_longer_failed_and_vice_versa() {
        let mut m = ServerMemory::default();
        m.record(Some("a"), &[]);
        m.record(Some("b"), &uris(&["a"]));
        assert_eq!(m.answered.as_deref(), Some("b"));
        assert_eq!(m.failed, uris(&["a"]));
        m.record(Some("a"), &uris(&["b"]));
        assert_eq!(m.answered.as_deref(), Some("a"));
        assert_eq!(m.failed, uris(&["b"]));
        assert_eq!(m.order(&uris(&["a", "b"])), uris(&["a", "b"]));
    }

    #[test]
    fn plan_logs_each_skipped_server_after_the_outcome_is_recorded() {
        let mut pam = FakePam::new("alice", &[]);
        let mut memory = ServerMemory::default();
        let opts = options(&["uri=ldap://hung,ldap://good", "debug"]);
        assert_eq!(plan(&mut pam, &mut memory, &opts), opts.uris);
        assert!(pam.logs.is_empty(), "{:?}", pam.logs);
        memory.record(Some("ldap://good"), &uris(&["ldap://hung"]));
        let order = plan(&mut pam, &mut memory, &opts);
        assert_eq!(order, uris(&["ldap://good", "ldap://hung"]));
        assert!(pam.logged("LDAP server ldap://hung failed earlier in this PAM transaction"));
        assert!(pam.logged("LDAP server ldap://good answered earlier"));
    }
}
