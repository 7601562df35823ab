//! PL000 io-error: file cannot be read.

use super::{documented, Rule};

pub use crate::parse::codes::PL000 as INFO;

pub fn rule() -> Rule {
    documented(&INFO)
}

#[cfg(test)]
mod tests {
    use crate::parse::parse_service_file;
    use std::path::Path;

    #[test]
    fn fires_on_a_missing_file() {
        let p = parse_service_file(Path::new("/nonexistent/pam.d/svc"));
        assert_eq!(
            p.findings.iter().map(|f| f.code()).collect::<Vec<_>>(),
            vec!["PL000"]
        );
        assert!(p.aborts);
    }

    #[test]
    fn fires_on_a_dangling_service_symlink() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("other"), "auth required pam_deny.so\n").unwrap();
        std::os::unix::fs::symlink("sshd-missing", dir.path().join("sshd")).unwrap();
        let opts = crate::check::CheckOptions {
            root: Path::new("/").to_path_buf(),
            dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        let found = crate::check::lint(&opts).findings;
        let hits: Vec<_> = found.iter().filter(|f| f.code() == "PL000").collect();
        assert_eq!(hits.len(), 1, "{found:?}");
        assert!(hits[0].span.file.ends_with("sshd"));
    }

    #[test]
    fn quiet_on_a_readable_file() {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), "auth required pam_unix.so\n").unwrap();
        assert!(parse_service_file(f.path()).findings.is_empty());
    }
}
