//! `pamlint diff A B [--root DIR|--dir DIR] [--format human|json]`.

use clap::Args;

use super::{diff_services, render};
use crate::cli::{CommonArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::output::Format;
use crate::resolve::{resolve_service, ResolveContext};

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// First service (e.g. sshd).
    pub a: String,
    /// Second service (e.g. vsftpd).
    pub b: String,
}

impl DiffArgs {
    /// Exit 0 when the stacks are the same, 1 when they differ, 2 on errors.
    pub fn run(&self, common: &CommonArgs) -> u8 {
        if !matches!(common.format, Format::Human | Format::Json) {
            eprintln!("pamlint diff: --format must be human or json");
            return EXIT_ERROR;
        }
        let ctx = match &common.dir {
            Some(d) => ResolveContext::for_dir(d, &common.root),
            None => ResolveContext::for_root(&common.root),
        }
        .with_module_paths(&common.module_path);
        for s in [&self.a, &self.b] {
            if ctx.find_config(s).is_none() && !ctx.uses_pam_conf() {
                eprintln!("pamlint diff: no pam.d file for service `{s}`");
                return EXIT_ERROR;
            }
        }
        let d = diff_services(
            &resolve_service(&ctx, &self.a),
            &resolve_service(&ctx, &self.b),
        );
        match common.format {
            Format::Json => match render::json(&d) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    eprintln!("pamlint diff: {e}");
                    return EXIT_ERROR;
                }
            },
            _ => print!("{}", render::human(&d)),
        }
        if d.count() == 0 {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        }
    }
}
