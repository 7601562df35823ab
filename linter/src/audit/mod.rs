//! `pamlint audit [SERVICE...]` (issue 17): every user of the directory (and
//! local or listed users) against every service's auth and account stacks,
//! with the `why` engine; the verdicts streamed as they come, a summary
//! grouped by cause at the end. Read-only: the directory is read with the
//! module's configuration as its search identity (service account or
//! anonymous), never bound to as a user, never written.

pub mod duplicates;
pub mod output;
pub mod programs;
pub mod summary;
pub mod users;
pub mod verdict;

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use ldap_shell_core::directory::Directory;
use ldap_shell_core::options::Options;
use ldap_shell_core::scan::{self, ScannedUser};

use crate::facts::builder::FactsBuilder;
use crate::facts::directory::InDirectory;
use crate::facts::ldap_shell::{self as module, ModuleSettings};
use crate::facts::{Facts, PamVersion, Source};
use crate::model::ResolvedService;
use crate::why::WhyOptions;
use output::{AuditFormat, AuditWriter, Services, UserRecord};
use summary::Tally;
pub use users::LocalUsers;
use users::UserSource;
use verdict::{judge, Verdict};

/// Everything a run needs besides the resolved services.
pub struct AuditRun {
    pub root: PathBuf,
    pub module: ModuleSettings,
    /// Read the directory (scan, or look the listed users up).
    pub directory: bool,
    /// Which of ROOT/etc/passwd's users to audit, if any.
    pub local: Option<LocalUsers>,
    pub users_file: Option<PathBuf>,
    pub page_size: u32,
    pub format: AuditFormat,
    pub details: bool,
    pub why: WhyOptions,
    pub pam_version: Option<PamVersion>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    NobodyRefused,
    SomeoneRefused,
}

/// Audits the users against `services`; Err is the one line to print.
pub fn run(
    cfg: &AuditRun,
    services: &[ResolvedService],
    out: impl Write,
) -> Result<Ending, String> {
    let rules = module::rule_arguments(services);
    let options = Arc::new(module::resolve_all(&cfg.module, &rules));
    let scan_opts = if cfg.directory {
        Some(module::scan_options(&cfg.module, &rules).map_err(|e| {
            format!("cannot read the directory with pam_ldap_shell's configuration: {e}")
        })?)
    } else {
        None
    };
    let source = if cfg.root == std::path::Path::new("/") {
        Source::Host
    } else {
        Source::Root(cfg.root.clone())
    };
    let mut base = Facts::gather(&source, "", "", cfg.pam_version);
    base.ordinary_caller = true;
    let mut audit = Audit {
        cfg,
        services,
        builder: FactsBuilder::new(base, source, options),
        writer: AuditWriter::new(out, cfg.format, cfg.details),
        tally: Tally::default(),
        progress: Progress::new(),
        write_error: None,
        scanned_local: HashSet::new(),
    };
    audit.writer.begin().map_err(write_error)?;
    let read = audit.users(scan_opts.as_ref());
    audit.progress.done();
    let refused = audit.tally.refused_any();
    if let Some(e) = audit.write_error.take() {
        return stopped(e, refused);
    }
    let names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    // Even after a failed read the document is closed (what was read, then
    // exit 2): a JSON reader never gets half an object.
    let summary = audit.tally.finish(*read.as_ref().unwrap_or(&0));
    match audit.writer.finish(&summary, &names) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(write_error(e)),
        _ => {}
    }
    read?;
    Ok(ending(refused))
}

fn ending(refused: bool) -> Ending {
    if refused {
        Ending::SomeoneRefused
    } else {
        Ending::NobodyRefused
    }
}

fn write_error(e: std::io::Error) -> String {
    format!("writing the output: {e}")
}

/// A closed reader (`| head`) ends the audit quietly, with the status of
/// what was read; other write errors are errors.
fn stopped(e: std::io::Error, refused: bool) -> Result<Ending, String> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(ending(refused))
    } else {
        Err(write_error(e))
    }
}

struct Audit<'a, W: Write> {
    cfg: &'a AuditRun,
    services: &'a [ResolvedService],
    builder: FactsBuilder,
    writer: AuditWriter<W>,
    tally: Tally,
    progress: Progress,
    /// Local names the scan already audited (a directory entry with a
    /// local account's name): `--local` does not audit them twice.
    scanned_local: HashSet<String>,
    write_error: Option<std::io::Error>,
}

/// Said by the scan's callback to stop the scan after a write error.
const STOP: &str = "the output was closed";

impl<W: Write> Audit<'_, W> {
    /// Every user of the run, in order: the directory's (or the listed
    /// ones), then the local ones. Returns the pages the directory sent.
    fn users(&mut self, scan_opts: Option<&Options>) -> Result<u64, String> {
        let mut per_user = scan_opts.map(scan::per_user_directory);
        let mut pages = 0;
        if let Some(path) = &self.cfg.users_file {
            for name in users::read_user_list(path)? {
                self.named(
                    &name,
                    per_user.as_mut().map(|d| d as &mut dyn Directory),
                    true,
                )?;
            }
        } else if let Some(opts) = scan_opts {
            pages = self.scan(opts, per_user.as_mut())?;
        }
        if let (Some(which), None) = (self.cfg.local, &self.write_error) {
            for name in users::local_users(&self.cfg.root, which)? {
                if self.scanned_local.contains(&name) {
                    continue;
                }
                self.named(
                    &name,
                    per_user.as_mut().map(|d| d as &mut dyn Directory),
                    false,
                )?;
            }
        }
        Ok(pages)
    }

    fn scan(
        &mut self,
        opts: &Options,
        mut per_user: Option<&mut ldap_shell_core::ldap::LdapDirectory<'_>>,
    ) -> Result<u64, String> {
        let page_size = self.cfg.page_size;
        let duplicates = first_pass(opts, page_size)?;
        let mut each = |scanned: ScannedUser| -> Result<(), String> {
            for name in users::names_of(&scanned) {
                if self.builder.is_local(name) {
                    self.scanned_local.insert(name.to_string());
                }
                let mut dir = per_user.as_deref_mut().map(|d| d as &mut dyn Directory);
                let unusable = match dir.as_deref_mut() {
                    Some(d) if duplicates.maybe(name) => match users::look_up(d, name)? {
                        InDirectory::Unusable(why) => Some(why),
                        _ => None,
                    },
                    _ => None,
                };
                let facts = self.builder.directory_user(name, &scanned, unusable, dir);
                directory_failure(facts)?;
                let verdicts = judge_all(self.services, facts, self.cfg.why);
                let rec = UserRecord {
                    user: name,
                    source: UserSource::Ldap,
                    dn: Some(&scanned.entry.dn),
                    uid: scanned.entry.uid_number,
                    shell: scanned.entry.shell_values.first().map(String::as_str),
                    services: Services(&verdicts),
                };
                if !self.emit(&rec, &verdicts) {
                    return Err(STOP.into());
                }
            }
            Ok(())
        };
        match scan::scan(opts, page_size, &mut each) {
            Ok(stats) => Ok(stats.pages),
            Err(_) if self.write_error.is_some() => Ok(0),
            Err(e) => Err(format!("reading the directory: {e}")),
        }
    }

    /// A user named by `--users` (`listed`: a directory user when the
    /// module finds an entry) or `--local`.
    fn named(
        &mut self,
        name: &str,
        dir: Option<&mut dyn Directory>,
        listed: bool,
    ) -> Result<(), String> {
        if self.write_error.is_some() {
            return Ok(());
        }
        let (found, dir) = match dir {
            Some(d) => (users::look_up(d, name)?, Some(d)),
            None => (InDirectory::NotAsked, None),
        };
        let source = match found {
            InDirectory::Found(_) if listed => UserSource::Ldap,
            _ => UserSource::Local,
        };
        let (dn, shell_attr) = match &found {
            InDirectory::Found(e) => (Some(e.dn.clone()), Some(e.shell_values.first().cloned())),
            _ => (None, None),
        };
        let facts = self.builder.named_user(name, found, dir);
        directory_failure(facts)?;
        let verdicts = judge_all(self.services, facts, self.cfg.why);
        let uid = facts.passwd.as_ref().map(|p| p.uid);
        // The directory's attribute when the user has an entry, else NSS's shell.
        let shell = match shell_attr {
            Some(s) => s,
            None => facts.passwd.as_ref().map(|p| p.shell.clone()),
        };
        let rec = UserRecord {
            user: name,
            source,
            dn: dn.as_deref(),
            uid,
            shell: shell.as_deref(),
            services: Services(&verdicts),
        };
        self.emit(&rec, &verdicts);
        Ok(())
    }

    /// Writes and counts one user; false once the output failed.
    fn emit(&mut self, rec: &UserRecord<'_>, verdicts: &[(String, Verdict)]) -> bool {
        self.tally.add(verdicts);
        self.progress.tick();
        if let Err(e) = self.writer.user(rec) {
            self.write_error = Some(e);
            return false;
        }
        true
    }
}

/// The names on the directory's entries, counted in bounded memory, so the
/// full pass can tell a name the module finds on several entries.
fn first_pass(opts: &Options, page_size: u32) -> Result<duplicates::Duplicates, String> {
    let mut d = duplicates::Duplicates::default();
    let mut count = |scanned: ScannedUser| -> Result<(), String> {
        for name in users::names_of(&scanned) {
            d.add(name);
        }
        Ok(())
    };
    scan::scan_names(opts, page_size, &mut count)
        .map_err(|e| format!("reading the directory: {e}"))?;
    Ok(d)
}

/// A directory that failed while the audit asked it about a user (an
/// `authz_filter` search) ends the run: its users are not refused for it.
fn directory_failure(facts: &Facts) -> Result<(), String> {
    let Some(dir) = &facts.directory else {
        return Ok(());
    };
    match dir
        .authz
        .iter()
        .find_map(|(f, a)| a.as_ref().err().map(|e| (f, e)))
    {
        Some((filter, e)) => Err(format!(
            "asking the directory whether {} matches {filter}: {e}",
            facts.user
        )),
        None => Ok(()),
    }
}

fn judge_all(
    services: &[ResolvedService],
    facts: &mut Facts,
    why: WhyOptions,
) -> Vec<(String, Verdict)> {
    services
        .iter()
        .map(|s| (s.name.clone(), judge(s, facts, why)))
        .collect()
}

/// The count of users read, on stderr when it is a terminal (never mixed
/// into JSON or CSV on stdout).
struct Progress {
    on: bool,
    count: u64,
}

impl Progress {
    const EVERY: u64 = 250;

    fn new() -> Self {
        Progress {
            on: std::io::stderr().is_terminal(),
            count: 0,
        }
    }

    fn tick(&mut self) {
        self.count += 1;
        if self.on && self.count.is_multiple_of(Self::EVERY) {
            eprint!("\rpamlint audit: {} users read", self.count);
        }
    }

    fn done(&self) {
        if self.on && self.count >= Self::EVERY {
            // Erase the line so the summary starts clean.
            eprint!("\r\x1b[K");
        }
    }
}
