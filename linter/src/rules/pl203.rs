//! PL203 nothing-refuses: a stack where no rule can make the result a failure.

use super::flow::can_refuse;
use super::{service_rule, Rule, RuleInfo};
use crate::model::{Finding, ResolvedService, Severity};
use crate::rules::{finding, LintEnv};

pub const INFO: RuleInfo = RuleInfo {
    code: "PL203",
    name: "nothing-refuses",
    severity: Severity::Warning,
    title: "stack with no rule that can refuse",
    explain: r#"When every rule of a type is `optional` or `sufficient` (or maps every failure to
`ignore`/`ok`/`done`), no rule can make the stack fail: libpam's answer then depends only on
whether some rule happened to succeed and on its defaults (an all-ignored stack fails with
PAM_PERM_DENIED, one success lets everyone through). Add a rule that decides.

Wrong:   auth sufficient pam_unix.so
         auth optional pam_permit.so
Right:   auth sufficient pam_unix.so
         auth required pam_deny.so
"#,
};

pub fn rule() -> Rule {
    service_rule(INFO, check)
}

fn check(service: &ResolvedService, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        if stack.from_other || stack.items.is_empty() {
            continue;
        }
        if stack.items.iter().any(can_refuse) {
            continue;
        }
        let first = super::flow::item_rule(&stack.items[0]);
        out.push(finding(
            INFO.code,
            first.span.clone(),
            format!(
                "no rule in the {} stack can refuse: every rule is optional/sufficient, ignores failures or cannot fail",
                stack.pam_type
            ),
            format!("end the {} stack with a deciding rule, e.g. `{} required pam_deny.so` after the sufficient ones", stack.pam_type, stack.pam_type),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_optional_only() {
        assert_eq!(
            service_lines(
                "PL203",
                "auth sufficient pam_unix.so\nauth optional pam_permit.so\n"
            ),
            vec![1]
        );
    }

    #[test]
    fn quiet_with_a_required_rule() {
        assert!(service_lines(
            "PL203",
            "auth sufficient pam_unix.so\nauth required pam_deny.so\n"
        )
        .is_empty());
    }
}
