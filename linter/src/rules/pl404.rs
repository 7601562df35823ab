//! PL404 isa-path: `$ISA` in a module path.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Finding, ParsedFile, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL404",
    name: "isa-path",
    severity: Severity::Warning,
    title: "`$ISA` in a module path",
    explain: r#"`$ISA` comes from Solaris, where it expands to the instruction-set directory. Linux-PAM
only tries it after loading the literal path failed, replacing `$ISA` with a build-time
value (`.` by default), so the same line loads different files on different builds.

Wrong:   auth required /lib/security/$ISA/pam_unix.so
Right:   auth required pam_unix.so
"#,
};

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

fn check(file: &ParsedFile, _env: &LintEnv) -> Vec<Finding> {
    file.rules()
        .filter(|r| !r.is_include() && !r.is_substack())
        .filter_map(|r| r.module.as_ref())
        .filter(|m| m.text.contains("$ISA"))
        .map(|m| {
            Finding::new(
                &INFO,
                m.span.clone(),
                format!(
                    "`$ISA` in `{}`: a Solaris convention Linux-PAM expands only as a fallback",
                    m.text
                ),
                "use the plain module name (pam_unix.so) and let libpam find it".into(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_isa() {
        assert_eq!(
            service_lines("PL404", "auth required /lib/security/$ISA/pam_unix.so\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_plain_names() {
        assert!(service_lines("PL404", "auth required pam_unix.so\n").is_empty());
    }
}
