//! nss-pam-ldapd's pam_ldap (through a real nslcd) and pam_ldap_shell on the
//! same directory-side refusals: ppolicy lockout, grace logins,
//! administrator reset, expiry warning, shadowAccount aging, and sshd's
//! placeholder password for a user it refuses itself. Each case
//! runs `pamtester USER authenticate acct_mgmt` (one PAM handle, as sshd and
//! login use one) in the e2e sandbox and records the PAM result of each
//! phase, what the user saw and the syslog lines (the module's and nslcd's).
//!
//! Ours is asserted exactly. Theirs is asserted exactly on nslcd 0.9.12
//! (Debian 12, the version docs/module.md's comparison table was measured
//! on), so a change of behaviour is noticed; on another version only the
//! PAM results are.
//!
//! Each module has its own slapd (built by `e2e::ppolicy::directory`, the
//! same entries) so one's failed binds cannot lock the other's users:
//! nslcd talks to one, pam_ldap_shell (uri=) to the other.

use e2e::ppolicy::{self, today};
use e2e::{normalize_log, ssh, Stack, World, PASSWORD};
use testkit::{PamRun, Slapd};

/// The stacks: each module alone, so its result is the stack's.
fn stack(module: &str) -> String {
    ["auth", "account", "password"]
        .iter()
        .map(|t| format!("{t} required {module}\n"))
        .collect()
}

struct Peers {
    world: World,
    theirs: Slapd,
    ours: Slapd,
}

impl Peers {
    fn start() -> Peers {
        Self::start_with("")
    }

    /// As `start`, with `nslcd_extra` added to nslcd.conf.
    fn start_with(nslcd_extra: &str) -> Peers {
        let theirs = ppolicy::directory();
        let ours = ppolicy::directory();
        // pam_authc_ppolicy is nslcd's default; said here so the comparison
        // does not depend on it. Shadow attributes are mapped by default.
        let world = World::start_with(
            Stack::Module(String::new()),
            theirs.uri(),
            &format!("pam_authc_ppolicy yes\n{nslcd_extra}"),
        );
        world.set_pam("theirs", &stack("pam_ldap.so"));
        let ours_args = format!(
            "pam_ldap_shell.so uri={} base=dc=example,dc=org",
            ours.uri()
        );
        world.set_pam("ours", &stack(&ours_args));
        // The daemons' start-up lines (and sshd's about the readiness probe).
        world.new_log();
        Peers {
            world,
            theirs,
            ours,
        }
    }

    /// Logs `user` in with `password` through both modules.
    fn both(&self, user: &str, password: &str) -> (Outcome, Outcome) {
        (
            self.login("theirs", user, password),
            self.login("ours", user, password),
        )
    }

    fn login(&self, service: &str, user: &str, password: &str) -> Outcome {
        let run = self.world.pamtester(
            service,
            user,
            &["authenticate", "acct_mgmt"],
            &format!("{password}\n"),
        );
        Outcome::of(&run)
    }
}

/// What one `pamtester authenticate acct_mgmt` did.
#[derive(Debug, PartialEq)]
struct Outcome {
    auth: String,
    /// None when authentication failed (pamtester stops there).
    account: Option<String>,
    /// Informational messages (PAM_TEXT_INFO: pamtester's stdout).
    info: Vec<String>,
    /// Error messages (PAM_ERROR_MSG: pamtester's stderr).
    errors: Vec<String>,
    /// Syslog, nslcd's request ids normalized.
    log: Vec<String>,
}

impl Outcome {
    fn of(run: &PamRun) -> Outcome {
        let authenticated = run.stdout.contains("pamtester: successfully authenticated");
        let (auth, account) = if authenticated {
            let account = if run.stdout.contains("pamtester: account management done") {
                "PAM_SUCCESS".to_string()
            } else {
                run.result()
            };
            ("PAM_SUCCESS".to_string(), Some(account))
        } else {
            (run.result(), None)
        };
        Outcome {
            auth,
            account,
            info: messages(&run.stdout),
            errors: messages(&run.stderr),
            log: login_lines(&run.syslog),
        }
    }
}

/// The lines a login logs: the modules' ("pam_ldap(theirs:auth): ...")
/// and nslcd's for the PAM requests ("[ID] <authc=\"user\"> ...",
/// `<authz=`), without NSS lookups and what the other daemons in the
/// sandbox may log meanwhile.
fn login_lines(syslog: &[String]) -> Vec<String> {
    normalize_log(syslog)
        .into_iter()
        .filter(|l| {
            let text = l.split_once('>').map_or(l.as_str(), |(_, t)| t);
            ["[ID] <authc=", "[ID] <authz=", "pam_ldap"]
                .iter()
                .any(|p| text.starts_with(p))
        })
        .collect()
}

/// The conversation's messages: pamtester's own lines dropped, and the
/// password prompt (which has no newline) cut off the line it shares.
fn messages(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| l.strip_prefix("Password: ").unwrap_or(l))
        .filter(|l| !l.is_empty() && !l.starts_with("pamtester: "))
        .map(str::to_string)
        .collect()
}

fn outcome(
    auth: &str,
    account: Option<&str>,
    info: &[&str],
    errors: &[&str],
    log: &[&str],
) -> Outcome {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    Outcome {
        auth: auth.into(),
        account: account.map(str::to_string),
        info: owned(info),
        errors: owned(errors),
        log: owned(log),
    }
}

/// True on the nslcd release the comparison table was measured on.
fn measured_nslcd() -> bool {
    let out = std::process::Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "nslcd"])
        .output()
        .expect("run dpkg-query (the e2e suite runs on Debian/Ubuntu)");
    String::from_utf8_lossy(&out.stdout).starts_with("0.9.12-")
}

/// Theirs: exact on the measured release, the PAM results elsewhere.
fn assert_theirs(got: &Outcome, want: Outcome) {
    if measured_nslcd() {
        assert_eq!(got, &want);
    } else {
        assert_eq!(
            (&got.auth, &got.account),
            (&want.auth, &want.account),
            "{got:#?}"
        );
    }
}

const USER_DN: &str = "ou=people,dc=example,dc=org";

#[test]
fn locked_after_pwd_max_failure() {
    let p = Peers::start();
    for _ in 0..3 {
        let (theirs, ours) = p.both("locky", "wrong");
        assert_eq!(theirs.auth, "PAM_AUTH_ERR", "{theirs:#?}");
        assert_eq!(ours.auth, "PAM_AUTH_ERR", "{ours:#?}");
    }
    let (theirs, ours) = p.both("locky", PASSWORD);
    // ppolicy's accountLocked comes only with a failed bind: nslcd logs it,
    // pam_ldap reports a wrong password.
    assert_theirs(
        &theirs,
        outcome(
            "PAM_AUTH_ERR",
            None,
            &[],
            &[],
            &[
                &format!("<28>[ID] <authc=\"locky\"> uid=locky,{USER_DN}: Invalid credentials"),
                &format!("<28>[ID] <authc=\"locky\"> uid=locky,{USER_DN}: Account locked"),
                "<85>pam_ldap(theirs:auth): Authentication failure; user=locky",
            ],
        ),
    );
    let locked_at = ppolicy::operational(&p.ours, "locky", "pwdAccountLockedTime");
    assert_eq!(locked_at.len(), 1, "locky not locked: {locked_at:?}");
    assert_eq!(
        ours,
        outcome(
            "PAM_PERM_DENIED",
            None,
            &[],
            &["Your account is locked. Please contact your administrator."],
            &[&format!(
                "<85>pam_ldap_shell(ours:auth): user \"locky\" refused: account locked by the password policy (ppolicy accountLocked) for entry \"uid=locky,{USER_DN}\", pwdAccountLockedTime {}",
                locked_at[0]
            )],
        )
    );

    // A wrong password on the locked account: slapd answers accountLocked
    // without checking the password, so whoever tries learns the state.
    let (theirs, ours) = p.both("locky", "wrong");
    assert_theirs(
        &theirs,
        outcome(
            "PAM_AUTH_ERR",
            None,
            &[],
            &[],
            &[
                &format!("<28>[ID] <authc=\"locky\"> uid=locky,{USER_DN}: Invalid credentials"),
                &format!("<28>[ID] <authc=\"locky\"> uid=locky,{USER_DN}: Account locked"),
                "<85>pam_ldap(theirs:auth): Authentication failure; user=locky",
            ],
        ),
    );
    assert_eq!(ours.auth, "PAM_PERM_DENIED", "{ours:#?}");
    assert_eq!(
        ours.errors,
        ["Your account is locked. Please contact your administrator."],
        "{ours:#?}"
    );
}

#[test]
fn expired_password_with_grace_logins() {
    let p = Peers::start();
    std::thread::sleep(std::time::Duration::from_millis(2100)); // pwdMaxAge: 1 s
    let (theirs, ours) = p.both("gracie", PASSWORD);
    // pam_ldap: a login like any other, with a notice; no change is asked for.
    assert_theirs(
        &theirs,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_SUCCESS"),
            &["Password expired, 4 grace logins left"],
            &[],
            &[
                &format!("<28>[ID] <authc=\"gracie\"> uid=gracie,{USER_DN}: Password expired, 4 grace logins left"),
                "<86>pam_ldap(theirs:account): Password expired, 4 grace logins left; user=gracie",
            ],
        ),
    );
    assert_eq!(
        ours,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_NEW_AUTHTOK_REQD"),
            &[],
            &[
                "Your password has expired; 4 grace login(s) left.",
                "You are required to change your password immediately (password expired).",
            ],
            &[
                &format!("<85>pam_ldap_shell(ours:auth): user \"gracie\" (\"uid=gracie,{USER_DN}\") logged in with an expired password: grace login used, 4 left (ppolicy graceAuthNsRemaining)"),
                "<85>pam_ldap_shell(ours:account): user \"gracie\": password change required (password expired): PAM_NEW_AUTHTOK_REQD",
            ],
        )
    );

    // The other four grace logins (the 5th says "0 left"), then the first
    // login past them: the bind fails.
    for _ in 0..4 {
        let (theirs, ours) = p.both("gracie", PASSWORD);
        assert_eq!(theirs.auth, "PAM_SUCCESS", "{theirs:#?}");
        assert_eq!(ours.auth, "PAM_SUCCESS", "{ours:#?}");
    }
    let (theirs, ours) = p.both("gracie", PASSWORD);
    assert_theirs(
        &theirs,
        outcome(
            "PAM_AUTH_ERR",
            None,
            &[],
            &[],
            &[
                &format!("<28>[ID] <authc=\"gracie\"> uid=gracie,{USER_DN}: Invalid credentials"),
                &format!("<28>[ID] <authc=\"gracie\"> uid=gracie,{USER_DN}: Password expired"),
                "<85>pam_ldap(theirs:auth): Authentication failure; user=gracie",
            ],
        ),
    );
    assert_eq!(
        ours,
        outcome(
            "PAM_PERM_DENIED",
            None,
            &[],
            &["Your password has expired. Please contact your administrator."],
            &[&format!("<85>pam_ldap_shell(ours:auth): user \"gracie\" refused: password expired and no grace logins left (ppolicy passwordExpired) for entry \"uid=gracie,{USER_DN}\"")],
        )
    );
}

#[test]
fn administrator_reset_with_pwd_must_change() {
    let p = Peers::start();
    ppolicy::reset_password(&p.theirs, "resetty");
    ppolicy::reset_password(&p.ours, "resetty");
    let (theirs, ours) = p.both("resetty", PASSWORD);
    // nslcd's pam_authc_search (default: the user's own entry) runs after
    // the bind, which slapd restricts to a password change: the search
    // fails and pam_ldap reports a wrong password.
    assert_theirs(
        &theirs,
        outcome(
            "PAM_AUTH_ERR",
            None,
            &[],
            &[],
            &[
                "<27>[ID] <authc=\"resetty\"> ldap_result() failed: Insufficient access: Operations are restricted to bind/unbind/abandon/StartTLS/modify password",
                &format!("<28>[ID] <authc=\"resetty\"> uid=resetty,{USER_DN}: Insufficient access"),
                &format!("<28>[ID] <authc=\"resetty\"> uid=resetty,{USER_DN}: Password must be changed"),
                "<85>pam_ldap(theirs:auth): Authentication failure; user=resetty",
            ],
        ),
    );
    assert_eq!(
        ours,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_NEW_AUTHTOK_REQD"),
            &[],
            &["You are required to change your password immediately (reset by an administrator)."],
            &[
                &format!("<85>pam_ldap_shell(ours:auth): user \"resetty\" (\"uid=resetty,{USER_DN}\") must change the password: reset by an administrator (ppolicy changeAfterReset)"),
                "<85>pam_ldap_shell(ours:account): user \"resetty\": password change required (reset by an administrator): PAM_NEW_AUTHTOK_REQD",
            ],
        )
    );
}

/// The same reset with nslcd's `pam_authc_search NONE` (no search after
/// the bind): pam_ldap then reads changeAfterReset and asks for the change.
#[test]
fn administrator_reset_without_nslcd_authc_search() {
    let p = Peers::start_with("pam_authc_search NONE");
    ppolicy::reset_password(&p.theirs, "resetty");
    let theirs = p.login("theirs", "resetty", PASSWORD);
    assert_theirs(
        &theirs,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_NEW_AUTHTOK_REQD"),
            &[],
            &["Password must be changed"],
            &[
                &format!("<28>[ID] <authc=\"resetty\"> uid=resetty,{USER_DN}: Password must be changed"),
                "<85>pam_ldap(theirs:account): Password must be changed; user=resetty; err=Authentication token is no longer valid; new one required",
            ],
        ),
    );
}

#[test]
fn ppolicy_expiry_warning() {
    let p = Peers::start();
    let (theirs, mut ours) = p.both("warner", PASSWORD);
    // 10 days (pwdMaxAge 864000 s) less the seconds since the entry was
    // added: nslcd rounds down, pam_ldap_shell up. Within the second the
    // entry was added nothing has elapsed yet and nslcd says 10 too.
    let days = if theirs.info.iter().any(|i| i.contains("in 10 days")) {
        10
    } else {
        9
    };
    assert_theirs(
        &theirs,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_SUCCESS"),
            &[&format!("Password will expire in {days} days")],
            &[],
            &[
                &format!("<28>[ID] <authc=\"warner\"> uid=warner,{USER_DN}: Password will expire in {days} days"),
                &format!("<86>pam_ldap(theirs:account): Password will expire in {days} days; user=warner"),
            ],
        ),
    );
    let seconds = take_seconds(&mut ours.log, "password expires in ", " s ");
    assert!(
        (864_000 - 86_400..=864_000).contains(&seconds),
        "{seconds} s left"
    );
    assert_eq!(
        ours,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_SUCCESS"),
            &["Warning: your password will expire in 10 day(s)."],
            &[],
            &[&format!("<86>pam_ldap_shell(ours:auth): user \"warner\" (\"uid=warner,{USER_DN}\"): password expires in N s (ppolicy timeBeforeExpiration)")],
        )
    );
}

/// Replaces the number between `before` and `after` in the one line of
/// `log` that has them with "N" and returns it.
fn take_seconds(log: &mut [String], before: &str, after: &str) -> u64 {
    for line in log.iter_mut() {
        let Some((head, rest)) = line.split_once(before) else {
            continue;
        };
        let Some((number, tail)) = rest.split_once(after) else {
            continue;
        };
        if let Ok(n) = number.parse() {
            *line = format!("{head}{before}N{after}{tail}");
            return n;
        }
    }
    panic!("no {before:?}NUMBER{after:?} in {log:#?}");
}

#[test]
fn shadow_account_expiry_and_aging() {
    let p = Peers::start();
    let day = today();

    // shadowExpire: 1, long past.
    let (theirs, ours) = p.both("gone", PASSWORD);
    assert_theirs(
        &theirs,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_ACCT_EXPIRED"),
            &[],
            &[&format!("Account expired {} days ago", day - 1)],
            &[
                &format!("<28>[ID] <authc=\"gone\"> uid=gone,{USER_DN}: \"${{shadowExpire:--1}}\": Account expired {} days ago", day - 1),
                &format!("<28>[ID] <authz=\"gone\"> uid=gone,{USER_DN}: \"${{shadowExpire:--1}}\": Account expired {} days ago", day - 1),
                &format!("<85>pam_ldap(theirs:account): Account expired {} days ago; user=gone; err=User account has expired", day - 1),
            ],
        ),
    );
    assert_eq!(
        ours,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_ACCT_EXPIRED"),
            &[],
            &["Your account has expired; please contact your system administrator."],
            &[&format!("<85>pam_ldap_shell(ours:account): user \"gone\" refused: account expired: shadowExpire is 1 (day {day} is today) in entry \"uid=gone,{USER_DN}\"; fix: raise or remove shadowExpire")],
        )
    );

    // shadowLastChange: 0, the administrator's "change at next login".
    let (theirs, ours) = p.both("forced", PASSWORD);
    assert_theirs(
        &theirs,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_NEW_AUTHTOK_REQD"),
            &[],
            &["Need a new password"],
            &[
                &format!("<28>[ID] <authc=\"forced\"> uid=forced,{USER_DN}: \"${{shadowLastChange:--1}}\": Need a new password"),
                "<85>pam_ldap(theirs:account): Need a new password; user=forced; err=Authentication token is no longer valid; new one required",
            ],
        ),
    );
    assert_eq!(
        ours,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_NEW_AUTHTOK_REQD"),
            &[],
            &["You are required to change your password immediately (administrator enforced)."],
            &[
                &format!("<85>pam_ldap_shell(ours:account): user \"forced\" must change the password: shadowLastChange is 0 in entry \"uid=forced,{USER_DN}\""),
                "<85>pam_ldap_shell(ours:account): user \"forced\": password change required (administrator enforced): PAM_NEW_AUTHTOK_REQD",
            ],
        )
    );

    // Changed 100 days ago, shadowMax 90.
    let (theirs, ours) = p.both("aged", PASSWORD);
    assert_theirs(
        &theirs,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_NEW_AUTHTOK_REQD"),
            &[],
            &["Password expired 10 days ago"],
            &[
                &format!("<28>[ID] <authc=\"aged\"> uid=aged,{USER_DN}: \"${{shadowMax:--1}}\": Password expired 10 days ago"),
                "<85>pam_ldap(theirs:account): Password expired 10 days ago; user=aged; err=Authentication token is no longer valid; new one required",
            ],
        ),
    );
    assert_eq!(
        ours,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_NEW_AUTHTOK_REQD"),
            &[],
            &["You are required to change your password immediately (password expired)."],
            &[
                &format!("<85>pam_ldap_shell(ours:account): user \"aged\" must change the password: it is older than shadowMax (90): shadowLastChange {} in entry \"uid=aged,{USER_DN}\"", day - 100),
                "<85>pam_ldap_shell(ours:account): user \"aged\": password change required (password expired): PAM_NEW_AUTHTOK_REQD",
            ],
        )
    );

    // Changed 85 days ago, shadowMax 90, shadowWarning 7.
    let (theirs, ours) = p.both("soon", PASSWORD);
    assert_theirs(
        &theirs,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_SUCCESS"),
            &["Password will expire in 5 days"],
            &[],
            &[
                &format!("<28>[ID] <authc=\"soon\"> uid=soon,{USER_DN}: \"${{shadowWarning:--1}}\": Password will expire in 5 days"),
                "<86>pam_ldap(theirs:account): Password will expire in 5 days; user=soon",
            ],
        ),
    );
    assert_eq!(
        ours,
        outcome(
            "PAM_SUCCESS",
            Some("PAM_SUCCESS"),
            &["Warning: your password will expire in 5 day(s)."],
            &[],
            &[&format!("<86>pam_ldap_shell(ours:account): user \"soon\": password expires in 5 day(s) (shadowLastChange {} + shadowMax 90, shadowWarning 7) in entry \"uid=soon,{USER_DN}\"", day - 85)],
        )
    );
    assert_eq!(
        today(),
        day,
        "the day changed during the test: run it again"
    );
}

/// sshd refuses sshlock itself (his shell is listed in /etc/shells but not
/// installed) and still runs PAM's auth, with a placeholder password
/// instead of the one typed: with pam_ldap each such attempt is a failed
/// bind, and pwdMaxFailure of them lock the account.
#[test]
fn sshd_placeholder_password() {
    let p = Peers::start();
    let ours_module = format!(
        "pam_ldap_shell.so uri={} base=dc=example,dc=org",
        p.ours.uri()
    );
    let mut logs = Vec::new();
    for (module, slapd) in [("pam_ldap.so", &p.theirs), (ours_module.as_str(), &p.ours)] {
        p.world.set_pam(
            "sshd",
            &format!("auth required {module}\naccount required {module}\nsession required pam_permit.so\n"),
        );
        p.world.new_log();
        for _ in 0..3 {
            let s = ssh::run(p.world.ssh_port, "sshlock", PASSWORD, "true");
            assert_eq!(s.exit_code, 255, "ssh sshlock: {s:?}");
        }
        let failures = ppolicy::operational(slapd, "sshlock", "pwdFailureTime").len();
        let locked = !ppolicy::operational(slapd, "sshlock", "pwdAccountLockedTime").is_empty();
        logs.push((failures, locked, login_lines(&p.world.new_log())));
    }
    let theirs_line = [
        format!("<28>[ID] <authc=\"sshlock\"> uid=sshlock,{USER_DN}: Invalid credentials"),
        "<85>pam_ldap(sshd:auth): Authentication failure; user=sshlock".to_string(),
    ];
    let (failures, locked, log) = &logs[0];
    assert_eq!((failures, locked), (&3, &true), "{log:#?}");
    if measured_nslcd() {
        let want: Vec<String> = theirs_line.iter().cycle().take(6).cloned().collect();
        assert_eq!(log, &want);
    }
    let ours_line = "<85>pam_ldap_shell(sshd:auth): authentication failure for user \"sshlock\": sshd refused this user itself and sent its placeholder password (no bind attempted, so no failed bind counts towards a lockout)";
    assert_eq!(logs[1], (0, false, vec![ours_line.to_string(); 3]));
}
