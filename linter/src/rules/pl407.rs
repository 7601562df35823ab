//! PL407 pam-conf-ignored: /etc/pam.conf rules that libpam never reads.

use super::{documented, Rule, RuleInfo};
use crate::model::{Finding, ParsedFile, Severity};
use crate::resolve::ResolveContext;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL407",
    name: "pam-conf-ignored",
    severity: Severity::Warning,
    title: "/etc/pam.conf rules ignored because a pam.d directory exists",
    explain: r#"libpam reads /etc/pam.conf only when none of /etc/pam.d, /usr/lib/pam.d (and the
vendor directory) exists. On every current distribution /etc/pam.d exists, so rules written
in /etc/pam.conf are silently ignored.

Wrong:   /etc/pam.conf:    vsftpd auth required pam_listfile.so item=user sense=deny file=/etc/ftpusers
Right:   /etc/pam.d/vsftpd: auth required pam_listfile.so item=user sense=deny file=/etc/ftpusers
"#,
};

pub fn rule() -> Rule {
    documented(&INFO)
}

/// Called by `check` for each pam.conf it lints, with the context of its root.
pub fn check_conf(conf: &ParsedFile, ctx: &ResolveContext) -> Vec<Finding> {
    let Some(dir) = ctx.pam_dirs.iter().find(|d| d.is_dir()) else {
        return Vec::new();
    };
    let Some(first) = conf.rules().next() else {
        return Vec::new();
    };
    vec![Finding::new(
        &INFO,
        first.span.clone(),
        format!(
            "{} exists, so libpam ignores every rule in this pam.conf",
            dir.display()
        ),
        format!("move the rules into {}/SERVICE files", dir.display()),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_pam_conf_file;

    fn conf_in(with_pam_d: bool, text: &str) -> Vec<Finding> {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("etc")).unwrap();
        if with_pam_d {
            std::fs::create_dir_all(root.path().join("etc/pam.d")).unwrap();
        }
        let path = root.path().join("etc/pam.conf");
        std::fs::write(&path, text).unwrap();
        let ctx = ResolveContext::for_root(root.path());
        check_conf(&parse_pam_conf_file(&path), &ctx)
    }

    #[test]
    fn fires_when_pam_d_exists() {
        let f = conf_in(true, "# x\nlogin auth required pam_unix.so\n");
        assert_eq!(f.iter().map(|f| f.span.line).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn quiet_without_pam_d_or_without_rules() {
        assert!(conf_in(false, "login auth required pam_unix.so\n").is_empty());
        assert!(conf_in(true, "# only comments\n").is_empty());
    }
}
