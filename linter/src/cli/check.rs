//! `pamlint check [PATH...]`.

use std::path::PathBuf;

use clap::Args;

use super::{CommonArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::check::{lint, CheckOptions};
use crate::output::render;

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files or directories to lint (default: <root>/etc/pam.d and <root>/etc/pam.conf).
    pub paths: Vec<PathBuf>,
}

impl CheckArgs {
    pub fn run(&self, common: &CommonArgs) -> u8 {
        let opts = CheckOptions {
            root: common.root.clone(),
            dir: common.dir.clone(),
            paths: self.paths.clone(),
            module_paths: common.module_path.clone(),
        };
        let report = lint(&opts);
        for e in &report.io_errors {
            eprintln!("pamlint: {e}");
        }
        if !report.io_errors.is_empty() {
            return EXIT_ERROR;
        }
        if crate::cli::out::emit(&render(&report, common.format, common.color())).is_err() {
            return EXIT_ERROR;
        }
        if report.fails(common.deny.severity()) {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }
}
