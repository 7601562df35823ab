//! The setup every subcommand shares: pamlint.toml, the target and the resolve
//! context `--root`/`--dir`/`--module-path`/`--target` describe.

use std::sync::Arc;

use super::{CommonArgs, EXIT_ERROR};
use crate::config::{self, Loaded};
use crate::resolve::{ResolveContext, OTHER};
use crate::target::{self, Flavour, Target, TargetSpec};

/// What pamlint.toml and the command line settle for a run.
#[derive(Debug)]
pub struct Settings {
    pub config: Option<Loaded>,
    pub target: Arc<Target>,
}

/// Which services a subcommand needs a config for.
pub enum Needed<'a> {
    /// Each of these (diff compares two named stacks).
    Each(&'a [&'a str]),
    /// This one, or `other`, which libpam falls back to (simulate, why).
    OrOther(&'a str),
}

impl CommonArgs {
    /// The resolve context for `cmd`, or the exit status after telling why not
    /// (a needed service has no config, an OpenPAM tree).
    pub fn service_context(&self, cmd: &str, needed: Needed) -> Result<ResolveContext, u8> {
        let settings = self.settings(cmd)?;
        let ctx = self.resolve_context(&settings.target);
        // A FreeBSD/NetBSD/macOS tree linted from a Linux host: refuse by content.
        if let Some(why) = crate::resolve::openpam_evidence(&ctx.pam_dirs) {
            eprintln!("pamlint {cmd}: {}", crate::resolve::openpam_refusal(&why));
            return Err(EXIT_ERROR);
        }
        let has = |s: &str| ctx.find_config(s).is_some() || ctx.uses_pam_conf();
        match needed {
            Needed::Each(services) => {
                if let Some(s) = services.iter().find(|s| !has(s)) {
                    eprintln!("pamlint {cmd}: no pam.d file for service `{s}`");
                    return Err(EXIT_ERROR);
                }
            }
            Needed::OrOther(s) => {
                if !has(s) && !has(OTHER) {
                    eprintln!("pamlint {cmd}: no pam.d file for service `{s}` (nor `other`)");
                    return Err(EXIT_ERROR);
                }
            }
        }
        Ok(ctx)
    }

    /// The context `--root`, `--dir`, `--module-path` and the target describe.
    pub fn resolve_context(&self, target: &Arc<Target>) -> ResolveContext {
        match &self.dir {
            Some(d) => ResolveContext::for_dir(d, &self.root),
            None => ResolveContext::for_root(&self.root),
        }
        .with_module_paths(&self.module_path)
        .with_target(target.clone())
    }

    /// The config file (`--config`, else pamlint.toml from the working directory up,
    /// none with `--no-config`) and the target (`--target`/`--modules` over the
    /// config's). Errors are printed; the result is then the exit status.
    pub fn settings(&self, cmd: &str) -> Result<Settings, u8> {
        let fail = |e: String| {
            eprintln!("pamlint {cmd}: {e}");
            EXIT_ERROR
        };
        let path = match (&self.config, self.no_config) {
            (Some(p), _) => Some(p.clone()),
            (None, true) => None,
            (None, false) => std::env::current_dir().ok().and_then(|d| config::find(&d)),
        };
        let config = path.map(|p| config::load(&p)).transpose().map_err(fail)?;
        let from_config = config.as_ref().map(|c| &c.config);
        let spec = TargetSpec {
            name: self
                .target
                .clone()
                .or_else(|| from_config.and_then(|c| c.target.clone())),
            modules_file: self
                .modules
                .clone()
                .or_else(|| from_config.and_then(|c| c.modules.clone())),
            root: self.root.clone(),
        };
        let target = target::resolve(&spec).map_err(fail)?;
        // Never read OpenPAM files with Linux-PAM's grammar (issue 12): refuse them.
        if target.flavour == Some(Flavour::OpenPam) {
            return Err(fail(format!(
                "target {} ({}) uses OpenPAM, whose configuration pamlint does not read; it lints Linux-PAM only",
                target.name, target.description
            )));
        }
        Ok(Settings {
            config,
            target: Arc::new(target),
        })
    }

    /// Whether `simulate`/`why` take every module as loaded: a bare `--dir` judged by
    /// the host, whose module directories are not that tree's.
    pub fn assume_modules_present(&self, target: &Target) -> bool {
        self.dir.is_some() && self.module_path.is_empty() && target.uses_disk()
    }
}
