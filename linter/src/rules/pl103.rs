//! PL103 include-not-found: include or substack target not found. Found by the resolver; documented and tested here.

use super::{documented, Rule};

pub use crate::resolve::codes::PL103 as INFO;

pub fn rule() -> Rule {
    documented(&INFO)
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
            .any(|f| f.code() == "PL103" && f.message.contains("PAM_ABORT")));
    }

    #[test]
    fn quiet_on_the_good_example() {
        assert!(service_lines(super::INFO.code, "auth required pam_permit.so\n").is_empty());
    }
}
