//! A server that answered the user's lookup, then hangs or dies at the
//! user's bind (frozen, killed between the two operations): the phase gives
//! it up and starts over, lookup and bind, on the next server of the order,
//! once. Used by the auth phase's bind and the password phase's binds
//! (check and change).

use crate::auth::Target;
use crate::context::Context;
use crate::directory::{DirError, Directory};
use crate::pam_ops::Priority;
use pam::constants::PamResultCode;

/// Runs `attempt` (the bind as the user, alone or followed by a password
/// change) on the DN of `target`. When the server that answered the lookup
/// gives no answer to it (timed out, connection lost: the directory gives
/// it up, `Directory::give_up_broken`), the lookup and `attempt` run once
/// more, on the next server of the order: a replica holds the same entry,
/// and if it differs, the new lookup's answer is the one used. Never after
/// a server answered the bind (any result code: a wrong password, a
/// ppolicy refusal), never twice on one server (a server given up is not
/// connected to again in this call), never a third time; each server costs
/// at most its operation limit (timeout_ms). Err: the new lookup ended the
/// phase (not found, ambiguous, no server: already logged).
pub fn on_next_server_if_hung<R>(
    ctx: &mut Context,
    dir: &mut dyn Directory,
    user: &str,
    target: Target,
    mut attempt: impl FnMut(&mut dyn Directory, &str) -> Result<R, DirError>,
) -> Result<(Result<R, DirError>, Target), PamResultCode> {
    let first = attempt(dir, &target.0);
    if first.is_ok() {
        return Ok((first, target));
    }
    let Some(given_up) = dir.give_up_broken() else {
        return Ok((first, target));
    };
    ctx.log(
        Priority::Warning,
        &format!(
            "LDAP server {} answered the lookup of user \"{user}\" but not the bind as \"{}\" ({}): looking the user up and binding again on the next server",
            given_up.server, target.0, given_up.why
        ),
    );
    let target = crate::auth::find_user(ctx, dir, user)?;
    let second = attempt(dir, &target.0);
    if second.is_ok() {
        let server = dir.server().unwrap_or_default();
        ctx.log(
            Priority::Notice,
            &format!(
                "user \"{user}\": LDAP server {server} answered the bind as \"{}\" after {} failed at it",
                target.0, given_up.server
            ),
        );
    }
    Ok((second, target))
}

#[cfg(test)]
mod tests {
    use crate::auth::authenticate;
    use crate::fake_link::{strs, Case, Server, A, B, C};
    use crate::ldap::LdapDirectory;
    use crate::password::{chauthtok, PAM_PRELIM_CHECK, PAM_UPDATE_AUTHTOK};
    use crate::testing::{context, FakePam};
    use crate::transaction::Handover;
    use pam::constants::{PamFlag, PamResultCode};

    const USER_BIND_A: &str = "bind \"uid=u,dc=t\" ldap://a";
    const USER_BIND_B: &str = "bind \"uid=u,dc=t\" ldap://b";

    /// The auth phase for "u" typing `password`, over the fake servers.
    fn login(case: &Case, password: &str) -> (PamResultCode, FakePam, Vec<String>) {
        let mut pam = FakePam::new("u", &[password]);
        let mut handover = Handover::default();
        let mut dir = case.dir();
        let code = {
            let mut ctx = context(&mut pam, &case.opts, &mut handover);
            authenticate(&mut ctx, &mut dir)
        };
        let failed = failed_and_answered(&dir);
        (code, pam, failed)
    }

    /// The servers given up, then the one that answered last.
    fn failed_and_answered(dir: &LdapDirectory<'_, crate::fake_link::FakeDialer>) -> Vec<String> {
        let mut out = dir.failed().to_vec();
        out.extend(dir.answered_by().map(|s| format!("answered {s}")));
        out
    }

    #[test]
    fn a_server_that_hangs_or_dies_at_the_bind_is_replaced_by_the_next() {
        for broken in [Server::AnswersThenHangs(1), Server::AnswersThenBreaks(1)] {
            let case = Case::new(broken, Server::Answers);
            let (code, pam, servers) = login(&case, "right");
            assert_eq!(
                code,
                PamResultCode::PAM_SUCCESS,
                "{broken:?} {:?}",
                pam.logs
            );
            // The password reached each server once; B was searched first.
            assert_eq!(
                (case.count(USER_BIND_A), case.count(USER_BIND_B)),
                (1, 1),
                "{:?}",
                case.events()
            );
            assert!(case.count("search ldap://b") == 1);
            // The failover memory learns that A failed and B answered.
            assert_eq!(servers, strs(&[A, "answered ldap://b"]));
            assert!(
                pam.logged(
                    "LDAP server ldap://a answered the lookup of user \"u\" but not the bind"
                ),
                "{:?}",
                pam.logs
            );
            assert!(pam.logged(
                "user \"u\": LDAP server ldap://b answered the bind as \"uid=u,dc=t\" after ldap://a failed at it"
            ));
        }
    }

    #[test]
    fn the_next_servers_own_entry_is_the_one_bound_as() {
        let moved = "uid=u,ou=moved,dc=t";
        let case = Case::new(Server::AnswersThenHangs(1), Server::AnswersWithDn(moved));
        let (code, pam, _) = login(&case, "right");
        assert_eq!(code, PamResultCode::PAM_SUCCESS, "{:?}", pam.logs);
        assert_eq!(case.count(&format!("bind \"{moved}\" ldap://b")), 1);
        assert_eq!(case.count(USER_BIND_B), 0);
        assert!(pam.logged(&format!("answered the bind as \"{moved}\"")));
    }

    #[test]
    fn a_bind_the_server_answered_is_never_retried() {
        let case = Case::new(Server::Answers, Server::Answers);
        let (code, _, servers) = login(&case, "wrong");
        assert_eq!(code, PamResultCode::PAM_AUTH_ERR);
        assert_eq!(case.count(USER_BIND_A), 1);
        assert!(!case.events().contains(&"dial ldap://b".to_string()));
        assert_eq!(servers, strs(&["answered ldap://a"]));
    }

    #[test]
    fn a_hang_at_the_bind_with_the_next_server_down_names_both() {
        let case = Case::new(Server::AnswersThenHangs(1), Server::Refuses);
        let (code, pam, servers) = login(&case, "right");
        assert_eq!(code, PamResultCode::PAM_AUTHINFO_UNAVAIL);
        assert!(
            pam.logged("no server reachable (ldap://a: operation timed out (timeout_ms); ldap://b: connection refused)"),
            "{:?}",
            pam.logs
        );
        assert_eq!(servers, strs(&[A, B]));
        assert_eq!(case.count(USER_BIND_A), 1);
    }

    #[test]
    fn a_wrong_password_on_the_next_server_ends_it_without_a_third_attempt() {
        let case = Case::three(
            Server::AnswersThenHangs(1),
            Server::Answers,
            Server::Answers,
        );
        let (code, _, servers) = login(&case, "wrong");
        assert_eq!(code, PamResultCode::PAM_AUTH_ERR);
        assert_eq!((case.count(USER_BIND_A), case.count(USER_BIND_B)), (1, 1));
        assert!(!case.events().contains(&format!("dial {C}")));
        assert_eq!(servers, strs(&[A, "answered ldap://b"]));
    }

    #[test]
    fn only_one_server_is_replaced_per_bind() {
        let case = Case::three(
            Server::AnswersThenHangs(1),
            Server::AnswersThenHangs(1),
            Server::Answers,
        );
        let (code, _, _) = login(&case, "right");
        assert_eq!(code, PamResultCode::PAM_AUTHINFO_UNAVAIL);
        assert!(!case.events().contains(&format!("dial {C}")));
    }

    /// The password phase for "u" with `answers` to its prompts.
    fn chauthtok_with(case: &Case, answers: &[&str], flags: PamFlag) -> (PamResultCode, FakePam) {
        let mut pam = FakePam::new("u", answers);
        let mut handover = Handover::default();
        let mut dir = case.dir();
        let code = {
            let mut ctx = context(&mut pam, &case.opts, &mut handover);
            chauthtok(&mut ctx, &mut dir, flags)
        };
        (code, pam)
    }

    #[test]
    fn the_password_phases_binds_move_to_the_next_server_too() {
        let case = Case::new(Server::AnswersThenHangs(1), Server::Answers);
        let (code, pam) = chauthtok_with(&case, &["right"], PAM_PRELIM_CHECK);
        assert_eq!(code, PamResultCode::PAM_SUCCESS, "{:?}", pam.logs);
        assert_eq!((case.count(USER_BIND_A), case.count(USER_BIND_B)), (1, 1));
        let case = Case::new(Server::AnswersThenHangs(1), Server::Answers);
        let (code, _) = chauthtok_with(&case, &["right", "n-1", "n-1"], PAM_UPDATE_AUTHTOK);
        assert_eq!(code, PamResultCode::PAM_SUCCESS);
        assert_eq!(
            (case.count("modify ldap://a"), case.count("modify ldap://b")),
            (0, 1)
        );
    }

    #[test]
    fn a_change_whose_bind_was_answered_is_never_sent_elsewhere() {
        // A answers the search and the bind, then hangs at Password Modify:
        // A may have made the change, so B is never asked.
        let case = Case::new(Server::AnswersThenHangs(2), Server::Answers);
        let (code, _) = chauthtok_with(&case, &["right", "n-1", "n-1"], PAM_UPDATE_AUTHTOK);
        assert_eq!(code, PamResultCode::PAM_AUTHINFO_UNAVAIL);
        assert!(!case.events().contains(&"dial ldap://b".to_string()));
        assert_eq!(case.count("modify ldap://a"), 1);
    }
}
