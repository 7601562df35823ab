//! PL002 unknown-control: unknown control keyword.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL002",
    name: "unknown-control",
    severity: Severity::Error,
    title: "unknown control keyword",
    explain: r#"The control must be required, requisite, sufficient, optional, include, substack or a
`[value=action ...]` list. libpam hands any other word to its `[...]` parser, which fails, and
every return value of the rule then means `bad`: the rule can never succeed."#,
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
        assert_eq!(lines_of(INFO.code, b"auth requird pam_unix.so\n"), vec![1]);
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth required pam_unix.so\n").is_empty());
    }
}
