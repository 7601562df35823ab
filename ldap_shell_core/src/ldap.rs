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

use crate::directory::{
    AccountAttrs, BindOutcome, ChangeOutcome, DirError, Directory, Lookup, Shadow, UserEntry,
    ACCOUNT_ATTRIBUTES,
};
use crate::escape::template_attr;
use crate::ldap_url::LdapUrl;
use crate::options::Options;
use ldap3::exop::PasswordModify;
use ldap3::{LdapConn, LdapConnSettings, LdapError, Scope, SearchEntry, SearchOptions, StdStream};
use std::net::TcpStream;
use zeroize::Zeroizing;

const RC_SUCCESS: u32 = 0;
const RC_SIZELIMIT_EXCEEDED: u32 = 4;
const RC_INVALID_CREDENTIALS: u32 = 49;
const RC_NO_SUCH_OBJECT: u32 = 32;

pub struct LdapDirectory<'a> {
    opts: &'a Options,
    conn: Option<LdapConn>,
    server: Option<String>,
    /// The servers to try, in order (`uri`, or as reordered by `failover::plan`).
    order: Vec<String>,
    /// Index in `order` of the next server to try.
    next: usize,
    /// The server in use has answered an operation: no more failover.
    answered: bool,
    /// Why each server tried so far was given up (for the log).
    failures: Vec<String>,
    /// The servers given up so far (for the failover memory).
    failed: Vec<String>,
    /// The connection was kept from an earlier hook call and has not
    /// answered in this one yet: if it turns out closed, it is dropped
    /// without blaming the server.
    reused: bool,
    /// The connection is (or may be) bound as an end user rather than as
    /// the search identity (service account or anonymous).
    user_bound: bool,
    /// An operation failed after the server had answered: the connection
    /// is not kept for a later hook call.
    poisoned: bool,
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
        LdapDirectory {
            opts,
            conn: None,
            server: None,
            order,
            next: 0,
            answered: false,
            failures: Vec::new(),
            failed: Vec::new(),
            reused: false,
            user_bound: false,
            poisoned: false,
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
    pub fn adopt(&mut self, conn: LdapConn, uri: String, user_bound: bool) {
        self.notes.push(format!(
            "reusing the connection to {uri} kept from an earlier call in this PAM transaction"
        ));
        self.conn = Some(conn);
        self.server = Some(uri);
        self.reused = true;
        self.user_bound = user_bound;
    }

    /// The live connection, its server and whether it is bound as an end
    /// user, to keep for the next hook call; None when there is none or it
    /// failed (then dropping this struct unbinds it as before).
    pub fn into_parts(mut self) -> Option<(LdapConn, String, bool)> {
        if self.poisoned || self.conn.is_none() {
            return None;
        }
        let uri = self.server.take()?;
        let conn = self.conn.take()?;
        Some((conn, uri, self.user_bound))
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
        self.server.as_deref().filter(|_| self.answered)
    }

    /// Servers given up so far and why (e.g. "ldap://...: operation timed out").
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// The connection bound as the search identity (service account or
    /// anonymous), made with failover over `order` on first use: the
    /// directory scan of `pamlint audit` (`scan.rs`) searches on it.
    pub fn search_connection(&mut self) -> Result<&mut LdapConn, DirError> {
        self.conn()
    }

    /// The open connection, making it (with failover and service bind) on first use.
    fn conn(&mut self) -> Result<&mut LdapConn, DirError> {
        while self.conn.is_none() {
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
            let attempt = connect_one(self.opts, &uri).map_err(DirError::Unavailable);
            match attempt.and_then(|mut c| service_bind(self.opts, &mut c).map(|()| c)) {
                Ok(c) => {
                    self.conn = Some(c);
                    self.server = Some(uri);
                    self.reused = false;
                    self.user_bound = false;
                }
                Err(DirError::Unavailable(why)) => {
                    self.failures.push(format!("{uri}: {why}"));
                    self.failed.push(uri);
                }
                Err(e) => return Err(e),
            }
        }
        self.conn
            .as_mut()
            .ok_or_else(|| DirError::Failed("no connection".into()))
    }

    /// A connection bound as an end user, or left anonymous by a refused
    /// bind (a `try_first_pass` retry searches after one): bind again as
    /// the service account, or anonymously without one, before searching,
    /// so the search sees what the search identity sees (one round trip,
    /// still cheaper than a new connection). If that fails, the connection
    /// is dropped and made again.
    fn restore_search_identity(&mut self) {
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        let result = rebind(self.opts, conn);
        match result {
            Ok(()) => self.user_bound = false,
            Err(RebindError::Ldap(e)) if self.reused => self.discard_reused(&e),
            Err(RebindError::Refused(why)) if self.reused => {
                self.notes.push(format!(
                    "the kept connection could not be rebound for searching ({why}): connecting again"
                ));
                self.drop_reused();
            }
            Err(e) => {
                let why = match e {
                    RebindError::Ldap(e) => describe(&e),
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
            .server
            .as_ref()
            .and_then(|s| self.order.iter().position(|u| u == s))
        {
            self.next = i;
        }
        self.drop_reused();
    }

    /// A kept connection failed before answering in this call. A server
    /// that closed an idle connection (idletimeout, restart) is not at
    /// fault: connect again, without a failover record. A timeout is the
    /// server's: it is given up as in any failover.
    fn discard_reused(&mut self, e: &LdapError) {
        let uri = self.server.clone().unwrap_or_default();
        if matches!(e, LdapError::Timeout { .. }) {
            self.failures.push(format!("{uri}: {}", describe(e)));
            self.failed.push(uri.clone());
            self.timed_out = Some(uri);
        } else {
            self.notes.push(format!(
                "the connection to {uri} kept from an earlier call is closed ({}): connecting again",
                describe(e)
            ));
        }
        self.drop_reused();
    }

    fn drop_reused(&mut self) {
        // Dropping the connection drops its runtime and socket.
        self.conn = None;
        self.server = None;
        self.reused = false;
        self.user_bound = false;
    }

    /// Runs `op` on the connection. Until a server has answered once, a
    /// server that times out, closes or garbles its answer is given up and
    /// the operation is retried on the next URI (a hung server accepts TCP
    /// and fails only at the first operation).
    fn with_failover<T>(
        &mut self,
        mut op: impl FnMut(&mut LdapConn) -> Result<T, LdapError>,
    ) -> Result<T, DirError> {
        loop {
            let conn = self.conn()?;
            match op(conn) {
                Ok(v) => {
                    self.answered = true;
                    self.reused = false;
                    return Ok(v);
                }
                Err(e) if self.reused => self.discard_reused(&e),
                Err(e) if !self.answered => {
                    let server = self.server.take().unwrap_or_default();
                    self.failures.push(format!("{server}: {}", describe(&e)));
                    self.failed.push(server);
                    // Dropping the connection drops its runtime and socket.
                    self.conn = None;
                }
                Err(e) => {
                    self.poisoned = true;
                    return Err(op_error(e));
                }
            }
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
        if self.user_bound {
            self.restore_search_identity();
        }
        let result = self.with_failover(|conn| {
            conn.with_timeout(timeout)
                .with_search_options(SearchOptions::new().sizelimit(2));
            conn.search(base, scope, filter, attrs.clone())
        })?;
        let rc = result.1.rc;
        let entries = result.0.into_iter().map(SearchEntry::construct).collect();
        Ok((entries, rc))
    }

    fn entry_from(&self, e: SearchEntry) -> UserEntry {
        user_entry(self.opts, e)
    }
}

impl Drop for LdapDirectory<'_> {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            // Best effort: the server may be gone; the runtime is dropped with conn.
            let _ = conn.with_timeout(self.opts.timeout).unbind();
        }
    }
}

impl Directory for LdapDirectory<'_> {
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
        let result = self.with_failover(|conn| {
            conn.with_controls(crate::ppolicy::request())
                .with_timeout(timeout)
                .simple_bind(dn, password)
        });
        // Even a refused bind may leave the connection in another state:
        // a later call rebinds before searching.
        self.user_bound = true;
        let result = result?;
        self.policy = crate::ppolicy::from_controls(&result.ctrls);
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
        let conn = self.conn()?;
        // Bound as the user: the change applies to the bound identity; the old
        // password is sent too, for servers (and ppolicy) that require it.
        let exop = PasswordModify {
            user_id: None,
            old_pass: Some(old),
            new_pass: Some(new),
        };
        let result = conn
            .with_controls(crate::ppolicy::request())
            .with_timeout(timeout)
            .extended(exop);
        let result = result.map_err(|e| {
            self.poisoned = true;
            op_error(e)
        })?;
        self.policy = crate::ppolicy::from_controls(&result.1.ctrls);
        Ok(match result.1.rc {
            RC_SUCCESS => ChangeOutcome::Changed,
            RC_INVALID_CREDENTIALS => ChangeOutcome::InvalidOld,
            rc => ChangeOutcome::Refused {
                rc,
                text: result.1.text,
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
        self.server.clone()
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

fn op_error(e: LdapError) -> DirError {
    DirError::Unavailable(describe(&e))
}

/// A transport failure in words; timeouts name the option that bounds them.
pub(crate) fn describe(e: &LdapError) -> String {
    match e {
        LdapError::Timeout { .. } => "operation timed out (timeout_ms)".into(),
        other => other.to_string(),
    }
}

fn connect_one(opts: &Options, uri: &str) -> Result<LdapConn, String> {
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
    Ldap(LdapError),
    /// The server or the configuration refused the bind.
    Refused(String),
}

/// Binds a kept connection as the search identity: the service account, or
/// anonymously (empty DN and password, RFC 4513 5.1.1) without one.
fn rebind(opts: &Options, conn: &mut LdapConn) -> Result<(), RebindError> {
    let creds = service_credentials(opts).map_err(|e| RebindError::Refused(e.to_string()))?;
    let (dn, pw) = match &creds {
        Some((dn, pw)) => (dn.as_str(), pw.as_str()),
        None => ("", ""),
    };
    let result = conn
        .with_timeout(opts.timeout)
        .simple_bind(dn, pw)
        .map_err(RebindError::Ldap)?;
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
fn service_bind(opts: &Options, conn: &mut LdapConn) -> Result<(), DirError> {
    let Some((dn, pw)) = service_credentials(opts)? else {
        return Ok(());
    };
    let result = conn
        .with_timeout(opts.timeout)
        .simple_bind(&dn, &pw)
        .map_err(op_error)?;
    if result.rc != RC_SUCCESS {
        return Err(DirError::Failed(format!(
            "service account bind as \"{dn}\" failed with result code {} (check binddn and bindpw_file)",
            result.rc
        )));
    }
    Ok(())
}
