//! PL106 type-not-implemented: a module used under a type it has no hook for.

use super::{service_rule, Rule, RuleInfo};
use crate::elf::implements_type;
use crate::model::{Finding, ResolvedService, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL106",
    name: "type-not-implemented",
    severity: Severity::Error,
    title: "module used under a type it does not implement",
    explain: r#"Each type calls one hook of the module: auth → pam_sm_authenticate (and
pam_sm_setcred), account → pam_sm_acct_mgmt, password → pam_sm_chauthtok, session →
pam_sm_open_session/pam_sm_close_session. If the module does not export that hook, libpam
returns PAM_MODULE_UNKNOWN for the rule. pamlint reads the hooks from the module file's
exported symbols, and uses a built-in table when the file is not there.

Wrong:   session required pam_shells.so
Right:   auth required pam_shells.so
"#,
};

pub fn rule() -> Rule {
    service_rule(&INFO, check)
}

fn check(service: &ResolvedService, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        for r in stack.rules() {
            let (Some(m), Some(name)) = (&r.rule.module, r.module_name()) else {
                continue;
            };
            let implemented = implements_type(r).unwrap_or(true);
            if !implemented {
                out.push(Finding::new(
                    &INFO,
                    m.span.clone(),
                    format!(
                        "`{name}` has no {} hook ({}): under `{}` it always returns PAM_MODULE_UNKNOWN",
                        r.pam_type,
                        r.pam_type.hook_symbols()[0],
                        r.pam_type
                    ),
                    "use the module under a type it implements, or remove the rule".into(),
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
    fn fires_on_pam_shells_under_session() {
        assert_eq!(
            service_lines(
                "PL106",
                "auth required pam_permit.so\nsession required pam_shells.so\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn quiet_on_pam_shells_under_auth() {
        assert!(service_lines("PL106", "auth required pam_shells.so\n").is_empty());
    }
}
