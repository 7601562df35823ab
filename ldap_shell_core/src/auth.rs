//! The auth phase: find the user's entry, bind as it with the password.

use crate::context::Context;
use crate::directory::{BindOutcome, DirError, Directory, Lookup, UserEntry};
use crate::options::PassMode;
use crate::pam_ops::{MessageKind, Priority, Secret};
use crate::ppolicy::{Policy, PolicyError, Warning};
use crate::refusal::Refusal;
use crate::sys::nss::NssView;
use crate::transaction::DueChange;
use pam::constants::PamResultCode;

const PROMPT: &str = "Password: ";

pub fn authenticate(ctx: &mut Context, dir: &mut dyn Directory) -> PamResultCode {
    let user = match ctx.user() {
        Ok(u) => u,
        Err(code) => return code,
    };
    // The user first, the password second: a user this module ignores
    // (below minimum_uid, or unknown with ignore_unknown_user) is never
    // asked for a password the next module would ask for again.
    let target = match find_user(ctx, dir, &user) {
        Ok(found) => found,
        Err(PamResultCode::PAM_USER_UNKNOWN) => {
            // Asked anyway, as pam_unix does: whether a password prompt
            // follows must not tell who exists in the directory.
            let _ = first_password(ctx, ctx.pam.stored_authtok());
            return PamResultCode::PAM_USER_UNKNOWN;
        }
        Err(code) => return code,
    };
    let stored = ctx.pam.stored_authtok();
    let first = match first_password(ctx, stored.clone()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let result = try_password(ctx, dir, &user, &target, &first);
    let retry = ctx.opts.pass_mode == PassMode::TryFirst
        && stored.is_some()
        && result == PamResultCode::PAM_AUTH_ERR;
    if !retry {
        return finish(ctx, result, &first, stored.is_some());
    }
    ctx.debug("stored PAM_AUTHTOK refused (try_first_pass): asking for the password");
    match ctx.pam.prompt_password(PROMPT) {
        Ok(p) => {
            let r = try_password(ctx, dir, &user, &target, &p);
            finish(ctx, r, &p, false)
        }
        Err(code) => code,
    }
}

fn first_password(ctx: &mut Context, stored: Option<Secret>) -> Result<Secret, PamResultCode> {
    match (ctx.opts.pass_mode, stored) {
        (PassMode::UseFirst | PassMode::TryFirst, Some(p)) => Ok(p),
        (PassMode::UseFirst, None) => {
            ctx.log(
                Priority::Err,
                "use_first_pass is set but no earlier module stored a password (PAM_AUTHTOK)",
            );
            Err(PamResultCode::PAM_AUTH_ERR)
        }
        _ => ctx.pam.prompt_password(PROMPT),
    }
}

/// Stores a password that worked so later modules can reuse it.
fn finish(
    ctx: &mut Context,
    result: PamResultCode,
    pw: &Secret,
    was_stored: bool,
) -> PamResultCode {
    if result == PamResultCode::PAM_SUCCESS && !was_stored {
        if let Err(code) = ctx.pam.set_authtok(pw) {
            ctx.log(Priority::Err, "could not store PAM_AUTHTOK");
            return code;
        }
    }
    result
}

/// Binds as the user's entry (`target`: its DN and, when searched for, the entry).
fn try_password(
    ctx: &mut Context,
    dir: &mut dyn Directory,
    user: &str,
    target: &(String, Option<UserEntry>),
    pw: &Secret,
) -> PamResultCode {
    if crate::ppolicy::is_sshd_placeholder(pw) {
        ctx.log(
            Priority::Notice,
            &format!("authentication failure for user \"{user}\": sshd refused this user itself and sent its placeholder password (no bind attempted, so no failed bind counts towards a lockout)"),
        );
        return PamResultCode::PAM_AUTH_ERR;
    }
    // An empty password would make an unauthenticated bind, which some servers accept.
    if pw.is_empty() {
        ctx.log(
            Priority::Notice,
            &format!("authentication failure for user \"{user}\": empty password refused (no bind attempted)"),
        );
        return PamResultCode::PAM_AUTH_ERR;
    }
    let Ok(password) = std::str::from_utf8(pw) else {
        ctx.log(
            Priority::Notice,
            &format!("authentication failure for user \"{user}\": password is not valid UTF-8"),
        );
        return PamResultCode::PAM_AUTH_ERR;
    };
    let (dn, entry) = target;
    let bound = dir.bind(dn, password);
    let policy = dir.policy();
    let result = match bound {
        Ok(BindOutcome::Success) => bound_as_user(ctx, dir, user, dn, entry),
        Ok(BindOutcome::InvalidCredentials) => match policy.error {
            Some(PolicyError::AccountLocked) => refused_by_policy(
                ctx,
                user,
                dn,
                entry,
                "account locked by the password policy (ppolicy accountLocked)",
                "Your account is locked. Please contact your administrator.",
            ),
            Some(PolicyError::PasswordExpired) => refused_by_policy(
                ctx,
                user,
                dn,
                entry,
                "password expired and no grace logins left (ppolicy passwordExpired)",
                "Your password has expired. Please contact your administrator.",
            ),
            _ => {
                ctx.log(
                    Priority::Notice,
                    &format!(
                        "authentication failure for user \"{user}\" (\"{dn}\"): invalid credentials"
                    ),
                );
                PamResultCode::PAM_AUTH_ERR
            }
        },
        Err(e) => directory_error(ctx, user, &e),
    };
    if result == PamResultCode::PAM_SUCCESS {
        policy_after_login(ctx, user, dn, policy);
    }
    result
}

/// The bind as the user succeeded: confirm a `dn_template` entry, or keep
/// the entry the search read for the account phase.
fn bound_as_user(
    ctx: &mut Context,
    dir: &mut dyn Directory,
    user: &str,
    dn: &str,
    entry: &Option<UserEntry>,
) -> PamResultCode {
    if ctx.opts.dn_template.is_some() {
        return confirm_template_entry(ctx, dir, user, dn);
    }
    let server = dir.server().unwrap_or_default();
    ctx.debug(&format!(
        "user \"{user}\" authenticated as \"{dn}\" on {server}"
    ));
    if let Some(entry) = entry {
        crate::recent::remember(ctx.handover, ctx.opts, user, &server, entry.clone());
    }
    PamResultCode::PAM_SUCCESS
}

/// A right password the policy makes unusable: PAM_PERM_DENIED, the user
/// told why (not "wrong password", which would have them retry into a
/// longer lockout), the log naming the entry and its pwdAccountLockedTime.
fn refused_by_policy(
    ctx: &mut Context,
    user: &str,
    dn: &str,
    entry: &Option<UserEntry>,
    why: &str,
    message: &str,
) -> PamResultCode {
    let since = entry
        .as_ref()
        .and_then(|e| e.account.pwd_account_locked_time.clone())
        .map(|t| format!(", pwdAccountLockedTime {t}"))
        .unwrap_or_default();
    ctx.log(
        Priority::Notice,
        &format!("user \"{user}\" refused: {why} for entry \"{dn}\"{since}"),
    );
    ctx.tell(MessageKind::Error, message);
    PamResultCode::PAM_PERM_DENIED
}

/// What the policy says about a password that worked: a change that is
/// due (administrator reset, a grace login) is left for the account phase
/// (PAM_NEW_AUTHTOK_REQD); an expiry coming soon is a warning.
fn policy_after_login(ctx: &mut Context, user: &str, dn: &str, policy: Policy) {
    let due = |why: &str| {
        Some(DueChange {
            user: user.to_string(),
            why: why.to_string(),
        })
    };
    match (policy.error, policy.warning) {
        (Some(PolicyError::ChangeAfterReset), _) => {
            ctx.log(
                Priority::Notice,
                &format!("user \"{user}\" (\"{dn}\") must change the password: reset by an administrator (ppolicy changeAfterReset)"),
            );
            ctx.handover.due = due("reset by an administrator");
        }
        (_, Some(Warning::GraceLeft(n))) => {
            ctx.log(
                Priority::Notice,
                &format!("user \"{user}\" (\"{dn}\") logged in with an expired password: grace login used, {n} left (ppolicy graceAuthNsRemaining)"),
            );
            ctx.tell(
                MessageKind::Error,
                &format!("Your password has expired; {n} grace login(s) left."),
            );
            ctx.handover.due = due("password expired");
        }
        (_, Some(Warning::ExpiresIn(seconds))) => {
            let days = seconds.div_ceil(86_400);
            if ctx
                .opts
                .expire_warning_days
                .is_some_and(|limit| days > u64::from(limit))
            {
                return;
            }
            ctx.log(
                Priority::Info,
                &format!("user \"{user}\" (\"{dn}\"): password expires in {seconds} s (ppolicy timeBeforeExpiration)"),
            );
            ctx.tell(
                MessageKind::Info,
                &format!("Warning: your password will expire in {days} day(s)."),
            );
        }
        _ => {}
    }
}

/// With `dn_template` the server matched the DN case-insensitively ("ALICE"
/// binds as alice): after the bind, the entry must name exactly this user.
fn confirm_template_entry(
    ctx: &mut Context,
    dir: &mut dyn Directory,
    user: &str,
    dn: &str,
) -> PamResultCode {
    match dir.lookup(user) {
        Ok(Lookup::Found(_)) => {
            ctx.debug(&format!("user \"{user}\" authenticated as \"{dn}\""));
            PamResultCode::PAM_SUCCESS
        }
        Ok(_) => {
            ctx.log(
                Priority::Notice,
                &format!("user \"{user}\" refused: the entry \"{dn}\" is named with another spelling (the server matches names case-insensitively)"),
            );
            PamResultCode::PAM_AUTH_ERR
        }
        Err(e) => directory_error(ctx, user, &e),
    }
}

/// The DN to bind as: from `dn_template`, or the single entry the search finds.
pub fn find_dn(
    ctx: &mut Context,
    dir: &mut dyn Directory,
    user: &str,
) -> Result<String, PamResultCode> {
    find_user(ctx, dir, user).map(|(dn, _)| dn)
}

/// The DN to bind as and, when it was searched for, the entry itself (read
/// as the search identity, so the account phase may use it: `recent.rs`).
fn find_user(
    ctx: &mut Context,
    dir: &mut dyn Directory,
    user: &str,
) -> Result<(String, Option<UserEntry>), PamResultCode> {
    if let Some(t) = &ctx.opts.dn_template {
        if below_minimum_uid(ctx, user, None) {
            return Err(PamResultCode::PAM_IGNORE);
        }
        return Ok((crate::escape::fill_template(t, user), None));
    }
    match dir.lookup(user) {
        Ok(Lookup::Found(e)) => {
            if below_minimum_uid(ctx, user, e.uid_number) {
                return Err(PamResultCode::PAM_IGNORE);
            }
            Ok((e.dn.clone(), Some(e)))
        }
        Ok(Lookup::NotFound) => Err(unknown_user(ctx, dir, user)),
        Ok(Lookup::Ambiguous(dns)) => {
            let search = dir.describe_search(user);
            ctx.log(Priority::Err, &ambiguous_line(user, &search, &dns));
            Err(PamResultCode::PAM_AUTH_ERR)
        }
        Err(e) => Err(directory_error(ctx, user, &e)),
    }
}

pub fn ambiguous_line(user: &str, search: &str, dns: &[String]) -> String {
    let list: Vec<String> = dns.iter().map(|d| format!("\"{d}\"")).collect();
    format!(
        "user \"{user}\" refused: {} entries match {search}: {}; fix: make the user attribute unique in the directory (or narrow filter=)",
        dns.len(),
        list.join(", ")
    )
}

pub fn unknown_user(ctx: &mut Context, dir: &dyn Directory, user: &str) -> PamResultCode {
    let search = dir.describe_search(user);
    ctx.refused(Refusal::UnknownUser);
    if ctx.opts.ignore_unknown_user {
        ctx.debug(&format!(
            "user \"{user}\" not found ({search}): ignored (ignore_unknown_user)"
        ));
        return PamResultCode::PAM_IGNORE;
    }
    ctx.log(
        Priority::Notice,
        &format!("user \"{user}\" not found in LDAP ({search})"),
    );
    PamResultCode::PAM_USER_UNKNOWN
}

pub fn directory_error(ctx: &mut Context, user: &str, e: &DirError) -> PamResultCode {
    ctx.refused(Refusal::DirectoryError);
    ctx.log(Priority::Err, &format!("cannot check user \"{user}\": {e}"));
    PamResultCode::PAM_AUTHINFO_UNAVAIL
}

/// `minimum_uid`: the uid from the entry's uidNumber, else from NSS.
pub fn below_minimum_uid(ctx: &mut Context, user: &str, ldap_uid: Option<u32>) -> bool {
    let Some(min) = ctx.opts.minimum_uid else {
        return false;
    };
    let uid = ldap_uid.or(match ctx.host.nss.getpwnam(user) {
        NssView::Known { uid, .. } => Some(uid),
        _ => None,
    });
    match uid {
        Some(uid) if uid < min => {
            ctx.refused(Refusal::BelowMinimumUid);
            ctx.debug(&format!(
                "user \"{user}\" has uid {uid} < minimum_uid {min}: ignored"
            ));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::UserEntry;
    use crate::testing::{context, options, FakeDir, FakePam};
    use crate::transaction::Handover;

    fn entry(uid: Option<u32>) -> Lookup {
        Lookup::Found(UserEntry {
            dn: "uid=u,dc=t".into(),
            shell_values: vec!["/bin/sh".into()],
            uid_number: uid,
            account: Default::default(),
        })
    }

    fn run(opts: &[&str], pam: &mut FakePam, dir: &mut FakeDir) -> PamResultCode {
        run_kept(opts, pam, dir).0
    }

    /// The code, and what auth left for the account phase.
    fn run_kept(opts: &[&str], pam: &mut FakePam, dir: &mut FakeDir) -> (PamResultCode, Handover) {
        let o = options(opts);
        let mut handover = Handover::default();
        let mut ctx = context(pam, &o, &mut handover);
        let code = authenticate(&mut ctx, dir);
        (code, handover)
    }

    #[test]
    fn right_password_succeeds_and_is_stored() {
        let (mut pam, mut dir) = (FakePam::new("u", &["right"]), FakeDir::with(entry(None)));
        assert_eq!(run(&[], &mut pam, &mut dir), PamResultCode::PAM_SUCCESS);
        assert_eq!(pam.authtok_set.as_deref(), Some(&b"right"[..]));
    }

    #[test]
    fn a_successful_search_and_bind_leaves_the_entry_for_account() {
        let (mut pam, mut dir) = (FakePam::new("u", &["right"]), FakeDir::with(entry(None)));
        let (code, kept) = run_kept(&[], &mut pam, &mut dir);
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        let recent = kept.recent.expect("entry kept for account");
        assert_eq!(
            (recent.user.as_str(), recent.entry.dn.as_str()),
            ("u", "uid=u,dc=t")
        );
        for (args, answer) in [
            (&[][..], "wrong"),
            (&["dn_template=uid=%u,dc=t"][..], "right"),
        ] {
            let (mut pam, mut dir) = (FakePam::new("u", &[answer]), FakeDir::with(entry(None)));
            let (_, kept) = run_kept(args, &mut pam, &mut dir);
            assert!(kept.recent.is_none(), "{args:?} {answer}");
        }
    }

    #[test]
    fn wrong_password_fails_and_is_not_stored() {
        let (mut pam, mut dir) = (FakePam::new("u", &["wrong"]), FakeDir::with(entry(None)));
        assert_eq!(run(&[], &mut pam, &mut dir), PamResultCode::PAM_AUTH_ERR);
        assert!(pam.authtok_set.is_none());
        assert!(
            !pam.logs.iter().any(|(_, l)| l.contains("wrong")),
            "{:?}",
            pam.logs
        );
    }

    #[test]
    fn empty_password_is_never_sent() {
        let (mut pam, mut dir) = (FakePam::new("u", &[""]), FakeDir::with(entry(None)));
        assert_eq!(run(&[], &mut pam, &mut dir), PamResultCode::PAM_AUTH_ERR);
        assert_eq!(dir.binds, 0);
    }

    fn with_policy(error: Option<PolicyError>, warning: Option<Warning>) -> FakeDir {
        let mut dir = FakeDir::with(entry(None));
        dir.policy = Policy { warning, error };
        dir
    }

    #[test]
    fn a_locked_or_expired_account_is_told_so_not_wrong_password() {
        for (error, told) in [
            (PolicyError::AccountLocked, "account is locked"),
            (PolicyError::PasswordExpired, "password has expired"),
        ] {
            let mut pam = FakePam::new("u", &["right"]);
            let mut dir = with_policy(Some(error), None);
            // The server refuses even the right password.
            dir.password = "not-this-one".into();
            assert_eq!(run(&[], &mut pam, &mut dir), PamResultCode::PAM_PERM_DENIED);
            assert!(
                pam.messages.iter().any(|(_, m)| m.contains(told)),
                "{:?}",
                pam.messages
            );
            assert!(
                pam.logged("refused") && pam.logged("uid=u,dc=t"),
                "{:?}",
                pam.logs
            );
        }
        // Without the policy's word, a refused bind is a wrong password.
        let mut pam = FakePam::new("u", &["wrong"]);
        assert_eq!(
            run(&[], &mut pam, &mut with_policy(None, None)),
            PamResultCode::PAM_AUTH_ERR
        );
        assert!(pam.messages.is_empty());
    }

    #[test]
    fn a_reset_or_grace_login_leaves_a_change_due_for_account() {
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = with_policy(Some(PolicyError::ChangeAfterReset), None);
        let (code, kept) = run_kept(&[], &mut pam, &mut dir);
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        assert_eq!(
            kept.due.as_ref().map(|d| d.why.as_str()),
            Some("reset by an administrator")
        );
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = with_policy(None, Some(Warning::GraceLeft(2)));
        let (code, kept) = run_kept(&[], &mut pam, &mut dir);
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        assert_eq!(kept.due.as_ref().map(|d| d.user.as_str()), Some("u"));
        assert!(pam
            .messages
            .iter()
            .any(|(_, m)| m.contains("2 grace login(s) left")));
    }

    #[test]
    fn an_expiry_coming_soon_is_a_warning_within_the_threshold() {
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = with_policy(None, Some(Warning::ExpiresIn(4 * 86_400 - 60)));
        let (code, kept) = run_kept(&[], &mut pam, &mut dir);
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        assert!(
            pam.messages
                .iter()
                .any(|(k, m)| *k == crate::pam_ops::MessageKind::Info
                    && m.contains("expire in 4 day(s)")),
            "{:?}",
            pam.messages
        );
        assert!(kept.due.is_none());
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = with_policy(None, Some(Warning::ExpiresIn(4 * 86_400)));
        run(&["expire_warning_days=3"], &mut pam, &mut dir);
        assert!(pam.messages.is_empty(), "{:?}", pam.messages);
    }

    #[test]
    fn sshds_placeholder_password_is_never_sent() {
        let mut pam = FakePam::new("u", &["\x08\n\r\x7fINCORRECT"]);
        let mut dir = FakeDir::with(entry(None));
        assert_eq!(run(&[], &mut pam, &mut dir), PamResultCode::PAM_AUTH_ERR);
        assert_eq!(dir.binds, 0);
        assert!(pam.logged("placeholder password"));
    }

    #[test]
    fn users_this_module_ignores_are_never_prompted() {
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = FakeDir::with(Lookup::NotFound);
        let code = run(&["ignore_unknown_user"], &mut pam, &mut dir);
        assert_eq!((code, pam.prompts), (PamResultCode::PAM_IGNORE, 0));
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = FakeDir::with(entry(Some(500)));
        let code = run(&["minimum_uid=1000"], &mut pam, &mut dir);
        assert_eq!((code, pam.prompts), (PamResultCode::PAM_IGNORE, 0));
        // Unknown without ignore_unknown_user: prompted all the same, so the
        // prompt does not reveal who exists; nothing is bound.
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = FakeDir::with(Lookup::NotFound);
        let code = run(&[], &mut pam, &mut dir);
        assert_eq!(
            (code, pam.prompts, dir.binds),
            (PamResultCode::PAM_USER_UNKNOWN, 1, 0)
        );
    }

    #[test]
    fn unknown_ambiguous_and_unavailable() {
        let mut pam = FakePam::new("u", &["right"]);
        assert_eq!(
            run(&[], &mut pam, &mut FakeDir::with(Lookup::NotFound)),
            PamResultCode::PAM_USER_UNKNOWN
        );
        let mut pam = FakePam::new("u", &["right"]);
        assert_eq!(
            run(
                &["ignore_unknown_user"],
                &mut pam,
                &mut FakeDir::with(Lookup::NotFound)
            ),
            PamResultCode::PAM_IGNORE
        );
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = FakeDir::with(Lookup::Ambiguous(vec!["a".into(), "b".into()]));
        assert_eq!(run(&[], &mut pam, &mut dir), PamResultCode::PAM_AUTH_ERR);
        assert_eq!(dir.binds, 0);
        assert!(pam.logged("2 entries match"));
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = FakeDir::with(Lookup::NotFound);
        dir.lookup = Err(DirError::Unavailable("down".into()));
        assert_eq!(
            run(&[], &mut pam, &mut dir),
            PamResultCode::PAM_AUTHINFO_UNAVAIL
        );
    }

    #[test]
    fn first_pass_modes() {
        // use_first_pass: the stored token, no prompt.
        let mut pam = FakePam::new("u", &[]);
        pam.stored = Some(b"right".to_vec());
        let mut dir = FakeDir::with(entry(None));
        assert_eq!(
            run(&["use_first_pass"], &mut pam, &mut dir),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!(pam.prompts, 0);
        // use_first_pass with nothing stored: refused, no prompt.
        let mut pam = FakePam::new("u", &["right"]);
        assert_eq!(
            run(
                &["use_first_pass"],
                &mut pam,
                &mut FakeDir::with(entry(None))
            ),
            PamResultCode::PAM_AUTH_ERR
        );
        assert_eq!(pam.prompts, 0);
        // try_first_pass: a wrong stored token leads to one prompt.
        let mut pam = FakePam::new("u", &["right"]);
        pam.stored = Some(b"stale".to_vec());
        let mut dir = FakeDir::with(entry(None));
        assert_eq!(
            run(&["try_first_pass"], &mut pam, &mut dir),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!((pam.prompts, dir.binds), (1, 2));
        assert_eq!(pam.authtok_set.as_deref(), Some(&b"right"[..]));
    }

    #[test]
    fn minimum_uid_ignores_low_uids() {
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = FakeDir::with(entry(Some(500)));
        assert_eq!(
            run(&["minimum_uid=1000"], &mut pam, &mut dir),
            PamResultCode::PAM_IGNORE
        );
        assert_eq!(dir.binds, 0);
        let mut pam = FakePam::new("u", &["right"]);
        let mut dir = FakeDir::with(entry(Some(1000)));
        assert_eq!(
            run(&["minimum_uid=1000"], &mut pam, &mut dir),
            PamResultCode::PAM_SUCCESS
        );
    }

    #[test]
    fn dn_template_binds_without_search_and_escapes() {
        let mut pam = FakePam::new("bo,b", &["right"]);
        let mut dir = FakeDir::with(entry(None));
        let code = run(
            &["debug", "dn_template=uid=%u,ou=p,dc=t"],
            &mut pam,
            &mut dir,
        );
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        // Only one read, after the bind, to confirm the entry's spelling.
        assert_eq!((dir.binds, dir.lookups), (1, 1));
        // An entry spelled otherwise (the server matched "ALICE" to alice) is refused.
        let mut other = FakePam::new("ALICE", &["right"]);
        let mut dir = FakeDir::with(Lookup::NotFound);
        let code = run(&["dn_template=uid=%u,ou=p,dc=t"], &mut other, &mut dir);
        assert_eq!(code, PamResultCode::PAM_AUTH_ERR);
        assert!(other.logged("another spelling"), "{:?}", other.logs);
        assert!(pam.logged("\"uid=bo\\2cb,ou=p,dc=t\""), "{:?}", pam.logs);
    }
}
