//! The password phase (chauthtok): check the current password by binding
//! as the user, then change it with the Password Modify extended operation
//! (RFC 3062), telling the user what the server said when it refuses.

use crate::auth::{directory_error, find_dn};
use crate::context::Context;
use crate::directory::{BindOutcome, ChangeOutcome, Directory};
use crate::pam_ops::{MessageKind, Priority, Secret};
use crate::ppolicy::PolicyError;
use pam::constants::{PamFlag, PamResultCode};

/// Linux-PAM's flags for the two passes of pam_chauthtok.
pub const PAM_PRELIM_CHECK: PamFlag = 0x4000;
pub const PAM_UPDATE_AUTHTOK: PamFlag = 0x2000;

const OLD_PROMPT: &str = "Current password: ";
const NEW_PROMPT: &str = "New password: ";
const AGAIN_PROMPT: &str = "Retype new password: ";

pub fn chauthtok(ctx: &mut Context, dir: &mut dyn Directory, flags: PamFlag) -> PamResultCode {
    let user = match ctx.user() {
        Ok(u) => u,
        Err(code) => return code,
    };
    if flags & PAM_PRELIM_CHECK != 0 {
        return prelim(ctx, dir, &user);
    }
    if flags & PAM_UPDATE_AUTHTOK != 0 {
        return update(ctx, dir, &user);
    }
    ctx.log(
        Priority::Err,
        "chauthtok called without PAM_PRELIM_CHECK or PAM_UPDATE_AUTHTOK",
    );
    PamResultCode::PAM_SERVICE_ERR
}

/// First pass: only verifies the current password (a bind as the user).
/// The user is looked up before any prompt: a local user (unknown here,
/// with ignore_unknown_user) or one below minimum_uid is left to the other
/// modules without being asked twice.
fn prelim(ctx: &mut Context, dir: &mut dyn Directory, user: &str) -> PamResultCode {
    let dn = match find_dn(ctx, dir, user) {
        Ok(dn) => dn,
        Err(code) => return code,
    };
    let old = match current_password(ctx) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let Some(old_text) = usable(ctx, user, &old, "current password") else {
        return PamResultCode::PAM_AUTH_ERR;
    };
    match dir.bind(&dn, old_text) {
        Ok(BindOutcome::Success) => match ctx.pam.set_oldauthtok(&old) {
            Ok(()) => PamResultCode::PAM_SUCCESS,
            Err(code) => code,
        },
        Ok(BindOutcome::InvalidCredentials) => wrong_old(ctx, dir, user, &dn),
        Err(e) => directory_error(ctx, user, &e),
    }
}

/// Second pass: asks for the new password (twice) and changes it.
fn update(ctx: &mut Context, dir: &mut dyn Directory, user: &str) -> PamResultCode {
    let dn = match find_dn(ctx, dir, user) {
        Ok(dn) => dn,
        Err(code) => return code,
    };
    let old = match current_password(ctx) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let new = match new_password(ctx, &old) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (Some(old_text), Some(new_text)) = (
        usable(ctx, user, &old, "current password"),
        usable(ctx, user, &new, "new password"),
    ) else {
        return PamResultCode::PAM_AUTHTOK_ERR;
    };
    match dir.change_password(&dn, old_text, new_text) {
        Ok(ChangeOutcome::Changed) => {
            ctx.log(
                Priority::Notice,
                &format!("password changed for user \"{user}\" (\"{dn}\")"),
            );
            match ctx.pam.set_authtok(&new) {
                Ok(()) => PamResultCode::PAM_SUCCESS,
                Err(code) => code,
            }
        }
        Ok(ChangeOutcome::InvalidOld) => wrong_old(ctx, dir, user, &dn),
        Ok(ChangeOutcome::Refused { rc, text }) => {
            let reason = dir.policy().error;
            refused(ctx, user, &dn, rc, &text, reason)
        }
        Err(e) => directory_error(ctx, user, &e),
    }
}

/// PAM_OLDAUTHTOK when an earlier pass or module set it, else a prompt.
fn current_password(ctx: &mut Context) -> Result<Secret, PamResultCode> {
    match ctx.pam.stored_oldauthtok() {
        Some(p) => Ok(p),
        None => ctx.pam.prompt_password(OLD_PROMPT),
    }
}

/// PAM_AUTHTOK when an earlier module set it, else two prompts that must
/// agree. A PAM_AUTHTOK equal to the current password is the one the auth
/// phase stored (e.g. sshd changing an expired password on the same handle),
/// not a new password: then the user is asked.
fn new_password(ctx: &mut Context, old: &Secret) -> Result<Secret, PamResultCode> {
    if let Some(p) = ctx.pam.stored_authtok().filter(|p| **p != **old) {
        return Ok(p);
    }
    let first = ctx.pam.prompt_password(NEW_PROMPT)?;
    let again = ctx.pam.prompt_password(AGAIN_PROMPT)?;
    if *first != *again {
        ctx.tell(MessageKind::Error, "Sorry, passwords do not match.");
        ctx.log(
            Priority::Notice,
            "password change refused: the new passwords typed do not match",
        );
        return Err(PamResultCode::PAM_AUTHTOK_ERR);
    }
    Ok(first)
}

/// The password as text, or None (logged) when empty or not UTF-8: an
/// empty password would make an unauthenticated bind.
fn usable<'p>(ctx: &mut Context, user: &str, pw: &'p Secret, what: &str) -> Option<&'p str> {
    let why = match std::str::from_utf8(pw) {
        Ok("") => "is empty",
        Ok(text) => return Some(text),
        Err(_) => "is not valid UTF-8",
    };
    ctx.log(
        Priority::Notice,
        &format!("password change for user \"{user}\" refused: the {what} {why}"),
    );
    None
}

/// The bind with the current password was refused: wrong, or (the
/// password policy says) locked or expired beyond its grace logins.
fn wrong_old(ctx: &mut Context, dir: &dyn Directory, user: &str, dn: &str) -> PamResultCode {
    let (why, message) = match dir.policy().error {
        Some(PolicyError::AccountLocked) => (
            "the account is locked (ppolicy accountLocked)",
            "Your account is locked. Please contact your administrator.",
        ),
        Some(PolicyError::PasswordExpired) => (
            "the password expired and no grace logins are left (ppolicy passwordExpired)",
            "Your password has expired. Please contact your administrator.",
        ),
        _ => ("current password is wrong", "Current password is wrong."),
    };
    ctx.log(
        Priority::Notice,
        &format!("password change for user \"{user}\" (\"{dn}\"): {why}"),
    );
    ctx.tell(MessageKind::Error, message);
    PamResultCode::PAM_AUTH_ERR
}

/// The server's own message (e.g. ppolicy's) and the policy's reason, when
/// it sent one, go to the user and the log.
fn refused(
    ctx: &mut Context,
    user: &str,
    dn: &str,
    rc: u32,
    text: &str,
    reason: Option<PolicyError>,
) -> PamResultCode {
    let text: String = text.chars().filter(|c| !c.is_control()).take(512).collect();
    let policy = reason
        .map(|r| format!("; ppolicy {}", r.name()))
        .unwrap_or_default();
    ctx.log(
        Priority::Notice,
        &format!("password change for user \"{user}\" (\"{dn}\") refused by the server: result code {rc} ({text}){policy}"),
    );
    let detail = match (reason, text.is_empty()) {
        (Some(r), true) => format!(": {}.", r.for_user()),
        (Some(r), false) => format!(": {} ({text}).", r.for_user()),
        (None, true) => format!(" (result code {rc})."),
        (None, false) => format!(": {text}"),
    };
    let shown = format!("Password change refused by the LDAP server{detail}");
    ctx.tell(MessageKind::Error, &shown);
    PamResultCode::PAM_AUTHTOK_ERR
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{Lookup, UserEntry};
    use crate::testing::{context, options, FakeDir, FakePam};
    use crate::transaction::Handover;

    fn dir() -> FakeDir {
        FakeDir::with(Lookup::Found(UserEntry {
            dn: "uid=u,dc=t".into(),
            shell_values: vec![],
            uid_number: None,
            account: Default::default(),
        }))
    }

    fn run(pam: &mut FakePam, dir: &mut FakeDir, flags: PamFlag) -> PamResultCode {
        let o = options(&[]);
        let mut handover = Handover::default();
        let mut ctx = context(pam, &o, &mut handover);
        chauthtok(&mut ctx, dir, flags)
    }

    #[test]
    fn local_and_low_uid_users_are_left_alone_without_a_prompt() {
        for flags in [PAM_PRELIM_CHECK, PAM_UPDATE_AUTHTOK] {
            let o = options(&["ignore_unknown_user"]);
            let mut pam = FakePam::new("local", &["pw", "new", "new"]);
            let mut d = FakeDir::with(Lookup::NotFound);
            let mut handover = Handover::default();
            let mut ctx = context(&mut pam, &o, &mut handover);
            assert_eq!(
                chauthtok(&mut ctx, &mut d, flags),
                PamResultCode::PAM_IGNORE
            );
            assert_eq!((pam.prompts, d.binds), (0, 0), "{flags:#x}");
            let o = options(&["minimum_uid=1000"]);
            let mut pam = FakePam::new("low", &["pw", "new", "new"]);
            let mut d = FakeDir::with(Lookup::Found(UserEntry {
                dn: "uid=low,dc=t".into(),
                shell_values: vec![],
                uid_number: Some(10),
                account: Default::default(),
            }));
            let mut handover = Handover::default();
            let mut ctx = context(&mut pam, &o, &mut handover);
            assert_eq!(
                chauthtok(&mut ctx, &mut d, flags),
                PamResultCode::PAM_IGNORE
            );
            assert_eq!(pam.prompts, 0, "{flags:#x}");
        }
    }

    #[test]
    fn prelim_checks_the_old_password_only() {
        let (mut pam, mut d) = (FakePam::new("u", &["right"]), dir());
        assert_eq!(
            run(&mut pam, &mut d, PAM_PRELIM_CHECK),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!(pam.old_set.as_deref(), Some(&b"right"[..]));
        assert!(d.changed_to.is_empty());
        let (mut pam, mut d) = (FakePam::new("u", &["wrong"]), dir());
        assert_eq!(
            run(&mut pam, &mut d, PAM_PRELIM_CHECK),
            PamResultCode::PAM_AUTH_ERR
        );
        assert!(pam.old_set.is_none());
    }

    #[test]
    fn update_changes_with_matching_new_passwords() {
        let (mut pam, mut d) = (FakePam::new("u", &["New-Pass-5", "New-Pass-5"]), dir());
        pam.stored_old = Some(b"right".to_vec());
        assert_eq!(
            run(&mut pam, &mut d, PAM_UPDATE_AUTHTOK),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!(d.changed_to, vec!["New-Pass-5".to_string()]);
        assert_eq!(pam.authtok_set.as_deref(), Some(&b"New-Pass-5"[..]));
        assert!(!pam
            .logs
            .iter()
            .any(|(_, l)| l.contains("New-Pass") || l.contains("right")));
    }

    #[test]
    fn mismatch_empty_and_wrong_old_change_nothing() {
        let (mut pam, mut d) = (FakePam::new("u", &["right", "a-1", "b-2"]), dir());
        assert_eq!(
            run(&mut pam, &mut d, PAM_UPDATE_AUTHTOK),
            PamResultCode::PAM_AUTHTOK_ERR
        );
        assert!(pam.messages.iter().any(|(_, m)| m.contains("do not match")));
        let (mut pam, mut d) = (FakePam::new("u", &["right", "", ""]), dir());
        assert_eq!(
            run(&mut pam, &mut d, PAM_UPDATE_AUTHTOK),
            PamResultCode::PAM_AUTHTOK_ERR
        );
        let (mut pam, mut d) = (FakePam::new("u", &["wrong", "n-1", "n-1"]), dir());
        assert_eq!(
            run(&mut pam, &mut d, PAM_UPDATE_AUTHTOK),
            PamResultCode::PAM_AUTH_ERR
        );
        assert!(d.changed_to.is_empty());
    }

    #[test]
    fn a_stored_new_password_is_used_unless_it_is_the_old_one() {
        let (mut pam, mut d) = (FakePam::new("u", &[]), dir());
        pam.stored_old = Some(b"right".to_vec());
        pam.stored = Some(b"From-Pwquality-1".to_vec());
        assert_eq!(
            run(&mut pam, &mut d, PAM_UPDATE_AUTHTOK),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!(
            (pam.prompts, d.changed_to.clone()),
            (0, vec!["From-Pwquality-1".to_string()])
        );
        // The auth phase's PAM_AUTHTOK (the current password) is not a new one.
        let (mut pam, mut d) = (FakePam::new("u", &["n-1", "n-1"]), dir());
        pam.stored_old = Some(b"right".to_vec());
        pam.stored = Some(b"right".to_vec());
        assert_eq!(
            run(&mut pam, &mut d, PAM_UPDATE_AUTHTOK),
            PamResultCode::PAM_SUCCESS
        );
        assert_eq!(
            (pam.prompts, d.changed_to.clone()),
            (2, vec!["n-1".to_string()])
        );
    }

    #[test]
    fn server_refusals_reach_the_user() {
        let (mut pam, mut d) = (FakePam::new("u", &["right", "n-1", "n-1"]), dir());
        d.change = ChangeOutcome::Refused {
            rc: 19,
            text: "Password fails quality checking policy".into(),
        };
        assert_eq!(
            run(&mut pam, &mut d, PAM_UPDATE_AUTHTOK),
            PamResultCode::PAM_AUTHTOK_ERR
        );
        assert!(pam
            .messages
            .iter()
            .any(|(k, m)| *k == MessageKind::Error && m.contains("quality checking")));
        assert!(pam.logged("result code 19"));
    }
}
