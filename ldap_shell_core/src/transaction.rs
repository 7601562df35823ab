//! Everything one PAM transaction carries from one hook call to the next,
//! as one value: auth, account and password are separate calls on one
//! handle. The module's FFI layer keeps it on the handle under one
//! owner-checked key (the module crate's `ffi::state_slot`); the core only
//! sees a `&mut Transaction`.
//!
//! - `servers`: the failover memory and SRV answers (`failover.rs`);
//! - `handover`: what auth leaves for account: the entry it read
//!   (`recent.rs`) and a password change found due;
//! - `parked`: the LDAP connection kept for the next call (`parked.rs`).

use crate::failover::ServerMemory;
use crate::parked::{Parked, Unbind};
use crate::recent::RecentEntry;

/// The server told the auth phase that `user` must change the password
/// (ppolicy changeAfterReset, or a grace login): the account phase of the
/// same handle answers PAM_NEW_AUTHTOK_REQD. `why` is for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueChange {
    pub user: String,
    pub why: String,
}

/// What the auth phase leaves for the account phase of the same handle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handover {
    /// The entry auth read (used once, `recent::recall`).
    pub recent: Option<RecentEntry>,
    /// A password change the server said is due (used once).
    pub due: Option<DueChange>,
}

/// The transaction state (`C`: the kept connection; `Box<LdapConn>` in
/// the module, a fake in tests).
#[derive(Debug)]
pub struct Transaction<C> {
    pub servers: ServerMemory,
    pub handover: Handover,
    pub parked: Option<Parked<C>>,
}

impl<C> Default for Transaction<C> {
    fn default() -> Self {
        Transaction {
            servers: ServerMemory::default(),
            handover: Handover::default(),
            parked: None,
        }
    }
}

impl<C> Transaction<C> {
    /// Nothing worth storing on the handle.
    pub fn is_empty(&self) -> bool {
        self.servers == ServerMemory::default()
            && self.handover == Handover::default()
            && self.parked.is_none()
    }
}

/// Wherever a state is dropped (a panic unwinding, a handle that cannot
/// store it), a connection another process made is forgotten, never closed:
/// closing it would unregister the parent's socket from the epoll instance
/// they share.
impl<C> Drop for Transaction<C> {
    fn drop(&mut self) {
        if let Some(p) = self.parked.take() {
            if p.meta.pid != std::process::id() {
                std::mem::forget(p);
            }
        }
    }
}

/// pam_end's cleanup of the state: the kept connection is released
/// (`parked::release`: closed, quietly with PAM_DATA_SILENT, or only
/// forgotten in a forked child); the rest is dropped.
pub fn end<C: Unbind>(mut state: Transaction<C>, silent: bool) {
    if let Some(p) = state.parked.take() {
        crate::parked::release(p, silent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parked::ParkedMeta;
    use crate::reuse::ConnKey;
    use crate::testing::{options, ConnLog, FakeConn};

    fn parked(log: &ConnLog, pid: u32) -> Transaction<FakeConn> {
        let opts = options(&[]);
        let mut state = Transaction::default();
        state.parked = Some(Parked {
            conn: FakeConn::new(1, log),
            meta: ParkedMeta {
                uri: "ldap://a".into(),
                key: ConnKey::of(&opts),
                pid,
                user_bound: false,
                timeout: opts.timeout,
            },
        });
        state
    }

    #[test]
    fn the_owner_unbinds_at_pam_end() {
        let log = ConnLog::default();
        end(parked(&log, std::process::id()), false);
        assert_eq!(log.events(), ["unbind 1", "drop 1"]);
    }

    #[test]
    fn a_silent_end_in_the_owner_closes_without_a_word() {
        let log = ConnLog::default();
        end(parked(&log, std::process::id()), true);
        assert_eq!(log.events(), ["drop 1"]);
    }

    #[test]
    fn a_forked_child_only_forgets_at_end_or_when_the_state_is_dropped() {
        let log = ConnLog::default();
        end(parked(&log, std::process::id() + 1), false);
        end(parked(&log, std::process::id() + 1), true);
        drop(parked(&log, std::process::id() + 1));
        assert!(log.events().is_empty(), "{:?}", log.events());
    }

    #[test]
    fn the_owner_dropping_the_state_closes_the_connection() {
        let log = ConnLog::default();
        drop(parked(&log, std::process::id()));
        assert_eq!(log.events(), ["drop 1"]);
    }

    #[test]
    fn a_fresh_state_is_empty() {
        let log = ConnLog::default();
        assert!(Transaction::<FakeConn>::default().is_empty());
        let mut t = parked(&log, std::process::id());
        assert!(!t.is_empty());
        t.parked = None;
        assert!(t.is_empty());
        t.servers.answered = Some("ldap://a".into());
        assert!(!t.is_empty());
    }
}
