//! One LDAP connection per PAM transaction: auth, account and password are
//! separate hook calls on one handle, and each used to connect, bind and
//! unbind on its own (two TCP connects, two tokio runtimes and, with TLS,
//! two handshakes per login). A hook now leaves its live connection on the
//! transaction state (`transaction.rs`, on the handle) and the next hook takes it,
//! when that is safe:
//!
//! - same process: a forked child never touches its parent's connection
//!   (using it would interleave two processes on one socket; closing it
//!   would unregister the socket from the epoll instance they share);
//! - same connection options (`reuse::ConnKey`): another stack line
//!   with other servers, TLS settings, service account or limits connects
//!   by itself;
//! - the connection's server is one this line would try.
//!
//! A connection left bound as the end user is rebound to the search
//! identity before it is used again (`LdapDirectory::adopt`). The user's
//! password is never kept.
//!
//! Only a successful call that another of ours follows at once keeps it
//! (`keep_after`): auth, when the account phase will need the directory
//! (`authz_filter`, or no entry left for it by `recent.rs`), and the first
//! pass of a password change. A refused password or an unknown user ends
//! the login (or the application asks again on a new handle), so nothing
//! would reuse the connection. The account phase and the update pass close
//! it (unbind, then drop), as does pam_end for a login that stops after
//! auth: sshd keeps the PAM handle for the whole session, which must not
//! hold an idle LDAP connection. pam_end closes it even with
//! PAM_DATA_SILENT when the process that made it ends the handle (sudo
//! ends every failed authentication that way); only a forked child forgets it.

use crate::connector::Session;
use crate::options::Options;
use crate::reuse::ConnKey;
use crate::transaction::Handover;
use std::time::Duration;

/// What is known about a kept connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedMeta {
    /// The server it is connected to.
    pub uri: String,
    /// The connection options it was made with.
    pub key: ConnKey,
    /// The process that made it.
    pub pid: u32,
    /// Bound as an end user (or a bind was attempted): rebind before searching.
    pub user_bound: bool,
    /// The operation limit, for the unbind at pam_end.
    pub timeout: Duration,
}

/// A connection kept between hook calls (`C` is a boxed `LdapConn`; tests
/// use a fake).
#[derive(Debug)]
pub struct Parked<C> {
    pub conn: C,
    pub meta: ParkedMeta,
}

pub type ParkedConn = Parked<Box<ldap3::LdapConn>>;

/// A connection that can say goodbye to its server.
pub trait Unbind {
    /// Unbinds, best effort, within `timeout` (the connection is dropped next).
    fn unbind(&mut self, timeout: Duration);
}

impl Unbind for Box<ldap3::LdapConn> {
    fn unbind(&mut self, timeout: Duration) {
        let _ = self.with_timeout(timeout).unbind();
    }
}

/// What a hook call may do with the connection it found on the handle.
#[derive(Debug)]
pub enum Claim<C> {
    /// Nothing kept.
    Empty,
    /// Usable by this call.
    Reuse(Parked<C>),
    /// Made by another stack line with other options: not ours to use or
    /// close; put back untouched at the end of the call.
    Foreign(Parked<C>),
    /// Made by another process (we are a forked child): never used, never
    /// closed, only forgotten.
    Inherited(Parked<C>),
}

/// Which hook call is ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Auth,
    Account,
    /// chauthtok with PAM_PRELIM_CHECK (the update pass follows).
    PasswordCheck,
    /// chauthtok with PAM_UPDATE_AUTHTOK.
    PasswordUpdate,
}

/// Whether the connection is worth keeping after `step`: only when it
/// `succeeded` and another call of ours normally follows within the same
/// login or password change. After account (sshd then opens the session,
/// which may last hours) or a completed password change, it is closed at once.
/// `account_needs_directory`: after auth, whether the account phase will
/// send anything (without, it uses the entry auth read: `recent.rs`).
pub fn keep_after(step: Step, succeeded: bool, account_needs_directory: bool) -> bool {
    if !succeeded {
        return false;
    }
    match step {
        Step::Auth => account_needs_directory,
        Step::PasswordCheck => true,
        Step::Account | Step::PasswordUpdate => false,
    }
}

/// Decides whether a call with connection options `key`, trying the
/// servers in `order`, in process `pid`, may use `stored`.
pub fn claim<C>(stored: Option<Parked<C>>, key: &ConnKey, order: &[String], pid: u32) -> Claim<C> {
    let Some(p) = stored else {
        return Claim::Empty;
    };
    if p.meta.pid != pid {
        Claim::Inherited(p)
    } else if p.meta.key != *key || !order.contains(&p.meta.uri) {
        Claim::Foreign(p)
    } else {
        Claim::Reuse(p)
    }
}

/// At the start of a hook call: hands a usable kept connection from
/// `slot` to `dir`. Returns a foreign one, to be put back by `suspend`.
pub fn resume<S: Session>(
    slot: &mut Option<Parked<S::Conn>>,
    opts: &Options,
    dir: &mut S,
) -> Option<Parked<S::Conn>> {
    match claim(
        slot.take(),
        &ConnKey::of(opts),
        dir.order(),
        std::process::id(),
    ) {
        Claim::Empty => None,
        Claim::Reuse(p) => {
            dir.adopt(p.conn, p.meta.uri, p.meta.user_bound);
            None
        }
        Claim::Foreign(p) => Some(p),
        Claim::Inherited(p) => {
            // Dropping it would run the parent's socket and epoll teardown here.
            std::mem::forget(p);
            None
        }
    }
}

/// At the end of a hook call: keeps `dir`'s connection in `slot` for the
/// next call when `keep_after` says so (else, or when a `foreign` one holds
/// the place, dropping the directory unbinds and closes it). `handover`:
/// what auth left for account (with an entry, account needs no search).
pub fn suspend<S: Session>(
    slot: &mut Option<Parked<S::Conn>>,
    handover: &Handover,
    opts: &Options,
    dir: S,
    foreign: Option<Parked<S::Conn>>,
    step: Step,
    succeeded: bool,
) where
    S::Conn: Unbind,
{
    if let Some(f) = foreign {
        keep(slot, f);
        drop(dir);
        return;
    }
    let account_needs_directory = opts.authz_filter.is_some() || handover.recent.is_none();
    if !keep_after(step, succeeded, account_needs_directory) {
        drop(dir);
        return;
    }
    let Some((conn, uri, user_bound)) = dir.into_parts() else {
        return;
    };
    let parked = Parked {
        conn,
        meta: ParkedMeta {
            uri,
            key: ConnKey::of(opts),
            pid: std::process::id(),
            user_bound,
            timeout: opts.timeout,
        },
    };
    keep(slot, parked);
}

/// Puts `p` in the empty `slot`; `resume` emptied it, so anything there was
/// put back by this call already: that one stays, `p` is closed.
fn keep<C: Unbind>(slot: &mut Option<Parked<C>>, p: Parked<C>) {
    if slot.is_some() {
        close(p);
    } else {
        *slot = Some(p);
    }
}

/// Unbinds (best effort, within the operation limit) and drops: the
/// runtime and the socket go with the connection.
pub fn close<C: Unbind>(mut p: Parked<C>) {
    p.conn.unbind(p.meta.timeout);
}

/// What pam_end does with the kept connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Unbind within the operation limit, then close.
    Close,
    /// Close the socket without a word to the server: a silent pam_end
    /// (PAM_DATA_SILENT) in the process that made it must not wait on the
    /// network, and must not leak it either.
    CloseQuietly,
    /// A forked child ending its copy of the handle: the socket and the
    /// runtime are the parent's; forget them, touch nothing.
    Forget,
}

/// Decides `Release` for a connection made by `owner`, ended by `pid`.
pub fn release_kind(owner: u32, pid: u32, silent: bool) -> Release {
    if owner != pid {
        Release::Forget
    } else if silent {
        Release::CloseQuietly
    } else {
        Release::Close
    }
}

/// pam_end's cleanup of the kept connection (see `release_kind`).
pub fn release<C: Unbind>(p: Parked<C>, silent: bool) {
    match release_kind(p.meta.pid, std::process::id(), silent) {
        Release::Forget => std::mem::forget(p),
        // Dropping the connection drops its runtime and closes the socket.
        Release::CloseQuietly => drop(p),
        Release::Close => close(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::options;

    fn parked(opts: &Options, uri: &str, pid: u32) -> Option<Parked<()>> {
        Some(Parked {
            conn: (),
            meta: ParkedMeta {
                uri: uri.into(),
                key: ConnKey::of(opts),
                pid,
                user_bound: true,
                timeout: opts.timeout,
            },
        })
    }

    const SERVERS: &str = "uri=ldap://a,ldap://b";

    #[test]
    fn nothing_kept_means_a_fresh_connection() {
        let opts = options(&[SERVERS]);
        assert!(matches!(
            claim::<()>(None, &ConnKey::of(&opts), &opts.uris, 7),
            Claim::Empty
        ));
    }

    #[test]
    fn same_process_same_options_known_server_is_reused() {
        let opts = options(&[SERVERS]);
        let c = claim(
            parked(&opts, "ldap://b", 7),
            &ConnKey::of(&opts),
            &opts.uris,
            7,
        );
        let Claim::Reuse(p) = c else { panic!("{c:?}") };
        assert_eq!(p.meta.uri, "ldap://b");
        assert!(p.meta.user_bound);
    }

    #[test]
    fn another_process_never_reuses_it() {
        let opts = options(&[SERVERS]);
        let c = claim(
            parked(&opts, "ldap://a", 7),
            &ConnKey::of(&opts),
            &opts.uris,
            8,
        );
        assert!(matches!(c, Claim::Inherited(_)), "{c:?}");
    }

    #[test]
    fn a_server_this_line_would_not_try_is_foreign() {
        let opts = options(&[SERVERS]);
        let c = claim(
            parked(&opts, "ldap://c", 7),
            &ConnKey::of(&opts),
            &opts.uris,
            7,
        );
        assert!(matches!(c, Claim::Foreign(_)), "{c:?}");
    }

    #[test]
    fn a_connection_made_with_other_connection_options_is_foreign() {
        let service = ["binddn=cn=svc,dc=t", "bindpw_file=/etc/pw"];
        let base = options(&[SERVERS, service[0], service[1]]);
        for extra in crate::reuse::CONNECTION_OPTIONS {
            let other = options(&[SERVERS, service[0], service[1], extra]);
            assert_ne!(ConnKey::of(&base), ConnKey::of(&other), "{extra}");
            let c = claim(
                parked(&base, "ldap://a", 7),
                &ConnKey::of(&other),
                &other.uris,
                7,
            );
            assert!(matches!(c, Claim::Foreign(_)), "{extra}: {c:?}");
        }
    }

    #[test]
    fn kept_only_where_another_call_follows_at_once() {
        assert!(keep_after(Step::Auth, true, true));
        assert!(
            !keep_after(Step::Auth, true, false),
            "account has its entry"
        );
        for needs in [true, false] {
            assert!(keep_after(Step::PasswordCheck, true, needs));
            assert!(!keep_after(Step::Account, true, needs));
            assert!(!keep_after(Step::PasswordUpdate, true, needs));
        }
    }

    #[test]
    fn nothing_is_kept_after_a_refusal() {
        for step in [
            Step::Auth,
            Step::PasswordCheck,
            Step::Account,
            Step::PasswordUpdate,
        ] {
            for needs in [true, false] {
                assert!(!keep_after(step, false, needs), "{step:?}");
            }
        }
    }

    #[test]
    fn a_silent_end_closes_in_the_owner_and_forgets_in_a_child() {
        assert_eq!(release_kind(7, 7, false), Release::Close);
        assert_eq!(release_kind(7, 7, true), Release::CloseQuietly);
        assert_eq!(release_kind(7, 8, true), Release::Forget);
        assert_eq!(release_kind(7, 8, false), Release::Forget);
    }

    #[test]
    fn options_of_the_checks_alone_share_the_connection() {
        let auth = options(&[SERVERS, "use_first_pass", "debug"]);
        let account = options(&[SERVERS, "missing_shell=warn", "authz_filter=(x=y)"]);
        assert_eq!(ConnKey::of(&auth), ConnKey::of(&account));
    }
}
