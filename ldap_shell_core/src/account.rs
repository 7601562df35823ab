//! The account phase: the user's entry must have a usable login shell, and
//! match `authz_filter`. Every refusal: one syslog line for the admin (user,
//! attribute, DN, NSS's view, the fix) and one message for the user (no DN).

use crate::auth::{ambiguous_line, below_minimum_uid, directory_error, unknown_user};
use crate::context::Context;
use crate::directory::{Directory, Lookup, UserEntry};
use crate::expiry::{check_state, require_change, today, State};
use crate::options::MissingShell;
use crate::pam_ops::{MessageKind, Priority};
use crate::refusal::Refusal;
use crate::shells::{check_shell, ShellProblem};
use pam::constants::PamResultCode;

pub fn account(ctx: &mut Context, dir: &mut dyn Directory) -> PamResultCode {
    let user = match ctx.user() {
        Ok(u) => u,
        Err(code) => return code,
    };
    let (entry, source) = match user_entry(ctx, dir, &user) {
        Ok(found) => found,
        Err(code) => return code,
    };
    if below_minimum_uid(ctx, &user, entry.uid_number) {
        return PamResultCode::PAM_IGNORE;
    }
    ctx.debug(&format!(
        "user \"{user}\": entry \"{}\" from {source}, {} = {:?}",
        entry.dn, ctx.opts.shell_attr, entry.shell_values
    ));
    // A change the auth phase of this handle was told is due (ppolicy).
    let due = take_due_change(ctx, &user);
    let aging_change = match check_state(ctx, &user, &entry, today()) {
        State::Refused(code) => return code,
        State::Usable { must_change } => must_change,
    };
    let service = ctx.pam.service();
    if ctx.opts.skip_shell_services.contains(&service) {
        ctx.debug(&format!(
            "user \"{user}\": shell not checked for service \"{service}\" (skip_shell_services)"
        ));
    } else {
        let shell_result = check_login_shell(ctx, &user, &entry);
        if shell_result != PamResultCode::PAM_SUCCESS {
            return shell_result;
        }
    }
    let authz = check_authz(ctx, dir, &user, &entry);
    if authz != PamResultCode::PAM_SUCCESS {
        return authz;
    }
    match due.map(|d| d.why).or(aging_change) {
        Some(why) => require_change(ctx, &user, &why),
        None => PamResultCode::PAM_SUCCESS,
    }
}

/// A change the auth phase of this handle was told is due for `user`
/// (used once; another user's is left alone).
fn take_due_change(ctx: &mut Context, user: &str) -> Option<crate::transaction::DueChange> {
    if ctx.handover.due.as_ref()?.user != user {
        return None;
    }
    ctx.handover.due.take()
}

/// The user's entry and where it came from: the one the auth phase of this
/// PAM transaction read (`recent.rs`), else a search.
fn user_entry(
    ctx: &mut Context,
    dir: &mut dyn Directory,
    user: &str,
) -> Result<(UserEntry, String), PamResultCode> {
    if let Some(recent) = crate::recent::recall(ctx.handover, ctx.opts, user) {
        let age = recent.read_at.elapsed().as_millis();
        let source = format!("{} (read by the auth phase {age} ms ago)", recent.server);
        return Ok((recent.entry, source));
    }
    match dir.lookup(user) {
        Ok(Lookup::Found(e)) => Ok((e, dir.server().unwrap_or_default())),
        Ok(Lookup::NotFound) => Err(unknown_user(ctx, dir, user)),
        Ok(Lookup::Ambiguous(dns)) => {
            let search = dir.describe_search(user);
            ctx.refused(Refusal::Ambiguous);
            ctx.log(Priority::Err, &ambiguous_line(user, &search, &dns));
            ctx.tell(
                MessageKind::Error,
                "Login refused: your account is defined more than once in the directory. Please contact your administrator.",
            );
            Err(PamResultCode::PAM_PERM_DENIED)
        }
        Err(e) => Err(directory_error(ctx, user, &e)),
    }
}

/// What the entry says about the shell.
enum ShellValue {
    Absent,
    Empty,
    Many(usize),
    Set(String),
}

fn shell_value(entry: &UserEntry) -> ShellValue {
    match entry.shell_values.as_slice() {
        [] => ShellValue::Absent,
        [one] if one.trim().is_empty() => ShellValue::Empty,
        [one] => ShellValue::Set(one.clone()),
        many => ShellValue::Many(many.len()),
    }
}

fn check_login_shell(ctx: &mut Context, user: &str, entry: &UserEntry) -> PamResultCode {
    let attr = ctx.opts.shell_attr.clone();
    let dn = &entry.dn;
    // getpwnam only for a log line: an admitted login must not pay for NSS
    // (module loading, an nslcd/sssd round trip on LDAP hosts).
    let shell = match shell_value(entry) {
        ShellValue::Set(s) => s,
        ShellValue::Many(n) => {
            let nss = ctx.host.nss.getpwnam(user);
            ctx.refused(Refusal::ShellManyValues);
            let line = format!(
                "user \"{user}\" refused: attribute {attr} has {n} values in entry \"{dn}\"; {nss}; fix: keep exactly one {attr} value in that entry"
            );
            return refuse(ctx, &line, "Login refused: your account has more than one login shell in the directory. Please contact your administrator.");
        }
        absent_or_empty => {
            let state = match absent_or_empty {
                ShellValue::Empty => Unset::Empty,
                _ => Unset::Absent,
            };
            let nss = ctx.host.nss.getpwnam(user).to_string();
            match missing_policy(ctx, user, &attr, state, dn, &nss) {
                Missing::CheckInstead(s) => s,
                Missing::Decided(code) => return code,
            }
        }
    };
    if !ctx.opts.check_shells {
        return PamResultCode::PAM_SUCCESS;
    }
    let shells_path = ctx.opts.shells.clone();
    let listed = match ctx.host.shells.read(&shells_path) {
        Ok(l) => l,
        Err(e) => {
            ctx.refused(Refusal::ShellsFileUnusable);
            ctx.log(
                Priority::Err,
                &format!("cannot check the shell of user \"{user}\": {e} (option \"shells\")"),
            );
            return PamResultCode::PAM_SERVICE_ERR;
        }
    };
    let shells_file = shells_path.display();
    let problem = check_shell(&shell, &listed, ctx.host.shells);
    if let Some(p) = &problem {
        ctx.refused(Refusal::Shell(p.clone()));
    }
    let (what, fix, tell) = match problem {
        None => return PamResultCode::PAM_SUCCESS,
        Some(ShellProblem::NotListed) => (
            format!("which is not listed in {shells_file}"),
            format!("add {shell} to {shells_file} if it is a valid login shell here, or set {attr} to a shell listed there"),
            format!("Login refused: your login shell {shell} is not allowed on this host. Please contact your administrator."),
        ),
        Some(ShellProblem::DoesNotExist) => (
            "which does not exist on this host".to_string(),
            format!("install {shell}, or set {attr} to an installed shell listed in {shells_file}"),
            format!("Login refused: your login shell {shell} does not exist on this host. Please contact your administrator."),
        ),
        Some(ShellProblem::NotExecutable) => (
            "which is not an executable file on this host".to_string(),
            format!("make {shell} an executable file, or set {attr} to another shell listed in {shells_file}"),
            format!("Login refused: your login shell {shell} cannot be run on this host. Please contact your administrator."),
        ),
    };
    let nss = ctx.host.nss.getpwnam(user);
    let line = format!(
        "user \"{user}\" refused: attribute {attr} of entry \"{dn}\" is \"{shell}\", {what}; {nss}; fix: {fix}"
    );
    refuse(ctx, &line, &tell)
}

/// How the shell attribute is unset.
#[derive(Clone, Copy)]
enum Unset {
    Absent,
    Empty,
}

impl Unset {
    fn words(self) -> &'static str {
        match self {
            Unset::Absent => "is absent from",
            Unset::Empty => "is empty in",
        }
    }

    fn refusal(self) -> Refusal {
        match self {
            Unset::Absent => Refusal::ShellAbsent,
            Unset::Empty => Refusal::ShellEmpty,
        }
    }
}

/// What `missing_shell` decided for an absent or empty shell attribute.
enum Missing {
    /// Final result (deny, or warn which admits).
    Decided(PamResultCode),
    /// `default:PATH`: check PATH like a shell that is set.
    CheckInstead(String),
}

fn missing_policy(
    ctx: &mut Context,
    user: &str,
    attr: &str,
    unset: Unset,
    dn: &str,
    nss: &str,
) -> Missing {
    let shells = ctx.opts.shells.display().to_string();
    let state = unset.words();
    match ctx.opts.missing_shell.clone() {
        MissingShell::Deny => {
            ctx.refused(unset.refusal());
            let line = format!(
                "user \"{user}\" refused: attribute {attr} {state} entry \"{dn}\"; {nss}; fix: set {attr} in that entry to a shell listed in {shells}, or set missing_shell=default:/bin/sh"
            );
            Missing::Decided(refuse(
                ctx,
                &line,
                "Login refused: your account has no login shell set in the directory. Please contact your administrator.",
            ))
        }
        MissingShell::Warn => {
            ctx.log(
                Priority::Warning,
                &format!(
                    "user \"{user}\" admitted (missing_shell=warn): attribute {attr} {state} entry \"{dn}\"; {nss}; fix: set {attr} in that entry to a shell listed in {shells}"
                ),
            );
            ctx.tell(
                MessageKind::Info,
                "Warning: your account has no login shell set in the directory; the system default will be used.",
            );
            Missing::Decided(PamResultCode::PAM_SUCCESS)
        }
        MissingShell::Default(path) => {
            ctx.log(
                Priority::Notice,
                &format!(
                    "user \"{user}\": attribute {attr} {state} entry \"{dn}\"; using missing_shell default {path}; {nss}; fix: set {attr} in that entry to a shell listed in {shells}"
                ),
            );
            Missing::CheckInstead(path)
        }
    }
}

fn check_authz(
    ctx: &mut Context,
    dir: &mut dyn Directory,
    user: &str,
    entry: &UserEntry,
) -> PamResultCode {
    let Some(filter) = ctx.opts.authz_filter.clone() else {
        return PamResultCode::PAM_SUCCESS;
    };
    match dir.entry_matches(&entry.dn, &filter) {
        Ok(true) => PamResultCode::PAM_SUCCESS,
        Ok(false) => {
            ctx.refused(Refusal::AuthzFilter);
            let nss = ctx.host.nss.getpwnam(user);
            let line = format!(
                "user \"{user}\" refused: entry \"{}\" does not match authz_filter {filter}; {nss}; fix: add the user to what authz_filter requires, or change authz_filter",
                entry.dn
            );
            refuse(ctx, &line, "Login refused: your account is not allowed to log in to this service. Please contact your administrator.")
        }
        Err(e) => directory_error(ctx, user, &e),
    }
}

fn refuse(ctx: &mut Context, log_line: &str, user_message: &str) -> PamResultCode {
    ctx.log(Priority::Notice, log_line);
    ctx.tell(MessageKind::Error, user_message);
    PamResultCode::PAM_PERM_DENIED
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Host;
    use crate::testing::{options, FakeDir, FakePam};
    use crate::transaction::{DueChange, Handover};
    use std::io::Write;

    fn with_shell(values: &[&str]) -> FakeDir {
        FakeDir::with(Lookup::Found(UserEntry {
            dn: "uid=u,ou=people,dc=t".into(),
            shell_values: values.iter().map(|s| s.to_string()).collect(),
            uid_number: Some(2000),
            account: Default::default(),
        }))
    }

    /// A shells file listing /bin/sh, and a test-local path that does not exist.
    fn shells_file() -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "/bin/sh\n/nonexistent/shell").unwrap();
        f
    }

    fn run(extra: &[&str], silent: bool, pam: &mut FakePam, dir: &mut FakeDir) -> PamResultCode {
        run_after(&mut Handover::default(), extra, silent, pam, dir)
    }

    /// The account phase after an auth phase that left `handover`.
    fn run_after(
        handover: &mut Handover,
        extra: &[&str],
        silent: bool,
        pam: &mut FakePam,
        dir: &mut FakeDir,
    ) -> PamResultCode {
        let shells = shells_file();
        let arg = format!("shells={}", shells.path().display());
        let mut all = vec![arg.as_str()];
        all.extend_from_slice(extra);
        let o = options(&all);
        let mut ctx = Context {
            pam,
            opts: &o,
            silent,
            handover,
            host: Host::SYSTEM,
            refusal: None,
        };
        account(&mut ctx, dir)
    }

    fn with_account(account: crate::directory::AccountAttrs) -> FakeDir {
        FakeDir::with(Lookup::Found(UserEntry {
            dn: "uid=u,ou=people,dc=t".into(),
            shell_values: vec!["/bin/sh".into()],
            uid_number: Some(2000),
            account,
        }))
    }

    #[test]
    fn a_change_the_auth_phase_found_due_is_new_authtok_reqd() {
        let mut pam = FakePam::new("u", &[]);
        let mut handover = Handover {
            due: Some(DueChange {
                user: "u".into(),
                why: "reset by an administrator".into(),
            }),
            ..Handover::default()
        };
        let mut dir = with_shell(&["/bin/sh"]);
        let code = run_after(&mut handover, &[], false, &mut pam, &mut dir);
        assert_eq!(code, PamResultCode::PAM_NEW_AUTHTOK_REQD);
        assert!(handover.due.is_none(), "used once");
        assert!(pam.messages.iter().any(
            |(_, m)| m.contains("change your password immediately (reset by an administrator)")
        ));
        // Another user's due change is not this one's.
        let mut pam = FakePam::new("u", &[]);
        let mut handover = Handover {
            due: Some(DueChange {
                user: "x".into(),
                why: "w".into(),
            }),
            ..Handover::default()
        };
        let mut dir = with_shell(&["/bin/sh"]);
        let code = run_after(&mut handover, &[], false, &mut pam, &mut dir);
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        assert!(handover.due.is_some(), "left for its user");
    }

    #[test]
    fn locks_and_shadow_aging_decide_as_pam_unix_would() {
        use crate::directory::{AccountAttrs, Shadow};
        let today = crate::expiry::today();
        let cases = [
            (
                AccountAttrs {
                    ns_account_lock: Some("TRUE".into()),
                    ..Default::default()
                },
                PamResultCode::PAM_PERM_DENIED,
                "nsAccountLock",
            ),
            (
                AccountAttrs {
                    ns_account_lock: Some("false".into()),
                    ..Default::default()
                },
                PamResultCode::PAM_SUCCESS,
                "",
            ),
            (
                AccountAttrs {
                    pwd_account_locked_time: Some("000001010000Z".into()),
                    ..Default::default()
                },
                PamResultCode::PAM_PERM_DENIED,
                "pwdAccountLockedTime",
            ),
            // A lockout after failed binds ends by itself: the bind decides.
            (
                AccountAttrs {
                    pwd_account_locked_time: Some("20261202101010Z".into()),
                    ..Default::default()
                },
                PamResultCode::PAM_SUCCESS,
                "",
            ),
            (
                AccountAttrs {
                    shadow: Shadow {
                        expire: Some(1),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                PamResultCode::PAM_ACCT_EXPIRED,
                "shadowExpire",
            ),
            (
                AccountAttrs {
                    shadow: Shadow {
                        last_change: Some(0),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                PamResultCode::PAM_NEW_AUTHTOK_REQD,
                "shadowLastChange is 0",
            ),
            (
                AccountAttrs {
                    shadow: Shadow {
                        last_change: Some(today - 100),
                        max: Some(90),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                PamResultCode::PAM_NEW_AUTHTOK_REQD,
                "shadowMax",
            ),
            (
                AccountAttrs {
                    shadow: Shadow {
                        last_change: Some(today - 100),
                        max: Some(90),
                        inactive: Some(5),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                PamResultCode::PAM_ACCT_EXPIRED,
                "shadowInactive",
            ),
            (
                AccountAttrs {
                    shadow: Shadow {
                        last_change: Some(today - 85),
                        max: Some(90),
                        warning: Some(7),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                PamResultCode::PAM_SUCCESS,
                "expires in 5 day(s)",
            ),
        ];
        for (attrs, expected, logged) in cases {
            let mut pam = FakePam::new("u", &[]);
            let code = run(&[], false, &mut pam, &mut with_account(attrs.clone()));
            assert_eq!(code, expected, "{attrs:?}");
            assert!(
                logged.is_empty() || pam.logged(logged),
                "{logged}: {:?}",
                pam.logs
            );
        }
        // shadow_expiry=no: aging is not the module's concern.
        let expired = AccountAttrs {
            shadow: Shadow {
                expire: Some(1),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut pam = FakePam::new("u", &[]);
        let code = run(
            &["shadow_expiry=no"],
            false,
            &mut pam,
            &mut with_account(expired),
        );
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
    }

    #[test]
    fn sudo_and_cron_do_not_check_the_shell_unless_told_to() {
        for service in ["sudo", "cron"] {
            let mut pam = FakePam::new("u", &[]);
            pam.service = service.into();
            let code = run(&["debug"], false, &mut pam, &mut with_shell(&[]));
            assert_eq!(code, PamResultCode::PAM_SUCCESS, "{service}");
            assert!(
                pam.logged("shell not checked for service"),
                "{:?}",
                pam.logs
            );
            assert!(pam.logs.iter().all(|(p, _)| *p == Priority::Debug));
            let mut pam = FakePam::new("u", &[]);
            pam.service = service.into();
            let code = run(
                &["skip_shell_services="],
                false,
                &mut pam,
                &mut with_shell(&[]),
            );
            assert_eq!(code, PamResultCode::PAM_PERM_DENIED, "{service}");
        }
        let mut pam = FakePam::new("u", &[]);
        pam.service = "sshd".into();
        let code = run(&[], false, &mut pam, &mut with_shell(&[]));
        assert_eq!(code, PamResultCode::PAM_PERM_DENIED);
    }

    #[test]
    fn the_entry_auth_read_is_used_once_instead_of_a_search() {
        let mut pam = FakePam::new("u", &[]);
        let read_by_auth = UserEntry {
            dn: "uid=u,ou=people,dc=t".into(),
            shell_values: vec!["/bin/zsh-gone".into()],
            uid_number: Some(2000),
            account: Default::default(),
        };
        let mut handover = Handover::default();
        crate::recent::remember(&mut handover, &options(&[]), "u", "ldap://a", read_by_auth);
        // The directory now says /bin/sh; this account phase goes by auth's read.
        let mut dir = with_shell(&["/bin/sh"]);
        assert_eq!(
            run_after(&mut handover, &[], false, &mut pam, &mut dir),
            PamResultCode::PAM_PERM_DENIED
        );
        assert_eq!(dir.lookups, 0);
        assert!(pam.logged("\"/bin/zsh-gone\""), "{:?}", pam.logs);
        // Used once: the next account phase on this handle searches.
        assert_eq!(
            run_after(&mut handover, &[], false, &mut pam, &mut dir),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!(dir.lookups, 1);
    }

    #[test]
    fn good_shell_passes_silently() {
        let mut pam = FakePam::new("u", &[]);
        assert_eq!(
            run(&[], false, &mut pam, &mut with_shell(&["/bin/sh"])),
            PamResultCode::PAM_SUCCESS
        );
        assert!(pam.logs.is_empty() && pam.messages.is_empty());
    }

    #[test]
    fn each_shell_problem_is_denied_logged_and_told() {
        let cases: [(&[&str], &str); 5] = [
            (&[], "is absent from"),
            (&[""], "is empty in"),
            (&["/bin/definitely-not-listed"], "not listed in"),
            (&["/nonexistent/shell"], "does not exist on this host"),
            (&["/bin/sh", "/bin/bash"], "has 2 values"),
        ];
        for (values, what) in cases {
            let mut pam = FakePam::new("u", &[]);
            let code = run(&[], false, &mut pam, &mut with_shell(values));
            assert_eq!(code, PamResultCode::PAM_PERM_DENIED, "{values:?}");
            assert_eq!(pam.logs.len(), 1, "{values:?}");
            let line = &pam.logs[0].1;
            for part in [
                what,
                "user \"u\"",
                "loginShell",
                "uid=u,ou=people,dc=t",
                "NSS (getpwnam)",
                "fix: ",
            ] {
                assert!(line.contains(part), "{part:?} missing from {line}");
            }
            assert_eq!(pam.messages.len(), 1);
            assert_eq!(pam.messages[0].0, MessageKind::Error);
            assert!(
                !pam.messages[0].1.contains("dc=t"),
                "DN leaked: {}",
                pam.messages[0].1
            );
        }
    }

    #[test]
    fn silent_and_no_warn_keep_quiet_but_log() {
        for (extra, silent) in [(&["no_warn"][..], false), (&[][..], true)] {
            let mut pam = FakePam::new("u", &[]);
            let code = run(extra, silent, &mut pam, &mut with_shell(&[]));
            assert_eq!(code, PamResultCode::PAM_PERM_DENIED);
            assert!(pam.messages.is_empty());
            assert_eq!(pam.logs.len(), 1);
        }
    }

    #[test]
    fn missing_shell_policies() {
        let mut pam = FakePam::new("u", &[]);
        assert_eq!(
            run(
                &["missing_shell=warn"],
                false,
                &mut pam,
                &mut with_shell(&[])
            ),
            PamResultCode::PAM_SUCCESS
        );
        assert!(pam.logged("admitted (missing_shell=warn)"));
        assert_eq!(pam.messages[0].0, MessageKind::Info);
        let mut pam = FakePam::new("u", &[]);
        let code = run(
            &["missing_shell=default:/bin/sh"],
            false,
            &mut pam,
            &mut with_shell(&[""]),
        );
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        assert!(pam.logged("using missing_shell default /bin/sh"));
        // The default must pass the same checks.
        let mut pam = FakePam::new("u", &[]);
        let code = run(
            &["missing_shell=default:/bin/unlisted"],
            false,
            &mut pam,
            &mut with_shell(&[]),
        );
        assert_eq!(code, PamResultCode::PAM_PERM_DENIED);
    }

    #[test]
    fn check_shells_no_and_authz_filter() {
        let mut pam = FakePam::new("u", &[]);
        let code = run(
            &["check_shells=no"],
            false,
            &mut pam,
            &mut with_shell(&["/bin/unlisted"]),
        );
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        let mut pam = FakePam::new("u", &[]);
        let mut dir = with_shell(&["/bin/sh"]);
        dir.authz_match = false;
        assert_eq!(
            run(&["authz_filter=(gidNumber=1)"], false, &mut pam, &mut dir),
            PamResultCode::PAM_PERM_DENIED
        );
        assert!(pam.logged("does not match authz_filter (gidNumber=1)"));
    }

    #[test]
    fn unreadable_shells_list_is_a_service_error() {
        let mut pam = FakePam::new("u", &[]);
        let code = run(
            &["shells=/nonexistent/shells"],
            false,
            &mut pam,
            &mut with_shell(&["/bin/sh"]),
        );
        assert_eq!(code, PamResultCode::PAM_SERVICE_ERR);
        assert!(pam.logged("/nonexistent/shells"));
    }

    #[test]
    fn minimum_uid_and_unknown_users() {
        let mut pam = FakePam::new("u", &[]);
        assert_eq!(
            run(&["minimum_uid=5000"], false, &mut pam, &mut with_shell(&[])),
            PamResultCode::PAM_IGNORE
        );
        let mut pam = FakePam::new("u", &[]);
        assert_eq!(
            run(&[], false, &mut pam, &mut FakeDir::with(Lookup::NotFound)),
            PamResultCode::PAM_USER_UNKNOWN
        );
    }

    /// A host whose shells list and programs are in memory: the shell
    /// program is checked through the host, never on this machine's disk.
    struct ListedHost {
        listed: Vec<String>,
        broken: Option<(String, ShellProblem)>,
    }

    impl crate::host::ShellsFile for ListedHost {
        fn read(&self, _: &std::path::Path) -> Result<Vec<String>, String> {
            Ok(self.listed.clone())
        }
        fn program_problem(&self, path: &std::path::Path) -> Option<ShellProblem> {
            let (broken, problem) = self.broken.as_ref()?;
            (path == std::path::Path::new(broken)).then(|| problem.clone())
        }
    }

    /// The code and the recorded refusal of one account phase on `dir`.
    fn refusal_of(
        extra: &[&str],
        host: &ListedHost,
        dir: &mut FakeDir,
    ) -> (PamResultCode, Option<Refusal>, FakePam) {
        let o = options(extra);
        let mut pam = FakePam::new("u", &[]);
        let mut handover = Handover::default();
        let mut ctx = Context {
            pam: &mut pam,
            opts: &o,
            silent: false,
            handover: &mut handover,
            host: Host {
                nss: Host::SYSTEM.nss,
                shells: host,
            },
            refusal: None,
        };
        let code = account(&mut ctx, dir);
        let refusal = ctx.refusal.take();
        (code, refusal, pam)
    }

    /// Options, shell values, then the code, the refusal and a part of its log line.
    type Case = (
        &'static [&'static str],
        &'static [&'static str],
        PamResultCode,
        Option<Refusal>,
        &'static str,
    );

    #[test]
    fn each_refusal_is_recorded_with_its_log_line() {
        let host = ListedHost {
            listed: vec!["/opt/sh".into(), "/opt/broken".into(), "/opt/gone".into()],
            broken: Some(("/opt/broken".into(), ShellProblem::NotExecutable)),
        };
        let cases: [Case; 8] = [
            (&[], &["/opt/sh"], PamResultCode::PAM_SUCCESS, None, ""),
            (
                &[],
                &[],
                PamResultCode::PAM_PERM_DENIED,
                Some(Refusal::ShellAbsent),
                "is absent from",
            ),
            (
                &[],
                &[" "],
                PamResultCode::PAM_PERM_DENIED,
                Some(Refusal::ShellEmpty),
                "is empty in",
            ),
            (
                &[],
                &["/a", "/b"],
                PamResultCode::PAM_PERM_DENIED,
                Some(Refusal::ShellManyValues),
                "2 values",
            ),
            (
                &[],
                &["/bin/zsh"],
                PamResultCode::PAM_PERM_DENIED,
                Some(Refusal::Shell(ShellProblem::NotListed)),
                "not listed",
            ),
            (
                &[],
                &["/opt/broken"],
                PamResultCode::PAM_PERM_DENIED,
                Some(Refusal::Shell(ShellProblem::NotExecutable)),
                "not an executable file",
            ),
            (
                &["missing_shell=default:/opt/broken"],
                &[],
                PamResultCode::PAM_PERM_DENIED,
                Some(Refusal::Shell(ShellProblem::NotExecutable)),
                "not an executable file",
            ),
            (
                &["minimum_uid=5000"],
                &["/opt/sh"],
                PamResultCode::PAM_IGNORE,
                Some(Refusal::BelowMinimumUid),
                "",
            ),
        ];
        for (extra, shells, code, refusal, line) in cases {
            let (got, why, pam) = refusal_of(extra, &host, &mut with_shell(shells));
            assert_eq!((got, why), (code, refusal), "{extra:?} {shells:?}");
            assert!(
                line.is_empty() || pam.logged(line),
                "{line}: {:?}",
                pam.logs
            );
        }
        // /opt/gone is listed and absent from this machine: the host says it runs.
        let (code, why, _) = refusal_of(&[], &host, &mut with_shell(&["/opt/gone"]));
        assert_eq!((code, why), (PamResultCode::PAM_SUCCESS, None));
        let mut dir = with_shell(&["/opt/sh"]);
        dir.authz_match = false;
        let (code, why, _) = refusal_of(&["authz_filter=(x=1)"], &host, &mut dir);
        assert_eq!(
            (code, why),
            (PamResultCode::PAM_PERM_DENIED, Some(Refusal::AuthzFilter))
        );
        let locked = crate::directory::AccountAttrs {
            ns_account_lock: Some("true".into()),
            ..Default::default()
        };
        let (code, why, _) = refusal_of(&[], &host, &mut with_account(locked));
        assert_eq!(
            (code, why),
            (PamResultCode::PAM_PERM_DENIED, Some(Refusal::AccountLocked))
        );
        let (code, why, _) = refusal_of(&[], &host, &mut FakeDir::with(Lookup::NotFound));
        assert_eq!(
            (code, why),
            (PamResultCode::PAM_USER_UNKNOWN, Some(Refusal::UnknownUser))
        );
    }
}
