//! PL203 nothing-refuses: a stack where no rule can make the result a failure.

use super::flow::can_refuse;
use super::{service_rule, Rule, RuleInfo};
use crate::model::{Finding, PamType, ResolvedService, Severity, SimpleControl, StackItem};
use crate::modules::{self, Trait};
use crate::rules::LintEnv;

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

Not reported: session stacks (session modules set things up; one that cannot fail is
normal), and stacks whose only deciding rules are pam_permit (a display-manager greeter or
another service that needs no password, on purpose) or pam_rootok (root-only tools such as
runuser: for anyone else nothing succeeds and libpam fails).
"#,
};

/// A stack that decides on purpose without a refusing rule: every rule that is not
/// merely optional is pam_permit (a greeter or a tool that needs no password, as
/// lightdm-greeter's `auth required pam_permit.so`) or pam_rootok (root-only
/// tools such as runuser: for anyone else nothing succeeds and libpam fails).
fn deliberate(items: &[StackItem]) -> bool {
    let optional = SimpleControl::Optional.action_table();
    items.iter().all(|item| match item {
        StackItem::Rule(r) => {
            r.actions == optional
                || r.module_name()
                    .is_some_and(|m| modules::has(&m, Trait::AdmitsOnPurpose))
        }
        StackItem::Substack(f) => deliberate(&f.items),
    })
}

pub fn rule() -> Rule {
    service_rule(&INFO, check)
}

fn check(service: &ResolvedService, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        // Session modules set things up; a session stack that cannot fail is normal.
        if stack.from_other || stack.items.is_empty() || stack.pam_type == PamType::Session {
            continue;
        }
        if deliberate(&stack.items) {
            continue;
        }
        if stack.items.iter().any(can_refuse) {
            continue;
        }
        let first = super::flow::item_rule(&stack.items[0]);
        out.push(Finding::new(
            &INFO,
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
    fn quiet_on_greeters_root_only_tools_and_sessions() {
        for svc in [
            "auth required pam_permit.so\nauth optional pam_gnome_keyring.so\naccount required pam_permit.so\n",
            "auth sufficient pam_rootok.so\nsession required pam_unix.so\n",
            "session optional pam_keyinit.so revoke\nsession optional pam_systemd.so\n",
        ] {
            assert!(service_lines("PL203", svc).is_empty(), "{svc}");
        }
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
