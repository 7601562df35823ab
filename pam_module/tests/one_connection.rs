//! One LDAP connection and one search per login, through the real libpam and
//! a real slapd: the account phase uses the entry the auth phase read, and
//! when it must still ask the directory (`authz_filter`) it uses the
//! connection the auth phase kept with pam_set_data. A loopback relay in
//! front of slapd (tests/support/ldap_proxy.rs) counts the connections and
//! records the operations each carried.

mod common;
#[path = "support/ldap_proxy.rs"]
mod ldap_proxy;

use common::*;
use ldap_proxy::{Proxy, BIND, SEARCH, UNBIND};
use testkit::libpam::{Session, PAM_DATA_SILENT};
use testkit::Slapd;

/// A relay in front of the shared slapd.
fn proxy() -> Proxy {
    Proxy::start(uri().trim_start_matches("ldap://"))
}

fn proxy_to(slapd: &Slapd) -> Proxy {
    Proxy::start(slapd.uri().trim_start_matches("ldap://"))
}

fn proxied_args(p: &Proxy, extra: &str) -> String {
    format!("uri={} base={BASE} {extra}", p.uri())
}

/// An authz_filter every test user matches: the account phase then has a
/// search of its own to make, on the connection auth kept.
const AUTHZ: &str = "authz_filter=(objectClass=posixAccount)";

#[test]
fn a_login_in_process_makes_one_connection_and_one_search() {
    let p = proxy();
    let dir = confdir(&proxied_args(&p, ""));
    let mut s = Session::start(dir.path(), "test", "alice", PASSWORD);
    assert_eq!(s.authenticate(), "PAM_SUCCESS");
    // Account needs nothing more from the directory: closed at once.
    assert_eq!(p.client_sockets_open(), 0, "kept after auth");
    assert_eq!(s.acct_mgmt(), "PAM_SUCCESS");
    assert_eq!(p.connections(), 1);
    assert_eq!(s.end(0), 0);
    // auth: search, bind as alice, unbind; account: the entry auth read.
    assert_eq!(p.closed_ops(0), [SEARCH, BIND, UNBIND]);
}

#[test]
fn with_authz_filter_account_uses_the_connection_auth_kept() {
    let p = proxy();
    let dir = confdir(&proxied_args(&p, AUTHZ));
    let mut s = Session::start(dir.path(), "test", "alice", PASSWORD);
    assert_eq!(s.authenticate(), "PAM_SUCCESS");
    assert_eq!(p.connections(), 1);
    assert_eq!(p.client_sockets_open(), 1, "closed after auth");
    assert_eq!(s.acct_mgmt(), "PAM_SUCCESS");
    // Not kept after account: sshd keeps the handle for the whole session.
    assert_eq!(p.client_sockets_open(), 0, "still open after account");
    assert_eq!(s.end(0), 0);
    assert_eq!(p.connections(), 1, "{:?}", p.log());
    // auth: search, bind as alice; account: anonymous rebind, the
    // authz_filter search; then unbind.
    assert_eq!(p.closed_ops(0), [SEARCH, BIND, BIND, SEARCH, UNBIND]);
}

#[test]
fn pamtester_login_makes_one_connection_and_refusals_are_unchanged() {
    let p = proxy();
    let a = proxied_args(&p, "");
    let run = login(&a, "alice");
    assert_result(&run, "PAM_SUCCESS");
    assert_eq!(p.connections(), 1, "{:?}", p.log());
    let run = login(&a, "carol");
    assert_result(&run, "PAM_PERM_DENIED");
    assert_logged(&run, &["user \"carol\" refused", "/bin/dash", "not listed"]);
    assert_eq!(p.connections(), 2, "{:?}", p.log());
    assert_eq!(p.closed_ops(1), [SEARCH, BIND, UNBIND]);
    // A wrong password: the account phase is not reached, one connection still.
    let run = sandbox(&a).pamtester("test", "alice", &["authenticate", "acct_mgmt"], "wrong\n");
    assert_result(&run, "PAM_AUTH_ERR");
    assert_eq!(p.connections(), 3, "{:?}", p.log());
}

/// A slapd where users cannot read their own loginShell (anyone else can):
/// a search made while still bound as the user would find no shell, and an
/// authz_filter on loginShell would not match.
fn slapd_hiding_own_shell() -> Slapd {
    Slapd::start_with_config(
        "",
        "access to attrs=loginShell by self none by * read\naccess to * by * read",
    )
}

#[test]
fn account_searches_as_the_search_identity_after_auth_bound_as_the_user() {
    let slapd = slapd_hiding_own_shell();
    // Control: bound as alice, her own loginShell is invisible.
    {
        let mut c = ldap3::LdapConn::new(slapd.uri()).expect("connect");
        let dn = format!("uid=alice,ou=people,{BASE}");
        c.simple_bind(&dn, PASSWORD)
            .expect("bind")
            .success()
            .expect("bind");
        let (found, _) = c
            .search(
                &dn,
                ldap3::Scope::Base,
                "(objectClass=*)",
                vec!["loginShell"],
            )
            .expect("search")
            .success()
            .expect("search");
        let entry = ldap3::SearchEntry::construct(found.into_iter().next().expect("entry"));
        assert!(
            !entry.attrs.contains_key("loginShell"),
            "the ACL does not hide it"
        );
    }
    // The directory rebinds as the search identity after a user bind.
    {
        use pam_ldap_shell::directory::{Directory, Lookup};
        let opts = options_for(&format!("uri={} base={BASE}", slapd.uri()));
        let mut d = pam_ldap_shell::ldap::LdapDirectory::new(&opts);
        let Ok(Lookup::Found(e)) = d.lookup("alice") else {
            panic!("alice not found")
        };
        d.bind(&e.dn, PASSWORD).expect("bind");
        let Ok(Lookup::Found(e)) = d.lookup("alice") else {
            panic!("alice not found")
        };
        assert_eq!(e.shell_values, ["/bin/bash"]);
    }
    let p = proxy_to(&slapd);
    let a = proxied_args(&p, "authz_filter=(loginShell=/bin/bash)");
    let run = login(&a, "alice");
    assert_result(&run, "PAM_SUCCESS");
    assert_eq!(p.connections(), 1, "{:?}", p.log());
    assert_eq!(p.closed_ops(0), [SEARCH, BIND, BIND, SEARCH, UNBIND]);
}

#[test]
fn with_a_service_account_the_rebind_is_the_service_bind() {
    let p = proxy();
    let sb = sandbox("");
    let pwfile = sb.write_private("bindpw", "Service-Secret-7\n");
    let a = proxied_args(
        &p,
        &format!(
            "binddn=cn=svc,ou=services,{BASE} bindpw_file={} {AUTHZ}",
            pwfile.display()
        ),
    );
    // hank is visible to the service account only.
    let run = login(&a, "hank");
    assert_result(&run, "PAM_SUCCESS");
    assert_eq!(p.connections(), 1, "{:?}", p.log());
    // service bind, search, bind as hank; service bind, authz search; unbind.
    assert_eq!(p.closed_ops(0), [BIND, SEARCH, BIND, BIND, SEARCH, UNBIND]);
}

#[test]
fn a_kept_connection_closed_by_the_server_is_replaced_silently() {
    let p = proxy();
    p.close_after_first_bind();
    let run = sandbox(&proxied_args(&p, &format!("debug {AUTHZ}"))).pamtester(
        "test",
        "alice",
        &["authenticate", "acct_mgmt"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_SUCCESS");
    assert_eq!(p.connections(), 2, "{:?}", p.log());
    assert_logged(
        &run,
        &["kept from an earlier call is closed", "connecting again"],
    );
    for line in module_lines(&run) {
        assert!(!line.contains("failed earlier"), "{line}");
        assert!(!line.contains("skipped"), "{line}");
    }
}

#[test]
fn a_server_restart_between_auth_and_account_in_process() {
    let p = proxy();
    let dir = confdir(&proxied_args(&p, AUTHZ));
    let mut s = Session::start(dir.path(), "test", "alice", PASSWORD);
    assert_eq!(s.authenticate(), "PAM_SUCCESS");
    assert_eq!(p.client_sockets_open(), 1, "closed after auth");
    p.close_all();
    assert_eq!(s.acct_mgmt(), "PAM_SUCCESS");
    assert_eq!(p.connections(), 2, "{:?}", p.log());
    assert_eq!(s.end(0), 0);
    assert_eq!(p.closed_ops(1), [SEARCH, UNBIND]);
}

#[test]
fn pam_end_after_auth_alone_closes_the_connection() {
    let p = proxy();
    let dir = confdir(&proxied_args(&p, AUTHZ));
    let mut s = Session::start(dir.path(), "test", "alice", PASSWORD);
    assert_eq!(s.authenticate(), "PAM_SUCCESS");
    assert_eq!(p.client_sockets_open(), 1, "closed after auth");
    assert_eq!(s.end(0), 0);
    assert_eq!(p.client_sockets_open(), 0, "still open after pam_end");
    // The client sent an unbind and closed its socket at pam_end.
    assert_eq!(p.closed_ops(0), [SEARCH, BIND, UNBIND]);
}

#[test]
fn a_forked_child_ending_the_handle_leaves_the_parents_connection_alone() {
    let p = proxy();
    let dir = confdir(&proxied_args(&p, AUTHZ));
    let mut s = Session::start(dir.path(), "test", "alice", PASSWORD);
    assert_eq!(s.authenticate(), "PAM_SUCCESS");
    // As sshd's or login's child does after fork: PAM_DATA_SILENT; and a
    // careless child without it (the module sees another pid).
    for status in [PAM_DATA_SILENT, 0] {
        // SAFETY: the child only calls pam_end and _exit (end_in_child).
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            s.end_in_child(status);
        }
        let mut wstatus = 0;
        // SAFETY: waiting for the child forked above.
        let waited = unsafe { libc::waitpid(pid, &mut wstatus, 0) };
        assert_eq!(waited, pid);
        assert!(
            libc::WIFEXITED(wstatus) && libc::WEXITSTATUS(wstatus) == 0,
            "child pam_end failed: {wstatus}"
        );
        assert_eq!(
            p.client_sockets_open(),
            1,
            "closed by the child (status {status}): {:?}",
            p.log()
        );
    }
    assert_eq!(s.acct_mgmt(), "PAM_SUCCESS");
    assert_eq!(p.connections(), 1, "{:?}", p.log());
    assert_eq!(p.client_sockets_open(), 0, "still open after account");
    assert_eq!(s.end(0), 0);
    assert_eq!(p.closed_ops(0), [SEARCH, BIND, BIND, SEARCH, UNBIND]);
}

fn options_for(args: &str) -> pam_ldap_shell::options::Options {
    use pam_ldap_shell::options::{Options, Origin, Setting};
    let settings: Vec<Setting> = args
        .split_whitespace()
        .map(|a| Setting::parse(a, Origin::Arguments))
        .collect();
    Options::from_settings(&settings).expect("options")
}

#[test]
fn a_password_change_makes_one_connection_for_both_passes() {
    // A private server: this test changes alice's password.
    let slapd = Slapd::start();
    let p = proxy_to(&slapd);
    let new = "Brand-New-Pass-8";
    let sb = sandbox(&proxied_args(&p, ""));
    let run = sb.pamtester(
        "test",
        "alice",
        &["chauthtok"],
        &format!("{PASSWORD}\n{new}\n{new}\n"),
    );
    assert_result(&run, "PAM_SUCCESS");
    assert_eq!(p.connections(), 1, "{:?}", p.log());
    // Check pass: search, bind with the current password. Update pass:
    // rebind, search, bind, Password Modify (0x77 extended request); unbind.
    assert_eq!(
        p.closed_ops(0),
        [SEARCH, BIND, BIND, SEARCH, BIND, 0x77, UNBIND]
    );
    let login = sb.pamtester("test", "alice", &["authenticate"], &format!("{new}\n"));
    assert_result(&login, "PAM_SUCCESS");
}

#[test]
fn a_retry_after_a_refused_password_searches_as_the_service_account() {
    use pam_ldap_shell::directory::{BindOutcome, Directory, Lookup};
    // hank is visible to the service account only; a refused bind leaves
    // the connection anonymous, which must not be what the retry searches as.
    let p = proxy();
    let sb = sandbox("");
    let pwfile = sb.write_private("bindpw", "Service-Secret-7\n");
    let opts = options_for(&proxied_args(
        &p,
        &format!(
            "binddn=cn=svc,ou=services,{BASE} bindpw_file={}",
            pwfile.display()
        ),
    ));
    let mut d = pam_ldap_shell::ldap::LdapDirectory::new(&opts);
    let Ok(Lookup::Found(e)) = d.lookup("hank") else {
        panic!("hank not visible to the service account")
    };
    assert_eq!(
        d.bind(&e.dn, "not-the-password").expect("bind"),
        BindOutcome::InvalidCredentials
    );
    let again = d.lookup("hank").expect("second search");
    assert!(matches!(again, Lookup::Found(_)), "{again:?}");
    drop(d);
    // service bind, search, refused bind; service bind again, search; unbind.
    assert_eq!(p.closed_ops(0), [BIND, SEARCH, BIND, BIND, SEARCH, UNBIND]);
}

#[test]
fn nothing_is_kept_after_a_refused_password_or_an_unknown_user() {
    // With authz_filter a successful auth keeps the connection for the
    // account phase; a refusal ends the login, so nothing would reuse it.
    let p = proxy();
    let dir = confdir(&proxied_args(&p, AUTHZ));
    for (user, password, expected) in [
        ("alice", "wrong", "PAM_AUTH_ERR"),
        ("nobody-here", PASSWORD, "PAM_USER_UNKNOWN"),
    ] {
        let mut s = Session::start(dir.path(), "test", user, password);
        assert_eq!(s.authenticate(), expected);
        assert_eq!(p.client_sockets_open(), 0, "{user}: kept after a refusal");
        assert_eq!(s.end(0), 0);
    }
}

/// A stack naming the module twice, by two files (`copy` is a second copy of
/// the built module): each line gets its own `required` verdict.
fn two_copies_confdir(args: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let first = module_path().display().to_string();
    let copy = dir.path().join("pam_ldap_shell_copy.so");
    std::fs::copy(module_path(), &copy).unwrap();
    let copy = copy.display().to_string();
    let shells = dir.path().join("shells");
    std::fs::write(&shells, SHELLS).unwrap();
    let a = format!("{args} shells={}", shells.display());
    std::fs::write(
        dir.path().join("test"),
        format!(
            "auth required {first} {a}\nauth required {copy} {a}\n\
             account required {first} {a}\naccount required {copy} {a}\n"
        ),
    )
    .unwrap();
    dir
}

#[test]
fn a_second_copy_of_the_module_on_the_handle_never_touches_the_first_ones_state() {
    let p = proxy();
    let dir = two_copies_confdir(&proxied_args(&p, AUTHZ));
    let mut s = Session::start(dir.path(), "test", "alice", PASSWORD);
    assert_eq!(s.authenticate(), "PAM_SUCCESS");
    // The first copy keeps its connection; the second finds the state slot
    // taken by the first, cannot keep its own and closes it at once.
    assert_eq!(p.connections(), 2, "{:?}", p.log());
    assert_eq!(p.client_sockets_open(), 1);
    assert_eq!(p.closed_ops(1), [SEARCH, BIND, UNBIND]);
    assert_eq!(s.acct_mgmt(), "PAM_SUCCESS");
    // Account: the first copy uses its kept connection, the second connects.
    assert_eq!(p.connections(), 3, "{:?}", p.log());
    assert_eq!(p.client_sockets_open(), 0);
    assert_eq!(s.end(0), 0);
    assert_eq!(p.closed_ops(0), [SEARCH, BIND, BIND, SEARCH, UNBIND]);
    assert_eq!(p.closed_ops(2), [SEARCH, SEARCH, UNBIND]);
}
