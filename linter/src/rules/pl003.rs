//! PL003 bad-control-value: invalid value, action or jump in [value=action].

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL003",
    name: "bad-control-value",
    severity: Severity::Error,
    title: "invalid value, action or jump in [value=action]",
    explain: r#"Inside `[...]`, values are libpam's lower-case return names (success, auth_err, user_unknown,
..., default) and actions are ignore, bad, die, ok, done, reset or a jump N > 0. On any error
(unknown or wrong-case value, unknown action, `success=0`) libpam discards the whole control
and sets every value to `bad`, so the rule can never succeed."#,
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
            lines_of(INFO.code, b"auth [Success=ok default=bad] pam_unix.so\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"auth [success=ok default=bad] pam_unix.so\n").is_empty());
    }
}
