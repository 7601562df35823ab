//! PL405 debian-at-include: `@include` is a Debian extension.

use super::{file_rule, Rule, RuleInfo};
use crate::model::{Entry, Finding, ParsedFile, Severity, Span, Token};
use crate::resolve::ResolveContext;
use crate::rules::LintEnv;
use crate::target::Flavour;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

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

On a Debian or Ubuntu tree it is the normal syntax and is not reported: the target is a
Debian-flavoured one (`--target debian12`, ubuntu2404...), or, with no flavour known, the
root being linted has /etc/debian_version or the pam.d directory has a common-auth written
by pam-auth-update. With a non-Debian target it is always reported.
"#,
};

pub fn rule() -> Rule {
    file_rule(&INFO, check)
}

/// Whether the tree is read by Debian's libpam: the linted root is Debian, or a
/// pam.d directory has pam-auth-update's common-auth. Remembered per context
/// directory set: every file of a tree asks.
fn debian_tree(ctx: &ResolveContext) -> bool {
    match ctx.target.flavour {
        Some(Flavour::Debian) => return true,
        Some(_) => return false,
        None => {}
    }
    static SEEN: OnceLock<Mutex<HashMap<Vec<PathBuf>, bool>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    if let Some(hit) = seen.lock().ok().and_then(|m| m.get(&ctx.pam_dirs).copied()) {
        return hit;
    }
    let own_root = ctx.pam_dirs.first() == Some(&ctx.root.join("etc/pam.d"));
    let debian = (own_root && ctx.root.join("etc/debian_version").is_file())
        || ctx.pam_dirs.iter().any(|d| {
            std::fs::read(d.join("common-auth"))
                .is_ok_and(|b| b.windows(15).any(|w| w == b"pam-auth-update"))
        });
    if let Ok(mut m) = seen.lock() {
        m.insert(ctx.pam_dirs.clone(), debian);
    }
    debian
}

/// One finding per file, at its first `@include`.
fn check(file: &ParsedFile, env: &LintEnv) -> Vec<Finding> {
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
    if debian_tree(env.ctx) {
        return Vec::new();
    }
    let others = match targets.len() {
        1 => String::new(),
        n => format!(" (and {} more `@include` lines)", n - 1),
    };
    vec![Finding::new(
        &INFO,
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
    fn quiet_on_a_pam_auth_update_tree() {
        let f = lint_files(&[
            ("svc", "@include common-auth\n"),
            (
                "common-auth",
                "# managed by pam-auth-update\nauth required pam_unix.so\n",
            ),
        ]);
        assert!(codes_lines(&f, "PL405").is_empty());
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
