//! PL011 non-utf8: bytes that are not UTF-8.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL011",
    name: "non-utf8",
    severity: Severity::Warning,
    title: "bytes that are not UTF-8",
    explain: r#"libpam does not care about encodings, but non-UTF-8 bytes in module names or arguments are
usually corruption or a copy-paste accident and are hard to see."#,
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
            lines_of(INFO.code, b"auth required pam_unix.so \xff\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth required pam_unix.so\n").is_empty());
    }
}
