//! PL202 unreachable-rule: rules no path through the stack can reach.

use super::flow::{item_actions, item_rule};
use super::{service_rule, Rule, RuleInfo};
use crate::model::{Action, Finding, ResolvedService, Severity, StackItem};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL202",
    name: "unreachable-rule",
    severity: Severity::Warning,
    title: "rule that can never run",
    explain: r#"A rule after one that always ends the stack never runs: after `requisite pam_deny.so`
(die on its only return), after `sufficient pam_permit.so` at the start of a stack (done on
success while nothing has failed yet), after `[default=die]`-style controls covering every
return, or after a rule whose every return jumps past it, unless a jump lands on it. A
`pam_deny.so` jumped over on every return is not reported: pam-auth-update writes
`[default=1] pam_permit.so` before its `requisite pam_deny.so` fallback when no profile
fills the primary block, and a deny that never runs grants nothing. pamlint follows every return value and every jump
as pam_dispatch.c does (`done` only ends the stack while no earlier rule has failed).

Wrong:   auth requisite pam_deny.so
         auth required pam_unix.so        <- never runs
Right:   auth required pam_unix.so
         auth requisite pam_deny.so
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

/// Forward reachability over the stack: `die` stops, `done` stops unless an earlier
/// reachable rule could have failed, `N` jumps, everything else falls through.
fn reachable(items: &[StackItem]) -> Vec<bool> {
    let mut reach = vec![false; items.len() + 1];
    let mut may_have_failed = false;
    if let Some(r) = reach.first_mut() {
        *r = true;
    }
    for (i, item) in items.iter().enumerate() {
        if !reach[i] {
            continue;
        }
        let actions = item_actions(item);
        for a in &actions {
            let next = match a {
                Action::Die => None,
                Action::Done if !may_have_failed => None,
                Action::Jump(n) => Some(i + 1 + *n as usize),
                _ => Some(i + 1),
            };
            if let Some(n) = next {
                if let Some(r) = reach.get_mut(n) {
                    *r = true;
                }
            }
        }
        may_have_failed |= actions.iter().any(|a| matches!(a, Action::Bad));
    }
    reach
}

fn check_items(items: &[StackItem], out: &mut Vec<Finding>) {
    let reach = reachable(items);
    let mut prev_reachable = true;
    for (i, item) in items.iter().enumerate() {
        if let StackItem::Substack(f) = item {
            check_items(&f.items, out);
        }
        if !reach[i] && prev_reachable && i > 0 {
            let rule = item_rule(item);
            let before = item_rule(&items[i - 1]);
            let jumps = item_actions(&items[i - 1])
                .iter()
                .all(|a| matches!(a, Action::Jump(_)));
            // pam-auth-update's fallback: `[default=1] pam_permit.so` jumps over
            // `requisite pam_deny.so` while the primary block is empty; the deny
            // is there for when a profile adds modules, and never grants anything.
            if jumps && rule.module_name().as_deref() == Some("pam_deny") {
                prev_reachable = reach[i];
                continue;
            }
            let how = if jumps {
                "jumps past it"
            } else {
                "ends the stack"
            };
            out.push(Finding::new(
                &INFO,
                rule.span.clone(),
                format!(
                    "this {} rule can never run: the rule before it (`{}`, line {}) {how} on every return",
                    rule.pam_type.map(|t| t.as_str()).unwrap_or("?"),
                    before.module.as_ref().map(|m| m.text.as_str()).unwrap_or("?"),
                    before.span.line,
                ),
                "move the rule before the one that ends the stack, or remove it".into(),
            ));
        }
        prev_reachable = reach[i];
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_after_requisite_deny() {
        assert_eq!(
            service_lines(
                "PL202",
                "auth requisite pam_deny.so\nauth required pam_unix.so\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn pam_auth_update_fallback_is_quiet_other_jumped_rules_are_named_as_jumped() {
        let fallback = "session [default=1] pam_permit.so\nsession requisite pam_deny.so\nsession required pam_permit.so\n";
        assert!(service_lines("PL202", fallback).is_empty());
        let f = crate::rules::testutil::lint_files(&[(
            "svc",
            "auth [default=1] pam_permit.so\nauth required pam_unix.so\nauth required pam_permit.so\n",
        )]);
        let hits: Vec<_> = f.iter().filter(|f| f.code() == "PL202").collect();
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0].message.contains("jumps past it"),
            "{}",
            hits[0].message
        );
    }

    #[test]
    fn quiet_when_a_jump_skips_the_deny() {
        assert!(service_lines("PL202", "auth [success=1 default=ignore] pam_unix.so\nauth requisite pam_deny.so\nauth required pam_permit.so\n").is_empty());
    }
}
