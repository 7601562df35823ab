//! PL103 include-not-found: include or substack target not found. Found by the resolver; documented and tested here.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL103",
    name: "include-not-found",
    severity: Severity::Error,
    title: "include or substack target not found",
    explain: r#"`include`, `substack` and Debian's `@include` name a file in the pam.d directory (or an
absolute path). When it is missing, libpam logs "unable to open config" and installs a rule
that always fails in its place.

Wrong:   auth include common-authh
Right:   auth include common-auth
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
            service_lines(super::INFO.code, "auth include no-such-file-xyz\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(service_lines(super::INFO.code, "auth required pam_permit.so\n").is_empty());
    }
}
