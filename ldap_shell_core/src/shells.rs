//! The login-shell checks: the list read the way pam_shells reads /etc/shells,
//! and the shell itself must exist as an executable file.

use crate::host::ShellsFile;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Reads the shells list like pam_shells: the file must be a regular file and
/// not world-writable; each line is compared whole (newline removed, no other
/// trimming); lines not starting with `/` are ignored.
pub fn read_shells(path: &Path) -> Result<Vec<String>, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
    if !meta.is_file() || meta.permissions().mode() & 0o002 != 0 {
        return Err(format!(
            "{} is either world writable or not a normal file",
            path.display()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(parse_shells(&String::from_utf8_lossy(&bytes)))
}

pub fn parse_shells(text: &str) -> Vec<String> {
    text.split('\n')
        .filter(|l| l.starts_with('/'))
        .map(str::to_string)
        .collect()
}

/// Why a shell that is set cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellProblem {
    NotListed,
    DoesNotExist,
    NotExecutable,
}

/// Checks `shell` against the list, then the program on `host`'s filesystem.
pub fn check_shell(shell: &str, listed: &[String], host: &dyn ShellsFile) -> Option<ShellProblem> {
    if !listed.iter().any(|l| l == shell) {
        return Some(ShellProblem::NotListed);
    }
    host.program_problem(Path::new(shell))
}

/// Whether `path` is an existing executable regular file (symlinks followed).
pub fn file_problem(path: &Path) -> Option<ShellProblem> {
    match std::fs::metadata(path) {
        Err(_) => Some(ShellProblem::DoesNotExist),
        Ok(m) if !m.is_file() || m.permissions().mode() & 0o111 == 0 => {
            Some(ShellProblem::NotExecutable)
        }
        Ok(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::ShellsOnDisk;

    #[test]
    fn parses_like_pam_shells() {
        let list =
            parse_shells("# comment\n/bin/bash\n  /bin/indented\n/bin/sh \nzsh\n\n/usr/bin/fish");
        assert_eq!(list, vec!["/bin/bash", "/bin/sh ", "/usr/bin/fish"]);
    }

    #[test]
    fn checks_listing_existence_and_exec_bit() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("goodsh");
        let plain = dir.path().join("plainsh");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        std::fs::write(&plain, "").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
        let missing = dir.path().join("missing");
        let s = |p: &Path| p.to_str().unwrap().to_string();
        let listed = vec![s(&exe), s(&plain), s(&missing), s(dir.path())];
        assert_eq!(check_shell(&s(&exe), &listed, &ShellsOnDisk), None);
        assert_eq!(
            check_shell("/bin/zsh-not-listed", &listed, &ShellsOnDisk),
            Some(ShellProblem::NotListed)
        );
        assert_eq!(
            check_shell(&s(&missing), &listed, &ShellsOnDisk),
            Some(ShellProblem::DoesNotExist)
        );
        assert_eq!(
            check_shell(&s(&plain), &listed, &ShellsOnDisk),
            Some(ShellProblem::NotExecutable)
        );
        assert_eq!(
            check_shell(&s(dir.path()), &listed, &ShellsOnDisk),
            Some(ShellProblem::NotExecutable)
        );
    }

    #[test]
    fn refuses_world_writable_or_odd_lists() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("shells");
        std::fs::write(&f, "/bin/sh\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(read_shells(&f).unwrap(), vec!["/bin/sh"]);
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(read_shells(&f).is_err());
        assert!(read_shells(dir.path()).is_err());
        assert!(read_shells(&dir.path().join("none")).is_err());
    }
}
