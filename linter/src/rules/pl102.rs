//! PL102 dash-still-fails: `-` on a missing module only silences the log.

use super::{service_rule, Rule, RuleInfo};
use crate::model::{Action, Finding, HandlerKind, PamCode, ResolvedService, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL102",
    name: "dash-still-fails",
    severity: Severity::Error,
    title: "`-` rule with a missing module still fails the stack",
    explain: r#"The `-` prefix on the type (`-auth`, `-session`) only stops libpam from logging that
the module could not be loaded. The rule still runs and returns PAM_MODULE_UNKNOWN, so with
`required`, `requisite` or a control that maps module_unknown to bad/die, the stack fails
for everyone while the module is absent. `-` is meant for `optional` rules.

Wrong:   -auth required pam_sss.so
Right:   -auth optional pam_sss.so      (or install the module)
"#,
};

pub fn rule() -> Rule {
    service_rule(&INFO, check)
}

fn check(service: &ResolvedService, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        for r in stack.rules() {
            let Some(m) = &r.rule.module else { continue };
            let fails = matches!(
                r.actions.get(PamCode::ModuleUnknown),
                Action::Bad | Action::Die
            );
            if r.handler == HandlerKind::SilentModule && !r.module_present && fails {
                let control = r
                    .rule
                    .control_token
                    .as_ref()
                    .map(|c| c.text.as_str())
                    .unwrap_or("");
                out.push(Finding::new(
                    &INFO,
                    m.span.clone(),
                    format!(
                        "module `{}` is missing: `-` only hides the log, the `{control}` rule still returns PAM_MODULE_UNKNOWN and fails the {} stack",
                        m.text, r.pam_type
                    ),
                    "make the rule `optional`, or install the module".into(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_dash_required_missing() {
        assert_eq!(
            service_lines(
                "PL102",
                "auth required pam_permit.so\n-auth required pam_nonexistent_xyz.so\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn quiet_on_dash_optional() {
        assert!(service_lines(
            "PL102",
            "auth required pam_permit.so\n-auth optional pam_nonexistent_xyz.so\n"
        )
        .is_empty());
    }
}
