//! PL405 debian-at-include: `@include` is a Debian extension.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Entry, Finding, ParsedFile, Severity, Span, Token};
use crate::rules::{finding, LintEnv};

pub const INFO: RuleInfo = RuleInfo {
    code: "PL405",
    name: "debian-at-include",
    severity: Severity::Info,
    title: "`@include` works only with Debian's libpam",
    explain: r#"`@include FILE` is a Debian/Ubuntu patch to libpam: it pulls in every rule of FILE.
Upstream Linux-PAM (Fedora, RHEL, Arch, SUSE, Alpine) reads `@include` as an unknown type
and installs a rule that always fails under auth. Files meant for several distributions
should use `TYPE include FILE` for each type.

Debian:    @include common-auth
Portable:  auth include common-auth
"#,
};

pub fn rule() -> Rule {
    file_rule(INFO, check)
}

/// One finding per file, at its first `@include`.
fn check(file: &ParsedFile, _env: &LintEnv) -> Vec<Finding> {
    let targets: Vec<(&Token, &Span)> = file
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::AtInclude { target, span } => Some((target, span)),
            Entry::Rule(_) => None,
        })
        .collect();
    let Some((first, span)) = targets.first() else {
        return Vec::new();
    };
    let others = match targets.len() {
        1 => String::new(),
        n => format!(" (and {} more `@include` lines)", n - 1),
    };
    vec![finding(
        INFO.code,
        (*span).clone(),
        format!(
            "`@include {}`{others} works only with Debian's libpam; upstream Linux-PAM fails auth on such lines",
            first.text
        ),
        format!(
            "for portability write `TYPE include {}` for each type it provides",
            first.text
        ),
    )]
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::{codes_lines, lint_files};

    #[test]
    fn fires_on_at_include() {
        let f = lint_files(&[
            ("svc", "@include common\n"),
            ("common", "auth required pam_unix.so\n"),
        ]);
        assert_eq!(codes_lines(&f, "PL405"), vec![1]);
    }

    #[test]
    fn quiet_on_include() {
        let f = lint_files(&[
            ("svc", "auth include common\n"),
            ("common", "auth required pam_unix.so\n"),
        ]);
        assert!(codes_lines(&f, "PL405").is_empty());
    }
}
