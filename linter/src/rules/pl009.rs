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
    use crate::parse::parse_service_bytes;
    use std::path::Path;

    fn lines_of(src: &[u8]) -> Vec<usize> {
        parse_service_bytes(Path::new("t"), src)
            .findings
            .iter()
            .filter(|f| f.code == super::INFO.code)
            .map(|f| f.span.line)
            .collect()
    }

    #[test]
    fn fires_on_the_bad_example() {
        assert_eq!(lines_of(b"auth required pam_unix.so\n#%PAM-1.0\n"), vec![2]);
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(lines_of(b"#%PAM-1.0\nauth required pam_unix.so\n").is_empty());
    }
}
