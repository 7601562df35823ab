//! One (user, service) verdict from the `why` engine: the auth and account
//! stacks walked with the user's facts, then admitted, refused (the deciding
//! rule, its fact and a cause id) or unknown (a module whose answer could
//! decide the outcome and cannot be predicted).

use serde::Serialize;

use crate::facts::Facts;
use crate::model::{PamType, ResolvedService};
use crate::modules::Certainty;
use crate::why::report::{StepReport, TypeReport, WhyReport};
use crate::why::{explain, WhyOptions};

/// The types a login goes through before a session: pam_authenticate, then
/// pam_acct_mgmt.
pub const TYPES: [PamType; 2] = [PamType::Auth, PamType::Account];

/// The types the program behind `service` calls before it runs something
/// as the user: cron, atd and systemd's user manager call only
/// pam_acct_mgmt (there is nobody to type a password); runuser, root's own
/// tool, calls neither (util-linux su-common.c); every other program both.
pub fn phases(service: &str) -> &'static [PamType] {
    match service {
        "cron" | "crond" | "atd" | "systemd-user" => &TYPES[1..],
        "runuser" | "runuser-l" => &[],
        _ => &TYPES,
    }
}

/// Modules whose assumed answer is the user's credentials (or the account
/// database they are in): an audit takes the password as right, as `why`
/// does, so they never make a verdict unknown.
const CREDENTIAL_MODULES: &[&str] = &[
    "pam_unix",
    "pam_unix2",
    "pam_sss",
    "pam_ldap",
    "pam_ldap_shell",
    "pam_krb5",
    "pam_winbind",
    "pam_systemd_home",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Admitted,
    Refused,
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Admitted => "admitted",
            Outcome::Refused => "refused",
            Outcome::Unknown => "unknown",
        }
    }
}

/// The JSON object of one service in a user's `services`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub verdict: Outcome,
    /// `FILE:LINE module`, FILE relative to the pam.d directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
}

impl Verdict {
    pub fn admitted() -> Self {
        Verdict {
            verdict: Outcome::Admitted,
            rule: None,
            reason: None,
            cause: None,
        }
    }
}

/// The verdict of `service` for the user `facts` describe (facts.service is
/// set to the service's name here).
pub fn judge(service: &ResolvedService, facts: &mut Facts, opts: WhyOptions) -> Verdict {
    if facts.service != service.name {
        facts.service.clone_from(&service.name);
    }
    if let Some(refused) = super::programs::refusal(&service.name, facts) {
        return refused;
    }
    let report = explain(service, phases(&service.name), facts, opts);
    from_report(&report, facts)
}

/// The verdict a `why` report amounts to.
pub fn from_report(report: &WhyReport, facts: &Facts) -> Verdict {
    if let Some(t) = report.types.iter().find(|t| t.refused) {
        return refused(t, facts);
    }
    match undecided(report) {
        Some(step) => Verdict {
            verdict: Outcome::Unknown,
            rule: Some(rule_label(step)),
            reason: Some(format!(
                "{}: {}",
                module_base(&step.module),
                step.fact
                    .as_deref()
                    .unwrap_or("its answer cannot be predicted")
            )),
            cause: None,
        },
        None => Verdict::admitted(),
    }
}

fn refused(t: &TypeReport, facts: &Facts) -> Verdict {
    let earlier = t.decided_by.map_or(&t.trace[..], |i| &t.trace[..i]);
    let behind = behind(earlier);
    let after = behind
        .map(|s| {
            format!(
                ", after {}: {}",
                rule_label(s),
                s.fact.as_deref().unwrap_or("")
            )
        })
        .unwrap_or_default();
    let Some(step) = t.decider() else {
        return Verdict {
            verdict: Outcome::Refused,
            rule: None,
            reason: Some(format!(
                "{}: {} ({}){after}",
                t.pam_type,
                t.note.as_deref().unwrap_or("refused"),
                t.result
            )),
            cause: Some(behind.and_then(|s| s.cause).unwrap_or("other")),
        };
    };
    // A rule that refuses whoever reaches it (pam_deny) is only the
    // messenger: the cause is the step that let the user fall to it.
    let (cause, after) = match cause_of(step, facts) {
        Some(c) => (Some(c), String::new()),
        None => (behind.and_then(|s| s.cause), after),
    };
    Verdict {
        verdict: Outcome::Refused,
        rule: Some(rule_label(step)),
        reason: Some(format!(
            "{}: {} ({}){after}",
            t.pam_type,
            step.fact.as_deref().unwrap_or(""),
            step.returns.as_deref().unwrap_or(&t.result)
        )),
        cause: Some(cause.unwrap_or("other")),
    }
}

/// The last executed step before the decision whose predictor named a
/// cause without admitting the user (e.g. pam_ldap_shell stepping aside for
/// a uid below minimum_uid, or refusing an ambiguous name under
/// `default=ignore`).
fn behind(steps: &[StepReport]) -> Option<&StepReport> {
    steps
        .iter()
        .rev()
        .find(|s| s.executed && s.cause.is_some() && s.returns.as_deref() != Some("PAM_SUCCESS"))
}

/// The cause id of a deciding step: the predictor's own, else by module.
pub fn cause_of(step: &StepReport, facts: &Facts) -> Option<&'static str> {
    if let Some(c) = step.cause {
        return Some(c);
    }
    if step.returns.as_deref() == Some("PAM_MODULE_UNKNOWN") {
        return Some("module-missing");
    }
    match module_base(&step.module).trim_end_matches(".so") {
        "pam_shells" => Some(shell_cause(facts)),
        "pam_listfile" => Some("listfile"),
        "pam_succeed_if" => Some("succeed-if"),
        "pam_access" => Some("access"),
        "pam_nologin" => Some("nologin"),
        _ => None,
    }
}

/// What is wrong with the shell pam_shells refused: the directory's view
/// when there is one (absent or empty attribute), else the passwd field.
fn shell_cause(facts: &Facts) -> &'static str {
    let entry = facts.directory.as_ref().and_then(|d| d.entry.as_ref());
    let shell = facts.passwd.as_ref().map(|p| p.shell.as_str());
    match (entry, shell) {
        (Some(e), _) if e.shell_values.is_empty() => "shell-missing",
        (_, Some(s)) if s.trim().is_empty() => "shell-empty",
        (_, Some(_)) => "shell-not-listed",
        (_, None) => "other",
    }
}

/// The first executed step whose answer was assumed and could have changed
/// the outcome: not a credential check, not `optional`.
fn undecided(report: &WhyReport) -> Option<&StepReport> {
    report.types.iter().flat_map(|t| &t.trace).find(|s| {
        s.executed
            && s.certainty == Some(Certainty::Assumed)
            && s.control != "optional"
            && !CREDENTIAL_MODULES.contains(&module_base(&s.module).trim_end_matches(".so"))
    })
}

/// `common-account:4 pam_ldap_shell.so`.
pub fn rule_label(step: &StepReport) -> String {
    let file = std::path::Path::new(&step.file)
        .file_name()
        .map_or_else(|| step.file.clone(), |n| n.to_string_lossy().into_owned());
    format!("{file}:{} {}", step.line, module_base(&step.module))
}

fn module_base(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Facts, Source};
    use crate::resolve::{resolve_service, ResolveContext};

    /// A root with /etc/passwd and /etc/shells, and a pam.d with `files`.
    fn world(files: &[(&str, &str)], passwd: &str) -> (tempfile::TempDir, ResolveContext) {
        let root = tempfile::tempdir().unwrap();
        let etc = root.path().join("etc");
        std::fs::create_dir_all(etc.join("pam.d")).unwrap();
        std::fs::write(etc.join("passwd"), passwd).unwrap();
        std::fs::write(etc.join("shells"), "/bin/sh\n/bin/bash\n").unwrap();
        std::fs::write(etc.join("ftpusers"), "root\nbob\n").unwrap();
        for (name, text) in files {
            std::fs::write(etc.join("pam.d").join(name), text).unwrap();
        }
        let ctx = ResolveContext::for_dir(&etc.join("pam.d"), root.path());
        (root, ctx)
    }

    fn verdict(ctx: &ResolveContext, root: &std::path::Path, svc: &str, user: &str) -> Verdict {
        let service = resolve_service(ctx, svc);
        let mut facts = Facts::gather(&Source::Root(root.to_path_buf()), "", user, None);
        facts.ordinary_caller = true;
        let opts = WhyOptions {
            assume_modules_present: true,
        };
        judge(&service, &mut facts, opts)
    }

    const PASSWD: &str = "ann:x:1000:1000::/home/ann:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\nzed:x:1002:1002::/home/zed:/bin/zsh\n";

    #[test]
    fn listfile_and_shells_refusals_name_rule_and_cause() {
        let text = "auth required pam_listfile.so item=user sense=deny file=/etc/ftpusers onerr=succeed\nauth required pam_shells.so\naccount required pam_permit.so\n";
        let (root, ctx) = world(&[("ftp", text)], PASSWD);
        let ann = verdict(&ctx, root.path(), "ftp", "ann");
        assert_eq!(ann, Verdict::admitted());
        let bob = verdict(&ctx, root.path(), "ftp", "bob");
        assert_eq!(bob.verdict, Outcome::Refused);
        assert_eq!(bob.rule.as_deref(), Some("ftp:1 pam_listfile.so"));
        assert_eq!(bob.cause, Some("listfile"));
        let zed = verdict(&ctx, root.path(), "ftp", "zed");
        assert_eq!(zed.rule.as_deref(), Some("ftp:2 pam_shells.so"));
        assert_eq!(zed.cause, Some("shell-not-listed"));
        assert!(
            zed.reason.as_deref().unwrap_or("").contains("/bin/zsh"),
            "{zed:?}"
        );
    }

    #[test]
    fn pam_rootok_fails_for_an_ordinary_caller() {
        let text = "auth sufficient pam_rootok.so\nauth requisite pam_deny.so\naccount required pam_permit.so\n";
        let (root, ctx) = world(&[("su", text)], PASSWD);
        let v = verdict(&ctx, root.path(), "su", "ann");
        assert_eq!(v.rule.as_deref(), Some("su:2 pam_deny.so"));
    }

    #[test]
    fn cron_is_judged_by_its_account_stack_only() {
        let text = "auth requisite pam_deny.so\naccount required pam_permit.so\n";
        let (root, ctx) = world(
            &[("cron", text), ("login", text), ("runuser", text)],
            PASSWD,
        );
        assert_eq!(
            verdict(&ctx, root.path(), "cron", "ann"),
            Verdict::admitted()
        );
        assert_eq!(
            verdict(&ctx, root.path(), "runuser", "ann"),
            Verdict::admitted()
        );
        let login = verdict(&ctx, root.path(), "login", "ann");
        assert_eq!(login.rule.as_deref(), Some("login:1 pam_deny.so"));
    }

    #[test]
    fn an_unpredictable_required_module_is_unknown_an_optional_one_is_not() {
        let (root, ctx) = world(
            &[
                (
                    "a",
                    "auth required pam_permit.so\naccount required pam_frobnicate.so\n",
                ),
                (
                    "b",
                    "auth required pam_unix.so\nauth optional pam_frobnicate.so\naccount required pam_unix.so\n",
                ),
            ],
            PASSWD,
        );
        let a = verdict(&ctx, root.path(), "a", "ann");
        assert_eq!(a.verdict, Outcome::Unknown);
        assert_eq!(a.rule.as_deref(), Some("a:2 pam_frobnicate.so"));
        assert!(a
            .reason
            .as_deref()
            .unwrap_or("")
            .starts_with("pam_frobnicate.so"));
        assert_eq!(verdict(&ctx, root.path(), "b", "ann"), Verdict::admitted());
    }
}
