//! PL005 unterminated-bracket: unterminated `[`.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL005",
    name: "unterminated-bracket",
    severity: Severity::Error,
    title: "unterminated `[`",
    explain: r#"A token that starts with `[` runs to the first `]`. Without one, libpam swallows the rest of
the line into that token: the module path and arguments disappear."#,
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
            lines_of(INFO.code, b"auth [success=ok default=bad pam_unix.so\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth [success=ok default=bad] pam_unix.so\n").is_empty());
    }
}
