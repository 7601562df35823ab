//! PL004 missing-field: missing control, module path or include target.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL004",
    name: "missing-field",
    severity: Severity::Error,
    title: "missing control, module path or include target",
    explain: r#"A rule needs a type, a control and a module path (or, for include/substack/@include, a file
name). libpam installs an incomplete line as a handler that always fails."#,
};

pub fn rule() -> Rule {
    documented(INFO)
}

#[cfg(test)]
mod tests {
    use super::INFO;
    use crate::rules::testutil::lines_of;

    #[test]
    fn fires_on_the_bad_example() {
        assert_eq!(lines_of(INFO.code, b"auth required\n"), vec![1]);
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth required pam_unix.so\n").is_empty());
    }
}
