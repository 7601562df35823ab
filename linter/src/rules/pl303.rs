//! PL303 rootok-outside-su: pam_rootok in a service root does not run locally.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Action, Finding, PamCode, ParsedFile, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL303",
    name: "rootok-outside-su",
    severity: Severity::Warning,
    title: "pam_rootok outside su-like services",
    explain: r#"pam_rootok succeeds when the *calling process* runs as root. That is what su, runuser,
chfn, chsh, passwd, groupmems, halt/reboot/poweroff and consolehelper tools (files that
include config-util) and similar local tools want (root needs no password). cron and at
daemons (cron, crond, atd) never call pam_authenticate, so their auth lines grant nothing. In a network
service's stack (sshd, vsftpd, login daemons run as root), `sufficient pam_rootok.so` would
let every user in, because the daemon itself is root.

Wrong:   /etc/pam.d/vsftpd:  auth sufficient pam_rootok.so
Right:   /etc/pam.d/su:      auth sufficient pam_rootok.so
"#,
};

/// Services where the caller's uid is the user's (local set-uid tools).
const SU_LIKE: &[&str] = &[
    "su",
    "su-l",
    "runuser",
    "runuser-l",
    "sudo",
    "sudo-i",
    "chfn",
    "chsh",
    "chage",
    "chpasswd",
    "chgpasswd",
    "newusers",
    "passwd",
    "ksu",
    "usermod",
    "useradd",
    "userdel",
    "groupadd",
    "groupdel",
    "groupmod",
    "shadow",
    "newgrp",
    "sg",
    "polkit-1",
    "pkexec",
    "doas",
    "config-util",
    "system-config-util",
    "other",
    // local console tools run by the user (set-uid or through consolehelper)
    "groupmems",
    "halt",
    "reboot",
    "poweroff",
    "shutdown",
    "setup",
    "authconfig",
    "authconfig-tui",
    "authconfig-gtk",
    "timeconfig",
    "xserver",
    // cron and at daemons never call pam_authenticate (only account and session),
    // so an auth line there grants nothing; SUSE ships `auth sufficient pam_rootok.so`
    "cron",
    "crond",
    "atd",
];

/// consolehelper tools (Fedora/RHEL usermode) are named after the program and
/// include `config-util`: the caller's uid is the user's there too.
fn is_console_tool(name: &str, file: &ParsedFile) -> bool {
    name.starts_with("system-config-")
        || file.rules().any(|r| {
            r.control.as_ref().is_some_and(|c| c.is_include_like())
                && r.module.as_ref().is_some_and(|m| m.text == "config-util")
        })
}

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

fn check(file: &ParsedFile, _env: &LintEnv) -> Vec<Finding> {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `su.security-misc` and the like: a packaging suffix on an su-like name
    let base = name.split('.').next().unwrap_or(&name);
    if file.is_pam_conf
        || SU_LIKE.contains(&base)
        || name.starts_with("common-")
        || name.ends_with("-auth")
        || is_console_tool(&name, file)
    {
        return Vec::new();
    }
    file.rules()
        .filter(|r| r.module_name().as_deref() == Some("pam_rootok"))
        .filter(|r| r.action_table().get(PamCode::Success) == Action::Done)
        .filter_map(|r| r.module.as_ref())
        .map(|m| {
            Finding::new(
                &INFO,
                m.span.clone(),
                format!("pam_rootok.so in service `{name}`: it succeeds whenever the calling process is root, as daemons are"),
                "keep pam_rootok to su-like local tools; remove it here".into(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::{codes_lines, lint_files};

    #[test]
    fn fires_in_a_daemon_service() {
        let f = lint_files(&[(
            "vsftpd",
            "auth sufficient pam_rootok.so\nauth required pam_unix.so\n",
        )]);
        assert_eq!(codes_lines(&f, "PL303"), vec![1]);
    }

    #[test]
    fn quiet_in_console_tools() {
        let f = lint_files(&[
            (
                "reboot",
                "auth sufficient pam_rootok.so\nauth required pam_console.so\n",
            ),
            ("groupmems", "auth sufficient pam_rootok.so\n"),
            (
                "crond",
                "auth sufficient pam_rootok.so\nauth include common\n",
            ),
            ("common", "auth required pam_unix.so\n"),
            ("su.security-misc", "auth sufficient pam_rootok.so\n"),
            ("system-config-date", "auth include config-util\n"),
            (
                "config-util",
                "auth sufficient pam_rootok.so\nauth required pam_unix.so\n",
            ),
            (
                "mytool",
                "auth sufficient pam_rootok.so\nauth include config-util\n",
            ),
        ]);
        assert!(codes_lines(&f, "PL303").is_empty(), "{f:?}");
    }

    #[test]
    fn quiet_in_su() {
        let f = lint_files(&[(
            "su",
            "auth sufficient pam_rootok.so\nauth required pam_unix.so\n",
        )]);
        assert!(codes_lines(&f, "PL303").is_empty());
    }
}
