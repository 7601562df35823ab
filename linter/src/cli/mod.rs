//! The `pamlint` command line (clap derive).
//!
//! Adding a subcommand: write `cli/NAME.rs` with a `NameArgs` struct (clap `Args`,
//! holding the options only it takes, `--format` with the values it can write
//! among them) and `fn run(&self, common: &CommonArgs) -> u8`, then add one
//! module line, one variant to [`Command`] and one arm to [`Command::run`] below.

mod argv;
pub mod audit;
pub mod check;
pub mod completions;
pub mod context;
pub mod diff;
pub mod explain;
pub mod out;
pub mod rules;
pub mod simulate;
pub mod why;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

/// Exit codes (docs/pamlint.md: exit status).
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "pamlint",
    version,
    about = "Lint, diff and simulate Linux-PAM configuration (/etc/pam.d)"
)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options about the tree, for every subcommand that reads one.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Filesystem root to lint (an image or chroot): its /etc/pam.d, vendor dirs and module dirs.
    #[arg(long, global = true, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// A bare pam.d directory to use instead of <root>/etc/pam.d.
    #[arg(long, global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Extra directory to search for modules (repeatable).
    #[arg(long = "module-path", global = true, value_name = "DIR")]
    pub module_path: Vec<PathBuf>,
    /// The libpam that reads the files: host (default: the root's installed modules,
    /// os-release), or debian12, debian13, ubuntu22.04, ubuntu24.04, rhel8, rhel9,
    /// rhel10 (alma/rocky/centos aliases), fedora, opensuse (sles), arch, alpine, freebsd.
    #[arg(long, global = true, value_name = "NAME")]
    pub target: Option<String>,
    /// A site's own modules, one file name per line, present in addition to the target's.
    #[arg(long, global = true, value_name = "FILE")]
    pub modules: Option<PathBuf>,
    /// Settings file (default: pamlint.toml in the working directory or above). For `audit`:
    /// pam_ldap_shell's configuration file (default ROOT/etc/pam_ldap_shell.conf).
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Read no pamlint.toml.
    #[arg(long = "no-config", global = true)]
    pub no_config: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files or directories (default: /etc/pam.d, and /etc/pam.conf if present).
    Check(check::CheckArgs),
    /// Print the documentation of one rule.
    Explain(explain::ExplainArgs),
    /// List every rule (code, severity, title).
    Rules(rules::RulesArgs),
    /// Compare two services' effective stacks, per type.
    Diff(diff::DiffArgs),
    /// Run a service's stack through libpam's control flow (pam_dispatch.c).
    Simulate(simulate::SimulateArgs),
    /// Predict where and why USER would be refused by SERVICE, from this host's facts.
    Why(why::WhyArgs),
    /// Audit every directory (and local) user against every service: who is refused, where and why.
    Audit(audit::AuditArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
}

impl Command {
    pub fn run(&self, common: &CommonArgs) -> u8 {
        match self {
            Command::Check(a) => a.run(common),
            Command::Explain(a) => a.run(common),
            Command::Rules(a) => a.run(common),
            Command::Diff(a) => a.run(common),
            Command::Simulate(a) => a.run(common),
            Command::Why(a) => a.run(common),
            Command::Audit(a) => a.run(common),
            Command::Completions(a) => a.run(common),
        }
    }
}

/// Parse arguments and run; clap's usage errors exit 2 (docs/pamlint.md).
/// A subcommand's options written before it (`pamlint --format json diff`)
/// are moved after it first, so clap checks them against that subcommand.
pub fn main() -> ExitCode {
    let args = argv::hoist(std::env::args_os().collect(), &Cli::command());
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK });
        }
    };
    ExitCode::from(cli.command.run(&cli.common))
}
