//! How a hook call gets its directory: a `Connector` opens a `Session` (a
//! `Directory` that can also adopt a kept connection, give it up for the
//! next call, and say which servers it gave up). The module uses
//! `LdapConnector` (`ldap.rs`); the lifecycle's unit tests use a fake.

use crate::directory::Directory;
use crate::ldap::LdapDirectory;
use crate::options::Options;
use crate::parked::Unbind;

/// One hook call's directory, with what `parked.rs` and the log need.
pub trait Session: Directory {
    /// The connection it can keep for the next call.
    type Conn;
    /// The servers this call tries, in order.
    fn order(&self) -> &[String];
    /// Uses `conn`, kept from an earlier call and connected to `uri`,
    /// instead of connecting (`user_bound`: rebind before searching).
    fn adopt(&mut self, conn: Self::Conn, uri: String, user_bound: bool);
    /// The live connection, its server and whether it is bound as an end
    /// user; None when there is none or it failed.
    fn into_parts(self) -> Option<(Self::Conn, String, bool)>
    where
        Self: Sized;
    /// Servers given up so far and why, for the log.
    fn failures(&self) -> &[String];
    /// What happened to a kept connection, for `debug` lines.
    fn notes(&self) -> &[String];
    /// The server that answered an operation, if one did.
    fn answered_by(&self) -> Option<&str>;
    /// The servers given up so far, for the failover memory.
    fn failed(&self) -> &[String];
}

/// Opens one hook call's session with `opts`, trying the servers in `order`.
pub trait Connector {
    type Conn: Unbind;
    type Session<'o>: Session<Conn = Self::Conn>
    where
        Self: 'o;
    fn session<'o>(&'o self, opts: &'o Options, order: Vec<String>) -> Self::Session<'o>;
}

/// The real directory: LDAP over ldap3 (`ldap.rs`).
pub struct LdapConnector;

impl Connector for LdapConnector {
    type Conn = Box<ldap3::LdapConn>;
    type Session<'o> = LdapDirectory<'o>;

    fn session<'o>(&'o self, opts: &'o Options, order: Vec<String>) -> LdapDirectory<'o> {
        LdapDirectory::with_order(opts, order)
    }
}

impl Session for LdapDirectory<'_> {
    type Conn = Box<ldap3::LdapConn>;

    fn order(&self) -> &[String] {
        LdapDirectory::order(self)
    }

    fn adopt(&mut self, conn: Self::Conn, uri: String, user_bound: bool) {
        LdapDirectory::adopt(self, *conn, uri, user_bound);
    }

    fn into_parts(self) -> Option<(Self::Conn, String, bool)> {
        LdapDirectory::into_parts(self)
            .map(|(conn, uri, user_bound)| (Box::new(conn), uri, user_bound))
    }

    fn failures(&self) -> &[String] {
        LdapDirectory::failures(self)
    }

    fn notes(&self) -> &[String] {
        LdapDirectory::notes(self)
    }

    fn answered_by(&self) -> Option<&str> {
        LdapDirectory::answered_by(self)
    }

    fn failed(&self) -> &[String] {
        LdapDirectory::failed(self)
    }
}
