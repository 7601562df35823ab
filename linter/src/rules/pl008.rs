//! PL008 trailing-backslash: trailing `\` at end of file.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL008",
    name: "trailing-backslash",
    severity: Severity::Error,
    title: "trailing `\\` at end of file",
    explain: r#"A `\` at the end of the last line asks for a continuation that never comes; libpam's line
reader then reports an error and the whole file fails to load (PAM_ABORT)."#,
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
            lines_of(INFO.code, b"auth required pam_unix.so \\"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth required pam_unix.so\n").is_empty());
    }
}
