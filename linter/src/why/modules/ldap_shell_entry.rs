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
