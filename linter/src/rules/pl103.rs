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
that always fails in its place. Debian's `@include` of a missing file is worse: pam_start
itself fails with PAM_ABORT, so the whole service is unusable (`simulate` answers
PAM_ABORT for every operation).

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
    fn missing_at_include_aborts_the_service() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("svc"), "@include nowhere\n").unwrap();
        let ctx = crate::resolve::ResolveContext::for_dir(dir.path(), std::path::Path::new("/"));
        let s = crate::resolve::resolve_service(&ctx, "svc");
        assert!(s.aborts);
        assert!(s
            .findings
            .iter()
            .any(|f| f.code == "PL103" && f.message.contains("PAM_ABORT")));
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(service_lines(super::INFO.code, "auth required pam_permit.so\n").is_empty());
    }
}
