//! Test doubles for `PamOps` and `Directory`: the hooks' decisions are
//! unit-tested with these, without libpam or a server.

use crate::directory::{BindOutcome, ChangeOutcome, DirError, Directory, Lookup};
use crate::failover::ServerMemory;
use crate::options::{Options, Origin, Setting};
use crate::pam_ops::{DueChange, MessageKind, PamOps, Priority, Secret};
use crate::parked::ParkedConn;
use crate::recent::RecentEntry;
use pam::constants::PamResultCode;
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
    /// What pam_set_data would hold for the failover memory.
    pub memory: Option<ServerMemory>,
    /// pam_set_data fails (the memory is never stored).
    pub memory_unavailable: bool,
    /// The kept LDAP connection (unit tests have no server: always None).
    pub parked: Option<ParkedConn>,
    /// What pam_set_data would hold for the entry the auth phase read.
    pub recent: Option<RecentEntry>,
    /// What pam_set_data would hold for a password change found due.
    pub due: Option<DueChange>,
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
    fn server_memory(&self) -> Option<ServerMemory> {
        self.memory.clone()
    }
    fn set_server_memory(&mut self, memory: ServerMemory) {
        if !self.memory_unavailable {
            self.memory = Some(memory);
        }
    }
    fn recent_entry(&self) -> Option<RecentEntry> {
        self.recent.clone()
    }
    fn set_recent_entry(&mut self, entry: Option<RecentEntry>) {
        self.recent = entry;
    }
    fn due_change(&self) -> Option<DueChange> {
        self.due.clone()
    }
    fn set_due_change(&mut self, due: Option<DueChange>) {
        self.due = due;
    }
    fn take_connection(&mut self) -> Option<ParkedConn> {
        self.parked.take()
    }
    fn park_connection(&mut self, conn: ParkedConn) -> Result<(), ParkedConn> {
        self.parked = Some(conn);
        Ok(())
    }
}

/// A directory answering from fixed data; counts the calls made.
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

pub fn options(extra: &[&str]) -> Options {
    let mut all = vec!["uri=ldap://127.0.0.1:1", "base=dc=t"];
    all.extend_from_slice(extra);
    let settings: Vec<Setting> = all
        .iter()
        .map(|a| Setting::parse(a, Origin::Arguments))
        .collect();
    Options::from_settings(&settings).expect("test options")
}
