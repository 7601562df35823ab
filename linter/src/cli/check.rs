//! `pamlint check [PATH...]`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{CommonArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::check::baseline::{self, Baseline};
use crate::check::select::Selection;
use crate::check::{lint, CheckOptions};
use crate::model::Severity;
use crate::output::{render, Format};

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files or directories to lint (default: <root>/etc/pam.d and <root>/etc/pam.conf).
    pub paths: Vec<PathBuf>,
    /// Report only these rules: codes or prefixes (PL3 = every PL3xx, ALL), comma-separated;
    /// replaces pamlint.toml's `select`.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Do not report these rules: codes or prefixes, comma-separated; added to
    /// pamlint.toml's `ignore`.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Report only findings not recorded in this baseline (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings in FILE as the accepted baseline, then exit 0.
    #[arg(long = "write-baseline", value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value = "error")]
    pub deny: DenyLevel,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    Error,
    Warning,
    Info,
}

impl DenyLevel {
    pub fn severity(self) -> Severity {
        match self {
            DenyLevel::Error => Severity::Error,
            DenyLevel::Warning => Severity::Warning,
            DenyLevel::Info => Severity::Info,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether human output gets colour: `--color`, else only on a terminal.
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }
}

impl CheckArgs {
    pub fn run(&self, common: &CommonArgs) -> u8 {
        let settings = match common.settings("check") {
            Ok(s) => s,
            Err(code) => return code,
        };
        let config = settings.config.as_ref().map(|c| &c.config);
        let select = self
            .select
            .clone()
            .or_else(|| config.and_then(|c| c.select.clone()));
        let mut ignore = config.map(|c| c.ignore.clone()).unwrap_or_default();
        ignore.extend(self.ignore.iter().cloned());
        let per_file: Vec<(String, Vec<String>)> = config
            .map(|c| c.per_file_ignores.clone().into_iter().collect())
            .unwrap_or_default();
        let base = settings.config.as_ref().map(|c| c.dir.clone());
        let selection = match Selection::new(select, ignore, &per_file, base) {
            Ok(s) => s,
            Err(e) => {
                let from = settings
                    .config
                    .as_ref()
                    .map(|c| format!(" ({} or the command line)", c.path.display()))
                    .unwrap_or_default();
                eprintln!("pamlint check: {e}{from}");
                return EXIT_ERROR;
            }
        };
        // Read the baseline before linting: a bad file is a usage error.
        let baseline_path = self
            .baseline
            .clone()
            .or_else(|| config.and_then(|c| c.baseline.clone()));
        let known = match baseline_path.as_deref().map(Baseline::read).transpose() {
            Ok(b) => b,
            Err(e) => {
                eprintln!("pamlint check: {e}");
                return EXIT_ERROR;
            }
        };
        let opts = CheckOptions {
            root: common.root.clone(),
            dir: common.dir.clone(),
            paths: self.paths.clone(),
            module_paths: common.module_path.clone(),
            target: Some(settings.target.clone()),
        };
        let mut report = lint(&opts);
        for e in &report.io_errors {
            eprintln!("pamlint: {e}");
        }
        if !report.io_errors.is_empty() {
            return EXIT_ERROR;
        }
        report.findings.retain(|f| selection.keeps(f));
        if let Some(path) = &self.write_baseline {
            return match baseline::write(&report, path) {
                Ok(n) => {
                    eprintln!("pamlint: wrote {n} findings to {}", path.display());
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("pamlint check: {e}");
                    EXIT_ERROR
                }
            };
        }
        if let (Some(known), Some(path)) = (known, &baseline_path) {
            let dropped = known.filter(&mut report);
            if dropped > 0 {
                eprintln!(
                    "pamlint: {dropped} findings recorded in the baseline {} are not shown",
                    path.display()
                );
            }
        }
        if crate::cli::out::emit(&render(&report, self.format, self.color.enabled())).is_err() {
            return EXIT_ERROR;
        }
        if report.fails(self.deny.severity()) {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }
}
