//! PL101 module-not-found: the module file does not exist in the module directories.

use super::{service_rule, Rule, RuleInfo};
use crate::model::{Finding, HandlerKind, ResolvedService, Severity};
use crate::rules::{finding, LintEnv};

pub const INFO: RuleInfo = RuleInfo {
    code: "PL101",
    name: "module-not-found",
    severity: Severity::Error,
    title: "module file not found",
    explain: r#"libpam loads the module from the path given (relative paths from its module
directory, e.g. /lib/x86_64-linux-gnu/security). When the file is missing, libpam logs
"unable to dlopen" and the rule returns PAM_MODULE_UNKNOWN every time: with `required` the
whole stack fails. pamlint searches the root's module directories (/lib/security,
/lib64/security, /usr/lib/security, /usr/lib64/security, /usr/lib/<triplet>/security,
/lib/<triplet>/security and --module-path). Lines with the `-` prefix are left to PL102.

Wrong:   auth required pam_tally3.so
Right:   auth required pam_faillock.so preauth
"#,
};

pub fn rule() -> Rule {
    service_rule(INFO, check)
}

fn check(service: &ResolvedService, env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        for r in stack.rules() {
            let Some(m) = &r.rule.module else { continue };
            if r.handler == HandlerKind::Module && r.module_file.is_none() {
                let dirs: Vec<String> = env
                    .ctx
                    .module_dirs
                    .iter()
                    .filter(|d| d.is_dir())
                    .map(|d| d.display().to_string())
                    .collect();
                out.push(finding(
                    INFO.code,
                    m.span.clone(),
                    format!(
                        "module `{}` not found (searched {}): the rule always returns PAM_MODULE_UNKNOWN",
                        m.text.escape_debug(),
                        if m.text.starts_with('/') { "its absolute path".to_string() } else { dirs.join(", ") }
                    ),
                    "install the package that ships it, fix the path, or use --module-path DIR".into(),
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
    fn fires_on_a_missing_module() {
        assert_eq!(
            service_lines(
                "PL101",
                "auth required pam_permit.so\nauth required pam_nonexistent_xyz.so\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn quiet_on_present_or_dashed_modules() {
        assert!(service_lines(
            "PL101",
            "auth required pam_permit.so\n-auth optional pam_nonexistent_xyz.so\n"
        )
        .is_empty());
    }
}
