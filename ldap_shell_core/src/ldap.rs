//! The Directory trait over ldap3's sync API.
//!
//! Each server of `uri` is tried in order: name resolution within
//! `connect_timeout` (`resolve.rs`), TCP connect with `connect_timeout`
//! (done here with std), then the LDAP/TLS setup within the same limit; every
//! operation has `timeout`. The ldap3 runtime lives inside `LdapConn` (a
//! current-thread runtime: no thread runs between operations). At the end of
//! a hook call the connection is either kept for the next hook call on the
//! same PAM handle (`into_parts`, see `parked.rs`) or unbound and dropped
//! with this struct.
//!
//! The connection's state is three small types: whether one is open (`Open`:
//! its server, whether it was kept from an earlier call and has not answered
//! in this one, whether it is bound as the user), how far the call got
//! (`Progress`: failover is allowed until a server answers; an operation that
//! fails after that breaks the connection for keeping), and the server not to
//! connect to again in this call. Connections go through `ldap_link.rs`'s
//! traits, so the unit tests below drive every transition with a fake.

use crate::directory::{
    AccountAttrs, BindOutcome, ChangeOutcome, DirError, Directory, Lookup, Shadow, UserEntry,
    ACCOUNT_ATTRIBUTES,
};
use crate::escape::template_attr;
use crate::ldap_link::{Dialer, LdapDialer, Link, LinkError};
use crate::ldap_url::LdapUrl;
use crate::options::Options;
use ldap3::{LdapConn, LdapConnSettings, LdapError, Scope, SearchEntry, StdStream};
use std::net::TcpStream;
use zeroize::Zeroizing;

const RC_SUCCESS: u32 = 0;
const RC_SIZELIMIT_EXCEEDED: u32 = 4;
const RC_INVALID_CREDENTIALS: u32 = 49;
const RC_NO_SUCH_OBJECT: u32 = 32;

/// Where the open connection came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Made in this call (or kept, and it has answered in this call).
    Made,
    /// Kept from an earlier hook call and not answered in this one yet: if
    /// it turns out closed, it is dropped without blaming the server.
    Kept,
}

/// Whom the open connection is bound as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    /// The search identity (the service account, or anonymous).
    Search,
    /// An end user (or a bind was attempted): rebind before searching.
    User,
}

/// The connection in use.
struct Open<L> {
    link: L,
    server: String,
    origin: Origin,
    identity: Identity,
}

/// How far this call got with the servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// No server has answered an operation: one that fails is given up for
    /// the next.
    Trying,
    /// A server answered: no more failover.
    Answered,
    /// An operation failed after a server answered: the connection is not
    /// kept for a later hook call.
    Broken,
}

pub struct LdapDirectory<'a, D: Dialer = LdapDialer> {
    opts: &'a Options,
    dialer: D,
    open: Option<Open<D::Link>>,
    progress: Progress,
    /// The servers to try, in order (`uri`, or as reordered by `failover::plan`).
    order: Vec<String>,
    /// Index in `order` of the next server to try.
    next: usize,
    /// Why each server tried so far was given up (for the log).
    failures: Vec<String>,
    /// The servers given up so far (for the failover memory).
    failed: Vec<String>,
    /// What happened to a kept connection, for `debug` lines.
    notes: Vec<String>,
    /// A server whose kept connection timed out in this call: not
    /// connected to again in this call.
    timed_out: Option<String>,
    /// The password-policy response to the last user bind or change.
    policy: crate::ppolicy::Policy,
}

impl<'a> LdapDirectory<'a> {
    pub fn new(opts: &'a Options) -> Self {
        Self::with_order(opts, opts.uris.clone())
    }

    /// Tries the servers in `order` instead of the order of `uri`.
    pub fn with_order(opts: &'a Options, order: Vec<String>) -> Self {
        Self::with_dialer(opts, order, LdapDialer)
    }
}

impl<'a, D: Dialer> LdapDirectory<'a, D> {
    /// Connects through `dialer` (tests: a fake).
    pub fn with_dialer(opts: &'a Options, order: Vec<String>, dialer: D) -> Self {
        LdapDirectory {
            opts,
            dialer,
            open: None,
            progress: Progress::Trying,
            order,
            next: 0,
            failures: Vec::new(),
            failed: Vec::new(),
            notes: Vec::new(),
            timed_out: None,
            policy: crate::ppolicy::Policy::default(),
        }
    }

    /// The servers this call tries, in order.
    pub fn order(&self) -> &[String] {
        &self.order
    }

    /// Uses `conn`, kept from an earlier hook call on this handle and
    /// connected to `uri`, instead of connecting. `user_bound`: it was left
    /// bound as an end user, so it is rebound to the search identity first.
    pub fn adopt(&mut self, conn: D::Link, uri: String, user_bound: bool) {
        self.notes.push(format!(
            "reusing the connection to {uri} kept from an earlier call in this PAM transaction"
        ));
        self.open = Some(Open {
            link: conn,
            server: uri,
            origin: Origin::Kept,
            identity: if user_bound {
                Identity::User
            } else {
                Identity::Search
            },
        });
    }

    /// The live connection, its server and whether it is bound as an end
    /// user, to keep for the next hook call; None when there is none or it
    /// failed (then dropping this struct unbinds it as before).
    pub fn into_parts(mut self) -> Option<(D::Link, String, bool)> {
        if self.progress == Progress::Broken {
            return None;
        }
        let open = self.open.take()?;
        Some((open.link, open.server, open.identity == Identity::User))
    }

    /// What happened to a kept connection in this call (for `debug`).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The servers given up so far.
    pub fn failed(&self) -> &[String] {
        &self.failed
    }

    /// The server that answered an operation, if one did.
    pub fn answered_by(&self) -> Option<&str> {
        match self.progress {
            Progress::Trying => None,
            Progress::Answered | Progress::Broken => self.open.as_ref().map(|o| o.server.as_str()),
        }
    }

    /// Servers given up so far and why (e.g. "ldap://...: operation timed out").
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    fn kept(&self) -> bool {
        self.open.as_ref().is_some_and(|o| o.origin == Origin::Kept)
    }

    /// The open connection, making it (with failover and service bind) on first use.
    fn link(&mut self) -> Result<&mut D::Link, DirError> {
        while self.open.is_none() {
            let Some(uri) = self.order.get(self.next).cloned() else {
                return Err(DirError::Unavailable(format!(
                    "no server reachable ({})",
                    self.failures.join("; ")
                )));
            };
            self.next += 1;
            if self.timed_out.as_ref() == Some(&uri) {
                continue;
            }
            let attempt = self
                .dialer
                .dial(self.opts, &uri)
                .map_err(DirError::Unavailable);
            match attempt.and_then(|mut c| service_bind(self.opts, &mut c).map(|()| c)) {
                Ok(link) => {
                    self.open = Some(Open {
                        link,
                        server: uri,
                        origin: Origin::Made,
                        identity: Identity::Search,
                    })
                }
                Err(DirError::Unavailable(why)) => {
                    self.failures.push(format!("{uri}: {why}"));
                    self.failed.push(uri);
                }
                Err(e) => return Err(e),
            }
        }
        self.open
            .as_mut()
            .map(|o| &mut o.link)
            .ok_or_else(|| DirError::Failed("no connection".into()))
    }

    /// A connection bound as an end user, or left anonymous by a refused
    /// bind (a `try_first_pass` retry searches after one): bind again as
    /// the service account, or anonymously without one, before searching,
    /// so the search sees what the search identity sees (one round trip,
    /// still cheaper than a new connection). If that fails, the connection
    /// is dropped and made again.
    fn restore_search_identity(&mut self) {
        let kept = self.kept();
        let Some(open) = self.open.as_mut() else {
            return;
        };
        match rebind(self.opts, &mut open.link) {
            Ok(()) => open.identity = Identity::Search,
            Err(RebindError::Link(e)) if kept => self.discard_kept(&e),
            Err(RebindError::Refused(why)) if kept => {
                self.notes.push(format!(
                    "the kept connection could not be rebound for searching ({why}): connecting again"
                ));
                self.close();
            }
            Err(e) => {
                let why = match e {
                    RebindError::Link(e) => e.describe(),
                    RebindError::Refused(why) => why,
                };
                self.notes.push(format!(
                    "the connection could not be rebound for searching ({why}): connecting again"
                ));
                self.reconnect_same_server();
            }
        }
    }

    /// Drops the connection made in this call; the next operation connects
    /// to the same server again (a fresh connection binds as the search
    /// identity by itself).
    fn reconnect_same_server(&mut self) {
        if let Some(i) = self
            .open
            .as_ref()
            .and_then(|o| self.order.iter().position(|u| *u == o.server))
        {
            self.next = i;
        }
        self.close();
    }

    /// A kept connection failed before answering in this call. A server
    /// that closed an idle connection (idletimeout, restart) is not at
    /// fault: connect again, without a failover record. A timeout is the
    /// server's: it is given up as in any failover.
    fn discard_kept(&mut self, e: &LinkError) {
        let uri = self
            .open
            .as_ref()
            .map(|o| o.server.clone())
            .unwrap_or_default();
        if *e == LinkError::Timeout {
            self.failures.push(format!("{uri}: {}", e.describe()));
            self.failed.push(uri.clone());
            self.timed_out = Some(uri);
        } else {
            self.notes.push(format!(
                "the connection to {uri} kept from an earlier call is closed ({}): connecting again",
                e.describe()
            ));
        }
        self.close();
    }

    /// Drops the connection without a word to the server (it failed, or is
    /// being replaced): its runtime and socket go with it.
    fn close(&mut self) {
        self.open = None;
    }

    /// Runs `op` on the connection. Until a server has answered once, a
    /// server that times out, closes or garbles its answer is given up and
    /// the operation is retried on the next URI (a hung server accepts TCP
    /// and fails only at the first operation).
    fn with_failover<T>(
        &mut self,
        mut op: impl FnMut(&mut D::Link) -> Result<T, LinkError>,
    ) -> Result<T, DirError> {
        loop {
            let link = self.link()?;
            match op(link) {
                Ok(v) => {
                    self.answered();
                    return Ok(v);
                }
                Err(e) if self.kept() => self.discard_kept(&e),
                Err(e) if self.progress == Progress::Trying => {
                    let server = self.open.take().map(|o| o.server).unwrap_or_default();
                    self.failures.push(format!("{server}: {}", e.describe()));
                    self.failed.push(server);
                }
                Err(e) => {
                    self.progress = Progress::Broken;
                    return Err(op_error(e));
                }
            }
        }
    }

    /// The server in use answered an operation.
    fn answered(&mut self) {
        if self.progress == Progress::Trying {
            self.progress = Progress::Answered;
        }
        if let Some(open) = self.open.as_mut() {
            open.origin = Origin::Made;
        }
    }

    fn user_filter(&self, user: &str) -> String {
        let term = format!(
            "({}={})",
            self.opts.user_attr,
            crate::escape::filter_value(user)
        );
        match &self.opts.filter {
            Some(f) => format!("(&{f}{term})"),
            None => term,
        }
    }

    fn search(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
    ) -> Result<(Vec<SearchEntry>, u32), DirError> {
        let timeout = self.opts.timeout;
        let mut attrs = vec![
            self.opts.shell_attr.clone(),
            "uidNumber".to_string(),
            self.opts.user_attr.clone(),
        ];
        if let Some(a) = self.opts.dn_template.as_deref().and_then(template_attr) {
            attrs.push(a.to_string());
        }
        attrs.extend(ACCOUNT_ATTRIBUTES.iter().map(|a| a.to_string()));
        if self
            .open
            .as_ref()
            .is_some_and(|o| o.identity == Identity::User)
        {
            self.restore_search_identity();
        }
        self.with_failover(|link| link.search(base, scope, filter, &attrs, timeout))
    }

    /// After a bind attempt, whatever its outcome, the connection may be
    /// bound as someone else than the search identity.
    fn user_bound(&mut self) {
        if let Some(open) = self.open.as_mut() {
            open.identity = Identity::User;
        }
    }

    fn entry_from(&self, e: SearchEntry) -> UserEntry {
        user_entry(self.opts, e)
    }
}

impl LdapDirectory<'_, LdapDialer> {
    /// The connection bound as the search identity (service account or
    /// anonymous), made with failover over `order` on first use: the
    /// directory scan of `pamlint audit` (`scan.rs`) searches on it.
    pub fn search_connection(&mut self) -> Result<&mut LdapConn, DirError> {
        self.link()
    }
}

impl<D: Dialer> Drop for LdapDirectory<'_, D> {
    fn drop(&mut self) {
        if let Some(mut open) = self.open.take() {
            // Best effort: the server may be gone; the runtime is dropped with it.
            open.link.unbind(self.opts.timeout);
        }
    }
}

impl<D: Dialer> Directory for LdapDirectory<'_, D> {
    fn lookup(&mut self, user: &str) -> Result<Lookup, DirError> {
        if let Some(t) = &self.opts.dn_template {
            let dn = crate::escape::fill_template(t, user);
            let (mut entries, rc) = self.search(&dn, Scope::Base, "(objectClass=*)")?;
            // The server matched the DN case-insensitively: the entry is the
            // user's only if its naming value is exactly the user name.
            let exact = |e: &SearchEntry| {
                template_attr(t).is_none_or(|a| values_of(e, a).iter().any(|v| v == user))
            };
            return match (rc, entries.pop()) {
                (RC_SUCCESS, Some(e)) if !exact(&e) => Ok(Lookup::NotFound),
                (RC_SUCCESS, Some(e)) => Ok(Lookup::Found(self.entry_from(e))),
                (RC_SUCCESS | RC_NO_SUCH_OBJECT, None) => Ok(Lookup::NotFound),
                (rc, _) => Err(DirError::Failed(format!(
                    "reading \"{dn}\" failed with result code {rc}"
                ))),
            };
        }
        let base = self.opts.base.clone().unwrap_or_default();
        let filter = self.user_filter(user);
        let (entries, rc) = self.search(&base, Scope::Subtree, &filter)?;
        // LDAP matching ignores case and surrounding spaces ("ALICE", " alice"):
        // only an entry naming exactly this user is theirs, as with NSS.
        let user_attr = self.opts.user_attr.clone();
        let entries: Vec<SearchEntry> = entries
            .into_iter()
            .filter(|e| values_of(e, &user_attr).iter().any(|v| v == user))
            .collect();
        match rc {
            RC_SUCCESS | RC_SIZELIMIT_EXCEEDED => {}
            RC_NO_SUCH_OBJECT => {
                return Err(DirError::Failed(format!(
                    "search base \"{base}\" does not exist (option \"base\")"
                )))
            }
            rc => {
                return Err(DirError::Failed(format!(
                    "search {filter} under \"{base}\" failed with result code {rc}"
                )))
            }
        }
        if entries.len() > 1 || rc == RC_SIZELIMIT_EXCEEDED {
            return Ok(Lookup::Ambiguous(
                entries.into_iter().map(|e| e.dn).collect(),
            ));
        }
        Ok(match entries.into_iter().next() {
            Some(e) => Lookup::Found(self.entry_from(e)),
            None => Lookup::NotFound,
        })
    }

    fn bind(&mut self, dn: &str, password: &str) -> Result<BindOutcome, DirError> {
        let timeout = self.opts.timeout;
        let result = self.with_failover(|link| link.simple_bind(dn, password, true, timeout));
        // Even a refused bind may leave the connection in another state:
        // a later call rebinds before searching.
        self.user_bound();
        let result = result?;
        self.policy = result.policy;
        match result.rc {
            RC_SUCCESS => Ok(BindOutcome::Success),
            RC_INVALID_CREDENTIALS => Ok(BindOutcome::InvalidCredentials),
            rc => Err(DirError::Failed(format!(
                "bind as \"{dn}\" failed with result code {rc} ({})",
                result.text
            ))),
        }
    }

    fn change_password(
        &mut self,
        dn: &str,
        old: &str,
        new: &str,
    ) -> Result<ChangeOutcome, DirError> {
        if self.bind(dn, old)? == BindOutcome::InvalidCredentials {
            return Ok(ChangeOutcome::InvalidOld);
        }
        let timeout = self.opts.timeout;
        let result = match self.link()?.password_modify(old, new, timeout) {
            Ok(r) => r,
            Err(e) => {
                self.progress = Progress::Broken;
                return Err(op_error(e));
            }
        };
        self.policy = result.policy;
        Ok(match result.rc {
            RC_SUCCESS => ChangeOutcome::Changed,
            RC_INVALID_CREDENTIALS => ChangeOutcome::InvalidOld,
            rc => ChangeOutcome::Refused {
                rc,
                text: result.text,
            },
        })
    }

    fn entry_matches(&mut self, dn: &str, filter: &str) -> Result<bool, DirError> {
        let (entries, rc) = self.search(dn, Scope::Base, filter)?;
        match rc {
            RC_SUCCESS | RC_NO_SUCH_OBJECT => Ok(!entries.is_empty()),
            rc => Err(DirError::Failed(format!(
                "checking {filter} on \"{dn}\" failed with result code {rc}"
            ))),
        }
    }

    fn server(&self) -> Option<String> {
        self.open.as_ref().map(|o| o.server.clone())
    }

    fn policy(&self) -> crate::ppolicy::Policy {
        self.policy
    }

    fn describe_search(&self, user: &str) -> String {
        match &self.opts.dn_template {
            Some(t) => format!("entry \"{}\"", crate::escape::fill_template(t, user)),
            None => format!(
                "{} under \"{}\"",
                self.user_filter(user),
                self.opts.base.as_deref().unwrap_or("")
            ),
        }
    }
}

/// The parts of a search result entry the module reads.
pub(crate) fn user_entry(opts: &Options, e: SearchEntry) -> UserEntry {
    let first = |attr: &str| values_of(&e, attr).into_iter().next();
    let days = |attr: &str| first(attr).and_then(|v| v.trim().parse().ok());
    UserEntry {
        shell_values: values_of(&e, &opts.shell_attr),
        uid_number: first("uidNumber").and_then(|v| v.parse().ok()),
        account: AccountAttrs {
            shadow: Shadow {
                last_change: days("shadowLastChange"),
                max: days("shadowMax"),
                warning: days("shadowWarning"),
                inactive: days("shadowInactive"),
                expire: days("shadowExpire"),
            },
            ns_account_lock: first("nsAccountLock"),
            pwd_account_locked_time: first("pwdAccountLockedTime"),
        },
        dn: e.dn,
    }
}

/// Attribute values by case-insensitive name (servers return the schema's spelling).
pub(crate) fn values_of(e: &SearchEntry, attr: &str) -> Vec<String> {
    let mut out: Vec<String> = e
        .attrs
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(attr))
        .flat_map(|(_, v)| v.iter().cloned())
        .collect();
    // Non-UTF-8 values cannot be a usable path; keep them visible as such.
    let binary = e
        .bin_attrs
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(attr))
        .flat_map(|(_, v)| v.iter())
        .map(|v| String::from_utf8_lossy(v).into_owned());
    out.extend(binary);
    out
}

fn op_error(e: LinkError) -> DirError {
    DirError::Unavailable(e.describe())
}

/// Connects to `uri` (`ldap_link::LdapDialer`).
pub(crate) fn connect_one(opts: &Options, uri: &str) -> Result<LdapConn, String> {
    let url = LdapUrl::parse(uri)?;
    let stream = tcp_connect(&url, opts)?;
    let settings = LdapConnSettings::new()
        .set_conn_timeout(opts.connect_timeout)
        .set_std_stream(StdStream::Tcp(stream));
    let settings = crate::tls::apply(opts, url.tls, settings)?;
    LdapConn::with_settings(settings, uri).map_err(|e| match e {
        LdapError::Timeout { .. } => "TLS/LDAP setup timed out (connect_timeout_ms)".into(),
        other => other.to_string(),
    })
}

fn tcp_connect(url: &LdapUrl, opts: &Options) -> Result<TcpStream, String> {
    let addrs = crate::resolve::resolve(&url.host, url.port, opts.connect_timeout)?;
    let mut last = format!("{} resolves to no address", url.host);
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, opts.connect_timeout) {
            Ok(s) => {
                // LDAP and TLS send small records back to back; with Nagle's
                // algorithm each waits for the server's delayed ACK (~40 ms, twice
                // per LDAPS login). Best effort: a failure only costs latency.
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = format!("connect to {addr}: {e}"),
        }
    }
    Err(last)
}

/// Why a kept connection could not be rebound for searching.
enum RebindError {
    /// The connection failed (closed, timed out).
    Link(LinkError),
    /// The server or the configuration refused the bind.
    Refused(String),
}

/// Binds a kept connection as the search identity: the service account, or
/// anonymously (empty DN and password, RFC 4513 5.1.1) without one.
fn rebind<L: Link>(opts: &Options, conn: &mut L) -> Result<(), RebindError> {
    let creds = service_credentials(opts).map_err(|e| RebindError::Refused(e.to_string()))?;
    let (dn, pw) = match &creds {
        Some((dn, pw)) => (dn.as_str(), pw.as_str()),
        None => ("", ""),
    };
    let result = conn
        .simple_bind(dn, pw, false, opts.timeout)
        .map_err(RebindError::Link)?;
    if result.rc != RC_SUCCESS {
        return Err(RebindError::Refused(format!(
            "bind as \"{dn}\" refused with result code {}",
            result.rc
        )));
    }
    Ok(())
}

/// The service account's DN and password (first line of `bindpw_file`),
/// when both are configured.
fn service_credentials(opts: &Options) -> Result<Option<(String, Zeroizing<String>)>, DirError> {
    let (Some(dn), Some(file)) = (&opts.binddn, &opts.bindpw_file) else {
        return Ok(None);
    };
    let raw = Zeroizing::new(std::fs::read(file).map_err(|e| {
        DirError::Failed(format!("cannot read bindpw_file {}: {e}", file.display()))
    })?);
    let text = std::str::from_utf8(&raw)
        .map_err(|_| DirError::Failed(format!("bindpw_file {} is not UTF-8", file.display())))?;
    // The first line is the password (a trailing newline is not part of it).
    let pw = Zeroizing::new(text.lines().next().unwrap_or("").to_string());
    if pw.is_empty() {
        return Err(DirError::Failed(format!(
            "bindpw_file {} is empty",
            file.display()
        )));
    }
    Ok(Some((dn.clone(), pw)))
}

/// Binds as the service account (if configured) for the searches.
fn service_bind<L: Link>(opts: &Options, conn: &mut L) -> Result<(), DirError> {
    let Some((dn, pw)) = service_credentials(opts)? else {
        return Ok(());
    };
    let result = conn
        .simple_bind(&dn, &pw, false, opts.timeout)
        .map_err(op_error)?;
    if result.rc != RC_SUCCESS {
        return Err(DirError::Failed(format!(
            "service account bind as \"{dn}\" failed with result code {} (check binddn and bindpw_file)",
            result.rc
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ldap_link::Reply;
    use crate::testing::options;
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;
    use std::time::Duration;

    /// How a fake server behaves.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Server {
        /// The TCP connect fails.
        Refuses,
        /// Connects, then every operation times out.
        Hangs,
        /// Connects, then every operation finds the connection closed.
        Closes,
        /// Answers `n` operations, then the connection breaks.
        AnswersThenBreaks(usize),
        /// Answers; binds as "" (anonymous) are refused.
        RefusesAnonymous,
        /// Answers: "right" binds, Password Modify succeeds, `uid=u` exists.
        Answers,
    }

    type Log = Rc<RefCell<Vec<String>>>;

    struct FakeDialer {
        servers: HashMap<String, Server>,
        log: Log,
    }

    struct FakeLink {
        server: String,
        behaviour: Server,
        answered: usize,
        log: Log,
    }

    impl Dialer for FakeDialer {
        type Link = FakeLink;
        fn dial(&self, _opts: &Options, uri: &str) -> Result<FakeLink, String> {
            self.log.borrow_mut().push(format!("dial {uri}"));
            let behaviour = self.servers.get(uri).copied().unwrap_or(Server::Refuses);
            if behaviour == Server::Refuses {
                return Err("connection refused".into());
            }
            Ok(FakeLink::new(uri, behaviour, &self.log))
        }
    }

    impl FakeLink {
        fn new(server: &str, behaviour: Server, log: &Log) -> FakeLink {
            FakeLink {
                server: server.into(),
                behaviour,
                answered: 0,
                log: log.clone(),
            }
        }

        /// Records `what` and decides whether the server answers it.
        fn op(&mut self, what: String) -> Result<(), LinkError> {
            self.log
                .borrow_mut()
                .push(format!("{what} {}", self.server));
            let answers = match self.behaviour {
                Server::Refuses | Server::Answers | Server::RefusesAnonymous => Ok(()),
                Server::Hangs => Err(LinkError::Timeout),
                Server::Closes => Err(LinkError::Failed("connection closed".into())),
                Server::AnswersThenBreaks(n) if self.answered < n => Ok(()),
                Server::AnswersThenBreaks(_) => Err(LinkError::Failed("connection reset".into())),
            };
            self.answered += 1;
            answers
        }
    }

    fn reply(rc: u32) -> Reply {
        Reply {
            rc,
            text: String::new(),
            policy: Default::default(),
        }
    }

    impl Link for FakeLink {
        fn simple_bind(
            &mut self,
            dn: &str,
            password: &str,
            _policy: bool,
            _timeout: Duration,
        ) -> Result<Reply, LinkError> {
            self.op(format!("bind \"{dn}\""))?;
            let anonymous_refused = dn.is_empty() && self.behaviour == Server::RefusesAnonymous;
            let right = dn.is_empty() || password == "right";
            Ok(reply(if right && !anonymous_refused {
                RC_SUCCESS
            } else {
                RC_INVALID_CREDENTIALS
            }))
        }

        fn search(
            &mut self,
            _base: &str,
            _scope: Scope,
            filter: &str,
            _attrs: &[String],
            _timeout: Duration,
        ) -> Result<(Vec<SearchEntry>, u32), LinkError> {
            self.op("search".into())?;
            if !filter.contains("(uid=u)") {
                return Ok((Vec::new(), RC_SUCCESS));
            }
            let entry = SearchEntry {
                dn: "uid=u,dc=t".into(),
                attrs: HashMap::from([
                    ("uid".to_string(), vec!["u".to_string()]),
                    ("loginShell".to_string(), vec!["/bin/sh".to_string()]),
                ]),
                bin_attrs: HashMap::new(),
            };
            Ok((vec![entry], RC_SUCCESS))
        }

        fn password_modify(
            &mut self,
            _old: &str,
            _new: &str,
            _timeout: Duration,
        ) -> Result<Reply, LinkError> {
            self.op("modify".into())?;
            Ok(reply(RC_SUCCESS))
        }

        fn unbind(&mut self, _timeout: Duration) {
            self.log
                .borrow_mut()
                .push(format!("unbind {}", self.server));
        }
    }

    const A: &str = "ldap://a";
    const B: &str = "ldap://b";

    struct Case {
        opts: Options,
        log: Log,
        servers: HashMap<String, Server>,
    }

    impl Case {
        fn new(a: Server, b: Server) -> Case {
            Case {
                opts: options(&["uri=ldap://a,ldap://b"]),
                log: Log::default(),
                servers: HashMap::from([(A.to_string(), a), (B.to_string(), b)]),
            }
        }

        fn dir(&self) -> LdapDirectory<'_, FakeDialer> {
            let dialer = FakeDialer {
                servers: self.servers.clone(),
                log: self.log.clone(),
            };
            LdapDirectory::with_dialer(&self.opts, self.opts.uris.clone(), dialer)
        }

        fn link(&self, server: &str, behaviour: Server) -> FakeLink {
            FakeLink::new(server, behaviour, &self.log)
        }

        fn events(&self) -> Vec<String> {
            self.log.borrow().clone()
        }
    }

    fn found(result: Result<Lookup, DirError>) -> bool {
        matches!(result, Ok(Lookup::Found(e)) if e.dn == "uid=u,dc=t")
    }

    fn strs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_refused_connect_fails_over_to_the_next_server() {
        let case = Case::new(Server::Refuses, Server::Answers);
        let mut dir = case.dir();
        assert!(found(dir.lookup("u")));
        assert_eq!(dir.failures(), strs(&["ldap://a: connection refused"]));
        assert_eq!(dir.failed(), strs(&[A]));
        assert_eq!(dir.answered_by(), Some(B));
    }

    #[test]
    fn a_server_that_hangs_at_its_first_operation_is_given_up() {
        let case = Case::new(Server::Hangs, Server::Answers);
        let mut dir = case.dir();
        assert!(found(dir.lookup("u")));
        assert_eq!(
            dir.failures(),
            strs(&["ldap://a: operation timed out (timeout_ms)"])
        );
        assert_eq!(dir.answered_by(), Some(B));
        // The hung connection was dropped without waiting on an unbind.
        assert!(!case.events().contains(&"unbind ldap://a".to_string()));
    }

    #[test]
    fn with_no_server_answering_each_one_is_named() {
        let case = Case::new(Server::Refuses, Server::Closes);
        let mut dir = case.dir();
        let Err(DirError::Unavailable(why)) = dir.lookup("u") else {
            panic!("expected unavailable")
        };
        assert_eq!(
            why,
            "no server reachable (ldap://a: connection refused; ldap://b: connection closed)"
        );
        assert_eq!(dir.answered_by(), None);
        assert!(dir.into_parts().is_none());
    }

    #[test]
    fn after_an_answer_a_failure_breaks_the_connection_instead_of_failing_over() {
        let case = Case::new(Server::AnswersThenBreaks(1), Server::Answers);
        let mut dir = case.dir();
        assert!(found(dir.lookup("u")));
        assert!(matches!(
            dir.bind("uid=u,dc=t", "right"),
            Err(DirError::Unavailable(_))
        ));
        assert!(!case.events().contains(&"dial ldap://b".to_string()));
        assert!(dir.failed().is_empty());
        assert_eq!(dir.answered_by(), Some(A));
        assert!(
            dir.into_parts().is_none(),
            "a broken connection is not kept"
        );
    }

    #[test]
    fn a_bind_right_or_wrong_is_followed_by_a_rebind_before_searching() {
        for password in ["right", "wrong"] {
            let case = Case::new(Server::Answers, Server::Answers);
            let mut dir = case.dir();
            assert!(found(dir.lookup("u")));
            dir.bind("uid=u,dc=t", password).expect("bind answered");
            assert!(found(dir.lookup("u")));
            assert_eq!(
                case.events(),
                strs(&[
                    "dial ldap://a",
                    "search ldap://a",
                    "bind \"uid=u,dc=t\" ldap://a",
                    "bind \"\" ldap://a",
                    "search ldap://a",
                ]),
                "{password}"
            );
        }
    }

    #[test]
    fn the_connection_is_given_up_with_its_identity_and_otherwise_unbound() {
        let case = Case::new(Server::Answers, Server::Answers);
        let mut dir = case.dir();
        dir.lookup("u").expect("answered");
        dir.bind("uid=u,dc=t", "right").expect("answered");
        let (link, uri, user_bound) = dir.into_parts().expect("kept");
        assert_eq!(
            (link.server.as_str(), uri.as_str(), user_bound),
            (A, A, true)
        );
        let mut dir = case.dir();
        dir.lookup("u").expect("answered");
        drop(dir);
        assert_eq!(
            case.events().last().map(String::as_str),
            Some("unbind ldap://a")
        );
    }

    #[test]
    fn a_kept_connection_is_used_and_rebound_before_searching() {
        let case = Case::new(Server::Answers, Server::Answers);
        let mut dir = case.dir();
        dir.adopt(case.link(A, Server::Answers), A.into(), true);
        assert!(found(dir.lookup("u")));
        assert_eq!(
            case.events(),
            strs(&["bind \"\" ldap://a", "search ldap://a"])
        );
        assert!(dir.notes()[0].contains("reusing the connection to ldap://a"));
        let (_, _, user_bound) = dir.into_parts().expect("kept again");
        assert!(!user_bound);
    }

    #[test]
    fn a_kept_connection_the_server_closed_is_replaced_without_blame() {
        for user_bound in [false, true] {
            let case = Case::new(Server::Answers, Server::Answers);
            let mut dir = case.dir();
            dir.adopt(case.link(A, Server::Closes), A.into(), user_bound);
            assert!(found(dir.lookup("u")), "{user_bound}");
            assert!(dir.failed().is_empty() && dir.failures().is_empty());
            assert!(case.events().contains(&"dial ldap://a".to_string()));
            assert!(
                dir.notes()
                    .iter()
                    .any(|n| n.contains("is closed (connection closed)")),
                "{:?}",
                dir.notes()
            );
            assert_eq!(dir.answered_by(), Some(A));
        }
    }

    #[test]
    fn a_kept_connection_that_times_out_gives_its_server_up_for_this_call() {
        for user_bound in [false, true] {
            let case = Case::new(Server::Answers, Server::Answers);
            let mut dir = case.dir();
            dir.adopt(case.link(A, Server::Hangs), A.into(), user_bound);
            assert!(found(dir.lookup("u")), "{user_bound}");
            assert_eq!(dir.failed(), strs(&[A]));
            assert!(!case.events().contains(&"dial ldap://a".to_string()));
            assert_eq!(dir.answered_by(), Some(B));
        }
    }

    #[test]
    fn a_kept_connection_whose_rebind_is_refused_is_replaced() {
        let case = Case::new(Server::Answers, Server::Answers);
        let mut dir = case.dir();
        dir.adopt(case.link(A, Server::RefusesAnonymous), A.into(), true);
        assert!(found(dir.lookup("u")));
        assert!(dir
            .notes()
            .iter()
            .any(|n| n.contains("could not be rebound")));
        assert!(case.events().contains(&"dial ldap://a".to_string()));
        assert!(dir.failed().is_empty());
    }

    #[test]
    fn a_fresh_connection_whose_rebind_is_refused_reconnects_to_the_same_server() {
        let case = Case::new(Server::RefusesAnonymous, Server::Answers);
        let mut dir = case.dir();
        assert!(found(dir.lookup("u")));
        dir.bind("uid=u,dc=t", "right").expect("answered");
        assert!(found(dir.lookup("u")));
        let dials: Vec<String> = case
            .events()
            .into_iter()
            .filter(|e| e.starts_with("dial"))
            .collect();
        assert_eq!(dials, strs(&["dial ldap://a", "dial ldap://a"]));
        assert!(dir.failed().is_empty());
    }

    #[test]
    fn a_password_modify_that_gets_no_answer_breaks_the_connection() {
        let case = Case::new(Server::AnswersThenBreaks(1), Server::Answers);
        let mut dir = case.dir();
        assert!(matches!(
            dir.change_password("uid=u,dc=t", "right", "new"),
            Err(DirError::Unavailable(_))
        ));
        assert!(dir.into_parts().is_none());
        let case = Case::new(Server::Answers, Server::Answers);
        let mut dir = case.dir();
        assert_eq!(
            dir.change_password("uid=u,dc=t", "right", "new"),
            Ok(ChangeOutcome::Changed)
        );
        assert_eq!(
            dir.change_password("uid=u,dc=t", "wrong", "new"),
            Ok(ChangeOutcome::InvalidOld)
        );
        assert!(dir.into_parts().is_some());
    }

    #[test]
    fn a_refused_service_bind_is_an_error_not_a_failover() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "wrong\n").expect("write");
        let mut case = Case::new(Server::Answers, Server::Answers);
        case.opts = options(&[
            "uri=ldap://a,ldap://b",
            "binddn=cn=svc,dc=t",
            &format!("bindpw_file={}", pw.display()),
        ]);
        let mut d = case.dir();
        let Err(DirError::Failed(why)) = d.lookup("u") else {
            panic!("expected a failure")
        };
        assert!(
            why.contains("service account bind as \"cn=svc,dc=t\""),
            "{why}"
        );
        assert!(!case.events().contains(&"dial ldap://b".to_string()));
    }
}
