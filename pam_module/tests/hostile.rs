//! Hostile input through the real libpam and slapd: names and passwords
//! built to confuse filters, DNs and buffers, and directory entries with
//! shapes the schema does not promise. None lets anyone in who should not be
//! let in, none panics (a panic would be logged "panic caught") or hangs.

mod common;
use common::*;
use testkit::{PamRun, Sandbox, Slapd};

fn no_panic(run: &PamRun) {
    assert!(!run.syslog.iter().any(|l| l.contains("panic")), "{run:#?}");
}

#[test]
fn filter_and_case_tricks_in_names_find_nobody() {
    let long = "a".repeat(64 * 1024);
    let names = [
        "ALICE",
        "Alice",
        " alice",
        "alice ",
        "alice\t",
        "*",
        "alice*",
        "(uid=alice)",
        "alice)(|(uid=*",
        "\\2a",
        "alice\\00",
        "alice,ou=people",
        "alice+cn=Alice",
        "#alice",
        "\"alice\"",
        "<alice>",
        "alice;",
        long.as_str(),
        "ålice",
        "alice\u{200b}",
    ];
    for user in names {
        let run = auth(&args(""), user, PASSWORD);
        no_panic(&run);
        assert_eq!(
            result(&run),
            "PAM_USER_UNKNOWN",
            "user {:?}: {run:#?}",
            &user[..user.len().min(40)]
        );
        assert_no_password_in(&run, &[PASSWORD]);
    }
}

#[test]
fn dn_template_specials_never_reach_another_entry() {
    let a = args(&format!("dn_template=uid=%u,ou=people,{BASE}"));
    // Each would name alice's (or another) entry if put in the DN unescaped.
    for user in [
        "alice,ou=people",
        "x,uid=alice",
        "alice+cn=Alice",
        "#alice",
        "alice\\",
        " alice,",
    ] {
        let run = auth(&a, user, PASSWORD);
        no_panic(&run);
        assert_eq!(result(&run), "PAM_AUTH_ERR", "user {user:?}: {run:#?}");
    }
}

#[test]
fn hostile_passwords_fail_for_a_real_user() {
    let long = "x".repeat(64 * 1024);
    let with_spaces = format!(" {PASSWORD} ");
    let upper = PASSWORD.to_uppercase();
    for pw in [
        long.as_str(),
        with_spaces.as_str(),
        upper.as_str(),
        "*",
        "\\",
        "\u{0}",
        "é\u{301}",
    ] {
        let run = auth(&args(""), "alice", pw);
        no_panic(&run);
        assert_eq!(result(&run), "PAM_AUTH_ERR", "{run:#?}");
    }
}

/// A private slapd with entries the schema allows but the module must survive.
fn odd_entries(s: &Slapd) {
    let huge = format!("/{}", "a".repeat(1024 * 1024));
    // "/bin/sh" followed by bytes that are not UTF-8, base64 encoded.
    let ldif = format!(
        "dn: uid=multi,ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: multi\ncn: m\nsn: m\n\
         userPassword: Multi-Pass-1\ndescription: /bin/sh\ndescription: /bin/bash\n\n\
         dn: uid=binsh,ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: binsh\ncn: b\nsn: b\n\
         userPassword: Binary-Pass-2\naudio:: L2Jpbi9zaP8A\n\n\
         dn: uid=huge,ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: huge\ncn: h\nsn: h\n\
         userPassword: Huge-Pass-3\ndescription: {huge}\n"
    );
    ldapadd(s, &ldif);
}

#[test]
fn odd_shell_values_are_refused_and_logged() {
    let s = Slapd::start();
    odd_entries(&s);
    let run_in = |user: &str, attr: &str, op: &str, stdin: &str| {
        let mut sb = Sandbox::new();
        sb.service(
            "test",
            &stack(&format!("uri={} base={BASE} shell_attr={attr}", s.uri())),
        )
        .shells(SHELLS);
        sb.pamtester("test", user, &[op], stdin)
    };
    for (user, attr, pw, why) in [
        ("multi", "description", "Multi-Pass-1", "2 values"),
        ("binsh", "audio", "Binary-Pass-2", "binsh"),
        ("huge", "description", "Huge-Pass-3", "huge"),
    ] {
        // Their passwords work, and only theirs.
        assert_eq!(
            result(&run_in(user, attr, "authenticate", &format!("{pw}\n"))),
            "PAM_SUCCESS"
        );
        assert_eq!(
            result(&run_in(
                user,
                attr,
                "authenticate",
                &format!("{PASSWORD}\n")
            )),
            "PAM_AUTH_ERR"
        );
        let run = run_in(user, attr, "acct_mgmt", "");
        no_panic(&run);
        assert_eq!(result(&run), "PAM_PERM_DENIED", "{run:#?}");
        let lines = module_lines(&run);
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!("\"{user}\"")) && l.contains(attr)),
            "{why}: {lines:?}"
        );
        // A 1 MB value is not copied whole into a log line.
        assert!(
            lines.iter().all(|l| l.len() < 64 * 1024),
            "{why}: a log line of {} bytes",
            lines.iter().map(String::len).max().unwrap_or(0)
        );
    }
}

#[test]
fn case_variants_with_dn_template_are_refused_after_the_bind() {
    let a = args(&format!("dn_template=uid=%u,ou=people,{BASE}"));
    assert_eq!(result(&auth(&a, "alice", PASSWORD)), "PAM_SUCCESS");
    for user in ["ALICE", "Alice", "alice "] {
        let run = auth(&a, user, PASSWORD);
        assert_eq!(result(&run), "PAM_AUTH_ERR", "{user:?}: {run:#?}");
    }
    // Names with specials still authenticate as themselves.
    assert_eq!(result(&auth(&a, "bo,b", "Comma-Pass-4")), "PAM_SUCCESS");
}

#[test]
fn control_characters_in_a_user_name_cannot_forge_a_log_line() {
    // pam_syslog writes the message as is: a raw newline would let the
    // second half pass for another program's line in a text log.
    let forged = "ghost\nDec  2 10:00:00 host sshd[999]: Accepted password for root\x1b[2J";
    let run = auth(&args(""), forged, PASSWORD);
    assert_result(&run, "PAM_USER_UNKNOWN");
    let lines = module_lines(&run);
    assert!(!lines.is_empty(), "{run:#?}");
    for line in &lines {
        assert!(!line.contains('\n') && !line.contains('\x1b'), "{line:?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ghost\\nDec  2") && l.contains("\\x1b[2J")),
        "{lines:#?}"
    );
}
