//! PL101 module-not-found: the module file does not exist in the module directories.

use std::collections::HashMap;

use super::{service_rule, Rule, RuleInfo};
use crate::model::{Finding, HandlerKind, ResolvedService, Severity};
use crate::rules::LintEnv;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL101",
    name: "module-not-found",
    severity: Severity::Error,
    title: "module file not found",
    explain: r#"libpam loads the module from the path given (relative paths from its module
directory, e.g. /lib/x86_64-linux-gnu/security). When the file is missing, libpam logs
"unable to dlopen" and the rule returns PAM_MODULE_UNKNOWN every time: with `required` the
whole stack fails. pamlint searches the root's module directories (/lib/security,
/lib64/security, /usr/lib/security, /usr/lib64/security, /usr/lib/<triplet>/security,
/lib/<triplet>/security and --module-path). With `--target NAME` (rhel9, debian12, ...)
the module must be in that distribution's catalogue instead (or in `--modules FILE`), and the
finding says "not shipped by NAME". Lines with the `-` prefix are left to PL102.

Wrong:   auth required pam_tally3.so
Right:   auth required pam_faillock.so preauth
"#,
};

pub fn rule() -> Rule {
    service_rule(&INFO, check)
}

fn check(service: &ResolvedService, env: &LintEnv) -> Vec<Finding> {
    let mut out = Vec::new();
    for stack in &service.stacks {
        for r in stack.rules() {
            let Some(m) = &r.rule.module else { continue };
            if r.handler == HandlerKind::Module && !r.module_present {
                out.push(Finding::new(
                    &INFO,
                    m.span.clone(),
                    message(&m.text, env),
                    help(env),
                ));
            }
        }
    }
    out
}

/// "not found (searched ...)" for the host, "not shipped by rhel9" for a catalogue.
fn message(path: &str, env: &LintEnv) -> String {
    let target = &env.ctx.target;
    let module = path.escape_debug();
    if !target.uses_disk() {
        return format!(
            "module `{module}` is not shipped by {} ({}): the rule always returns PAM_MODULE_UNKNOWN there",
            target.name, target.description
        );
    }
    let dirs: Vec<String> = env
        .ctx
        .module_dirs
        .iter()
        .filter(|d| d.is_dir())
        .map(|d| d.display().to_string())
        .collect();
    let searched = if path.starts_with('/') {
        "its absolute path".to_string()
    } else {
        dirs.join(", ")
    };
    format!("module `{module}` not found (searched {searched}): the rule always returns PAM_MODULE_UNKNOWN")
}

/// With a built-in target, one finding per module, at its first use, naming the
/// others: linting a foreign tree, "pam_foo.so is not shipped by rhel9" matters once,
/// not at each of its twenty lines. `findings` must be sorted by place.
pub fn once_per_module(findings: Vec<Finding>) -> Vec<Finding> {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut also: Vec<Vec<String>> = Vec::new();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        // `message` puts the module first, between backticks.
        let module = (f.code() == INFO.code)
            .then(|| f.message.split('`').nth(1).map(str::to_string))
            .flatten();
        let Some(module) = module else {
            out.push(f);
            continue;
        };
        match first.get(&module) {
            Some(&i) => also[i].push(format!(
                "{}:{}",
                f.span.file.display().to_string().escape_debug(),
                f.span.line
            )),
            None => {
                first.insert(module, out.len());
                out.push(f);
            }
        }
        also.resize(out.len(), Vec::new());
    }
    for (f, more) in out.iter_mut().zip(also) {
        match more.len() {
            0 => {}
            1..=3 => f.message += &format!("; also used at {}", more.join(", ")),
            n => {
                f.message += &format!("; also used at {} and {} more", more[..3].join(", "), n - 3)
            }
        }
    }
    out
}

fn help(env: &LintEnv) -> String {
    if env.ctx.target.uses_disk() {
        "install the package that ships it, fix the path, or use --module-path DIR".into()
    } else {
        "fix the module name, or list the site's own modules in a file given to --modules".into()
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::service_lines;

    #[test]
    fn fires_on_a_missing_module() {
        assert_eq!(
            service_lines(
                "PL101",
                "auth required pam_permit.so\nauth required pam_nonexistent_xyz.so\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn a_target_judges_by_its_catalogue() {
        use crate::check::{lint, CheckOptions};
        use crate::target::{resolve, TargetSpec};
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("svc"),
            "auth sufficient pam_sss.so\nauth required pam_tally2.so\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("svc2"), "account required pam_tally2.so\n").unwrap();
        let spec = TargetSpec {
            name: Some("rhel9".into()),
            ..TargetSpec::default()
        };
        let report = lint(&CheckOptions {
            root: "/".into(),
            dir: Some(dir.path().to_path_buf()),
            target: Some(std::sync::Arc::new(resolve(&spec).unwrap())),
            ..CheckOptions::default()
        });
        let pl101: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code() == "PL101")
            .collect();
        assert_eq!(pl101.len(), 1, "{pl101:?}");
        assert_eq!(pl101[0].span.line, 2);
        assert!(pl101[0].message.contains("not shipped by rhel9"));
        assert!(pl101[0].message.ends_with("svc2:1"), "{}", pl101[0].message);
    }

    #[test]
    fn quiet_on_present_or_dashed_modules() {
        assert!(service_lines(
            "PL101",
            "auth required pam_permit.so\n-auth optional pam_nonexistent_xyz.so\n"
        )
        .is_empty());
    }
}
