//! /etc/login.defs keys, read as pam_modutil_search_key does: the first line whose
//! first word is the key; the value is the rest of the line after blanks.

use super::FsView;

pub fn search_key(fs: &FsView, key: &str) -> Option<String> {
    let bytes = fs.read("/etc/login.defs").ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines().find_map(|line| {
        let line = line.trim_start_matches([' ', '\t']);
        if line.starts_with('#') {
            return None;
        }
        let end = line.find([' ', '\t']).unwrap_or(line.len());
        (line[..end] == *key).then(|| line[end..].trim().to_string())
    })
}

/// A uid-valued key (UID_MIN, SYS_UID_MAX) as pam_usertype parses it: decimal,
/// whole value, below 0xFFFFFFFF; otherwise the default.
pub fn uid_key(fs: &FsView, key: &str, default: u32) -> u32 {
    search_key(fs, key)
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|v| *v < 0xFFFF_FFFF)
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(default)
}

/// The nobody account (the kernel's overflow uid): a system user whatever
/// login.defs says.
const OVERFLOW_UID: u32 = 65534;

/// How ROOT/etc/login.defs splits system users from regular ones, as
/// pam_usertype (issystem / isregular) reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UidClasses {
    pub uid_min: u32,
    pub sys_uid_max: u32,
}

impl UidClasses {
    /// UID_MIN (default 1000) and SYS_UID_MAX (default UID_MIN - 1).
    pub fn read(fs: &FsView) -> Self {
        let uid_min = uid_key(fs, "UID_MIN", 1000);
        let sys_uid_max = uid_key(fs, "SYS_UID_MAX", uid_min.saturating_sub(1));
        UidClasses {
            uid_min,
            sys_uid_max,
        }
    }

    /// pam_usertype's system user: nobody, or at most SYS_UID_MAX and
    /// below UID_MIN (root and the daemons' accounts).
    pub fn is_system(&self, uid: u32) -> bool {
        uid == OVERFLOW_UID || (uid <= self.sys_uid_max && uid < self.uid_min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(defs: Option<&str>) -> UidClasses {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("etc")).unwrap();
        if let Some(text) = defs {
            std::fs::write(dir.path().join("etc/login.defs"), text).unwrap();
        }
        UidClasses::read(&FsView::new(dir.path()))
    }

    #[test]
    fn system_users_follow_uid_min_and_sys_uid_max() {
        let debian = classes(None);
        assert!(debian.is_system(0) && debian.is_system(999) && debian.is_system(65534));
        assert!(!debian.is_system(1000) && !debian.is_system(60000));
        let old = classes(Some("UID_MIN 500\n"));
        assert!(old.is_system(499) && !old.is_system(500));
        // A gap between SYS_UID_MAX and UID_MIN is neither: regular, as in pam_usertype.
        let gap = classes(Some("UID_MIN 1000\nSYS_UID_MAX 499\n"));
        assert!(gap.is_system(499) && !gap.is_system(500));
    }
}
