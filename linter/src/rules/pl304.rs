//! PL304 unsafe-permissions: pam.d files others can write.

use std::os::unix::fs::MetadataExt;

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Finding, ParsedFile, Severity, Span};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL304",
    name: "unsafe-permissions",
    severity: Severity::Error,
    title: "world-writable or non-root-owned PAM file",
    explain: r#"Whoever can write a PAM file decides who logs in (one `auth sufficient pam_permit.so`
line). Files under pam.d must be owned by root and writable by root only. Non-root ownership
is reported only for the real system directories (--root /), since copies in a work tree are
owned by their developer.

Wrong:   -rw-rw-rw- root root /etc/pam.d/sshd
Right:   -rw-r--r-- root root /etc/pam.d/sshd
"#,
};

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

fn check(file: &ParsedFile, env: &LintEnv) -> Vec<Finding> {
    let Ok(meta) = std::fs::metadata(&file.path) else {
        return Vec::new();
    };
    let span = Span::file_start(file.path.clone());
    let mode = meta.mode();
    if mode & 0o002 != 0 {
        return vec![Finding::new(
            &INFO,
            span,
            format!(
                "{} is world-writable (mode {:o}): any local user can change who logs in",
                file.path.display(),
                mode & 0o7777
            ),
            format!("chmod o-w {}", file.path.display()),
        )];
    }
    let system = env.ctx.root == std::path::Path::new("/")
        && ["/etc/pam.d/", "/usr/lib/pam.d/", "/etc/pam.conf"]
            .iter()
            .any(|p| file.path.starts_with(p));
    if system && meta.uid() != 0 {
        return vec![Finding::new(
            &INFO,
            span,
            format!(
                "{} is owned by uid {}, not root: that user can change who logs in",
                file.path.display(),
                meta.uid()
            ),
            format!("chown root:root {}", file.path.display()),
        )];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::{codes_lines, service_lines};
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn fires_on_world_writable() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("svc");
        std::fs::write(&p, "auth required pam_unix.so\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o666)).unwrap();
        let opts = crate::check::CheckOptions {
            root: "/".into(),
            dir: Some(dir.path().into()),
            ..Default::default()
        };
        let f = crate::check::lint(&opts).findings;
        assert_eq!(codes_lines(&f, "PL304"), vec![1]);
    }

    #[test]
    fn quiet_on_0644() {
        assert!(service_lines("PL304", "auth required pam_unix.so\n").is_empty());
    }
}
