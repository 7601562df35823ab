//! pam_ldap_shell predicted from the directory entry it reads (`pamlint
//! audit`). The account phase is the module's own code
//! (`ldap_shell_core::account::account`) run over the audit's facts
//! (`ldap_shell_account.rs`): its return code, the refusal it records and its
//! log line make the prediction, so the two cannot disagree. The auth phase
//! needs the user's password, so it is predicted here up to the password:
//! the configuration, an unusable or absent entry, a uid below minimum_uid
//! (checked for both phases first, as both phases of the module do, because
//! the module says it only with `debug`; the core then agrees).

use ldap_shell_core::directory::UserEntry;
use ldap_shell_core::options::Options;
use ldap_shell_core::refusal::Refusal;
use ldap_shell_core::shells::ShellProblem;

use super::ldap_shell_account::{run, Run};
use super::{Call, Prediction};
use crate::facts::DirectoryFacts;
use crate::model::{PamCode, PamType};

pub fn predict(call: &Call<'_>, dir: &DirectoryFacts) -> Prediction {
    let opts = match dir.options.get(&call.args) {
        Some(Ok(o)) => o,
        Some(Err(e)) => {
            return Prediction::known(
                PamCode::ServiceErr,
                format!("pam_ldap_shell refuses its configuration: {e}"),
            )
            .because("other")
        }
        None => {
            return Prediction::assumed(
                "pam_ldap_shell's options for this line were not resolved: unknown",
            )
        }
    };
    let who = call.who();
    if let Some(why) = &dir.unusable {
        // As the module answers a name on several entries: auth fails the
        // login, account refuses the account.
        let code = match call.pam_type {
            PamType::Account => PamCode::PermDenied,
            _ => PamCode::AuthErr,
        };
        return Prediction::known(
            code,
            format!("pam_ldap_shell cannot use the directory entry of {who}: {why}"),
        )
        .because("other");
    }
    let Some(entry) = &dir.entry else {
        return if opts.ignore_unknown_user {
            Prediction::known(
                PamCode::Ignore,
                format!("{who} has no entry in the directory (ignore_unknown_user)"),
            )
        } else {
            Prediction::known(
                PamCode::UserUnknown,
                format!("{who} has no entry in the directory"),
            )
            .because("other")
        };
    };
    if let Some(p) = below_minimum_uid(call, opts, entry) {
        return p;
    }
    if call.pam_type != PamType::Account {
        return Prediction::assumed(
            "pam_ldap_shell checks the password with a bind as the user: not predictable",
        );
    }
    account(call, opts, dir, entry)
}

fn below_minimum_uid(call: &Call<'_>, opts: &Options, entry: &UserEntry) -> Option<Prediction> {
    let min = opts.minimum_uid?;
    let uid = entry
        .uid_number
        .or(call.facts.passwd.as_ref().map(|p| p.uid))?;
    (uid < min).then(|| {
        Prediction::known(
            PamCode::Ignore,
            format!("uid {uid} is below minimum_uid {min}: pam_ldap_shell ignores the user"),
        )
        .because("uid-below-minimum")
    })
}

/// The module's account phase on `entry`, as a prediction.
fn account(call: &Call<'_>, opts: &Options, dir: &DirectoryFacts, entry: &UserEntry) -> Prediction {
    let outcome = run(call.facts, opts, dir, entry);
    if let Some(filter) = &outcome.unasked_filter {
        return Prediction::assumed(format!("authz_filter {filter} was not checked"));
    }
    prediction(&outcome)
}

/// The code, the module's log line and the cause id of one run.
fn prediction(outcome: &Run) -> Prediction {
    let code = PamCode::from_index(outcome.code).unwrap_or(PamCode::SystemErr);
    if code == PamCode::Success {
        return Prediction::success("the entry passes every account check of pam_ldap_shell");
    }
    Prediction::known(code, outcome.said()).because(cause(outcome.refusal.as_ref()))
}

/// The audit's cause id (docs/pamlint.md) of the module's refusal.
fn cause(refusal: Option<&Refusal>) -> &'static str {
    match refusal {
        Some(Refusal::BelowMinimumUid) => "uid-below-minimum",
        Some(Refusal::AccountLocked) => "account-locked",
        Some(Refusal::AccountExpired) => "account-expired",
        Some(Refusal::PasswordInactive | Refusal::ChangeRequired) => "password-expired",
        Some(Refusal::ShellAbsent) => "shell-missing",
        Some(Refusal::ShellEmpty) => "shell-empty",
        Some(Refusal::Shell(ShellProblem::NotListed)) => "shell-not-listed",
        Some(Refusal::Shell(ShellProblem::DoesNotExist)) => "shell-not-installed",
        Some(Refusal::Shell(ShellProblem::NotExecutable)) => "shell-not-executable",
        Some(Refusal::AuthzFilter) => "authz-filter",
        Some(
            Refusal::UnknownUser
            | Refusal::Ambiguous
            | Refusal::DirectoryError
            | Refusal::ShellManyValues
            | Refusal::ShellsFileUnusable,
        )
        | None => "other",
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Arc;

    use ldap_shell_core::directory::AccountAttrs;
    use ldap_shell_core::options::{Origin, Setting};

    use super::*;
    use crate::facts::{Facts, ModuleOptions, Source};

    /// A root with /etc/shells listing /bin/sh, /bin/gone (absent),
    /// /bin/plain (not executable), /opt/image-only-sh (only in the image)
    /// and /usr/bin/env (on this machine, not in the image).
    fn root() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        for dir in ["etc", "bin", "opt"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        std::fs::write(
            root.path().join("etc/shells"),
            "/bin/sh\n/bin/gone\n/bin/plain\n/opt/image-only-sh\n/usr/bin/env\n",
        )
        .unwrap();
        for (file, mode) in [
            ("bin/sh", 0o755),
            ("opt/image-only-sh", 0o755),
            ("bin/plain", 0o644),
        ] {
            let path = root.path().join(file);
            std::fs::write(&path, "").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        root
    }

    fn entry(shells: &[&str], account: AccountAttrs) -> UserEntry {
        UserEntry {
            dn: "uid=u,dc=x".into(),
            shell_values: shells.iter().map(|s| s.to_string()).collect(),
            uid_number: Some(2000),
            account,
        }
    }

    /// pam_ldap_shell's prediction for `entry` on a rule with `args`.
    fn predict_with(
        root: &std::path::Path,
        service: &str,
        args: &[&str],
        entry: Option<UserEntry>,
        authz: Vec<(String, Result<bool, String>)>,
    ) -> Prediction {
        let settings: Vec<Setting> = ["uri=ldap://h", "base=dc=x"]
            .iter()
            .chain(args)
            .map(|a| Setting::parse(a, Origin::Arguments))
            .collect();
        let mut options = ModuleOptions::default();
        options.insert(
            args,
            Options::from_settings(&settings).map_err(|e| e.to_string()),
        );
        let mut facts = Facts::gather(&Source::Root(root.to_path_buf()), service, "u", None);
        facts.directory = Some(DirectoryFacts {
            entry,
            unusable: None,
            options: Arc::new(options),
            authz,
            directory_only: true,
        });
        let call = Call {
            pam_type: PamType::Account,
            args: args.to_vec(),
            facts: &facts,
        };
        super::predict(&call, facts.directory.as_ref().unwrap())
    }

    fn outcome(p: &Prediction) -> (PamCode, Option<&'static str>) {
        (p.code, p.cause)
    }

    #[test]
    fn the_shell_checks_in_the_modules_order() {
        let r = root();
        let run = |args: &[&str], shells: &[&str]| {
            let e = entry(shells, AccountAttrs::default());
            outcome(&predict_with(r.path(), "sshd", args, Some(e), vec![]))
        };
        assert_eq!(run(&[], &["/bin/sh"]), (PamCode::Success, None));
        let denied = PamCode::PermDenied;
        assert_eq!(run(&[], &[]), (denied, Some("shell-missing")));
        assert_eq!(run(&[], &[" "]), (denied, Some("shell-empty")));
        assert_eq!(run(&[], &["/bin/zsh"]), (denied, Some("shell-not-listed")));
        assert_eq!(
            run(&[], &["/bin/gone"]),
            (denied, Some("shell-not-installed"))
        );
        assert_eq!(run(&[], &["/bin/sh", "/bin/sh"]), (denied, Some("other")));
        assert_eq!(run(&["missing_shell=warn"], &[]), (PamCode::Success, None));
        assert_eq!(
            run(&["missing_shell=default:/bin/gone"], &[]),
            (denied, Some("shell-not-installed"))
        );
        assert_eq!(
            run(&["check_shells=no"], &["/bin/zsh"]),
            (PamCode::Success, None)
        );
        assert_eq!(
            run(&["minimum_uid=5000"], &[]),
            (PamCode::Ignore, Some("uid-below-minimum"))
        );
        assert_eq!(run(&["bogus"], &["/bin/sh"]).0, PamCode::ServiceErr);
        assert_eq!(
            run(&[], &["/bin/plain"]),
            (denied, Some("shell-not-executable"))
        );
        // The program is looked up in the image, not on this machine.
        assert_eq!(run(&[], &["/opt/image-only-sh"]), (PamCode::Success, None));
        assert_eq!(
            run(&[], &["/usr/bin/env"]),
            (denied, Some("shell-not-installed"))
        );
    }

    #[test]
    fn the_fact_is_the_modules_own_log_line() {
        let r = root();
        let e = entry(&["/bin/zsh"], AccountAttrs::default());
        let p = predict_with(r.path(), "sshd", &[], Some(e), vec![]);
        assert!(
            p.fact.starts_with("user \"u\" refused: attribute loginShell of entry \"uid=u,dc=x\" is \"/bin/zsh\", which is not listed in /etc/shells;"),
            "{}",
            p.fact
        );
        // missing_shell's default, then the refusal of that default.
        let e = entry(&[], AccountAttrs::default());
        let args = ["missing_shell=default:/bin/gone"];
        let p = predict_with(r.path(), "sshd", &args, Some(e), vec![]);
        assert!(
            p.fact.contains("using missing_shell default /bin/gone")
                && p.fact.contains("; then user \"u\" refused:"),
            "{}",
            p.fact
        );
        // Directory text reaches the fact through the module's syslog gate.
        let e = entry(&["/bin/z\nsh"], AccountAttrs::default());
        let p = predict_with(r.path(), "sshd", &[], Some(e), vec![]);
        assert!(
            p.fact.contains("/bin/z\\nsh") && !p.fact.contains('\n'),
            "{}",
            p.fact
        );
    }

    #[test]
    fn skipped_services_locks_aging_and_authz() {
        let r = root();
        let zsh = |account| Some(entry(&["/bin/zsh"], account));
        let p = predict_with(r.path(), "sudo", &[], zsh(AccountAttrs::default()), vec![]);
        assert_eq!(outcome(&p), (PamCode::Success, None), "skip_shell_services");
        let locked = AccountAttrs {
            ns_account_lock: Some("TRUE".into()),
            ..Default::default()
        };
        let p = predict_with(r.path(), "sudo", &[], zsh(locked), vec![]);
        assert_eq!(outcome(&p), (PamCode::PermDenied, Some("account-locked")));
        let expired = AccountAttrs {
            shadow: aging::Shadow {
                expire: Some(1),
                ..Default::default()
            },
            ..Default::default()
        };
        let p = predict_with(r.path(), "sudo", &[], zsh(expired), vec![]);
        assert_eq!(outcome(&p), (PamCode::AcctExpired, Some("account-expired")));
        let change = AccountAttrs {
            shadow: aging::Shadow {
                last_change: Some(0),
                ..Default::default()
            },
            ..Default::default()
        };
        let p = predict_with(r.path(), "sudo", &[], zsh(change), vec![]);
        assert_eq!(
            outcome(&p),
            (PamCode::NewAuthtokReqd, Some("password-expired"))
        );
        let f = "authz_filter=(gidNumber=5000)";
        let answer = |a: Result<bool, String>| vec![("(gidNumber=5000)".to_string(), a)];
        let ok = AccountAttrs::default;
        let p = predict_with(r.path(), "sudo", &[f], zsh(ok()), answer(Ok(false)));
        assert_eq!(outcome(&p), (PamCode::PermDenied, Some("authz-filter")));
        let p = predict_with(r.path(), "sudo", &[f], zsh(ok()), answer(Ok(true)));
        assert_eq!(p.code, PamCode::Success);
        let p = predict_with(
            r.path(),
            "sudo",
            &[f],
            zsh(ok()),
            answer(Err("down".into())),
        );
        assert_eq!(p.code, PamCode::AuthinfoUnavail);
        let p = predict_with(r.path(), "sudo", &[f], zsh(ok()), vec![]);
        assert_eq!(p.certainty, super::super::Certainty::Assumed);
    }

    #[test]
    fn a_user_without_an_entry_is_unknown_to_the_module() {
        let r = root();
        let p = predict_with(r.path(), "sshd", &[], None, vec![]);
        assert_eq!(p.code, PamCode::UserUnknown);
        let p = predict_with(r.path(), "sshd", &["ignore_unknown_user"], None, vec![]);
        assert_eq!(p.code, PamCode::Ignore);
    }
}
