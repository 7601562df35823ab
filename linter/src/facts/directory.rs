//! Facts from the directory itself (`pamlint audit`, and `why` when the
//! service's stack has pam_ldap_shell: `why/directory.rs`): the entry
//! pam_ldap_shell reads for the user, the module's options for each of its
//! rules (resolved once, with the module's own loader), and the
//! `authz_filter` answers.

use std::collections::HashMap;
use std::sync::Arc;

use ldap_shell_core::directory::{DirError, Directory, Lookup, UserEntry};
use ldap_shell_core::options::Options;

use super::passwd::Passwd;

/// pam_ldap_shell's options per argument list of its rules, as the module
/// builds them (ldap.conf, the config file, then the rule's arguments).
#[derive(Debug, Default)]
pub struct ModuleOptions {
    by_args: HashMap<String, Result<Options, String>>,
}

impl ModuleOptions {
    fn key<S: AsRef<str>>(args: &[S]) -> String {
        args.iter()
            .map(|a| a.as_ref())
            .collect::<Vec<_>>()
            .join("\0")
    }

    /// Records what the module makes of `args` (Err: its configuration error).
    pub fn insert<S: AsRef<str>>(&mut self, args: &[S], options: Result<Options, String>) {
        self.by_args.insert(Self::key(args), options);
    }

    /// The options of a rule with `args`; None when they were never resolved.
    pub fn get<S: AsRef<str>>(&self, args: &[S]) -> Option<&Result<Options, String>> {
        self.by_args.get(&Self::key(args))
    }

    /// Every distinct `authz_filter` among the resolved options.
    pub fn authz_filters(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .by_args
            .values()
            .filter_map(|o| o.as_ref().ok()?.authz_filter.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// What the directory says about one user.
#[derive(Debug, Clone)]
pub struct DirectoryFacts {
    /// The entry the module's lookup finds; None when it finds none.
    pub entry: Option<UserEntry>,
    /// Why the module cannot use an entry (a name on several entries): it
    /// refuses the user.
    pub unusable: Option<String>,
    pub options: Arc<ModuleOptions>,
    /// `authz_filter` -> whether the entry matches it (Err: why that could not be asked).
    pub authz: Vec<(String, Result<bool, String>)>,
    /// The user has no local account: NSS shows the directory's entry and
    /// the password is the directory's, so pam_unix has no hash to check.
    pub directory_only: bool,
}

impl DirectoryFacts {
    /// The answer for `filter`, if it was asked.
    pub fn authz_answer(&self, filter: &str) -> Option<&Result<bool, String>> {
        self.authz
            .iter()
            .find(|(f, _)| f == filter)
            .map(|(_, answer)| answer)
    }
}

/// Whether the entry `dn` matches each of `filters` (a base search, as the
/// module makes it for `authz_filter`).
pub fn authz_answers(
    filters: &[String],
    dn: &str,
    dir: &mut dyn Directory,
) -> Vec<(String, Result<bool, String>)> {
    filters
        .iter()
        .map(|f| {
            (
                f.clone(),
                dir.entry_matches(dn, f).map_err(|e| e.to_string()),
            )
        })
        .collect()
}

/// The passwd entry nss-pam-ldapd makes of a directory entry: no entry
/// without uidNumber and gidNumber (posixAccount requires both); an absent
/// loginShell is an empty shell, as is an empty one.
pub fn nss_view(
    name: &str,
    entry: &UserEntry,
    gid: Option<u32>,
    home: Option<&str>,
) -> Option<Passwd> {
    Some(Passwd {
        name: name.to_string(),
        uid: entry.uid_number?,
        gid: gid?,
        dir: home.unwrap_or_default().to_string(),
        shell: entry.shell_values.first().cloned().unwrap_or_default(),
    })
}

/// What the directory says about a user named outside a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InDirectory {
    /// The directory is not read (`--no-directory`).
    NotAsked,
    /// The module's lookup found this entry.
    Found(Box<UserEntry>),
    /// The module's lookup found none.
    Absent,
    /// The name is on several entries: the module refuses the user.
    Unusable(String),
}

/// What the module makes of its lookup's answer; a lookup that failed is
/// the caller's error (audit stops, why falls back to NSS's view), never a
/// refusal of the user.
pub fn in_directory(answer: Result<Lookup, DirError>) -> Result<InDirectory, DirError> {
    Ok(match answer? {
        Lookup::Found(e) => InDirectory::Found(Box::new(e)),
        Lookup::NotFound => InDirectory::Absent,
        Lookup::Ambiguous(dns) => InDirectory::Unusable(format!(
            "the name matches {} entries ({})",
            dns.len(),
            dns.join("; ")
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(shells: &[&str]) -> UserEntry {
        UserEntry {
            dn: "uid=u,dc=x".into(),
            shell_values: shells.iter().map(|s| s.to_string()).collect(),
            uid_number: Some(1234),
            account: Default::default(),
        }
    }

    #[test]
    fn nss_shows_a_missing_shell_as_empty_and_needs_uid_and_gid() {
        let pw = nss_view("u", &entry(&[]), Some(5), Some("/home/u")).unwrap();
        assert_eq!((pw.uid, pw.gid, pw.shell.as_str()), (1234, 5, ""));
        let pw = nss_view("u", &entry(&["/bin/zsh"]), Some(5), None).unwrap();
        assert_eq!(pw.shell, "/bin/zsh");
        assert!(nss_view("u", &entry(&[]), None, None).is_none());
    }

    #[test]
    fn options_are_found_by_argument_list() {
        let mut m = ModuleOptions::default();
        m.insert(&["a", "b"], Err("bad".into()));
        assert!(m.get(&["a", "b"]).is_some());
        assert!(m.get(&["a b"]).is_none());
        assert!(m.get::<&str>(&[]).is_none());
    }
}
