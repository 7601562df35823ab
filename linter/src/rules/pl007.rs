//! PL007 crlf: CRLF line end.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL007",
    name: "crlf",
    severity: Severity::Error,
    title: "CRLF line end",
    explain: r#"libpam splits on space, tab and newline only: the `\r` of a CRLF line end sticks to the last
token (`pam_unix.so\r` is not found, `required\r` is an unknown control), and a blank CRLF
line becomes a rule with an unknown type that always fails."#,
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
            lines_of(INFO.code, b"auth required pam_unix.so\r\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth required pam_unix.so\n").is_empty());
    }
}
