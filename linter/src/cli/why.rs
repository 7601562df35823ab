//! `pamlint why SERVICE USER [--type T ...] [--pam-version X.Y.Z]`.

use clap::Args;

use super::context::Needed;
use super::out::ReportFormat;
use super::{CommonArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::facts::{Facts, PamVersion, Source};
use crate::model::PamType;
use crate::resolve::resolve_service;
use crate::why::report::render_human;
use crate::why::{explain, WhyOptions};

#[derive(Debug, Clone, Args)]
pub struct WhyArgs {
    /// The service (its file in pam.d, e.g. vsftpd).
    pub service: String,
    /// The user to predict for. On the live host (no --root) the passwd entry comes
    /// from NSS, so LDAP users through nslcd or sssd count; with --root from ROOT/etc/passwd.
    pub user: String,
    /// Management group(s) to walk, in order (default: auth, then account).
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    pub types: Vec<PamType>,
    /// The Linux-PAM version whose module behaviour to predict (default: the installed one).
    #[arg(long = "pam-version", value_name = "X.Y.Z", value_parser = parse_version)]
    pub pam_version: Option<PamVersion>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
    /// Do not read the directory for pam_ldap_shell: predict it from NSS's view of the user.
    #[arg(long = "no-directory")]
    pub no_directory: bool,
}

fn parse_type(s: &str) -> Result<PamType, String> {
    PamType::parse(s)
        .ok_or_else(|| format!("unknown type `{s}` (auth, account, password, session)"))
}

fn parse_version(s: &str) -> Result<PamVersion, String> {
    PamVersion::parse(s).ok_or_else(|| format!("`{s}` is not a version like 1.5.2"))
}

impl WhyArgs {
    pub fn run(&self, common: &CommonArgs) -> u8 {
        let ctx = match common.service_context("why", Needed::OrOther(&self.service)) {
            Ok(ctx) => ctx,
            Err(code) => return code,
        };
        let service = resolve_service(&ctx, &self.service);
        let root = common.root.as_path();
        let source = if root == std::path::Path::new("/") {
            Source::Host
        } else {
            Source::Root(root.to_path_buf())
        };
        // A built-in target names its Linux-PAM release; `host` reads the root's.
        let from_target = (self.pam_version.is_none() && ctx.target.name != "host")
            .then(|| ctx.target.version.as_deref().and_then(PamVersion::parse))
            .flatten();
        let version = self.pam_version.or(from_target);
        let mut facts = Facts::gather(&source, &service.name, &self.user, version);
        if !self.no_directory {
            facts = crate::why::directory::read(facts, &source, &service);
        }
        if from_target.is_some() {
            facts.version.source = format!("target {}", ctx.target.name);
        }
        let types = if self.types.is_empty() {
            vec![PamType::Auth, PamType::Account]
        } else {
            self.types.clone()
        };
        let opts = WhyOptions {
            assume_modules_present: common.assume_modules_present(&ctx.target),
        };
        let report = explain(&service, &types, &facts, opts);
        match self.format {
            ReportFormat::Json => match serde_json::to_string_pretty(&report) {
                Ok(s) => {
                    if crate::cli::out::emit_line(&s).is_err() {
                        return EXIT_ERROR;
                    }
                }
                Err(e) => {
                    eprintln!("pamlint why: {e}");
                    return EXIT_ERROR;
                }
            },
            ReportFormat::Human => {
                if crate::cli::out::emit(&crate::cli::out::terminal_lines(&render_human(&report)))
                    .is_err()
                {
                    return EXIT_ERROR;
                }
            }
        }
        if report.refused() {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }
}
