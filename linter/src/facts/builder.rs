//! A user's facts for the `why` engine. The host's facts (Linux-PAM version,
//! the filesystem under --root, the user database) are gathered once; each
//! user then only changes the user's own: the passwd entry NSS would show
//! (for a directory user, as nss-pam-ldapd maps the entry), shadow aging, and
//! what pam_ldap_shell reads from the directory.

use std::collections::HashSet;
use std::sync::Arc;

use ldap_shell_core::directory::{Directory, UserEntry};
use ldap_shell_core::scan::ScannedUser;

use super::directory::InDirectory;
use crate::facts::directory::{authz_answers, nss_view};
use crate::facts::passwd::local_names;
use crate::facts::{DirectoryFacts, Facts, ModuleOptions, Source};

/// The shared facts, refilled for each user.
pub struct FactsBuilder {
    facts: Facts,
    source: Source,
    options: Arc<ModuleOptions>,
    /// `authz_filter`s some pam_ldap_shell rule uses (asked per user).
    authz_filters: Vec<String>,
    /// ROOT/etc/passwd's names, read once: NSS answers these from the
    /// files before the directory, and pam_unix has their local password.
    local: HashSet<String>,
}

impl FactsBuilder {
    pub fn new(facts: Facts, source: Source, options: Arc<ModuleOptions>) -> Self {
        let authz_filters = options.authz_filters();
        let local = local_names(source.root());
        FactsBuilder {
            facts,
            source,
            options,
            authz_filters,
            local,
        }
    }

    /// Whether `name` is a local account (ROOT/etc/passwd).
    pub fn is_local(&self, name: &str) -> bool {
        self.local.contains(name)
    }

    /// The facts as the last user left them.
    pub fn into_facts(self) -> Facts {
        self.facts
    }

    /// The facts of a scanned directory user logging in as `name`;
    /// `unusable`: why the module cannot use the entry (its name is on
    /// several entries).
    pub fn directory_user(
        &mut self,
        name: &str,
        scanned: &ScannedUser,
        unusable: Option<String>,
        dir: Option<&mut dyn Directory>,
    ) -> &mut Facts {
        let entry = &scanned.entry;
        let local = self.is_local(name);
        self.facts.user = name.to_string();
        if local {
            // NSS reads the files first: the local entry, shadow and password.
            self.own_accounts(name);
        } else {
            self.facts.passwd = nss_view(name, entry, scanned.gid_number, scanned.home.as_deref());
            self.facts.lookup_error = None;
            self.facts.shadow = shadow_of(entry);
        }
        let authz = self.authz_answers(&entry.dn, dir);
        self.facts.directory = Some(DirectoryFacts {
            entry: Some(entry.clone()),
            unusable,
            options: self.options.clone(),
            authz,
            directory_only: !local,
        });
        &mut self.facts
    }

    /// The facts of a user named outside a scan (`--local`, `--users`): the
    /// passwd and shadow entries from NSS or the root's files, and what the
    /// module's own lookup found in the directory.
    pub fn named_user(
        &mut self,
        name: &str,
        found: InDirectory,
        dir: Option<&mut dyn Directory>,
    ) -> &mut Facts {
        let local = self.is_local(name);
        self.facts.user = name.to_string();
        self.own_accounts(name);
        self.facts.directory = match found {
            InDirectory::NotAsked => None,
            InDirectory::Found(entry) => {
                let authz = self.authz_answers(&entry.dn, dir);
                Some(DirectoryFacts {
                    entry: Some(*entry),
                    unusable: None,
                    options: self.options.clone(),
                    authz,
                    directory_only: !local,
                })
            }
            InDirectory::Absent => Some(DirectoryFacts {
                entry: None,
                unusable: None,
                options: self.options.clone(),
                authz: Vec::new(),
                directory_only: false,
            }),
            InDirectory::Unusable(why) => Some(DirectoryFacts {
                entry: None,
                unusable: Some(why),
                options: self.options.clone(),
                authz: Vec::new(),
                directory_only: false,
            }),
        };
        &mut self.facts
    }

    /// The passwd and shadow entries NSS (or the root's files) give `name`.
    fn own_accounts(&mut self, name: &str) {
        let own = Facts::gather(&self.source, "", name, self.facts.version.version);
        self.facts.passwd = own.passwd;
        self.facts.lookup_error = own.lookup_error;
        self.facts.shadow = own.shadow;
    }

    /// Whether the entry matches each `authz_filter`; none are asked when
    /// no rule sets one, or without a directory.
    fn authz_answers(
        &self,
        dn: &str,
        dir: Option<&mut dyn Directory>,
    ) -> Vec<(String, Result<bool, String>)> {
        match dir {
            Some(dir) => authz_answers(&self.authz_filters, dn, dir),
            None => Vec::new(),
        }
    }
}

/// The entry's shadowAccount fields, when it has any (nss-pam-ldapd's shadow map).
fn shadow_of(entry: &UserEntry) -> Option<aging::Shadow> {
    let s = entry.account.shadow;
    let any = [s.last_change, s.max, s.warning, s.inactive, s.expire]
        .iter()
        .any(Option::is_some);
    any.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ldap_shell_core::directory::{BindOutcome, ChangeOutcome, DirError, Lookup, UserEntry};

    /// A directory answering `entry_matches` from a fixed list of (dn, filter).
    struct Matches(Vec<(String, String)>);

    impl Directory for Matches {
        fn lookup(&mut self, _: &str) -> Result<Lookup, DirError> {
            Ok(Lookup::NotFound)
        }
        fn bind(&mut self, _: &str, _: &str) -> Result<BindOutcome, DirError> {
            Err(DirError::Failed("no binds in an audit".into()))
        }
        fn change_password(
            &mut self,
            _: &str,
            _: &str,
            _: &str,
        ) -> Result<ChangeOutcome, DirError> {
            Err(DirError::Failed("no writes in an audit".into()))
        }
        fn entry_matches(&mut self, dn: &str, filter: &str) -> Result<bool, DirError> {
            Ok(self.0.iter().any(|(d, f)| d == dn && f == filter))
        }
        fn describe_search(&self, user: &str) -> String {
            user.into()
        }
    }

    fn scanned(shells: &[&str]) -> ScannedUser {
        ScannedUser {
            names: vec!["nora".into()],
            entry: UserEntry {
                dn: "uid=nora,dc=x".into(),
                shell_values: shells.iter().map(|s| s.to_string()).collect(),
                uid_number: Some(10002),
                account: Default::default(),
            },
            gid_number: Some(5000),
            home: Some("/home/nora".into()),
        }
    }

    #[test]
    fn a_directory_user_looks_like_nss_and_carries_authz_answers() {
        let root = tempfile::tempdir().unwrap();
        let source = Source::Root(root.path().to_path_buf());
        let base = Facts::gather(&source, "", "", None);
        let mut options = ModuleOptions::default();
        let o = ldap_shell_core::options::Options::from_settings(&[
            ldap_shell_core::options::Setting::parse(
                "uri=ldap://h",
                ldap_shell_core::options::Origin::Arguments,
            ),
            ldap_shell_core::options::Setting::parse(
                "base=dc=x",
                ldap_shell_core::options::Origin::Arguments,
            ),
            ldap_shell_core::options::Setting::parse(
                "authz_filter=(gidNumber=5000)",
                ldap_shell_core::options::Origin::Arguments,
            ),
        ])
        .unwrap();
        options.insert(&["authz_filter=(gidNumber=5000)"], Ok(o));
        let mut b = FactsBuilder::new(base, source, Arc::new(options));
        let mut dir = Matches(vec![("uid=nora,dc=x".into(), "(gidNumber=5000)".into())]);
        let facts = b.directory_user("nora", &scanned(&[]), None, Some(&mut dir));
        let pw = facts.passwd.clone().unwrap();
        assert_eq!((pw.uid, pw.gid, pw.shell.as_str()), (10002, 5000, ""));
        let d = facts.directory.as_ref().unwrap();
        assert_eq!(d.authz_answer("(gidNumber=5000)"), Some(&Ok(true)));
        assert!(facts.shadow.is_none());
        let facts = b.named_user("ghost", InDirectory::Absent, None);
        assert!(facts.passwd.is_none());
        assert!(facts.directory.as_ref().unwrap().entry.is_none());
    }
}
