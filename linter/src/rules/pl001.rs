//! PL001 unknown-type: unknown rule type.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL001",
    name: "unknown-type",
    severity: Severity::Error,
    title: "unknown rule type",
    explain: r#"The first field of a rule must be auth, account, password or session (any case), optionally
prefixed by `-`. libpam logs "illegal module type" and installs the line as a handler that
always fails, under auth in a service file, and under *every* type that includes the file
when the line sits in an included file."#,
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
                b"auth required pam_unix.so\nauht required pam_unix.so\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth required pam_unix.so\n").is_empty());
    }
}
