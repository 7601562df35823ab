//! Test doubles for `PamOps`, `Directory`, `Connector` and the host: the
//! hooks' decisions are unit-tested with these, without libpam or a server.

use crate::connector::{Connector, Session};
use crate::directory::{BindOutcome, ChangeOutcome, DirError, Directory, Lookup};
use crate::host::{Nss, ShellsFile};
use crate::options::{Options, Origin, Setting};
use crate::pam_ops::{MessageKind, PamOps, Priority, Secret};
use crate::parked::Unbind;
use crate::sys::nss::NssView;
use pam::constants::PamResultCode;
use std::cell::{Cell, RefCell};
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;
use zeroize::Zeroizing;

#[derive(Default)]
pub struct FakePam {
    pub user: String,
    /// PAM_SERVICE ("test" when empty).
    pub service: String,
    /// What pam_get_user fails with instead of giving `user`.
    pub user_error: Option<PamResultCode>,
    pub stored: Option<Vec<u8>>,
    pub stored_old: Option<Vec<u8>>,
    pub old_set: Option<Vec<u8>>,
    /// Answers to password prompts, in order; none left = conversation error.
    pub answers: Vec<Vec<u8>>,
    pub prompts: usize,
    pub authtok_set: Option<Vec<u8>>,
    pub messages: Vec<(MessageKind, String)>,
    pub logs: Vec<(Priority, String)>,
}

impl FakePam {
    pub fn new(user: &str, answers: &[&str]) -> FakePam {
        FakePam {
            user: user.into(),
            answers: answers.iter().map(|a| a.as_bytes().to_vec()).collect(),
            ..FakePam::default()
        }
    }

    pub fn logged(&self, needle: &str) -> bool {
        self.logs.iter().any(|(_, l)| l.contains(needle))
    }
}

impl PamOps for FakePam {
    fn user(&mut self) -> Result<String, PamResultCode> {
        match self.user_error.take() {
            Some(code) => Err(code),
            None => Ok(self.user.clone()),
        }
    }
    fn service(&self) -> String {
        if self.service.is_empty() {
            "test".into()
        } else {
            self.service.clone()
        }
    }
    fn stored_authtok(&self) -> Option<Secret> {
        self.stored.clone().map(Zeroizing::new)
    }
    fn stored_oldauthtok(&self) -> Option<Secret> {
        self.stored_old.clone().map(Zeroizing::new)
    }
    fn set_oldauthtok(&mut self, password: &Secret) -> Result<(), PamResultCode> {
        self.old_set = Some(password.to_vec());
        Ok(())
    }
    fn prompt_password(&mut self, _prompt: &str) -> Result<Secret, PamResultCode> {
        self.prompts += 1;
        if self.answers.is_empty() {
            return Err(PamResultCode::PAM_CONV_ERR);
        }
        Ok(Zeroizing::new(self.answers.remove(0)))
    }
    fn set_authtok(&mut self, password: &Secret) -> Result<(), PamResultCode> {
        self.authtok_set = Some(password.to_vec());
        Ok(())
    }
    fn send(&mut self, kind: MessageKind, text: &str) {
        self.messages.push((kind, text.into()));
    }
    fn syslog(&mut self, priority: Priority, text: &str) {
        self.logs.push((priority, text.into()));
    }
}

/// A directory answering from fixed data; counts the calls made.
#[derive(Clone)]
pub struct FakeDir {
    pub lookup: Result<Lookup, DirError>,
    /// The password that binds successfully.
    pub password: String,
    pub authz_match: bool,
    pub lookups: usize,
    pub binds: usize,
    /// The server's answer to a change with the right old password.
    pub change: ChangeOutcome,
    /// The new passwords the directory accepted.
    pub changed_to: Vec<String>,
    /// The password-policy response to every bind and change.
    pub policy: crate::ppolicy::Policy,
}

impl FakeDir {
    pub fn with(lookup: Lookup) -> FakeDir {
        FakeDir {
            lookup: Ok(lookup),
            password: "right".into(),
            authz_match: true,
            lookups: 0,
            binds: 0,
            change: ChangeOutcome::Changed,
            changed_to: Vec::new(),
            policy: crate::ppolicy::Policy::default(),
        }
    }
}

impl Directory for FakeDir {
    fn lookup(&mut self, _user: &str) -> Result<Lookup, DirError> {
        self.lookups += 1;
        self.lookup.clone()
    }
    fn bind(&mut self, _dn: &str, password: &str) -> Result<BindOutcome, DirError> {
        self.binds += 1;
        Ok(if password == self.password {
            BindOutcome::Success
        } else {
            BindOutcome::InvalidCredentials
        })
    }
    fn change_password(
        &mut self,
        _dn: &str,
        old: &str,
        new: &str,
    ) -> Result<ChangeOutcome, DirError> {
        self.binds += 1;
        if old != self.password {
            return Ok(ChangeOutcome::InvalidOld);
        }
        if self.change == ChangeOutcome::Changed {
            self.changed_to.push(new.to_string());
        }
        Ok(self.change.clone())
    }
    fn entry_matches(&mut self, _dn: &str, _filter: &str) -> Result<bool, DirError> {
        Ok(self.authz_match)
    }
    fn policy(&self) -> crate::ppolicy::Policy {
        self.policy
    }
    fn describe_search(&self, user: &str) -> String {
        format!("(uid={user}) under \"dc=t\"")
    }
}

/// A phase's context over `pam` with `opts`, not silent, on this system's host.
pub fn context<'a>(
    pam: &'a mut dyn PamOps,
    opts: &'a Options,
    handover: &'a mut crate::transaction::Handover,
) -> crate::context::Context<'a> {
    crate::context::Context {
        pam,
        opts,
        silent: false,
        handover,
        host: crate::host::Host::SYSTEM,
        refusal: None,
    }
}

pub fn options(extra: &[&str]) -> Options {
    let mut all = vec!["uri=ldap://127.0.0.1:1", "base=dc=t"];
    all.extend_from_slice(extra);
    let settings: Vec<Setting> = all
        .iter()
        .map(|a| Setting::parse(a, Origin::Arguments))
        .collect();
    Options::from_settings(&settings).expect("test options")
}

/// What happened to fake connections, in order; shared by a connector,
/// its sessions and their connections.
#[derive(Debug, Clone, Default)]
pub struct ConnLog(Rc<RefCell<Vec<String>>>);

impl ConnLog {
    pub fn push(&self, event: String) {
        self.0.borrow_mut().push(event);
    }

    pub fn events(&self) -> Vec<String> {
        self.0.borrow().clone()
    }

    /// Whether `event` happened.
    pub fn saw(&self, event: &str) -> bool {
        self.0.borrow().iter().any(|e| e == event)
    }
}

/// A connection that records its unbind and its drop (a forgotten one
/// records neither).
#[derive(Debug)]
pub struct FakeConn {
    pub id: u32,
    log: ConnLog,
}

impl FakeConn {
    pub fn new(id: u32, log: &ConnLog) -> FakeConn {
        FakeConn {
            id,
            log: log.clone(),
        }
    }
}

impl Drop for FakeConn {
    fn drop(&mut self) {
        self.log.push(format!("drop {}", self.id));
    }
}

impl Unbind for FakeConn {
    fn unbind(&mut self, _timeout: Duration) {
        self.log.push(format!("unbind {}", self.id));
    }
}

/// Opens `FakeSession`s over a copy of `dir`; servers in `down` never answer.
pub struct FakeConnector {
    pub log: ConnLog,
    pub dir: FakeDir,
    pub down: Vec<String>,
    next_id: Cell<u32>,
}

impl FakeConnector {
    pub fn new(dir: FakeDir) -> FakeConnector {
        FakeConnector {
            log: ConnLog::default(),
            dir,
            down: Vec::new(),
            next_id: Cell::new(1),
        }
    }
}

impl Connector for FakeConnector {
    type Conn = FakeConn;
    type Session<'o> = FakeSession<'o>;

    fn session<'o>(&'o self, _opts: &'o Options, order: Vec<String>) -> FakeSession<'o> {
        self.log.push(format!("session {}", order.join(",")));
        FakeSession {
            connector: self,
            dir: self.dir.clone(),
            order,
            conn: None,
            user_bound: false,
            answered: false,
            failures: Vec::new(),
            failed: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// `LdapDirectory`'s life in small: connects on first use (failing over past
/// `down` servers), rebinds a user-bound connection before searching, unbinds
/// and drops its connection when dropped.
pub struct FakeSession<'o> {
    connector: &'o FakeConnector,
    pub dir: FakeDir,
    order: Vec<String>,
    conn: Option<(FakeConn, String)>,
    user_bound: bool,
    answered: bool,
    failures: Vec<String>,
    failed: Vec<String>,
    notes: Vec<String>,
}

impl FakeSession<'_> {
    fn connect(&mut self) -> Result<(), DirError> {
        if self.conn.is_some() {
            return Ok(());
        }
        for uri in &self.order {
            if self.failed.contains(uri) {
                continue;
            }
            if self.connector.down.contains(uri) {
                self.failures.push(format!("{uri}: connection refused"));
                self.failed.push(uri.clone());
                continue;
            }
            let id = self.connector.next_id.get();
            self.connector.next_id.set(id + 1);
            self.connector.log.push(format!("connect {id} {uri}"));
            self.conn = Some((FakeConn::new(id, &self.connector.log), uri.clone()));
            self.user_bound = false;
            return Ok(());
        }
        Err(DirError::Unavailable(format!(
            "no server reachable ({})",
            self.failures.join("; ")
        )))
    }

    /// Connected, as the search identity.
    fn for_search(&mut self) -> Result<(), DirError> {
        self.connect()?;
        if self.user_bound {
            if let Some((c, _)) = &self.conn {
                self.connector.log.push(format!("rebind {}", c.id));
            }
            self.user_bound = false;
        }
        self.answered = true;
        Ok(())
    }
}

impl Drop for FakeSession<'_> {
    fn drop(&mut self) {
        if let Some((mut c, _)) = self.conn.take() {
            c.unbind(Duration::ZERO);
        }
    }
}

impl Directory for FakeSession<'_> {
    fn lookup(&mut self, user: &str) -> Result<Lookup, DirError> {
        self.for_search()?;
        self.dir.lookup(user)
    }
    fn bind(&mut self, dn: &str, password: &str) -> Result<BindOutcome, DirError> {
        self.connect()?;
        self.answered = true;
        self.user_bound = true;
        self.dir.bind(dn, password)
    }
    fn change_password(
        &mut self,
        dn: &str,
        old: &str,
        new: &str,
    ) -> Result<ChangeOutcome, DirError> {
        self.connect()?;
        self.answered = true;
        self.user_bound = true;
        self.dir.change_password(dn, old, new)
    }
    fn entry_matches(&mut self, dn: &str, filter: &str) -> Result<bool, DirError> {
        self.for_search()?;
        self.dir.entry_matches(dn, filter)
    }
    fn describe_search(&self, user: &str) -> String {
        self.dir.describe_search(user)
    }
    fn server(&self) -> Option<String> {
        self.conn.as_ref().map(|(_, uri)| uri.clone())
    }
    fn policy(&self) -> crate::ppolicy::Policy {
        self.dir.policy
    }
}

impl Session for FakeSession<'_> {
    type Conn = FakeConn;

    fn order(&self) -> &[String] {
        &self.order
    }
    fn adopt(&mut self, conn: FakeConn, uri: String, user_bound: bool) {
        self.connector.log.push(format!("adopt {} {uri}", conn.id));
        self.notes.push(format!("reusing the connection to {uri}"));
        self.conn = Some((conn, uri));
        self.user_bound = user_bound;
    }
    fn into_parts(mut self) -> Option<(FakeConn, String, bool)> {
        let (conn, uri) = self.conn.take()?;
        Some((conn, uri, self.user_bound))
    }
    fn failures(&self) -> &[String] {
        &self.failures
    }
    fn notes(&self) -> &[String] {
        &self.notes
    }
    fn answered_by(&self) -> Option<&str> {
        self.conn
            .as_ref()
            .filter(|_| self.answered)
            .map(|(_, uri)| uri.as_str())
    }
    fn failed(&self) -> &[String] {
        &self.failed
    }
}

/// NSS with one answer for every user.
pub struct FakeNss(pub NssView);

impl Nss for FakeNss {
    fn getpwnam(&self, _user: &str) -> NssView {
        self.0.clone()
    }
}

/// A shells list held in memory; counts the reads.
#[derive(Default)]
pub struct FakeShells {
    pub listed: Vec<String>,
    pub reads: Cell<usize>,
}

impl ShellsFile for FakeShells {
    fn read(&self, _path: &Path) -> Result<Vec<String>, String> {
        self.reads.set(self.reads.get() + 1);
        Ok(self.listed.clone())
    }
}
