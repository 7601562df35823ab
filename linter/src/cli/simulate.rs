//! `pamlint simulate SERVICE --type TYPE [--assume KEY=CODE ...] [--flavor debian|upstream]`.

use clap::Args;

use super::context::Needed;
use super::out::ReportFormat;
use super::{CommonArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::model::PamCode;
use crate::resolve::resolve_service;
use crate::simulate::assume::Assumption;
use crate::simulate::engine::Flavor;
use crate::simulate::ops::Operation;
use crate::simulate::report::{render_human, render_json};
use crate::simulate::{simulate, Options};
use crate::target::Flavour;

#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// The service (its file in pam.d, e.g. sshd).
    pub service: String,
    /// The application call: auth (pam_authenticate), setcred (authenticate then
    /// setcred), account, password (chauthtok: PRELIM then UPDATE), session
    /// (open_session), close_session (open then close).
    #[arg(long = "type", value_enum)]
    pub op: Operation,
    /// What a module returns: MODULE=PAM_CODE or FILE:LINE=PAM_CODE (repeatable).
    #[arg(long = "assume", value_name = "MODULE_OR_FILE:LINE=PAM_CODE", value_parser = Assumption::parse)]
    pub assume: Vec<Assumption>,
    /// Whose libpam to follow where they differ (jumps in frozen chains); default:
    /// the target's (upstream for non-Debian targets), else debian.
    #[arg(long, value_enum)]
    pub flavor: Option<Flavor>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
}

impl SimulateArgs {
    pub fn run(&self, common: &CommonArgs) -> u8 {
        let ctx = match common.service_context("simulate", Needed::OrOther(&self.service)) {
            Ok(ctx) => ctx,
            Err(code) => return code,
        };
        let flavor = match (self.flavor, ctx.target.flavour) {
            (Some(f), _) => f,
            (None, Some(Flavour::Upstream)) => Flavor::Upstream,
            (None, _) => Flavor::Debian,
        };
        let service = resolve_service(&ctx, &self.service);
        let opts = Options {
            assumptions: self.assume.clone(),
            flavor,
            assume_modules_present: common.assume_modules_present(&ctx.target),
        };
        let sim = simulate(&service, self.op, &opts);
        let text = match self.format {
            ReportFormat::Json => render_json(&sim, flavor) + "\n",
            ReportFormat::Human => render_human(&sim, flavor),
        };
        if crate::cli::out::emit(&text).is_err() {
            return EXIT_ERROR;
        }
        if sim.result() == PamCode::Success {
            EXIT_OK
        } else {
            EXIT_FINDINGS
        }
    }
}
