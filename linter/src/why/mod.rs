//! `pamlint why SERVICE USER`: walk the service's stacks with this host's facts and
//! name the first rule that refuses the user, and the fact behind it.

pub mod facts;
pub mod report;
pub mod walk;

use crate::model::{HandlerKind, PamCode, PamType, ResolvedRule, ResolvedService};
use crate::modules::{self, Call, Certainty, Prediction};
use facts::Facts;
use report::{StepReport, TypeReport, WhyReport};

/// Options of one `why` run that are not facts.
#[derive(Debug, Clone, Copy, Default)]
pub struct WhyOptions {
    /// The pam.d directory is not the facts' own (`--dir`): module files are not
    /// looked up, every module is assumed installed.
    pub assume_modules_present: bool,
}

/// Predict one rule's return value.
pub fn predict_rule(rule: &ResolvedRule, facts: &Facts, opts: WhyOptions) -> Prediction {
    if rule.handler == HandlerKind::MustFail {
        return Prediction::known(
            walk::MUST_FAIL,
            "libpam could not make sense of this line (see `pamlint check`): it always fails",
        );
    }
    let path = rule.module_path().unwrap_or("");
    if !rule.module_present && !opts.assume_modules_present {
        let dash = if rule.rule.silent {
            " (the `-` prefix only silences the log line)"
        } else {
            ""
        };
        return Prediction::known(
            PamCode::ModuleUnknown,
            format!("{path} is not installed (or not shipped by the target): libpam returns PAM_MODULE_UNKNOWN{dash}"),
        );
    }
    if crate::elf::implements_type(rule) == Some(false) {
        return Prediction::known(
            PamCode::ModuleUnknown,
            format!(
                "{path} has no {} hook: libpam returns PAM_MODULE_UNKNOWN",
                rule.pam_type.hook_symbols().first().copied().unwrap_or("")
            ),
        );
    }
    let call = Call {
        pam_type: rule.pam_type,
        args: rule.rule.args.iter().map(|a| a.text.as_str()).collect(),
        facts,
    };
    modules::predict(&rule.module_name().unwrap_or_default(), &call)
}

/// Walk each requested type of `service`.
pub fn explain(
    service: &ResolvedService,
    types: &[PamType],
    facts: &Facts,
    opts: WhyOptions,
) -> WhyReport {
    let reports: Vec<TypeReport> = types
        .iter()
        .map(|t| {
            let stack = service.stack(*t);
            if service.aborts {
                return TypeReport::aborted(*t, stack.from_other);
            }
            let w = walk::walk(stack, |rule| {
                let p = predict_rule(rule, facts, opts);
                let code = p.code;
                (p, code)
            });
            TypeReport::from_walk(*t, &w, stack.from_other)
        })
        .collect();
    WhyReport::new(service, facts, reports)
}

/// Every executed rule whose result was assumed.
pub fn assumed(report: &WhyReport) -> Vec<(PamType, &StepReport)> {
    report
        .types
        .iter()
        .flat_map(|t| {
            t.trace
                .iter()
                .filter(|s| s.certainty == Some(Certainty::Assumed))
                .map(move |s| (t.pam_type, s))
        })
        .collect()
}
