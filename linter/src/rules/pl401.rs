//! PL401 removed-module: modules that current Linux-PAM no longer ships.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Finding, ParsedFile, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL401",
    name: "removed-module",
    severity: Severity::Warning,
    title: "module removed from current Linux-PAM",
    explain: r#"Some modules were removed from Linux-PAM: pam_tally and pam_tally2 (removed in 1.5.0,
use pam_faillock), pam_cracklib (removed in 1.5.0, use pam_pwquality), pam_pwdb and
pam_radius (long gone), pam_stack (Red Hat, replaced by `include`), pam_console (Red Hat),
pam_lastlog (deprecated, removed in 1.7.0, use pam_lastlog2). On an upgraded host the file
is missing and the rule returns PAM_MODULE_UNKNOWN. pam_lastlog is still shipped by
Debian 12 and RHEL 9, so it is reported only where the module is not found (on disk, or in the target's catalogue).

Wrong:   auth required pam_tally2.so deny=5
Right:   auth required pam_faillock.so preauth deny=5
"#,
};

const REMOVED: &[(&str, &str, &str)] = &[
    ("pam_tally", "Linux-PAM 1.5.0", "pam_faillock"),
    ("pam_tally2", "Linux-PAM 1.5.0", "pam_faillock"),
    ("pam_cracklib", "Linux-PAM 1.5.0", "pam_pwquality"),
    ("pam_pwdb", "Linux-PAM 0.99", "pam_unix"),
    (
        "pam_radius",
        "Linux-PAM 0.99",
        "pam_radius_auth (FreeRADIUS)",
    ),
    ("pam_stack", "Red Hat (2005)", "`include` or `substack`"),
    (
        "pam_console",
        "Red Hat/Fedora",
        "systemd-logind (pam_systemd)",
    ),
    ("pam_lastlog", "Linux-PAM 1.7.0", "pam_lastlog2"),
];

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

/// Modules still shipped by the Linux-PAM of supported releases (pam_lastlog is in
/// Debian 12's 1.5.2 and RHEL 9's 1.5.1): reported only where the module is missing.
const STILL_SHIPPED: &[&str] = &["pam_lastlog"];

fn check(file: &ParsedFile, env: &LintEnv) -> Vec<Finding> {
    file.rules()
        .filter(|r| !r.is_include() && !r.is_substack())
        .filter_map(|r| {
            let name = r.module_name()?;
            let (_, gone, instead) = REMOVED.iter().find(|(m, _, _)| *m == name)?;
            let path = &r.module.as_ref()?.text;
            let present = env.ctx.find_module(path).is_some() || env.ctx.target.ships(path);
            if STILL_SHIPPED.contains(&name.as_str()) && present {
                return None;
            }
            Some(Finding::new(
                &INFO,
                r.module.as_ref()?.span.clone(),
                format!("`{name}` is removed as of {gone}: where it is missing, the rule returns PAM_MODULE_UNKNOWN"),
                format!("replace it with {instead}"),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_pam_tally2() {
        assert_eq!(
            service_lines("PL401", "auth required pam_tally2.so deny=5\n"),
            vec![1]
        );
    }

    #[test]
    fn quiet_on_faillock() {
        assert!(service_lines("PL401", "auth required pam_faillock.so preauth\n").is_empty());
    }
}
