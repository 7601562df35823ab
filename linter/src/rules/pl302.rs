//! PL302 nullok: pam_unix accepting empty passwords.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Finding, PamType, ParsedFile, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL302",
    name: "nullok",
    severity: Severity::Warning,
    title: "`nullok` on pam_unix",
    explain: r#"With `nullok`, pam_unix lets an account whose password field is empty log in without a
password (`nullok_secure`, Debian, only on secure ttys). Debian and Ubuntu ship it in
common-auth; on a server, accounts with empty passwords are then open to anyone (CIS
benchmarks and the DISA STIGs require removing it). Only `auth` lines are reported: on a
`password` line `nullok` just lets an account that has no password set one.
Suppress with `# pamlint: allow(PL302)` if you rely on it.

Wrong:   auth required pam_unix.so nullok
Right:   auth required pam_unix.so
"#,
};

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

fn check(file: &ParsedFile, _env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in file
        .rules()
        // On password lines nullok only lets an empty-password account set one.
        .filter(|r| r.pam_type == Some(PamType::Auth))
        .filter(|r| r.module_name().as_deref() == Some("pam_unix"))
    {
        for a in r
            .args
            .iter()
            .filter(|a| a.text == "nullok" || a.text == "nullok_secure")
        {
            out.push(Finding::new(
                &INFO,
                a.span.clone(),
                format!(
                    "`{}` on pam_unix.so: accounts with an empty password log in without one",
                    a.text
                ),
                "remove `nullok` (lock or set passwords of accounts that have none)".into(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_nullok() {
        assert_eq!(
            service_lines("PL302", "auth required pam_unix.so nullok\n"),
            vec![1]
        );
    }

    #[test]
    fn a_symlinked_file_is_reported_once_at_its_target() {
        // RHEL 7: password-auth -> password-auth-ac, included by sshd
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("password-auth-ac"),
            "auth sufficient pam_unix.so nullok\nauth required pam_deny.so\n",
        )
        .unwrap();
        std::os::unix::fs::symlink("password-auth-ac", d.join("password-auth")).unwrap();
        std::fs::write(d.join("sshd"), "auth include password-auth\n").unwrap();
        let opts = crate::check::CheckOptions {
            root: std::path::Path::new("/").to_path_buf(),
            dir: Some(d.to_path_buf()),
            ..Default::default()
        };
        let found: Vec<_> = crate::check::lint(&opts)
            .findings
            .into_iter()
            .filter(|f| f.code() == "PL302")
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].span.file.ends_with("password-auth-ac"));
    }

    #[test]
    fn quiet_on_password_lines() {
        assert!(
            service_lines("PL302", "password required pam_unix.so nullok yescrypt\n").is_empty()
        );
    }

    #[test]
    fn quiet_without_it_or_when_allowed() {
        assert!(service_lines(
            "PL302",
            "auth required pam_unix.so\nauth required pam_unix.so nullok # pamlint: allow(PL302)\n"
        )
        .is_empty());
    }
}
