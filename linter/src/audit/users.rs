//! Who is audited: the directory's users (streamed from the module's paged
//! scan), local users (ROOT/etc/passwd), or a list of names (`--users`),
//! each looked up as the module looks them up.

use std::path::Path;

use ldap_shell_core::directory::Directory;
use ldap_shell_core::scan::ScannedUser;
use serde::Serialize;

use crate::facts::directory::{in_directory, InDirectory};
use crate::facts::logindefs::UidClasses;
use crate::facts::passwd::local_accounts;
use crate::facts::FsView;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UserSource {
    Ldap,
    Local,
}

impl UserSource {
    pub fn as_str(self) -> &'static str {
        match self {
            UserSource::Ldap => "ldap",
            UserSource::Local => "local",
        }
    }
}

/// The users of a `--users` file: one name per line, blank lines and
/// `#` comments skipped, surrounding blanks removed.
pub fn read_user_list(path: &Path) -> Result<Vec<String>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// Which local users `--local` audits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalUsers {
    /// The people: not system accounts by ROOT/etc/login.defs (pam_usertype's
    /// isregular), so daemons' nologin accounts do not fill the report.
    Regular,
    /// Every entry, root and the daemons' accounts too (`--system`).
    All,
}

/// The local users: ROOT/etc/passwd's names in file order (NSS's `files`
/// source; users NSS gets from a directory are the scan's).
pub fn local_users(root: &Path, which: LocalUsers) -> Result<Vec<String>, String> {
    let classes = UidClasses::read(&FsView::new(root));
    Ok(local_accounts(root)?
        .into_iter()
        .filter(|p| which == LocalUsers::All || !classes.is_system(p.uid))
        .map(|p| p.name)
        .collect())
}

/// The module's lookup of `user` (search or dn_template, exact name match);
/// Err: the directory failed, which ends the audit (exit 2) rather than
/// reporting the user refused.
pub fn look_up(dir: &mut dyn Directory, user: &str) -> Result<InDirectory, String> {
    in_directory(dir.lookup(user)).map_err(|e| format!("looking up {user} in the directory: {e}"))
}

/// The user names of a scanned entry (the scan's: `user_attr`'s values, or
/// the RDN value under `dn_template`).
pub fn names_of(scanned: &ScannedUser) -> impl Iterator<Item = &str> {
    scanned
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_lists_skip_comments_and_blanks() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("users");
        std::fs::write(&f, "alice\n\n# x\n  carol \n").unwrap();
        assert_eq!(read_user_list(&f).unwrap(), vec!["alice", "carol"]);
        assert!(read_user_list(&dir.path().join("none")).is_err());
    }

    #[test]
    fn local_users_come_from_the_roots_passwd() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("etc")).unwrap();
        std::fs::write(
            dir.path().join("etc/passwd"),
            "root:x:0:0::/root:/bin/bash\nbad line\nbob:x:1001:1001::/home/bob:\n",
        )
        .unwrap();
        assert_eq!(
            local_users(dir.path(), LocalUsers::All).unwrap(),
            vec!["root", "bob"]
        );
        assert_eq!(
            local_users(dir.path(), LocalUsers::Regular).unwrap(),
            vec!["bob"]
        );
    }
}
