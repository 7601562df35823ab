//! The setup `diff`, `simulate` and `why` share: the output format they accept and
//! the resolve context `--root`/`--dir`/`--module-path` describe.

use super::{CommonArgs, EXIT_ERROR};
use crate::output::Format;
use crate::resolve::{ResolveContext, OTHER};

/// Which services a subcommand needs a config for.
pub enum Needed<'a> {
    /// Each of these (diff compares two named stacks).
    Each(&'a [&'a str]),
    /// This one, or `other`, which libpam falls back to (simulate, why).
    OrOther(&'a str),
}

impl CommonArgs {
    /// The resolve context for `cmd`, or the exit status after telling why not:
    /// `--format` is not human or json, or a needed service has no config.
    pub fn service_context(&self, cmd: &str, needed: Needed) -> Result<ResolveContext, u8> {
        if !matches!(self.format, Format::Human | Format::Json) {
            eprintln!("pamlint {cmd}: --format must be human or json");
            return Err(EXIT_ERROR);
        }
        let ctx = self.resolve_context();
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

    /// The context `--root`, `--dir` and `--module-path` describe.
    pub fn resolve_context(&self) -> ResolveContext {
        match &self.dir {
            Some(d) => ResolveContext::for_dir(d, &self.root),
            None => ResolveContext::for_root(&self.root),
        }
        .with_module_paths(&self.module_path)
    }
}
