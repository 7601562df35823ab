//! A generated directory population for `pamlint audit`: `n` users under
//! ou=population, every case the audit names, in a fixed interleaved order
//! (user `i` is of category `i % 12`), so the same `n` always gives the same
//! entries. e2e/tests/audit.rs loads a few hundred into the e2e world's
//! slapd; bench/audit_memory.sh loads up to 100,000 (e2e/examples/population.rs).
//!
//! Every user's password is the suite's (`crate::PASSWORD`); home
//! directories are /tmp, which exists in the sandbox, so vsftpd can enter
//! them after a successful login.

use std::io::{self, Write};
use std::path::Path;
use testkit::slapd::BASE;

/// The sandbox's non-executable shell: a regular file of mode 0644 that the
/// tests list in /etc/shells (see `install_shells`).
pub const NOT_EXECUTABLE_SHELL: &str = "/run/pamlint-audit/not-executable";

/// slapd.conf additions the population needs: the ppolicy overlay (schema
/// of pwdPolicy and pwdAccountLockedTime; binds of locked accounts fail),
/// and slapd's default size limit (500) for plain searches while paged
/// ones may go on to the end (without size.prtotal, slapd stops a paged
/// search at the hard limit too: sizeLimitExceeded).
pub const SLAPD_GLOBAL: &str = "moduleload ppolicy";
pub const SLAPD_DATABASE: &str = "overlay ppolicy\nppolicy_use_lockout\n\
                                  limits * size.soft=500 size.hard=500 size.prtotal=unlimited";

/// The policy the locked users name (pwdPolicySubentry): with pwdLockout,
/// slapd refuses their binds while pwdAccountLockedTime is set.
const LOCKOUT_POLICY: &str = "cn=population-lockout,ou=policies";

/// What makes a generated user special.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// /bin/bash or /bin/sh: listed, installed, executable.
    Good,
    /// No loginShell attribute.
    ShellMissing,
    /// loginShell present with a zero-length value.
    ShellEmpty,
    /// /bin/dash: installed, not in the sandbox's /etc/shells.
    ShellNotListed,
    /// /opt/missing/zsh: listed, not installed.
    ShellNotInstalled,
    /// `NOT_EXECUTABLE_SHELL`: listed, a file without execute bits.
    ShellNotExecutable,
    /// uidNumber between 500 and 999 (the stacks say minimum_uid=1000).
    UidBelowMinimum,
    /// Listed in /etc/ftpusers, which vsftpd's pam_listfile denies.
    FtpUsers,
    /// gidNumber 6000: outside the tests' authz_filter (gidNumber=5000).
    OutsideFilter,
    /// pwdAccountLockedTime set, under a pwdLockout policy.
    Locked,
    /// shadowExpire 1 (1970-01-02): the account has expired.
    Expired,
    /// A second entry with the same uid under ou=population-twins:
    /// pam_ldap_shell refuses an ambiguous name.
    Ambiguous,
}

impl Category {
    pub const ALL: [Category; 12] = [
        Category::Good,
        Category::ShellMissing,
        Category::ShellEmpty,
        Category::ShellNotListed,
        Category::ShellNotInstalled,
        Category::ShellNotExecutable,
        Category::UidBelowMinimum,
        Category::FtpUsers,
        Category::OutsideFilter,
        Category::Locked,
        Category::Expired,
        Category::Ambiguous,
    ];

    /// The prefix of the category's user names.
    pub fn tag(self) -> &'static str {
        match self {
            Category::Good => "good",
            Category::ShellMissing => "noshell",
            Category::ShellEmpty => "emptyshell",
            Category::ShellNotListed => "unlisted",
            Category::ShellNotInstalled => "uninstalled",
            Category::ShellNotExecutable => "noexec",
            Category::UidBelowMinimum => "lowuid",
            Category::FtpUsers => "ftpdenied",
            Category::OutsideFilter => "outsider",
            Category::Locked => "locked",
            Category::Expired => "expired",
            Category::Ambiguous => "twin",
        }
    }

    /// The cause identifier `pamlint audit` reports for a refusal of this
    /// category (docs/pamlint.md); None for good users.
    pub fn cause(self) -> Option<&'static str> {
        Some(match self {
            Category::Good => return None,
            Category::ShellMissing => "shell-missing",
            Category::ShellEmpty => "shell-empty",
            Category::ShellNotListed => "shell-not-listed",
            Category::ShellNotInstalled => "shell-not-installed",
            Category::ShellNotExecutable => "shell-not-executable",
            Category::UidBelowMinimum => "uid-below-minimum",
            Category::FtpUsers => "listfile",
            Category::OutsideFilter => "authz-filter",
            Category::Locked => "account-locked",
            Category::Expired => "account-expired",
            Category::Ambiguous => "other",
        })
    }
}

/// One generated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub uid: String,
    pub category: Category,
    pub uid_number: u32,
    pub gid_number: u32,
    /// None: no loginShell attribute; Some(""): an empty value.
    pub shell: Option<&'static str>,
}

impl Person {
    /// User `i` of every population.
    pub fn nth(i: usize) -> Person {
        let category = Category::ALL[i % Category::ALL.len()];
        let uid_number = match category {
            Category::UidBelowMinimum => 500 + (i % 500) as u32,
            _ => 100_000 + i as u32,
        };
        let gid_number = match category {
            Category::OutsideFilter => 6000,
            _ => 5000,
        };
        let shell = match category {
            Category::Good if i.is_multiple_of(2) => Some("/bin/bash"),
            Category::Good => Some("/bin/sh"),
            Category::ShellMissing => None,
            Category::ShellEmpty => Some(""),
            Category::ShellNotListed => Some("/bin/dash"),
            Category::ShellNotInstalled => Some("/opt/missing/zsh"),
            Category::ShellNotExecutable => Some(NOT_EXECUTABLE_SHELL),
            _ => Some("/bin/bash"),
        };
        Person {
            uid: format!("{}{i:06}", category.tag()),
            category,
            uid_number,
            gid_number,
            shell,
        }
    }

    pub fn dn(&self) -> String {
        format!("uid={},ou=population,{BASE}", self.uid)
    }

    /// The entry (two for Ambiguous) in LDIF, each ending with a blank line.
    pub fn ldif(&self) -> String {
        let first = self.entry(&self.dn(), self.uid_number);
        if self.category != Category::Ambiguous {
            return first;
        }
        let dn = format!("uid={},ou=population-twins,{BASE}", self.uid);
        first + &self.entry(&dn, self.uid_number + 1_000_000)
    }

    fn entry(&self, dn: &str, uid_number: u32) -> String {
        let mut e = format!(
            "dn: {dn}\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n\
             objectClass: shadowAccount\nuid: {uid}\ncn: {uid}\nsn: {uid}\n\
             uidNumber: {uid_number}\ngidNumber: {}\nhomeDirectory: /tmp\nuserPassword: {}\n",
            self.gid_number,
            crate::PASSWORD,
            uid = self.uid,
        );
        if let Some(shell) = self.shell {
            // slapadd loads a zero-length value from "loginShell:".
            e.push_str(&format!(
                "loginShell:{}{shell}\n",
                if shell.is_empty() { "" } else { " " }
            ));
        }
        match self.category {
            Category::Locked => e.push_str(&format!(
                "pwdPolicySubentry: {LOCKOUT_POLICY},{BASE}\npwdAccountLockedTime: 000001010000Z\n"
            )),
            Category::Expired => e.push_str("shadowExpire: 1\n"),
            _ => {}
        }
        e.push('\n');
        e
    }
}

/// The first `n` users.
pub fn people(n: usize) -> impl Iterator<Item = Person> {
    (0..n).map(Person::nth)
}

/// ou=population, ou=population-twins, ou=policies and the lockout policy,
/// then `n` users, as
/// LDIF for slapadd (written as generated: 100,000 users never sit in memory).
pub fn write_ldif(out: &mut impl Write, n: usize) -> io::Result<()> {
    write!(
        out,
        "dn: ou=population,{BASE}\nobjectClass: organizationalUnit\nou: population\n\n\
         dn: ou=population-twins,{BASE}\nobjectClass: organizationalUnit\n\
         ou: population-twins\n\n\
         dn: ou=policies,{BASE}\nobjectClass: organizationalUnit\nou: policies\n\n\
         dn: {LOCKOUT_POLICY},{BASE}\nobjectClass: device\nobjectClass: pwdPolicy\n\
         cn: population-lockout\npwdAttribute: userPassword\npwdLockout: TRUE\n\
         pwdMaxFailure: 3\n\n"
    )?;
    for p in people(n) {
        out.write_all(p.ldif().as_bytes())?;
    }
    Ok(())
}

/// Writes the LDIF of `n` users to `path`.
pub fn write_ldif_file(path: &Path, n: usize) -> io::Result<()> {
    let mut out = io::BufWriter::new(std::fs::File::create(path)?);
    write_ldif(&mut out, n)?;
    out.flush()
}

/// Lines for /etc/ftpusers: the FtpUsers users among the first `n`.
pub fn ftpusers(n: usize) -> String {
    people(n)
        .filter(|p| p.category == Category::FtpUsers)
        .map(|p| format!("{}\n", p.uid))
        .collect()
}

/// A slapd (with the ppolicy overlay) holding testdata/ldap's users and
/// the first `n` generated ones; stopped on drop.
pub fn slapd(n: usize) -> testkit::Slapd {
    let dir = tempfile::Builder::new()
        .prefix("e2e-population")
        .tempdir()
        .expect("temp dir for the population LDIF");
    let ldif = dir.path().join("population.ldif");
    write_ldif_file(&ldif, n).expect("write the population LDIF");
    testkit::Slapd::start_with_ldif(SLAPD_GLOBAL, SLAPD_DATABASE, &ldif)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_appears_in_order() {
        let first: Vec<Category> = people(Category::ALL.len()).map(|p| p.category).collect();
        assert_eq!(first, Category::ALL);
        assert_eq!(Person::nth(13).uid, "noshell000013");
        assert_eq!(Person::nth(6).uid_number, 506);
    }

    #[test]
    fn entries_carry_their_case() {
        assert!(!Person::nth(1).ldif().contains("loginShell"));
        assert!(Person::nth(2).ldif().contains("\nloginShell:\n"));
        assert!(Person::nth(9)
            .ldif()
            .contains("pwdAccountLockedTime: 000001010000Z"));
        assert!(Person::nth(10).ldif().contains("shadowExpire: 1\n"));
        let twins = Person::nth(11).ldif();
        assert!(twins.contains("dn: uid=twin000011,ou=population,"));
        assert!(twins.contains("dn: uid=twin000011,ou=population-twins,"));
        assert_eq!(ftpusers(30), "ftpdenied000007\nftpdenied000019\n");
    }
}
