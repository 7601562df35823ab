//! PL204 duplicate-module: the same module with the same arguments twice in a stack.

use std::collections::hash_map::{Entry, HashMap};
use std::path::Path;
use std::sync::Arc;

use super::{service_rule, Rule, RuleInfo};
use crate::model::{Action, ActionTable, Finding, ResolvedService, Severity};
use crate::modules::{self, Trait};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL204",
    name: "duplicate-module",
    severity: Severity::Warning,
    title: "same module twice in one stack with the same arguments",
    explain: r#"Running the same module twice with the same arguments in one stack usually comes from
an include that already contains the rule: the module asks for the password twice, counts a
failure twice (pam_faillock) or prints its message twice.

Wrong:   auth include common-auth       (common-auth has pam_unix.so)
         auth required pam_unix.so
Right:   auth include common-auth

Side-effect-free tests (pam_usertype, pam_succeed_if, pam_localuser, pam_rootok, pam_wheel,
pam_listfile, pam_access, pam_time) neither prompt, count nor print: run twice with different
controls, or as a jump guarding the rules after it (authselect's two `pam_usertype.so
isregular` lines), each run decides something else and is not reported.
"#,
};

/// Where a (module, arguments) pair first ran: line, file and its action table.
type FirstRun = (usize, Arc<Path>, ActionTable);

fn has_jump(t: &ActionTable) -> bool {
    t.iter().any(|(_, a)| matches!(a, Action::Jump(_)))
}

pub fn rule() -> Rule {
    service_rule(&INFO, check)
}

fn check(service: &ResolvedService, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        // Keyed by (module, arguments): a linear scan made a 200,000-line file
        // take minutes.
        let mut seen: HashMap<(String, Vec<String>), FirstRun> = HashMap::new();
        for r in stack.rules() {
            let Some(name) = r.module_name() else {
                continue;
            };
            if matches!(
                name.as_str(),
                "pam_permit" | "pam_deny" | "pam_debug" | "pam_warn" | "pam_echo"
            ) {
                continue;
            }
            let args: Vec<String> = r.rule.args.iter().map(|a| a.text.clone()).collect();
            let table = r.rule.action_table();
            let guard = modules::has(&name, Trait::Guard);
            match seen.entry((name, args)) {
                Entry::Occupied(first) => {
                    let (line, file, first_table) = first.get();
                    if guard && (*first_table != table || has_jump(&table)) {
                        continue;
                    }
                    let name = &first.key().0;
                    out.push(Finding::new(
                        &INFO,
                        r.rule.span.clone(),
                        format!(
                            "`{name}` runs twice in the {} stack with the same arguments (first at {}:{line})",
                            stack.pam_type, file.display()
                        ),
                        "remove one of the two rules".into(),
                    ));
                }
                Entry::Vacant(slot) => {
                    slot.insert((r.rule.span.line, r.rule.span.file.clone(), table));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::{codes_lines, lint_files, service_lines};

    #[test]
    fn fires_on_a_repeat_through_include() {
        let f = lint_files(&[
            ("svc", "auth include common\nauth required pam_unix.so\n"),
            ("common", "auth required pam_unix.so\n"),
        ]);
        assert_eq!(codes_lines(&f, "PL204"), vec![2]);
    }

    #[test]
    fn quiet_for_a_guard_used_as_two_jumps_or_with_two_controls() {
        let jumps = "auth [default=1 ignore=ignore success=ok] pam_usertype.so isregular\n\
                     auth sufficient pam_unix.so\n\
                     auth [default=1 ignore=ignore success=ok] pam_usertype.so isregular\n\
                     auth sufficient pam_sss.so\nauth required pam_deny.so\n";
        assert!(service_lines("PL204", jumps).is_empty());
        let controls =
            "auth [success=ok user_unknown=ignore default=bad] pam_succeed_if.so user != root\n\
                        auth required pam_unix.so\n\
                        auth required pam_succeed_if.so user != root\n";
        assert!(service_lines("PL204", controls).is_empty());
    }

    #[test]
    fn fires_for_a_guard_repeated_with_the_same_plain_control() {
        assert_eq!(
            service_lines(
                "PL204",
                "auth required pam_succeed_if.so uid >= 1000\nauth required pam_unix.so\nauth required pam_succeed_if.so uid >= 1000\n"
            ),
            vec![3]
        );
    }

    #[test]
    fn one_finding_for_a_duplicate_every_including_service_runs() {
        let f = lint_files(&[
            (
                "common",
                "auth required pam_unix.so\nauth required pam_unix.so\n",
            ),
            ("sshd", "auth include common\n"),
            ("login", "auth include common\n"),
        ]);
        assert_eq!(codes_lines(&f, "PL204"), vec![2], "{f:?}");
    }

    #[test]
    fn quiet_with_different_arguments() {
        assert!(service_lines(
            "PL204",
            "auth required pam_unix.so\nauth required pam_unix.so nullok\n"
        )
        .is_empty());
    }
}
