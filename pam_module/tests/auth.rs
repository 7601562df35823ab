//! The auth phase through the real libpam (pamtester in bwrap) and a real slapd.

mod common;
use common::*;
use testkit::Sandbox;

#[test]
fn good_password_succeeds() {
    let run = auth(&args("debug"), "alice", PASSWORD);
    assert_result(&run, "PAM_SUCCESS");
    // The module writes nothing to the host's stdout/stderr: only pamtester
    // and the password prompt (sent through the conversation) appear.
    let all = format!("{}{}", run.stdout, run.stderr.replace("Password: ", ""));
    assert!(
        all.lines().all(|l| l.starts_with("pamtester: ")),
        "{run:#?}"
    );
}

#[test]
fn wrong_password_is_auth_err_and_logged() {
    let run = auth(&args(""), "alice", "wrong-password");
    assert_result(&run, "PAM_AUTH_ERR");
    assert_logged(
        &run,
        &[
            "pam_ldap_shell(test:auth)",
            "\"alice\"",
            "invalid credentials",
        ],
    );
}

#[test]
fn empty_password_is_refused_without_a_bind() {
    // The user is looked up first (so an ignored user is never prompted);
    // the empty password is then refused without a bind: slapd refuses an
    // unauthenticated bind (DN, empty password) with result 53, which would
    // make this PAM_AUTHINFO_UNAVAIL, so PAM_AUTH_ERR proves none was sent.
    let run = auth(&args(""), "alice", "");
    assert_result(&run, "PAM_AUTH_ERR");
    assert_logged(&run, &["empty password refused (no bind attempted)"]);
}

#[test]
fn filter_injection_in_user_names_matches_nobody() {
    for user in [
        "*",
        "a*",
        "alice)(uid=*",
        "*)(objectClass=*",
        "al\\2aice",
        "alic*",
    ] {
        let run = auth(&args(""), user, PASSWORD);
        assert_result(&run, "PAM_USER_UNKNOWN");
    }
}

#[test]
fn injection_passwords_fail() {
    for pw in ["*", "Correct-Horse-*", "*)(uid=*"] {
        let run = auth(&args(""), "alice", pw);
        assert_result(&run, "PAM_AUTH_ERR");
    }
}

#[test]
fn special_character_names_authenticate_as_themselves() {
    for (user, pw) in [
        ("a*b", "Star-Pass-1"),
        ("x(y)", "Paren-Pass-2"),
        ("bo,b", "Comma-Pass-4"),
    ] {
        assert_result(&auth(&args(""), user, pw), "PAM_SUCCESS");
        // Someone else's password must not work for them.
        assert_result(&auth(&args(""), user, PASSWORD), "PAM_AUTH_ERR");
    }
}

#[test]
fn dn_template_escapes_per_rfc4514() {
    let t = format!("uri={} dn_template=uid=%u,ou=people,{BASE}", uri());
    assert_result(&auth(&t, "bo,b", "Comma-Pass-4"), "PAM_SUCCESS");
    assert_result(&auth(&t, "alice", PASSWORD), "PAM_SUCCESS");
    assert_result(&auth(&t, "alice", "nope"), "PAM_AUTH_ERR");
    // A name carrying DN syntax stays one attribute value: it cannot become alice.
    for user in [
        "alice,ou=people,dc=example,dc=org",
        "alice+cn=Alice",
        "alice\\",
    ] {
        assert_result(&auth(&t, user, PASSWORD), "PAM_AUTH_ERR");
    }
}

#[test]
fn unknown_user_is_user_unknown_or_ignored() {
    let run = auth(&args(""), "nobody-here", PASSWORD);
    assert_result(&run, "PAM_USER_UNKNOWN");
    assert!(module_lines(&run)
        .iter()
        .any(|l| l.contains("\"nobody-here\" not found")));
    assert_result(
        &auth(&args("ignore_unknown_user"), "nobody-here", PASSWORD),
        "PAM_IGNORE",
    );
}

#[test]
fn duplicate_entries_are_refused_never_first_taken() {
    let run = auth(&args(""), "twin", PASSWORD);
    assert_result(&run, "PAM_AUTH_ERR");
    assert_logged(
        &run,
        &[
            "2 entries match",
            "uid=twin,ou=people",
            "cn=Twin Two,ou=staff",
        ],
    );
}

#[test]
fn all_servers_down_is_authinfo_unavail() {
    let a = format!("uri=ldap://127.0.0.1:1,ldap://127.0.0.1:2 base={BASE} connect_timeout_ms=500");
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert_logged(&run, &["ldap://127.0.0.1:1", "ldap://127.0.0.1:2"]);
}

#[test]
fn a_server_that_never_answers_times_out() {
    // Accepts TCP connections (the kernel does) but never speaks LDAP.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let a =
        format!("uri=ldap://127.0.0.1:{port} base={BASE} connect_timeout_ms=300 timeout_ms=300");
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert!(
        module_lines(&run).iter().any(|l| l.contains("timed out")),
        "{run:#?}"
    );
    drop(silent);
}

#[test]
fn failover_to_the_second_uri() {
    let a = format!("uri=ldap://127.0.0.1:1,{} base={BASE}", uri());
    assert_result(&auth(&a, "alice", PASSWORD), "PAM_SUCCESS");
}

#[test]
fn service_account_finds_entries_anonymous_cannot() {
    let sb = sandbox("");
    let pwfile = sb.write_private("bindpw", "Service-Secret-7\n");
    let with_svc = args(&format!(
        "binddn=cn=svc,ou=services,{BASE} bindpw_file={}",
        pwfile.display()
    ));
    assert_result(&auth(&with_svc, "hank", PASSWORD), "PAM_SUCCESS");
    assert_result(&auth(&args(""), "hank", PASSWORD), "PAM_USER_UNKNOWN");
    let bad = sb.write_private("badpw", "wrong\n");
    let with_bad = args(&format!(
        "binddn=cn=svc,ou=services,{BASE} bindpw_file={}",
        bad.display()
    ));
    let run = auth(&with_bad, "alice", PASSWORD);
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert_logged(&run, &["service account bind"]);
}

#[test]
fn use_first_pass_reuses_the_stored_password() {
    let m = module_path().display().to_string();
    let a = args("");
    let mut sb = sandbox("");
    // The first instance prompts and stores PAM_AUTHTOK; the second must not
    // prompt (stdin has one line only) and must succeed with it.
    sb.service(
        "twice",
        &format!("auth required {m} {a}\nauth required {m} {a} use_first_pass\n"),
    );
    let run = sb.pamtester(
        "twice",
        "alice",
        &["authenticate"],
        &format!("{PASSWORD}\n"),
    );
    assert_result(&run, "PAM_SUCCESS");
    assert_eq!(
        run.stdout.matches("Password:").count() + run.stderr.matches("Password:").count(),
        1,
        "{run:#?}"
    );
    // use_first_pass with nothing stored fails without prompting.
    let run = auth(&args("use_first_pass"), "alice", PASSWORD);
    assert_result(&run, "PAM_AUTH_ERR");
}

#[test]
fn minimum_uid_leaves_low_uids_to_other_modules() {
    assert_result(
        &auth(&args("minimum_uid=1000"), "low", PASSWORD),
        "PAM_IGNORE",
    );
    assert_result(
        &auth(&args("minimum_uid=1000"), "alice", PASSWORD),
        "PAM_SUCCESS",
    );
}

#[test]
fn configuration_errors_are_service_err_naming_option_and_file() {
    let run = auth(&args("no_such_option=1"), "alice", PASSWORD);
    assert_result(&run, "PAM_SERVICE_ERR");
    assert_logged(&run, &["\"no_such_option\"", "module arguments"]);
    let sb = sandbox("");
    let conf = sb.write("bad.conf", "timeout_ms=soon\n");
    let run = auth(
        &args(&format!("config={}", conf.display())),
        "alice",
        PASSWORD,
    );
    assert_result(&run, "PAM_SERVICE_ERR");
    assert_logged(&run, &["\"timeout_ms\"", "bad.conf"]);
}

#[test]
fn config_file_and_ldap_conf_supply_settings() {
    let mut sb = Sandbox::new();
    let m = module_path().display().to_string();
    sb.replace_file(
        "/etc/ldap/ldap.conf",
        &format!("URI {}\nBASE {BASE}\n", uri()),
    );
    sb.service("lc", &format!("auth required {m}\n"));
    let run = sb.pamtester("lc", "alice", &["authenticate"], &format!("{PASSWORD}\n"));
    assert_result(&run, "PAM_SUCCESS");
    // The module's own file overrides ldap.conf's base (to one that does not exist).
    let conf = sb.write("m.conf", "base=ou=nowhere,dc=example,dc=org\n");
    sb.service(
        "lc2",
        &format!("auth required {m} config={}\n", conf.display()),
    );
    let run = sb.pamtester("lc2", "alice", &["authenticate"], &format!("{PASSWORD}\n"));
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    assert!(
        !run.log_lines_with("pam_ldap_shell(lc2:auth): cannot check user \"alice\"")
            .is_empty()
            && !run.log_lines_with("ou=nowhere").is_empty(),
        "{run:#?}"
    );
}

// chauthtok is tested in tests/password.rs.

/// A port whose accept queue is full: the kernel drops further SYNs, so a
/// connect hangs like one to a host that is down behind a firewall.
fn blackhole() -> (std::net::TcpListener, Vec<std::net::TcpStream>, u16) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..4096 {
        match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => return (listener, held, addr.port()),
        }
    }
    panic!("could not fill the accept queue of {addr}");
}

#[test]
fn unresponsive_servers_hit_connect_timeout_then_fail_over() {
    let (_l, _held, port) = blackhole();
    let dead = format!("ldap://127.0.0.1:{port}");
    let a = format!("uri={dead},{dead} base={BASE} connect_timeout_ms=300");
    let run = auth(&a, "alice", PASSWORD);
    assert_result(&run, "PAM_AUTHINFO_UNAVAIL");
    let lines = module_lines(&run);
    assert!(
        lines.iter().any(|l| l.matches("timed out").count() == 2),
        "{lines:?}"
    );
    let a = format!("uri={dead},{} base={BASE} connect_timeout_ms=300", uri());
    assert_result(&auth(&a, "alice", PASSWORD), "PAM_SUCCESS");
}
