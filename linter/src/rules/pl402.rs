//! PL402 pam-shells: what pam_shells silently refuses, per Linux-PAM version.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Finding, ParsedFile, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL402",
    name: "pam-shells",
    severity: Severity::Info,
    title: "pam_shells refuses without telling the user",
    explain: r#"pam_shells accepts a user only if their login shell is listed in /etc/shells.
- Before Linux-PAM 1.4.0 (CentOS/RHEL 7 and 8), an *empty* shell (an LDAP entry without
  loginShell) is refused, silently. sshd treats an empty shell as /bin/sh, so ssh works
  and ftp fails with "530 Login incorrect".
- A shell that is set but not listed (e.g. /bin/zsh on a host without zsh) is refused on
  every version: silently before 1.6.0, with one LOG_NOTICE line since; the user is never
  told why.
Give users a listed shell, add the shell to /etc/shells, or use pam_ldap_shell, which checks
the shell and says what is wrong to the user and to syslog.

It is reported as info: distributions ship pam_shells on purpose (chsh, vsftpd, Arch's
system-login), and refusing an unlisted shell is its job.

Risky:   auth required pam_shells.so
Better:  account required pam_ldap_shell.so missing_shell=deny
"#,
};

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

fn check(file: &ParsedFile, _env: &LintEnv) -> Vec<Finding> {
    file.rules()
        .filter(|r| r.module_name().as_deref() == Some("pam_shells"))
        .filter_map(|r| r.module.as_ref())
        .map(|m| {
            Finding::new(
                &INFO,
                m.span.clone(),
                "pam_shells.so refuses users whose shell is not in /etc/shells without telling them (and, before Linux-PAM 1.4.0, users with an empty shell, e.g. LDAP entries without loginShell)".into(),
                "list every login shell in /etc/shells and give LDAP users a loginShell, or use pam_ldap_shell.so, which explains refusals".into(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::{codes_lines, lint_files};

    #[test]
    fn fires_on_pam_shells() {
        let f = lint_files(&[(
            "vsftpd",
            "auth required pam_unix.so\nauth required pam_shells.so\n",
        )]);
        assert_eq!(codes_lines(&f, "PL402"), vec![2]);
    }

    #[test]
    fn quiet_without_it() {
        let f = lint_files(&[("vsftpd", "auth required pam_unix.so\n")]);
        assert!(codes_lines(&f, "PL402").is_empty());
    }
}
