//! PL104 include-cycle: include cycle. Found by the resolver; documented and tested here.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL104",
    name: "include-cycle",
    severity: Severity::Error,
    title: "include cycle",
    explain: r#"A file that includes itself, directly or through others, makes libpam recurse until its
16-level limit; the innermost include then fails and the rule always fails.

Wrong:   (a) auth include b    (b) auth include a
Right:   move the shared rules to a third file both include
"#,
};

pub fn rule() -> Rule {
    documented(INFO)
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_the_bad_example() {
        assert_eq!(
            service_lines(super::INFO.code, "auth include svc\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(service_lines(super::INFO.code, "auth required pam_permit.so\n").is_empty());
    }
}
