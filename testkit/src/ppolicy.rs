//! A slapd with the ppolicy overlay and shadowAccount users, one user per
//! password-policy or aging case: the module's own tests
//! (pam_module/tests/ppolicy.rs), the end-to-end sshd test and the
//! comparison with nss-pam-ldapd's pam_ldap use this one directory.

use crate::slapd::{as_rootdn, BASE, LDAPADD, LDAPMODIFY};
use crate::tools::require;
use crate::Slapd;
use std::process::Command;

/// The test directory's password for every user (testdata/ldap/users.ldif).
pub const PASSWORD: &str = "Correct-Horse-9";
const LDAPSEARCH: (&str, &str) = ("/usr/bin/ldapsearch", "ldap-utils");
const ROOT_DN: &str = "cn=admin,dc=example,dc=org";
const ROOT_PW: &str = "admin-secret";

/// A user entry with the suite's password, plus `extra` attribute lines.
fn user_ldif(uid: &str, uid_number: u32, extra: &str) -> String {
    format!(
        "dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n\
         objectClass: shadowAccount\nuid: {uid}\ncn: {uid}\nsn: {uid}\nuidNumber: {uid_number}\n\
         gidNumber: 5000\nhomeDirectory: /home/{uid}\nloginShell: /bin/bash\n\
         userPassword: {PASSWORD}\n{extra}\n"
    )
}

fn policy_ldif(cn: &str, attrs: &str) -> String {
    format!(
        "dn: cn={cn},ou=policies,{BASE}\nobjectClass: device\nobjectClass: pwdPolicy\n\
         cn: {cn}\npwdAttribute: userPassword\n{attrs}\n"
    )
}

fn subentry(cn: &str) -> String {
    format!("pwdPolicySubentry: cn={cn},ou=policies,{BASE}")
}

/// Days since the epoch (what shadowLastChange counts).
pub fn today() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .expect("the clock is after 1970")
}

/// A private slapd (`ppolicy_use_lockout`, one policy per user through
/// pwdPolicySubentry) with one user per case:
/// locky (3 failures lock), gracie (pwdMaxAge 1 s, 5 grace logins),
/// warner (expires in 10 days, warned 20 days ahead), resetty
/// (pwdMustChange), gone (shadowExpire 1), forced (shadowLastChange 0),
/// aged (changed 100 days ago, shadowMax 90), soon (changed 85 days ago,
/// shadowMax 90, shadowWarning 7) and sshlock (locky's policy, a shell
/// that is listed in /etc/shells but not installed, so sshd refuses him
/// itself).
pub fn directory() -> Slapd {
    let s = Slapd::start_with_config(
        "moduleload ppolicy",
        &format!(
            "overlay ppolicy\nppolicy_default \"cn=default,ou=policies,{BASE}\"\nppolicy_use_lockout"
        ),
    );
    let today = today();
    let ldif = [
        format!("dn: ou=policies,{BASE}\nobjectClass: organizationalUnit\nou: policies\n"),
        policy_ldif("default", ""),
        policy_ldif("lockout", "pwdLockout: TRUE\npwdMaxFailure: 3\n"),
        policy_ldif("grace", "pwdMaxAge: 1\npwdGraceAuthNLimit: 5\n"),
        policy_ldif("warn", "pwdMaxAge: 864000\npwdExpireWarning: 1728000\n"),
        policy_ldif("reset", "pwdMustChange: TRUE\npwdAllowUserChange: TRUE\n"),
        user_ldif("locky", 20001, &subentry("lockout")),
        user_ldif("gracie", 20002, &subentry("grace")),
        user_ldif("warner", 20003, &subentry("warn")),
        user_ldif("resetty", 20004, &subentry("reset")),
        user_ldif("gone", 20005, "shadowExpire: 1"),
        user_ldif("forced", 20006, "shadowLastChange: 0"),
        user_ldif(
            "aged",
            20007,
            &format!("shadowLastChange: {}\nshadowMax: 90", today - 100),
        ),
        user_ldif(
            "soon",
            20008,
            &format!(
                "shadowLastChange: {}\nshadowMax: 90\nshadowWarning: 7",
                today - 85
            ),
        ),
        user_ldif("sshlock", 20009, &subentry("lockout"))
            .replace("loginShell: /bin/bash", "loginShell: /opt/missing/zsh"),
    ]
    .join("\n");
    as_rootdn(s.uri(), LDAPADD, &ldif);
    s
}

/// Sets pwdReset on `uid` as the rootdn does after an administrator reset.
pub fn reset_password(s: &Slapd, uid: &str) {
    as_rootdn(
        s.uri(),
        LDAPMODIFY,
        &format!(
            "dn: uid={uid},ou=people,{BASE}\nchangetype: modify\nreplace: pwdReset\npwdReset: TRUE\n"
        ),
    );
}

/// The values of an operational attribute of `uid`'s entry, read as the rootdn.
pub fn operational(s: &Slapd, uid: &str, attr: &str) -> Vec<String> {
    let out = Command::new(require(LDAPSEARCH))
        .args(["-LLL", "-x", "-D", ROOT_DN, "-w", ROOT_PW, "-H", s.uri()])
        .args(["-b", &format!("uid={uid},ou=people,{BASE}"), "-s", "base"])
        .arg(attr)
        .output()
        .expect("run ldapsearch");
    assert!(out.status.success(), "ldapsearch of {uid} failed: {out:?}");
    let prefix = format!("{attr}: ");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix).map(str::to_string))
        .collect()
}

/// A private slapd with the ppolicy overlay whose default policy wants new
/// passwords of 12 characters or more (for tests of a refused change).
pub fn min_length_directory() -> Slapd {
    let s = Slapd::start_with_config(
        "moduleload ppolicy",
        &format!("overlay ppolicy\nppolicy_default \"cn=default,ou=policies,{BASE}\""),
    );
    let ldif = format!(
        "dn: ou=policies,{BASE}\nobjectClass: organizationalUnit\nou: policies\n\n\
         dn: cn=default,ou=policies,{BASE}\nobjectClass: device\nobjectClass: pwdPolicy\n\
         cn: default\npwdAttribute: userPassword\npwdMinLength: 12\npwdCheckQuality: 2\n"
    );
    as_rootdn(s.uri(), LDAPADD, &ldif);
    s
}
