//! PL501 module-argument: unknown argument or bad value for a known module.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Finding, ParsedFile, Severity};
use crate::modules;
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL501",
    name: "module-argument",
    severity: Severity::Warning,
    title: "unknown argument or bad value for a known module",
    explain: r#"Modules ignore (and at best log) arguments they do not know, so a typo silently turns
an option off: `nulok` is not `nullok`, `deny=five` is not a number. pamlint knows the
arguments of pam_unix, pam_listfile, pam_shells, pam_faillock, pam_pwquality, pam_ldap,
pam_sss and pam_ldap_shell. pam_ldap_shell's arguments are judged by the module's own
parser: an argument it refuses makes every call return PAM_SERVICE_ERR.

Wrong:   auth required pam_faillock.so preauth deny=five
Right:   auth required pam_faillock.so preauth deny=5
"#,
};

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

fn check(file: &ParsedFile, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in file.rules().filter(|r| !r.is_include() && !r.is_substack()) {
        let Some(module) = r.module_name() else {
            continue;
        };
        let Some(known) = modules::find(&module) else {
            continue;
        };
        for a in &r.args {
            if let Some(p) = known.args.problem(&module, &a.text) {
                out.push(Finding::new(
                    &INFO,
                    a.span.clone(),
                    p,
                    format!("see `man {module}` for its arguments"),
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
    fn fires_on_typo_and_bad_value() {
        assert_eq!(service_lines("PL501", "auth required pam_unix.so nulok\nauth required pam_faillock.so preauth deny=five\n"), vec![1, 2]);
    }

    #[test]
    fn quiet_on_good_arguments() {
        assert!(service_lines("PL501", "auth required pam_faillock.so preauth deny=5 unlock_time=never\naccount required pam_ldap_shell.so missing_shell=default:/bin/sh\n").is_empty());
    }
}
