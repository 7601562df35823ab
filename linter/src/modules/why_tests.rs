//! Predictors against a small filesystem image (facts from its own files).

use std::path::Path;

use super::{predict, Call, Certainty};
use crate::model::{PamCode, PamType};
use crate::why::facts::{Facts, PamVersion, Source};

const PASSWD: &str = "root:x:0:0::/root:/bin/bash\n\
alice:x:1001:1001::/home/alice:/bin/bash\n\
bob:x:1002:1002::/home/bob:\n\
carol:x:1003:1003::/home/carol:/bin/zsh\n\
svc:x:999:999::/var/lib/svc:/usr/sbin/nologin\n";

fn image() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let etc = dir.path().join("etc");
    std::fs::create_dir_all(etc.join("security")).unwrap();
    std::fs::write(etc.join("passwd"), PASSWD).unwrap();
    std::fs::write(
        etc.join("group"),
        "root:x:0:\nalice:x:1001:\nbob:x:1002:\ncarol:x:1003:\nwheel:x:10:alice\nftp:x:50:carol\n",
    )
    .unwrap();
    std::fs::write(etc.join("shells"), "/bin/sh\n/bin/bash\n").unwrap();
    std::fs::write(etc.join("ftpusers"), "root\ncarol\n").unwrap();
    std::fs::write(etc.join("ftpgroups"), "wheel\n").unwrap();
    dir
}

fn facts(root: &Path, user: &str, version: &str) -> Facts {
    Facts::gather(
        &Source::Root(root.to_path_buf()),
        "vsftpd",
        user,
        PamVersion::parse(version),
    )
}

fn code(facts: &Facts, module: &str, t: PamType, args: &str) -> PamCode {
    let call = Call {
        pam_type: t,
        args: args.split_whitespace().collect(),
        facts,
    };
    predict(module, &call).code
}

#[test]
fn pam_shells_by_version() {
    let img = image();
    let auth = PamType::Auth;
    let bob_old = facts(img.path(), "bob", "1.3.1");
    let bob_new = facts(img.path(), "bob", "1.4.0");
    assert_eq!(code(&bob_old, "pam_shells", auth, ""), PamCode::AuthErr);
    assert_eq!(code(&bob_new, "pam_shells", auth, ""), PamCode::Success);
    let carol = facts(img.path(), "carol", "1.6.0");
    assert_eq!(
        code(&carol, "pam_shells", PamType::Account, ""),
        PamCode::AuthErr
    );
    let nobody_old = facts(img.path(), "nobody", "1.5.3");
    let nobody_new = facts(img.path(), "nobody", "1.6.0");
    assert_eq!(code(&nobody_old, "pam_shells", auth, ""), PamCode::AuthErr);
    assert_eq!(
        code(&nobody_new, "pam_shells", auth, ""),
        PamCode::UserUnknown
    );
    // A blank line in /etc/shells matches an empty shell before 1.4.0.
    std::fs::write(img.path().join("etc/shells"), "/bin/sh\n\n/bin/bash\n").unwrap();
    let bob_old = facts(img.path(), "bob", "1.3.1");
    assert_eq!(code(&bob_old, "pam_shells", auth, ""), PamCode::Success);
    assert_eq!(
        code(&bob_old, "pam_shells", PamType::Session, ""),
        PamCode::ModuleUnknown
    );
}

#[test]
fn pam_listfile_items_and_errors() {
    let img = image();
    let auth = PamType::Auth;
    let carol = facts(img.path(), "carol", "1.5.2");
    let alice = facts(img.path(), "alice", "1.5.2");
    let deny = "item=user sense=deny file=/etc/ftpusers onerr=succeed";
    assert_eq!(code(&carol, "pam_listfile", auth, deny), PamCode::AuthErr);
    assert_eq!(code(&alice, "pam_listfile", auth, deny), PamCode::Success);
    let allow = "item=user sense=allow file=/etc/ftpusers onerr=succeed";
    assert_eq!(code(&alice, "pam_listfile", auth, allow), PamCode::AuthErr);
    let groups = "item=group sense=allow file=/etc/ftpgroups";
    assert_eq!(code(&alice, "pam_listfile", auth, groups), PamCode::Success);
    assert_eq!(code(&carol, "pam_listfile", auth, groups), PamCode::AuthErr);
    let shell = "item=shell sense=allow file=/etc/shells onerr=fail";
    assert_eq!(code(&alice, "pam_listfile", auth, shell), PamCode::Success);
    assert_eq!(code(&carol, "pam_listfile", auth, shell), PamCode::AuthErr);
    let missing = |onerr: &str| format!("item=user sense=deny file=/etc/none onerr={onerr}");
    assert_eq!(
        code(&carol, "pam_listfile", auth, &missing("succeed")),
        PamCode::Success
    );
    assert_eq!(
        code(&carol, "pam_listfile", auth, &missing("fail")),
        PamCode::ServiceErr
    );
    // apply= limits item=shell to one user
    let applied = "item=shell sense=allow file=/etc/shells apply=alice";
    assert_eq!(code(&carol, "pam_listfile", auth, applied), PamCode::Ignore);
    let tty = "item=tty sense=deny file=/etc/ftpusers";
    let call = Call {
        pam_type: auth,
        args: tty.split_whitespace().collect(),
        facts: &carol,
    };
    assert_eq!(predict("pam_listfile", &call).certainty, Certainty::Assumed);
    // A symlinked list counts as "not a regular file" (lstat).
    std::os::unix::fs::symlink("ftpusers", img.path().join("etc/ftplink")).unwrap();
    let link = "item=user sense=deny file=/etc/ftplink onerr=succeed";
    assert_eq!(code(&alice, "pam_listfile", auth, link), PamCode::AuthErr);
}

#[test]
fn pam_succeed_if_conditions() {
    let img = image();
    let t = PamType::Account;
    let alice = facts(img.path(), "alice", "1.5.2");
    let svc = facts(img.path(), "svc", "1.5.2");
    let cases = [
        (
            "uid >= 1000 quiet_success",
            PamCode::Success,
            PamCode::AuthErr,
        ),
        ("uid < 1000 quiet", PamCode::AuthErr, PamCode::Success),
        ("uid eq 0x3e9", PamCode::Success, PamCode::AuthErr),
        ("user ingroup wheel", PamCode::Success, PamCode::AuthErr),
        ("user notingroup wheel", PamCode::AuthErr, PamCode::Success),
        ("shell =~ /bin/*", PamCode::Success, PamCode::AuthErr),
        ("shell !~ */nologin", PamCode::Success, PamCode::AuthErr),
        ("user in svc:alice", PamCode::Success, PamCode::Success),
        ("user notin alice", PamCode::AuthErr, PamCode::Success),
        (
            "service = vsftpd user != root",
            PamCode::Success,
            PamCode::Success,
        ),
        ("home = /home/alice", PamCode::Success, PamCode::AuthErr),
        ("uid >= 1000 uid", PamCode::ServiceErr, PamCode::AuthErr),
        ("frob = x", PamCode::ServiceErr, PamCode::ServiceErr),
        ("uid = x1 uid lt abc", PamCode::AuthErr, PamCode::AuthErr),
        ("uid lt abc", PamCode::ServiceErr, PamCode::ServiceErr),
    ];
    for (args, for_alice, for_svc) in cases {
        assert_eq!(
            code(&alice, "pam_succeed_if", t, args),
            for_alice,
            "alice: {args}"
        );
        assert_eq!(
            code(&svc, "pam_succeed_if", t, args),
            for_svc,
            "svc: {args}"
        );
    }
    let nobody = facts(img.path(), "nobody", "1.5.2");
    assert_eq!(
        code(&nobody, "pam_succeed_if", t, "uid >= 1000"),
        PamCode::UserUnknown
    );
    assert_eq!(
        code(&nobody, "pam_succeed_if", t, "user = nobody"),
        PamCode::Success
    );
}

#[test]
fn localuser_nologin_usertype_access() {
    let img = image();
    let alice = facts(img.path(), "alice", "1.5.2");
    let root = facts(img.path(), "root", "1.5.2");
    let svc = facts(img.path(), "svc", "1.5.2");
    let ldap = facts(img.path(), "ldapuser", "1.5.2");
    let acct = PamType::Account;
    assert_eq!(code(&alice, "pam_localuser", acct, ""), PamCode::Success);
    assert_eq!(code(&ldap, "pam_localuser", acct, ""), PamCode::PermDenied);

    assert_eq!(code(&alice, "pam_nologin", acct, ""), PamCode::Ignore);
    assert_eq!(
        code(&alice, "pam_nologin", acct, "successok"),
        PamCode::Success
    );
    std::fs::write(img.path().join("etc/nologin"), "maintenance\n").unwrap();
    assert_eq!(code(&alice, "pam_nologin", acct, ""), PamCode::AuthErr);
    assert_eq!(code(&root, "pam_nologin", acct, ""), PamCode::Ignore);

    assert_eq!(
        code(&alice, "pam_usertype", acct, "isregular"),
        PamCode::Success
    );
    assert_eq!(
        code(&svc, "pam_usertype", acct, "issystem"),
        PamCode::Success
    );
    assert_eq!(
        code(&svc, "pam_usertype", acct, "isregular"),
        PamCode::AuthErr
    );
    std::fs::write(img.path().join("etc/login.defs"), "# x\nUID_MIN\t\t 500\n").unwrap();
    assert_eq!(
        code(&svc, "pam_usertype", acct, "isregular"),
        PamCode::Success
    );

    assert_eq!(code(&alice, "pam_access", acct, ""), PamCode::Success);
    std::fs::write(
        img.path().join("etc/security/access.conf"),
        "+ : root : LOCAL\n- : wheel EXCEPT bob : ALL\n+ : ALL : ALL\n",
    )
    .unwrap();
    assert_eq!(code(&alice, "pam_access", acct, ""), PamCode::PermDenied);
    assert_eq!(code(&svc, "pam_access", acct, ""), PamCode::Success);
    let call = Call {
        pam_type: acct,
        args: vec![],
        facts: &root,
    };
    assert_eq!(predict("pam_access", &call).certainty, Certainty::Assumed);
}

#[test]
fn pam_ldap_shell_policy() {
    let img = image();
    let acct = PamType::Account;
    let alice = facts(img.path(), "alice", "1.5.2");
    let bob = facts(img.path(), "bob", "1.5.2");
    let carol = facts(img.path(), "carol", "1.5.2");
    // /bin/bash must exist and be executable inside the image
    std::fs::create_dir_all(img.path().join("bin")).unwrap();
    let bash = img.path().join("bin/bash");
    std::fs::write(&bash, "").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bash, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Without a server and a base the module refuses its configuration.
    assert_eq!(
        code(&alice, "pam_ldap_shell", acct, ""),
        PamCode::ServiceErr
    );
    std::fs::create_dir_all(img.path().join("etc/ldap")).unwrap();
    std::fs::write(
        img.path().join("etc/ldap/ldap.conf"),
        "URI ldap://ldap.example.org\nBASE dc=example,dc=org\n",
    )
    .unwrap();
    assert_eq!(code(&alice, "pam_ldap_shell", acct, ""), PamCode::Success);
    assert_eq!(code(&bob, "pam_ldap_shell", acct, ""), PamCode::PermDenied);
    assert_eq!(
        code(&bob, "pam_ldap_shell", acct, "missing_shell=warn"),
        PamCode::Success
    );
    assert_eq!(
        code(
            &bob,
            "pam_ldap_shell",
            acct,
            "missing_shell=default:/bin/bash"
        ),
        PamCode::Success
    );
    assert_eq!(
        code(&carol, "pam_ldap_shell", acct, ""),
        PamCode::PermDenied
    );
    assert_eq!(
        code(&carol, "pam_ldap_shell", acct, "check_shells=no"),
        PamCode::Success
    );
    assert_eq!(
        code(&carol, "pam_ldap_shell", acct, "minimum_uid=5000"),
        PamCode::Ignore
    );
    // Shadow aging as the module decides it (the image's /etc/shadow).
    std::fs::write(
        img.path().join("etc/shadow"),
        "carol:x:19000:0:90:7::1:\nalice:x:0:0:99999:7:::\n",
    )
    .unwrap();
    let carol_aged = facts(img.path(), "carol", "1.5.2");
    assert_eq!(
        code(&carol_aged, "pam_ldap_shell", acct, ""),
        PamCode::AcctExpired
    );
    assert_eq!(
        code(
            &carol_aged,
            "pam_ldap_shell",
            acct,
            "shadow_expiry=no check_shells=no"
        ),
        PamCode::Success
    );
    let alice = facts(img.path(), "alice", "1.5.2");
    assert_eq!(
        code(&alice, "pam_ldap_shell", acct, "check_shells=no"),
        PamCode::NewAuthtokReqd
    );
    std::fs::remove_file(img.path().join("etc/shadow")).unwrap();
    // sudo's account phase does not check the shell, unless told to.
    let mut carol_sudo = facts(img.path(), "carol", "1.5.2");
    carol_sudo.service = "sudo".into();
    assert_eq!(
        code(&carol_sudo, "pam_ldap_shell", acct, ""),
        PamCode::Success
    );
    assert_eq!(
        code(&carol_sudo, "pam_ldap_shell", acct, "skip_shell_services="),
        PamCode::PermDenied
    );
    std::fs::write(
        img.path().join("etc/pam_ldap_shell.conf"),
        "check_shells no\n",
    )
    .unwrap();
    assert_eq!(code(&carol, "pam_ldap_shell", acct, ""), PamCode::Success);
    assert_eq!(
        code(&carol, "pam_ldap_shell", acct, "check_shells=yes"),
        PamCode::PermDenied
    );
}

#[test]
fn pam_ldap_shell_refuses_what_its_parser_refuses() {
    let img = image();
    std::fs::write(
        img.path().join("etc/pam_ldap_shell.conf"),
        "uri=ldap://ldap.example.org\nbase dc=example,dc=org\ncheck_shells no\n",
    )
    .unwrap();
    let alice = facts(img.path(), "alice", "1.5.2");
    let cases = [
        ("", PamType::Account, PamCode::Success),
        ("tls_reqcert=hard", PamType::Account, PamCode::Success),
        ("timeout_ms=0", PamType::Account, PamCode::ServiceErr),
        ("minimum_uid=-1", PamType::Account, PamCode::ServiceErr),
        ("shells=etc/shells", PamType::Account, PamCode::ServiceErr),
        ("filter=(uid=*", PamType::Auth, PamCode::ServiceErr),
        (
            "config=/etc/missing.conf",
            PamType::Auth,
            PamCode::ServiceErr,
        ),
        ("debug", PamType::Auth, PamCode::Success),
    ];
    for (args, t, want) in cases {
        assert_eq!(code(&alice, "pam_ldap_shell", t, args), want, "{args}");
    }
    // The config file is the module's format: a bad line there is refused too.
    std::fs::write(
        img.path().join("etc/pam_ldap_shell.conf"),
        "uri=ldap://ldap.example.org\nbase dc=example,dc=org\ncheck_shells maybe\n",
    )
    .unwrap();
    assert_eq!(
        code(&alice, "pam_ldap_shell", PamType::Account, ""),
        PamCode::ServiceErr
    );
}

/// `why`, `simulate` and the PL2xx rules read one fact: where the catalogue
/// knows a module's return from the line, the prediction is that value.
#[test]
fn predictions_of_modelled_modules_are_their_catalogue_returns() {
    let img = image();
    let alice = facts(img.path(), "alice", "1.5.2");
    let lines = [
        ("pam_permit", ""),
        ("pam_deny", ""),
        ("pam_debug", ""),
        (
            "pam_debug",
            "auth=perm_denied acct=new_authtok_reqd chauthtok=try_again open_session=session_err",
        ),
        ("pam_debug", "auth=bogus auth=auth_err"),
    ];
    let mut modelled = 0;
    for module in super::CATALOGUE.iter().filter(|m| m.returns.is_modelled()) {
        for (name, args) in lines.iter().filter(|(n, _)| *n == module.name) {
            let args: Vec<&str> = args.split_whitespace().collect();
            for t in PamType::ALL {
                let want = module.returns(&args, super::Hook::deciding(t));
                let got = code(&alice, name, t, &args.join(" "));
                assert_eq!(Some(got), want, "{name} {args:?} {t}");
                modelled += 1;
            }
        }
    }
    assert_eq!(modelled, lines.len() * PamType::ALL.len());
}

/// ldap.conf as the module finds it: the first that exists (Debian's, then
/// RHEL's), one that cannot be read a configuration error.
#[test]
fn pam_ldap_shell_reads_ldap_conf_as_the_module_does() {
    let img = image();
    let acct = PamType::Account;
    let etc = img.path().join("etc");
    std::fs::create_dir_all(etc.join("openldap")).unwrap();
    std::fs::write(
        etc.join("openldap/ldap.conf"),
        "URI ldap://rhel.example.org\nBASE dc=rhel\n",
    )
    .unwrap();
    let alice = facts(img.path(), "alice", "1.5.2");
    assert_eq!(
        code(&alice, "pam_ldap_shell", acct, "check_shells=no"),
        PamCode::Success
    );
    // Debian's path exists but is a directory: read first, and refused.
    std::fs::create_dir_all(etc.join("ldap/ldap.conf")).unwrap();
    assert_eq!(
        code(&alice, "pam_ldap_shell", acct, "check_shells=no"),
        PamCode::ServiceErr
    );
}
