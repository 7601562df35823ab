//! What `LdapDirectory` asks of one LDAP connection, as a trait: ldap3's
//! `LdapConn` in the module, a scripted fake in `ldap.rs`'s unit tests, so
//! the directory's connection states (failover, a kept connection closed
//! or timed out, rebinding after a user bind, a connection broken after it
//! answered) are tested without a server.

use crate::options::Options;
use crate::ppolicy::Policy;
use ldap3::exop::PasswordModify;
use ldap3::{LdapConn, LdapError, Scope, SearchEntry, SearchOptions};
use std::time::Duration;

/// A server's answer to a bind or a Password Modify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub rc: u32,
    pub text: String,
    /// The password-policy response control, when asked for.
    pub policy: Policy,
}

/// Why an operation got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// Nothing within the operation limit.
    Timeout,
    /// The connection failed otherwise (closed, garbled answer...).
    Failed(String),
}

impl LinkError {
    /// In words; timeouts name the option that bounds them.
    pub fn describe(&self) -> String {
        match self {
            LinkError::Timeout => "operation timed out (timeout_ms)".into(),
            LinkError::Failed(why) => why.clone(),
        }
    }
}

impl From<LdapError> for LinkError {
    fn from(e: LdapError) -> Self {
        match e {
            LdapError::Timeout { .. } => LinkError::Timeout,
            other => LinkError::Failed(other.to_string()),
        }
    }
}

/// One connection's operations, each within `timeout`.
pub trait Link {
    /// A simple bind; `policy`: with the password-policy request control.
    fn simple_bind(
        &mut self,
        dn: &str,
        password: &str,
        policy: bool,
        timeout: Duration,
    ) -> Result<Reply, LinkError>;
    /// A search returning at most two entries, and the result code.
    fn search(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[String],
        timeout: Duration,
    ) -> Result<(Vec<SearchEntry>, u32), LinkError>;
    /// RFC 3062 Password Modify of the bound identity, with the policy control.
    fn password_modify(
        &mut self,
        old: &str,
        new: &str,
        timeout: Duration,
    ) -> Result<Reply, LinkError>;
    /// Unbinds, best effort (the connection is dropped next).
    fn unbind(&mut self, timeout: Duration);
}

/// Opens connections (TCP, TLS, the LDAP setup) within `connect_timeout`.
pub trait Dialer {
    type Link: Link;
    fn dial(&self, opts: &Options, uri: &str) -> Result<Self::Link, String>;
}

/// ldap3 over std TCP (`ldap::connect_one`).
#[derive(Debug, Clone, Copy, Default)]
pub struct LdapDialer;

impl Dialer for LdapDialer {
    type Link = LdapConn;

    fn dial(&self, opts: &Options, uri: &str) -> Result<LdapConn, String> {
        crate::ldap::connect_one(opts, uri)
    }
}

impl Link for LdapConn {
    fn simple_bind(
        &mut self,
        dn: &str,
        password: &str,
        policy: bool,
        timeout: Duration,
    ) -> Result<Reply, LinkError> {
        if policy {
            self.with_controls(crate::ppolicy::request());
        }
        let result = self.with_timeout(timeout).simple_bind(dn, password)?;
        Ok(Reply {
            rc: result.rc,
            policy: crate::ppolicy::from_controls(&result.ctrls),
            text: result.text,
        })
    }

    fn search(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[String],
        timeout: Duration,
    ) -> Result<(Vec<SearchEntry>, u32), LinkError> {
        self.with_timeout(timeout)
            .with_search_options(SearchOptions::new().sizelimit(2));
        let result = LdapConn::search(self, base, scope, filter, attrs.to_vec())?;
        let rc = result.1.rc;
        let entries = result.0.into_iter().map(SearchEntry::construct).collect();
        Ok((entries, rc))
    }

    fn password_modify(
        &mut self,
        old: &str,
        new: &str,
        timeout: Duration,
    ) -> Result<Reply, LinkError> {
        // Bound as the user: the change applies to the bound identity; the old
        // password is sent too, for servers (and ppolicy) that require it.
        let exop = PasswordModify {
            user_id: None,
            old_pass: Some(old),
            new_pass: Some(new),
        };
        let result = self
            .with_controls(crate::ppolicy::request())
            .with_timeout(timeout)
            .extended(exop)?
            .1;
        Ok(Reply {
            rc: result.rc,
            policy: crate::ppolicy::from_controls(&result.ctrls),
            text: result.text,
        })
    }

    fn unbind(&mut self, timeout: Duration) {
        let _ = self.with_timeout(timeout).unbind();
    }
}
