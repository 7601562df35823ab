//! Users and groups: NSS on the live host, plain files inside an image.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The fields of a passwd entry that PAM modules look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passwd {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub dir: String,
    pub shell: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub gid: u32,
    pub members: Vec<String>,
}

/// Where users and groups are looked up.
#[derive(Debug, Clone)]
pub enum UserDb {
    /// getpwnam_r / getgrnam_r / getgrouplist through NSS (files, ldap, sss...).
    Nss,
    /// An image's own files (NSS cannot be pointed at another root).
    Files { passwd: PathBuf, group: PathBuf },
}

impl UserDb {
    pub fn files(root: &Path) -> Self {
        UserDb::Files {
            passwd: root.join("etc/passwd"),
            group: root.join("etc/group"),
        }
    }

    /// getpwnam. `Ok(None)`: no such user.
    pub fn user(&self, name: &str) -> Result<Option<Passwd>, String> {
        match self {
            UserDb::Nss => nss_user(name),
            UserDb::Files { passwd, .. } => {
                let text = read_lossy(passwd)?;
                Ok(text
                    .lines()
                    .filter_map(parse_passwd_line)
                    .find(|p| p.name == name))
            }
        }
    }

    /// getgrnam.
    pub fn group(&self, name: &str) -> Result<Option<Group>, String> {
        match self {
            UserDb::Nss => nss_group(name),
            UserDb::Files { group, .. } => {
                let text = read_lossy(group)?;
                Ok(text
                    .lines()
                    .filter_map(parse_group_line)
                    .find(|g| g.name == name))
            }
        }
    }

    /// Every gid the user belongs to (getgrouplist), primary first.
    pub fn gids(&self, pw: &Passwd) -> Vec<u32> {
        let mut gids = vec![pw.gid];
        match self {
            UserDb::Nss => {
                if let Ok(cname) = std::ffi::CString::new(pw.name.as_str()) {
                    let list =
                        nix::unistd::getgrouplist(&cname, nix::unistd::Gid::from_raw(pw.gid));
                    gids.extend(list.unwrap_or_default().into_iter().map(|g| g.as_raw()));
                }
            }
            UserDb::Files { group, .. } => {
                let text = read_lossy(group).unwrap_or_default();
                gids.extend(
                    text.lines()
                        .filter_map(parse_group_line)
                        .filter(|g| g.members.contains(&pw.name))
                        .map(|g| g.gid),
                );
            }
        }
        let mut seen = std::collections::HashSet::new();
        gids.retain(|g| seen.insert(*g));
        gids
    }

    /// pam_modutil_user_in_group_nam_nam.
    pub fn in_group(&self, pw: &Passwd, group: &str) -> bool {
        let Ok(Some(g)) = self.group(group) else {
            return false;
        };
        pw.gid == g.gid || g.members.contains(&pw.name) || self.gids(pw).contains(&g.gid)
    }
}

fn read_lossy(path: &Path) -> Result<String, String> {
    std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn os_to_string(p: &Path) -> String {
    String::from_utf8_lossy(p.as_os_str().as_bytes()).into_owned()
}

fn nss_user(name: &str) -> Result<Option<Passwd>, String> {
    if name.contains('\0') {
        return Ok(None);
    }
    match nix::unistd::User::from_name(name) {
        Ok(Some(u)) => Ok(Some(Passwd {
            name: u.name,
            uid: u.uid.as_raw(),
            gid: u.gid.as_raw(),
            dir: os_to_string(&u.dir),
            shell: os_to_string(&u.shell),
        })),
        Ok(None) => Ok(None),
        Err(e) => Err(format!("getpwnam({name}) failed: {e}")),
    }
}

fn nss_group(name: &str) -> Result<Option<Group>, String> {
    if name.contains('\0') {
        return Ok(None);
    }
    match nix::unistd::Group::from_name(name) {
        Ok(Some(g)) => Ok(Some(Group {
            name: g.name,
            gid: g.gid.as_raw(),
            members: g.mem,
        })),
        Ok(None) => Ok(None),
        Err(e) => Err(format!("getgrnam({name}) failed: {e}")),
    }
}

/// ROOT/etc/passwd's entries in file order: the local accounts, with a
/// local password for pam_unix (a directory user has none).
pub fn local_accounts(root: &Path) -> Result<Vec<Passwd>, String> {
    let path = root.join("etc/passwd");
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(parse_passwd_line)
        .collect())
}

/// The names of `local_accounts`; empty when the file cannot be read.
pub fn local_names(root: &Path) -> std::collections::HashSet<String> {
    local_accounts(root)
        .unwrap_or_default()
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// `name:passwd:uid:gid:gecos:dir:shell`, as glibc's files backend reads it
/// (the shell may be empty; lines with a bad uid/gid are skipped).
pub fn parse_passwd_line(line: &str) -> Option<Passwd> {
    let f: Vec<&str> = line.split(':').collect();
    if f.len() < 7 || f[0].is_empty() || f[0].starts_with(['+', '-', '#']) {
        return None;
    }
    Some(Passwd {
        name: f[0].to_string(),
        uid: f[2].parse().ok()?,
        gid: f[3].parse().ok()?,
        dir: f[5].to_string(),
        shell: f[6..].join(":"),
    })
}

/// `name:passwd:gid:member,member`.
pub fn parse_group_line(line: &str) -> Option<Group> {
    let f: Vec<&str> = line.split(':').collect();
    if f.len() < 4 || f[0].is_empty() || f[0].starts_with(['+', '-', '#']) {
        return None;
    }
    Some(Group {
        name: f[0].to_string(),
        gid: f[2].parse().ok()?,
        members: f[3]
            .split(',')
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines() {
        let p = parse_passwd_line("bob:x:1001:1001:Bob:/home/bob:").unwrap();
        assert_eq!(p.shell, "");
        assert_eq!(p.uid, 1001);
        assert!(parse_passwd_line("bad:x:notanumber:1:::/bin/sh").is_none());
        assert!(parse_passwd_line("+@netgroup::::::").is_none());
    }

    #[test]
    fn files_db_groups() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("etc")).unwrap();
        std::fs::write(
            dir.path().join("etc/passwd"),
            "carol:x:1002:1002::/home/carol:/bin/zsh\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("etc/group"),
            "carol:x:1002:\nwheel:x:10:alice,carol\nftp:x:50:\n",
        )
        .unwrap();
        let db = UserDb::files(dir.path());
        let pw = db.user("carol").unwrap().unwrap();
        assert!(db.in_group(&pw, "wheel"));
        assert!(db.in_group(&pw, "carol"));
        assert!(!db.in_group(&pw, "ftp"));
        assert!(!db.in_group(&pw, "nosuch"));
        assert_eq!(db.user("dave").unwrap(), None);
    }
}
