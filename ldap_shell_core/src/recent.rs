//! One search per login: the auth phase has just read the user's entry (as
//! the search identity, before binding as the user) and the account phase of
//! the same PAM transaction, milliseconds later, needs the same entry. The
//! auth phase leaves it in the transaction state (`transaction::Handover`,
//! on the handle) and the account phase
//! uses it once instead of searching again, as SSSD's account phase uses its
//! cache. Account still searches when it runs alone (ssh keys, su from
//! root), when the entry is older than `MAX_AGE`, or when the options that
//! decide the search differ (another stack line).

use crate::directory::UserEntry;
use crate::options::Options;
use crate::reuse::SearchKey;
use crate::transaction::Handover;
use std::time::{Duration, Instant};

/// An entry older than this is read again: between auth and account of one
/// login there are milliseconds; an application that waits longer gets a
/// fresh read.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// The entry the auth phase read, for the account phase of this transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentEntry {
    /// PAM_USER it was read for.
    pub user: String,
    /// The search options it was read with.
    pub key: SearchKey,
    /// The server that returned it (for the debug line).
    pub server: String,
    pub entry: UserEntry,
    pub read_at: Instant,
}

/// The auth phase read `entry` for `user` from `server` and authenticated
/// the user: keep it for the account phase (best effort).
pub fn remember(
    handover: &mut Handover,
    opts: &Options,
    user: &str,
    server: &str,
    entry: UserEntry,
) {
    handover.recent = Some(RecentEntry {
        user: user.to_string(),
        key: SearchKey::of(opts),
        server: server.to_string(),
        entry,
        read_at: Instant::now(),
    });
}

/// The entry the auth phase left for `user` with these options, if it is
/// fresh enough; used once (the state no longer holds it afterwards).
pub fn recall(handover: &mut Handover, opts: &Options, user: &str) -> Option<RecentEntry> {
    let stored = handover.recent.take()?;
    usable(&stored, opts, user, Instant::now()).then_some(stored)
}

/// Whether `stored` answers a lookup of `user` with `opts` at `now`.
pub fn usable(stored: &RecentEntry, opts: &Options, user: &str, now: Instant) -> bool {
    stored.user == user
        && stored.key == SearchKey::of(opts)
        && now.saturating_duration_since(stored.read_at) <= MAX_AGE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::options;

    fn entry() -> UserEntry {
        UserEntry {
            dn: "uid=alice,dc=t".into(),
            shell_values: vec!["/bin/bash".into()],
            uid_number: Some(1000),
            account: Default::default(),
        }
    }

    #[test]
    fn the_account_phase_gets_the_entry_once() {
        let opts = options(&[]);
        let mut handover = Handover::default();
        remember(&mut handover, &opts, "alice", "ldap://a", entry());
        let got = recall(&mut handover, &opts, "alice").expect("remembered");
        assert_eq!(got.entry, entry());
        assert_eq!(got.server, "ldap://a");
        assert!(
            recall(&mut handover, &opts, "alice").is_none(),
            "used twice"
        );
    }

    #[test]
    fn another_user_other_search_options_or_an_old_entry_are_read_again() {
        let opts = options(&[]);
        let mut handover = Handover::default();
        remember(&mut handover, &opts, "alice", "ldap://a", entry());
        let stored = handover.recent.clone().expect("stored");
        let now = stored.read_at;
        assert!(usable(&stored, &opts, "alice", now));
        assert!(!usable(&stored, &opts, "bob", now));
        for other in [
            "base=dc=other",
            "filter=(objectClass=posixAccount)",
            "user_attr=cn",
            "shell_attr=gecos",
            "uri=ldap://b",
        ] {
            assert!(
                !usable(&stored, &options(&[other]), "alice", now),
                "{other}"
            );
        }
        assert!(usable(&stored, &options(&["debug"]), "alice", now));
        assert!(!usable(
            &stored,
            &opts,
            "alice",
            now + MAX_AGE + Duration::from_secs(1)
        ));
        // A mismatch is not kept for later either.
        assert!(recall(&mut handover, &options(&["base=dc=other"]), "alice").is_none());
        assert!(handover.recent.is_none());
    }
}
