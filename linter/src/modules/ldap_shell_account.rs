//! pam_ldap_shell's account phase (`ldap_shell_core::account::account`) run
//! on an audit's facts instead of a PAM handle: libpam is a recorder that
//! answers PAM_USER and PAM_SERVICE and keeps what the module would log or
//! tell (no terminal, no syslog); the directory is the scanned entry and the
//! `authz_filter` answers the audit asked; the host is the audited one (NSS
//! from the passwd facts, the shells list and the shell program under --root).

use std::path::Path;

use ldap_shell_core::account::account;
use ldap_shell_core::context::Context;
use ldap_shell_core::directory::{
    BindOutcome, ChangeOutcome, DirError, Directory, Lookup, UserEntry,
};
use ldap_shell_core::host::{Host, Nss, ShellsFile};
use ldap_shell_core::options::Options;
use ldap_shell_core::pam_ops::{printable, MessageKind, PamOps, PamResultCode, Priority, Secret};
use ldap_shell_core::refusal::Refusal;
use ldap_shell_core::shells::{file_problem, read_shells, ShellProblem};
use ldap_shell_core::sys::nss::NssView;
use ldap_shell_core::transaction::Handover;

use crate::why::facts::{DirectoryFacts, Facts, FsView};

/// What one run of the account phase did.
#[derive(Debug)]
pub struct Run {
    /// The PAM code, as libpam numbers it.
    pub code: usize,
    /// Why the module refused, as it recorded it.
    pub refusal: Option<Refusal>,
    /// The lines the module logged at notice or above, escaped as its syslog gate does.
    pub lines: Vec<String>,
    /// An authz_filter the audit did not ask the directory: the run's answer means nothing.
    pub unasked_filter: Option<String>,
}

impl Run {
    /// What the module said about the refusal: its log lines in order.
    pub fn said(&self) -> String {
        self.lines.join("; then ")
    }
}

/// Runs the module's account phase for the user of `facts` on `entry`.
pub fn run(facts: &Facts, opts: &Options, dir: &DirectoryFacts, entry: &UserEntry) -> Run {
    let mut pam = Recorder {
        user: facts.user.clone(),
        service: facts.service.clone(),
        lines: Vec::new(),
    };
    let mut directory = Scanned {
        entry,
        facts: dir,
        unasked: None,
    };
    let nss = PasswdFacts(facts);
    let shells = UnderRoot(&facts.fs);
    let mut handover = Handover::default();
    let mut ctx = Context {
        pam: &mut pam,
        opts,
        silent: false,
        handover: &mut handover,
        host: Host {
            nss: &nss,
            shells: &shells,
        },
        refusal: None,
    };
    let code = account(&mut ctx, &mut directory);
    let refusal = ctx.refusal.take();
    Run {
        code: code as usize,
        refusal,
        lines: pam.lines,
        unasked_filter: directory.unasked,
    }
}

/// libpam as the audit plays it: the user and the service are known, there
/// is nobody to talk to, and syslog lines are kept.
struct Recorder {
    user: String,
    service: String,
    lines: Vec<String>,
}

impl PamOps for Recorder {
    fn user(&mut self) -> Result<String, PamResultCode> {
        Ok(self.user.clone())
    }
    fn service(&self) -> String {
        self.service.clone()
    }
    fn stored_authtok(&self) -> Option<Secret> {
        None
    }
    fn stored_oldauthtok(&self) -> Option<Secret> {
        None
    }
    // The account phase never asks for a password; an audit has none.
    fn set_oldauthtok(&mut self, _: &Secret) -> Result<(), PamResultCode> {
        Err(PamResultCode::PAM_SYSTEM_ERR)
    }
    fn prompt_password(&mut self, _: &str) -> Result<Secret, PamResultCode> {
        Err(PamResultCode::PAM_CONV_ERR)
    }
    fn set_authtok(&mut self, _: &Secret) -> Result<(), PamResultCode> {
        Err(PamResultCode::PAM_SYSTEM_ERR)
    }
    // What the user is told repeats the log line without the DN.
    fn send(&mut self, _: MessageKind, _: &str) {}
    fn syslog(&mut self, priority: Priority, text: &str) {
        if matches!(
            priority,
            Priority::Err | Priority::Warning | Priority::Notice
        ) {
            self.lines.push(printable(text));
        }
    }
}

/// The directory as the scan found it for this user.
struct Scanned<'a> {
    entry: &'a UserEntry,
    facts: &'a DirectoryFacts,
    unasked: Option<String>,
}

/// What the audit does not do as the user.
fn not_asked(what: &str) -> DirError {
    DirError::Failed(format!("pamlint audit does not {what}"))
}

impl Directory for Scanned<'_> {
    fn lookup(&mut self, _: &str) -> Result<Lookup, DirError> {
        Ok(Lookup::Found(self.entry.clone()))
    }
    fn bind(&mut self, _: &str, _: &str) -> Result<BindOutcome, DirError> {
        Err(not_asked("bind as the user"))
    }
    fn change_password(&mut self, _: &str, _: &str, _: &str) -> Result<ChangeOutcome, DirError> {
        Err(not_asked("change passwords"))
    }
    fn entry_matches(&mut self, _: &str, filter: &str) -> Result<bool, DirError> {
        match self.facts.authz_answer(filter) {
            Some(Ok(matches)) => Ok(*matches),
            Some(Err(e)) => Err(DirError::Unavailable(e.clone())),
            None => {
                self.unasked = Some(filter.to_string());
                Err(not_asked(&format!("know the answer to {filter}")))
            }
        }
    }
    fn describe_search(&self, user: &str) -> String {
        format!("the audit's scan for {user}")
    }
}

/// getpwnam as the audit's passwd facts answer it.
struct PasswdFacts<'a>(&'a Facts);

impl Nss for PasswdFacts<'_> {
    fn getpwnam(&self, _: &str) -> NssView {
        match (&self.0.passwd, &self.0.lookup_error) {
            (Some(pw), _) => NssView::Known {
                shell: pw.shell.clone(),
                uid: pw.uid,
            },
            (None, Some(e)) => NssView::Error(e.clone()),
            (None, None) => NssView::Unknown,
        }
    }
}

/// The shells list and the programs under the audited root.
struct UnderRoot<'a>(&'a FsView);

impl UnderRoot<'_> {
    fn rooted(&self, path: &Path) -> std::path::PathBuf {
        self.0.path(&path.to_string_lossy())
    }
}

impl ShellsFile for UnderRoot<'_> {
    fn read(&self, path: &Path) -> Result<Vec<String>, String> {
        read_shells(&self.rooted(path))
    }
    fn program_problem(&self, path: &Path) -> Option<ShellProblem> {
        file_problem(&self.rooted(path))
    }
}
