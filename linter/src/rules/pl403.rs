//! PL403 continuation-cut: continuation followed by a blank or comment line.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL403",
    name: "continuation-cut",
    severity: Severity::Warning,
    title: "continuation followed by a blank or comment line",
    explain: r#"Linux-PAM before 1.6 skipped blank and comment lines while joining a `\` continuation, so the
next rule line became part of this rule; Linux-PAM 1.6 and later end the rule at the blank or
comment line. The same file means two different things on different hosts."#,
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
        assert_eq!(
            lines_of(
                INFO.code,
                b"auth required pam_unix.so \\\n\nauth required pam_deny.so\n"
            ),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth required pam_unix.so \\\n  nullok\n").is_empty());
    }
}
