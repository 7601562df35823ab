//! The account phase (shell checks, authz_filter) through the real libpam and
//! slapd, run without the auth phase: it must work when another module did auth.

mod common;
use common::*;

/// The line for `user` must name the user, the attribute, the DN, NSS's view and a fix.
fn assert_refusal_line(run: &testkit::PamRun, user: &str, dn: &str, what: &str) {
    let lines = module_lines(run);
    let line = lines
        .iter()
        .find(|l| {
            l.contains("pam_ldap_shell(test:account)")
                && l.contains(&format!("user \"{user}\" refused"))
        })
        .unwrap_or_else(|| panic!("no refusal line for {user}: {run:#?}"));
    for part in ["loginShell", dn, "NSS (getpwnam)", "fix: ", what] {
        assert!(line.contains(part), "{part:?} missing from {line:?}");
    }
}

/// The user is told, without the DN.
fn assert_user_told(run: &testkit::PamRun, text: &str) {
    let told = format!("{}{}", run.stdout, run.stderr);
    assert!(told.contains(text), "user was not told {text:?}: {run:#?}");
    assert!(
        !told.contains("dc=example"),
        "DN leaked to the user: {told}"
    );
}

/// Runs the account phase for `user` (an entry under ou=people), which must be
/// refused with a log line naming `what`.
fn refused(module_args: &str, user: &str, what: &str) -> testkit::PamRun {
    let run = account(module_args, user);
    assert_result(&run, "PAM_PERM_DENIED");
    let dn = format!("uid={user},ou=people,{BASE}");
    assert_refusal_line(&run, user, &dn, what);
    run
}

#[test]
fn good_shell_passes() {
    let run = account(&args(""), "alice");
    assert_result(&run, "PAM_SUCCESS");
    assert!(module_lines(&run).is_empty(), "{run:#?}");
}

#[test]
fn missing_shell_is_denied_with_the_full_story() {
    let run = refused(&args(""), "nora", "is absent from");
    assert!(module_lines(&run)[0].contains("NSS (getpwnam) does not know the user"));
    assert_user_told(&run, "no login shell");
}

#[test]
fn empty_shell_is_denied() {
    refused(&args(""), "emma", "is empty in");
}

#[test]
fn shell_not_in_etc_shells_is_denied() {
    let run = refused(
        &args(""),
        "carol",
        "\"/bin/dash\", which is not listed in /etc/shells",
    );
    assert_user_told(&run, "/bin/dash is not allowed");
}

#[test]
fn shell_that_does_not_exist_is_denied() {
    let run = refused(
        &args(""),
        "dave",
        "\"/opt/missing/zsh\", which does not exist on this host",
    );
    assert_user_told(&run, "/opt/missing/zsh does not exist");
}

#[test]
fn check_shells_no_skips_the_list() {
    assert_result(&account(&args("check_shells=no"), "carol"), "PAM_SUCCESS");
    assert_result(&account(&args("check_shells=no"), "dave"), "PAM_SUCCESS");
}

#[test]
fn missing_shell_warn_admits_and_logs() {
    let run = account(&args("missing_shell=warn"), "nora");
    assert_result(&run, "PAM_SUCCESS");
    assert_logged(
        &run,
        &[
            "user \"nora\" admitted (missing_shell=warn)",
            "loginShell",
            "uid=nora,ou=people,dc=example,dc=org",
            "NSS (getpwnam)",
        ],
    );
    assert!(format!("{}{}", run.stdout, run.stderr)
        .contains("Warning: your account has no login shell"));
}

#[test]
fn missing_shell_default_admits_and_logs() {
    let run = account(&args("missing_shell=default:/bin/sh"), "nora");
    assert_result(&run, "PAM_SUCCESS");
    assert_logged(&run, &["\"nora\"", "using missing_shell default /bin/sh"]);
    // The default is checked like any shell.
    let run = account(&args("missing_shell=default:/bin/dash"), "emma");
    assert_result(&run, "PAM_PERM_DENIED");
}

#[test]
fn no_warn_keeps_the_user_uninformed_but_still_logs() {
    let run = account(&args("no_warn"), "carol");
    assert_result(&run, "PAM_PERM_DENIED");
    assert!(
        !format!("{}{}", run.stdout, run.stderr).contains("Login refused"),
        "{run:#?}"
    );
    assert_eq!(module_lines(&run).len(), 1, "{run:#?}");
}

#[test]
fn authz_filter_refuses_outsiders() {
    let a = args("authz_filter=(gidNumber=5000)");
    assert_result(&account(&a, "alice"), "PAM_SUCCESS");
    let run = account(&a, "oscar");
    assert_result(&run, "PAM_PERM_DENIED");
    assert_logged(
        &run,
        &[
            "user \"oscar\" refused",
            "uid=oscar,ou=people,dc=example,dc=org",
            "authz_filter (gidNumber=5000)",
        ],
    );
}

#[test]
fn duplicates_and_unknown_users() {
    let run = account(&args(""), "twin");
    assert_result(&run, "PAM_PERM_DENIED");
    assert!(module_lines(&run)
        .iter()
        .any(|l| l.contains("2 entries match")));
    assert_result(&account(&args(""), "ghost"), "PAM_USER_UNKNOWN");
    assert_result(
        &account(&args("ignore_unknown_user"), "ghost"),
        "PAM_IGNORE",
    );
    assert_result(&account(&args("minimum_uid=1000"), "low"), "PAM_IGNORE");
}

#[test]
fn auth_then_account_in_one_session() {
    let run = login(&args(""), "carol");
    assert_result(&run, "PAM_PERM_DENIED");
    let run = login(&args(""), "alice");
    assert_result(&run, "PAM_SUCCESS");
}

#[test]
fn passwords_never_reach_the_log_even_with_debug() {
    let secrets = [PASSWORD, "Wrong-Secret-55", "Service-Secret-7"];
    let sb = sandbox("");
    let pwfile = sb.write_private("bindpw", "Service-Secret-7\n");
    let a = args(&format!(
        "debug binddn=cn=svc,ou=services,{BASE} bindpw_file={}",
        pwfile.display()
    ));
    let runs = [
        login(&a, "alice"),
        sandbox(&a).pamtester("test", "alice", &["authenticate"], "Wrong-Secret-55\n"),
        login(&a, "carol"),
        sandbox(&a).pamtester("test", "ghost", &["authenticate"], &format!("{PASSWORD}\n")),
    ];
    assert_result(&runs[0], "PAM_SUCCESS");
    // debug did log something, so the check below is not vacuous.
    assert!(runs.iter().any(|r| module_lines(r).len() >= 2), "{runs:#?}");
    for run in &runs {
        for line in &run.syslog {
            for s in secrets {
                assert!(!line.contains(s), "password in log line {line:?}");
            }
        }
    }
}

#[test]
fn the_nss_view_is_quoted() {
    // A private /etc/passwd where NSS knows carol with another shell than LDAP's.
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap()
        + "carol:x:10004:5000:Carol:/home/carol:/usr/bin/zsh\n";
    let mut sb = sandbox(&args(""));
    sb.replace_file("/etc/passwd", &passwd);
    let run = sb.pamtester("test", "carol", &["acct_mgmt"], "");
    assert_result(&run, "PAM_PERM_DENIED");
    assert_logged(&run, &["NSS (getpwnam) reports shell \"/usr/bin/zsh\""]);
}

#[test]
fn pam_silent_keeps_the_user_uninformed_but_still_logs() {
    let run = sandbox(&args("")).pamtester("test", "carol", &["acct_mgmt(PAM_SILENT)"], "");
    assert_result(&run, "PAM_PERM_DENIED");
    assert!(
        !format!("{}{}", run.stdout, run.stderr).contains("Login refused"),
        "{run:#?}"
    );
    assert_eq!(module_lines(&run).len(), 1, "{run:#?}");
}

#[test]
fn account_with_dn_template_reads_that_entry() {
    let t = format!("uri={} dn_template=uid=%u,ou=people,{BASE}", uri());
    assert_result(&account(&t, "alice"), "PAM_SUCCESS");
    refused(&t, "carol", "not listed");
    assert_result(&account(&t, "ghost"), "PAM_USER_UNKNOWN");
}

#[test]
fn account_with_every_server_down_is_authinfo_unavail() {
    let run = account(&format!("uri=ldap://127.0.0.1:1 base={BASE}"), "alice");
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert_logged(
        &run,
        &["pam_ldap_shell(test:account): cannot check user \"alice\""],
    );
}

#[test]
fn account_searches_as_the_service_account() {
    let sb = sandbox("");
    let pwfile = sb.write_private("bindpw", "Service-Secret-7\n");
    let with_svc = args(&format!(
        "binddn=cn=svc,ou=services,{BASE} bindpw_file={}",
        pwfile.display()
    ));
    assert_result(&account(&with_svc, "hank"), "PAM_SUCCESS");
    assert_result(&account(&args(""), "hank"), "PAM_USER_UNKNOWN");
}
