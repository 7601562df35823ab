//! PL301 permit-grants-all: pam_permit ending auth or account with success.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Action, Finding, PamCode, PamType, ParsedFile, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL301",
    name: "permit-grants-all",
    severity: Severity::Error,
    title: "sufficient / [success=done] pam_permit in auth or account",
    explain: r#"pam_permit always returns PAM_SUCCESS. As `sufficient` (or with `success=done`) in auth
or account, it ends the stack with success for every user and every password as soon as it
is reached with nothing failed before it: everyone gets in.

Wrong:   auth sufficient pam_permit.so
Right:   auth required pam_unix.so

Not reported: `auth sufficient pam_permit.so` as the only auth rule of `system-services`
(Arch, Void), the file that daemons which never call pam_authenticate (cronie, at)
include for their account and session stacks.
"#,
};

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

/// Arch's, Void's and Gentoo's base file for daemons that never call
/// pam_authenticate (cronie, at): its only auth rule grants on purpose.
const NO_AUTH_LIBRARIES: &[&str] = &["system-services"];

/// `rule` is the only rule of its type in a no-auth library.
fn deliberate(file: &ParsedFile, rule: &crate::model::Rule) -> bool {
    let named = file
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| NO_AUTH_LIBRARIES.contains(&n));
    named && file.rules().filter(|r| r.pam_type == rule.pam_type).count() == 1
}

fn check(file: &ParsedFile, _env: &LintEnv) -> Vec<Finding> {
    file.rules()
        .filter(|r| !deliberate(file, r))
        .filter(|r| matches!(r.pam_type, Some(PamType::Auth | PamType::Account)))
        .filter(|r| r.module_name().as_deref() == Some("pam_permit"))
        .filter(|r| r.action_table().get(PamCode::Success) == Action::Done)
        .map(|r| {
            Finding::new(
                &INFO,
                r.control_token.as_ref().map(|c| c.span.clone()).unwrap_or(r.span.clone()),
                format!(
                    "`{}` pam_permit.so ends the {} stack with success for everyone",
                    r.control_token.as_ref().map(|c| c.text.as_str()).unwrap_or(""),
                    r.type_token.text
                ),
                "use a module that checks something (pam_unix, pam_sss, pam_ldap_shell), or make pam_permit `required` after the checks".into(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_sufficient_permit() {
        assert_eq!(
            service_lines(
                "PL301",
                "auth sufficient pam_permit.so\nauth required pam_deny.so\n"
            ),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_the_system_services_library_only() {
        let f = crate::rules::testutil::lint_files(&[
            (
                "system-services",
                "auth sufficient pam_permit.so\naccount required pam_unix.so\n",
            ),
            ("sshd", "auth sufficient pam_permit.so\n"),
        ]);
        let hits: Vec<_> = f.iter().filter(|f| f.code() == "PL301").collect();
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(hits[0].span.file.ends_with("sshd"));
    }

    #[test]
    fn quiet_on_required_permit() {
        assert!(service_lines(
            "PL301",
            "auth required pam_unix.so\nauth required pam_permit.so\n"
        )
        .is_empty());
    }
}
