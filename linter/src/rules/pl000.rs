//! PL000 io-error: file cannot be read.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL000",
    name: "io-error",
    severity: Severity::Error,
    title: "file cannot be read",
    explain: r#"pamlint could not read a file it was asked to lint (missing, unreadable, a directory...).
libpam would not be able to read it either."#,
};

pub fn rule() -> Rule {
    documented(INFO)
}

#[cfg(test)]
mod tests {
    use crate::parse::parse_service_file;
    use std::path::Path;

    #[test]
    fn fires_on_a_missing_file() {
        let p = parse_service_file(Path::new("/nonexistent/pam.d/svc"));
        assert_eq!(
            p.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            vec!["PL000"]
        );
        assert!(p.aborts);
    }

    #[test]
    fn quiet_on_a_readable_file() {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), "auth required pam_unix.so\n").unwrap();
        assert!(parse_service_file(f.path()).findings.is_empty());
    }
}
