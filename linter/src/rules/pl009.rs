//! PL009 misplaced-header: `#%PAM-1.0` header not on the first line.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL009",
    name: "misplaced-header",
    severity: Severity::Info,
    title: "`#%PAM-1.0` header not on the first line",
    explain: r#"The `#%PAM-1.0` magic line is conventionally the first line; anywhere else it is just a comment,
which usually means two files were concatenated."#,
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
            lines_of(INFO.code, b"auth required pam_unix.so\n#%PAM-1.0\n"),
            vec![2]
        );
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(INFO.code, b"#%PAM-1.0\nauth required pam_unix.so\n").is_empty());
    }
}
