//! Which files the module may trust, as SSSD judges sssd.conf: a setting
//! or a password read from a file that someone else can change (config) or
//! read (bindpw_file) is refused, so a loose mode is a configuration error
//! (PAM_SERVICE_ERR with one log line naming the file and its mode) instead
//! of a silent risk.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// What a file must not allow group and others to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Settings: nobody but the owner may write them.
    NotWritable,
    /// A password: nobody but the owner may read (or write) it.
    Private,
}

impl Guard {
    fn forbidden_bits(self) -> u32 {
        match self {
            Guard::NotWritable => 0o022,
            Guard::Private => 0o066,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Guard::NotWritable => "writable by group or others",
            Guard::Private => "readable or writable by group or others",
        }
    }
}

/// Ok when `path` is a regular file owned by root (or by `euid`, the
/// process's own user, who could change its settings anyway) and `guard`
/// holds; else the reason, naming the file, its owner and mode.
pub fn check(path: &Path, guard: Guard, euid: u32) -> Result<(), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
    let mode = meta.permissions().mode() & 0o7777;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.uid() != 0 && meta.uid() != euid {
        return Err(format!(
            "{} is owned by uid {} (mode {mode:04o}); it must be owned by root",
            path.display(),
            meta.uid()
        ));
    }
    if mode & guard.forbidden_bits() != 0 {
        return Err(format!(
            "{} has mode {mode:04o}, {}; fix: chmod {:04o} {}",
            path.display(),
            guard.what(),
            mode & !guard.forbidden_bits() & 0o777,
            path.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn file(dir: &Path, mode: u32) -> std::path::PathBuf {
        let p = dir.join(format!("f{mode:o}"));
        std::fs::write(&p, "x").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn passwords_must_be_private_and_settings_not_writable() {
        let dir = tempfile::tempdir().unwrap();
        let me = crate::sys::process::euid();
        for (mode, private_ok, settings_ok) in [
            (0o600, true, true),
            (0o400, true, true),
            (0o640, false, true),
            (0o644, false, true),
            (0o604, false, true),
            (0o620, false, false),
            (0o666, false, false),
            (0o602, false, false),
        ] {
            let p = file(dir.path(), mode);
            assert_eq!(
                check(&p, Guard::Private, me).is_ok(),
                private_ok,
                "{mode:o}"
            );
            assert_eq!(
                check(&p, Guard::NotWritable, me).is_ok(),
                settings_ok,
                "{mode:o}"
            );
        }
        let e = check(&file(dir.path(), 0o644), Guard::Private, me).unwrap_err();
        assert!(e.contains("mode 0644") && e.contains("chmod 0600"), "{e}");
    }

    #[test]
    fn another_users_file_or_a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = file(dir.path(), 0o600);
        let me = crate::sys::process::euid();
        // Owned by us: trusted by us, not by a process of another user.
        assert!(check(&p, Guard::Private, me).is_ok());
        if me != 0 {
            return;
        }
        std::os::unix::fs::chown(&p, Some(4242), None).unwrap();
        let e = check(&p, Guard::Private, me).unwrap_err();
        assert!(e.contains("owned by uid 4242"), "{e}");
        let e = check(dir.path(), Guard::NotWritable, me).unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
    }
}
