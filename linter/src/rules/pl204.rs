//! PL204 duplicate-module: the same module with the same arguments twice in a stack.

use std::collections::hash_map::{Entry, HashMap};
use std::path::Path;
use std::sync::Arc;

use super::{service_rule, Rule, RuleInfo};
use crate::model::{Finding, ResolvedService, Severity};
use crate::rules::{finding, LintEnv};

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
"#,
};

pub fn rule() -> Rule {
    service_rule(INFO, check)
}

fn check(service: &ResolvedService, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        // Keyed by (module, arguments): a linear scan made a 200,000-line file
        // take minutes.
        let mut seen: HashMap<(String, Vec<String>), (usize, Arc<Path>)> = HashMap::new();
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
            match seen.entry((name, args)) {
                Entry::Occupied(first) => {
                    let (line, file) = first.get();
                    let name = &first.key().0;
                    out.push(finding(
                        INFO.code,
                        r.rule.span.clone(),
                        format!(
                            "`{name}` runs twice in the {} stack of service `{}` with the same arguments (first at {}:{line})",
                            stack.pam_type, service.name, file.display()
                        ),
                        "remove one of the two rules".into(),
                    ));
                }
                Entry::Vacant(slot) => {
                    slot.insert((r.rule.span.line, r.rule.span.file.clone()));
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
    fn quiet_with_different_arguments() {
        assert!(service_lines(
            "PL204",
            "auth required pam_unix.so\nauth required pam_unix.so nullok\n"
        )
        .is_empty());
    }
}
