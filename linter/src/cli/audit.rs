//! `pamlint audit [SERVICE...]`: the command line of `crate::audit`.

use std::collections::HashSet;
use std::path::PathBuf;

use clap::Args;

use super::context::Settings;
use super::{CommonArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::audit::output::AuditFormat;
use crate::audit::{self, AuditRun, Ending, LocalUsers};
use crate::facts::ldap_shell::ModuleSettings;
use crate::facts::PamVersion;
use crate::model::{PamType, ResolvedService};
use crate::resolve::{pam_start_name, resolve_service, ResolveContext, OTHER};
use crate::why::WhyOptions;

const AFTER_HELP: &str = "\
Each user is walked through the auth and account stacks of each service with
the facts `pamlint why` uses (shells file, installed programs, ftpusers,
pam_succeed_if, pam_access, nologin, and pam_ldap_shell's own answer from the
entry: shell attribute, minimum_uid, locks, shadow aging, authz_filter). The
password is taken as right. The directory is read page by page (RFC 2696)
with pam_ldap_shell's configuration, as its search identity (binddn/bindpw_file
or anonymous): never bound to as a user, never written.

For audit, the global --config names pam_ldap_shell's configuration file
(default ROOT/etc/pam_ldap_shell.conf); the options of each pam_ldap_shell
line apply to that line, as in the module.

Verdicts: admitted, refused (rule FILE:LINE module, reason, cause id) or
unknown (a module whose answer could decide cannot be predicted).
Exit status: 0 nobody refused (unknown verdicts alone included),
1 someone refused, 2 error. --format json|csv for scripts; human prints a
summary grouped by cause (--details: a line per refused or unknown pair).
See docs/pamlint.md (audit) for the JSON and CSV shapes and the cause ids.";

#[derive(Debug, Clone, Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct AuditArgs {
    /// Services to audit (default: every service file with an auth or account
    /// stack, except `other` and the libraries others include: common-*, system-*, *-auth, postlogin).
    pub services: Vec<String>,
    /// The directory URI, replacing the configuration's (e.g. ldap://127.0.0.1:389).
    #[arg(long, value_name = "URI")]
    pub uri: Option<String>,
    /// Audit only these users, one name per line (facts from the directory, else NSS).
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Also audit the local users of ROOT/etc/passwd: the regular ones (uid at or
    /// above login.defs' UID_MIN, as pam_usertype's isregular).
    #[arg(long)]
    pub local: bool,
    /// With --local: the system accounts too (root, daemons, nobody).
    #[arg(long, requires = "local")]
    pub system: bool,
    /// Do not read the directory (only --local or --users, with NSS's facts).
    #[arg(long = "no-directory")]
    pub no_directory: bool,
    /// Output format: a summary by cause (human), or a record per user (json), a row per user and service (csv).
    #[arg(long, value_enum, default_value = "human")]
    pub format: AuditFormat,
    /// Human output: a line per refused or unknown (user, service).
    #[arg(long)]
    pub details: bool,
    /// Entries per page of the directory scan (RFC 2696 simple paged results).
    #[arg(long = "page-size", value_name = "N", default_value_t = ldap_shell_core::scan::DEFAULT_PAGE_SIZE,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub page_size: u32,
    /// The Linux-PAM version whose module behaviour to predict (default: the installed one).
    #[arg(long = "pam-version", value_name = "X.Y.Z", value_parser = parse_version)]
    pub pam_version: Option<PamVersion>,
}

fn parse_version(s: &str) -> Result<PamVersion, String> {
    PamVersion::parse(s).ok_or_else(|| format!("`{s}` is not a version like 1.5.2"))
}

impl AuditArgs {
    pub fn run(&self, common: &CommonArgs) -> u8 {
        let settings = match self.settings(common) {
            Ok(s) => s,
            // Already said on stderr by CommonArgs::settings.
            Err(code) => return code,
        };
        match self.audit(common, &settings) {
            Ok(Ending::NobodyRefused) => EXIT_OK,
            Ok(Ending::SomeoneRefused) => EXIT_FINDINGS,
            Err(e) => {
                eprintln!(
                    "pamlint audit: {}",
                    ldap_shell_core::escape::terminal_safe(&e)
                );
                EXIT_ERROR
            }
        }
    }

    /// pamlint's own settings (pamlint.toml, the target): the global
    /// --config is pam_ldap_shell's file here, so it is not read as pamlint.toml.
    fn settings(&self, common: &CommonArgs) -> Result<Settings, u8> {
        CommonArgs {
            config: None,
            ..common.clone()
        }
        .settings("audit")
    }

    fn audit(&self, common: &CommonArgs, settings: &Settings) -> Result<Ending, String> {
        let format = self.format;
        if self.no_directory && !self.local && self.users.is_none() {
            return Err("--no-directory needs --local or --users: there is nobody to audit".into());
        }
        let ctx = common.resolve_context(&settings.target);
        if let Some(why) = crate::resolve::openpam_evidence(&ctx.pam_dirs) {
            return Err(crate::resolve::openpam_refusal(&why));
        }
        let services = self.services(&ctx)?;
        let from_target = (self.pam_version.is_none() && settings.target.name != "host")
            .then(|| {
                settings
                    .target
                    .version
                    .as_deref()
                    .and_then(PamVersion::parse)
            })
            .flatten();
        let run = AuditRun {
            root: common.root.clone(),
            module: ModuleSettings {
                root: common.root.clone(),
                config: common.config.clone(),
                uri: self.uri.clone(),
            },
            directory: !self.no_directory,
            local: match (self.local, self.system) {
                (false, _) => None,
                (true, false) => Some(LocalUsers::Regular),
                (true, true) => Some(LocalUsers::All),
            },
            users_file: self.users.clone(),
            page_size: self.page_size,
            format,
            details: self.details,
            why: WhyOptions {
                assume_modules_present: common.assume_modules_present(&settings.target),
            },
            pam_version: self.pam_version.or(from_target),
        };
        let stdout = std::io::stdout();
        let out = std::io::BufWriter::new(stdout.lock());
        audit::run(&run, &services, out)
    }

    /// The named services (each must have a file, or `other`), else every
    /// service with an auth or account stack of its own.
    fn services(&self, ctx: &ResolveContext) -> Result<Vec<ResolvedService>, String> {
        let has = |s: &str| ctx.find_config(s).is_some() || ctx.uses_pam_conf();
        if !self.services.is_empty() {
            // As libpam names them (SSHD is sshd), each once.
            let mut seen = HashSet::new();
            let names: Vec<String> = self
                .services
                .iter()
                .map(|s| pam_start_name(s))
                .filter(|s| seen.insert(s.clone()))
                .collect();
            if let Some(s) = names.iter().find(|s| !has(s) && !has(OTHER)) {
                return Err(format!("no pam.d file for service `{s}` (nor `other`)"));
            }
            return Ok(names.iter().map(|s| resolve_service(ctx, s)).collect());
        }
        let services = default_services(ctx);
        if services.is_empty() {
            return Err(format!(
                "no service with an auth or account stack in {}",
                ctx.pam_dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(services)
    }
}

/// Every service file that has auth or account rules of its own, except
/// `other` and the libraries other services include (common-auth,
/// system-auth, password-auth...: read alone, they are not what runs), in
/// name order. An included file with a program's name (su, included by
/// su-l) stays: su runs it.
/// The names distributions give files that only other services include.
fn is_library(name: &str) -> bool {
    name.starts_with("common-")
        || name.starts_with("system-")
        || name.ends_with("-auth")
        || name == "postlogin"
}

pub fn default_services(ctx: &ResolveContext) -> Vec<ResolvedService> {
    let mut names: Vec<String> = ctx
        .service_names()
        .iter()
        // pam_start lower-cases the service: a name with capitals is never one.
        .filter(|n| *n != OTHER && !n.bytes().any(|b| b.is_ascii_uppercase()))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    let mut included = HashSet::new();
    let resolved: Vec<ResolvedService> = names
        .iter()
        .map(|n| {
            let s = resolve_service(ctx, n);
            crate::check::note_included(&s, &mut included);
            s
        })
        .collect();
    resolved
        .into_iter()
        .filter(|s| !(included.contains(&s.name) && is_library(&s.name)))
        .filter(|s| {
            [PamType::Auth, PamType::Account].iter().any(|t| {
                let stack = s.stack(*t);
                !stack.from_other && !stack.items.is_empty()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_services_skip_libraries_and_other_but_keep_included_programs() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("common-auth", "auth required pam_permit.so\n"),
            ("common-account", "account required pam_permit.so\n"),
            (
                "su",
                "auth sufficient pam_rootok.so\n@include common-auth\n",
            ),
            ("su-l", "@include su\n"),
            ("sshd", "@include common-auth\n@include common-account\n"),
            ("passwd", "password required pam_unix.so\n"),
            ("other", "auth required pam_deny.so\n"),
            ("README", "auth required pam_deny.so\n"),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let ctx = ResolveContext::for_dir(dir.path(), dir.path());
        let names: Vec<String> = default_services(&ctx).into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["sshd", "su", "su-l"]);
    }
}
