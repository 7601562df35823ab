//! pam_ldap_shell predicted from the directory entry it reads (`pamlint
//! audit`), in the order of the module's account phase
//! (ldap_shell_core::account): entry found, minimum_uid, locks, shadow aging,
//! the shell (skip_shell_services, missing_shell, check_shells, the shells
//! file, the program), authz_filter, then a due password change. The options
//! are the module's own (ldap_shell_core::sources); the shells list and the
//! program are looked up under the audited root. The auth phase is predicted
//! up to the password: an unknown user or a uid below minimum_uid.

use ldap_shell_core::directory::UserEntry;
use ldap_shell_core::expiry::PERMANENT_LOCK;
use ldap_shell_core::options::{MissingShell, Options};
use ldap_shell_core::shells::{file_problem, read_shells, ShellProblem};

use super::{Call, Prediction};
use crate::model::{PamCode, PamType};
use crate::why::facts::DirectoryFacts;

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
        return Prediction::known(
            PamCode::PermDenied,
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

fn account(call: &Call<'_>, opts: &Options, dir: &DirectoryFacts, entry: &UserEntry) -> Prediction {
    if let Some(p) = lock(entry) {
        return p;
    }
    let must_change = match aging(opts, entry) {
        Err(p) => return p,
        Ok(change) => change,
    };
    let service = &call.facts.service;
    if !opts.skip_shell_services.contains(service) {
        if let Err(p) = shell(call, opts, entry) {
            return p;
        }
    }
    if let Some(filter) = &opts.authz_filter {
        match dir.authz_answer(filter) {
            Some(Ok(true)) => {}
            Some(Ok(false)) => {
                return Prediction::known(
                    PamCode::PermDenied,
                    format!(
                        "entry \"{}\" does not match authz_filter {filter}",
                        entry.dn
                    ),
                )
                .because("authz-filter")
            }
            Some(Err(e)) => {
                return Prediction::known(
                    PamCode::AuthinfoUnavail,
                    format!("authz_filter {filter} could not be checked: {e}"),
                )
                .because("other")
            }
            None => {
                return Prediction::assumed(format!("authz_filter {filter} was not checked"));
            }
        }
    }
    match must_change {
        Some(why) => Prediction::known(PamCode::NewAuthtokReqd, why).because("password-expired"),
        None => Prediction::success("the entry passes every account check of pam_ldap_shell"),
    }
}

/// nsAccountLock, or ppolicy's administrative lock (ldap_shell_core::expiry).
fn lock(entry: &UserEntry) -> Option<Prediction> {
    let a = &entry.account;
    let ns = a
        .ns_account_lock
        .as_deref()
        .filter(|v| v.trim().eq_ignore_ascii_case("true"))
        .map(|v| format!("account locked: nsAccountLock is \"{v}\""));
    let pp = (a.pwd_account_locked_time.as_deref() == Some(PERMANENT_LOCK)).then(|| {
        format!("account locked by an administrator: pwdAccountLockedTime is {PERMANENT_LOCK}")
    });
    ns.or(pp)
        .map(|why| Prediction::known(PamCode::PermDenied, why).because("account-locked"))
}

/// Shadow aging with the module's rule (the `aging` crate): Err refuses now,
/// Ok(Some) is a change required once every other check passed.
fn aging(opts: &Options, entry: &UserEntry) -> Result<Option<String>, Prediction> {
    if !opts.shadow_expiry {
        return Ok(None);
    }
    let s = &entry.account.shadow;
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| aging::day_of(d.as_secs()));
    match aging::check(s, today) {
        aging::Aging::AccountExpired => Err(Prediction::known(
            PamCode::AcctExpired,
            format!(
                "account expired: shadowExpire {} is not after today (day {today})",
                s.expire.unwrap_or(-1)
            ),
        )
        .because("account-expired")),
        aging::Aging::Inactive => Err(Prediction::known(
            PamCode::AcctExpired,
            "password expired longer ago than shadowInactive allows",
        )
        .because("password-expired")),
        aging::Aging::ChangeEnforced => Ok(Some(
            "a password change is required first (shadowLastChange 0)".into(),
        )),
        aging::Aging::PasswordExpired => Ok(Some(
            "the password is older than shadowMax: a change is required first".into(),
        )),
        aging::Aging::Fine | aging::Aging::ExpiresIn(_) => Ok(None),
    }
}

/// The login shell check: Err with the refusal.
fn shell(call: &Call<'_>, opts: &Options, entry: &UserEntry) -> Result<(), Prediction> {
    let attr = &opts.shell_attr;
    let refuse = |fact: String, cause: &'static str| {
        Prediction::known(PamCode::PermDenied, fact).because(cause)
    };
    let shell = match entry.shell_values.as_slice() {
        [one] if !one.trim().is_empty() => one.clone(),
        [_, _, ..] => {
            return Err(refuse(
                format!("attribute {attr} has {} values", entry.shell_values.len()),
                "other",
            ))
        }
        values => {
            let (state, cause) = if values.is_empty() {
                ("is absent", "shell-missing")
            } else {
                ("is empty", "shell-empty")
            };
            match &opts.missing_shell {
                MissingShell::Deny => {
                    return Err(refuse(
                        format!("attribute {attr} {state} and missing_shell=deny"),
                        cause,
                    ))
                }
                MissingShell::Warn => return Ok(()),
                MissingShell::Default(path) => path.clone(),
            }
        }
    };
    if !opts.check_shells {
        return Ok(());
    }
    let fs = &call.facts.fs;
    let shells_file = opts.shells.display().to_string();
    let listed = read_shells(&fs.path(&shells_file)).map_err(|e| {
        Prediction::known(
            PamCode::ServiceErr,
            format!("the shells file cannot be used: {e} (option shells)"),
        )
        .because("other")
    })?;
    let problem = if listed.contains(&shell) {
        file_problem(&fs.path(&shell))
    } else {
        Some(ShellProblem::NotListed)
    };
    match problem {
        None => Ok(()),
        Some(ShellProblem::NotListed) => Err(refuse(
            format!("{attr} {shell} is not listed in {shells_file}"),
            "shell-not-listed",
        )),
        Some(ShellProblem::DoesNotExist) => Err(refuse(
            format!("{attr} {shell} is not installed"),
            "shell-not-installed",
        )),
        Some(ShellProblem::NotExecutable) => Err(refuse(
            format!("{attr} {shell} is not an executable file"),
            "shell-not-executable",
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Arc;

    use ldap_shell_core::directory::AccountAttrs;
    use ldap_shell_core::options::{Origin, Setting};

    use super::*;
    use crate::why::facts::{Facts, ModuleOptions, Source};

    /// A root with /etc/shells listing /bin/sh and /bin/gone (absent).
    fn root() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("etc")).unwrap();
        std::fs::create_dir_all(root.path().join("bin")).unwrap();
        std::fs::write(root.path().join("etc/shells"), "/bin/sh\n/bin/gone\n").unwrap();
        let sh = root.path().join("bin/sh");
        std::fs::write(&sh, "").unwrap();
        std::fs::set_permissions(&sh, std::fs::Permissions::from_mode(0o755)).unwrap();
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
