//! `pamlint diff A B [--root DIR|--dir DIR] [--format human|json]`.

use clap::Args;

use super::context::Needed;
use super::out::ReportFormat;
use super::{CommonArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::diff::{diff_services, render};
use crate::resolve::resolve_service;

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// First service (e.g. sshd).
    pub a: String,
    /// Second service (e.g. vsftpd).
    pub b: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
}

impl DiffArgs {
    /// Exit 0 when the stacks are the same, 1 when they differ, 2 on errors.
    pub fn run(&self, common: &CommonArgs) -> u8 {
        let ctx = match common.service_context("diff", Needed::Each(&[&self.a, &self.b])) {
            Ok(ctx) => ctx,
            Err(code) => return code,
        };
        let d = diff_services(
            &resolve_service(&ctx, &self.a),
            &resolve_service(&ctx, &self.b),
        );
        match self.format {
            ReportFormat::Json => match render::json(&d) {
                Ok(s) => {
                    if crate::cli::out::emit_line(&s).is_err() {
                        return EXIT_ERROR;
                    }
                }
                Err(e) => {
                    eprintln!("pamlint diff: {e}");
                    return EXIT_ERROR;
                }
            },
            ReportFormat::Human => {
                if crate::cli::out::emit(&render::human(&d)).is_err() {
                    return EXIT_ERROR;
                }
            }
        }
        if d.count() == 0 {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        }
    }
}
