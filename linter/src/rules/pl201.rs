//! PL201 jump-past-end: a `[value=N]` jump beyond the last rule of the stack.

use super::flow::item_rule;
use super::{service_rule, Rule, RuleInfo};
use crate::model::{Action, Finding, ResolvedService, Severity, StackItem};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL201",
    name: "jump-past-end",
    severity: Severity::Error,
    title: "jump past the end of the stack",
    explain: r#"`[success=N]` skips the next N rules of the same stack level (counting included rules,
in the stack of every service that includes the file; a substack counts as one rule, and a
jump cannot leave a substack). A jump beyond the last rule makes libpam log "bad jump in
stack" and fail the stack (PAM_PERM_DENIED); usually a rule was removed and the count not
updated. A jump of 0 is a syntax error (PL003).

Wrong:   auth [success=2 default=ignore] pam_unix.so
         auth requisite pam_deny.so
Right:   auth [success=1 default=ignore] pam_unix.so
         auth requisite pam_deny.so
         auth required pam_permit.so
"#,
};

pub fn rule() -> Rule {
    service_rule(&INFO, check)
}

fn check(service: &ResolvedService, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        check_items(&stack.items, &mut out);
    }
    out
}

fn check_items(items: &[StackItem], out: &mut Vec<Finding>) {
    for (i, item) in items.iter().enumerate() {
        if let StackItem::Substack(f) = item {
            check_items(&f.items, out);
        }
        let rule = item_rule(item);
        let Some(crate::model::Control::Bracket { pairs, .. }) = &rule.control else {
            continue;
        };
        let after = items.len() - i - 1;
        for p in pairs {
            if let Action::Jump(n) = p.action {
                if n as usize > after {
                    out.push(Finding::new(
                        &INFO,
                        p.span.clone(),
                        format!(
                            "jump of {n} in `{}` goes past the end of the {} stack (only {after} rule(s) follow): libpam logs \"bad jump in stack\" and the stack fails",
                            rule.control_token.as_ref().map(|c| c.text.as_str()).unwrap_or(""),
                            rule.pam_type.map(|t| t.as_str()).unwrap_or("?"),
                        ),
                        format!("lower the jump to at most {after}, or add the rules it should land on"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_a_long_jump() {
        assert_eq!(
            service_lines(
                "PL201",
                "auth [success=2 default=ignore] pam_permit.so\nauth requisite pam_deny.so\n"
            ),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_a_jump_in_range() {
        assert!(service_lines("PL201", "auth [success=1 default=ignore] pam_permit.so\nauth requisite pam_deny.so\nauth required pam_permit.so\n").is_empty());
    }
}
