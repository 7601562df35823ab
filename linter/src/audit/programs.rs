//! What a service's program itself refuses before it asks PAM. OpenSSH's
//! sshd (auth.c, allowed_user) stats the user's shell, /bin/sh when the
//! field is empty, and refuses a user whose shell does not exist or is not
//! an executable regular file ("User dave not allowed because shell
//! /opt/missing/zsh does not exist"), whatever the PAM stack says.

use std::os::unix::fs::PermissionsExt;

use super::verdict::{Outcome, Verdict};
use crate::facts::Facts;

/// The refusal `service`'s program makes on its own, if any.
pub fn refusal(service: &str, facts: &Facts) -> Option<Verdict> {
    match service {
        "sshd" => sshd_shell(facts),
        _ => None,
    }
}

fn sshd_shell(facts: &Facts) -> Option<Verdict> {
    let passwd = facts.passwd.as_ref()?;
    let shell = match passwd.shell.as_str() {
        "" => "/bin/sh",
        s => s,
    };
    let (cause, what) = match facts.fs.stat(shell) {
        Err(_) => ("shell-not-installed", "does not exist"),
        Ok(m) if !m.is_file() || m.permissions().mode() & 0o111 == 0 => {
            ("shell-not-executable", "is not executable")
        }
        Ok(_) => return None,
    };
    Some(Verdict {
        verdict: Outcome::Refused,
        rule: Some("OpenSSH allowed_user, before PAM".into()),
        reason: Some(format!("the shell {shell} {what}")),
        cause: Some(cause),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Source;

    fn facts_with_shell(shell: &str) -> (tempfile::TempDir, Facts) {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        std::fs::create_dir_all(r.join("bin")).unwrap();
        std::fs::write(r.join("bin/sh"), "").unwrap();
        std::fs::set_permissions(r.join("bin/sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(r.join("bin/plain"), "").unwrap();
        std::fs::set_permissions(r.join("bin/plain"), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        std::fs::write(
            r.join("etc/passwd"),
            format!("ann:x:2000:2000::/home/ann:{shell}\n"),
        )
        .unwrap();
        let facts = Facts::gather(&Source::Root(r.into()), "sshd", "ann", None);
        (root, facts)
    }

    fn cause(shell: &str, service: &str) -> Option<&'static str> {
        let (_root, facts) = facts_with_shell(shell);
        refusal(service, &facts).map(|v| v.cause.unwrap_or(""))
    }

    #[test]
    fn sshd_refuses_a_missing_or_non_executable_shell_and_takes_empty_as_bin_sh() {
        assert_eq!(cause("/bin/sh", "sshd"), None);
        assert_eq!(cause("", "sshd"), None);
        assert_eq!(
            cause("/opt/missing/zsh", "sshd"),
            Some("shell-not-installed")
        );
        assert_eq!(cause("/bin/plain", "sshd"), Some("shell-not-executable"));
        assert_eq!(cause("/bin", "sshd"), Some("shell-not-executable"));
        // Other programs leave the shell to their PAM stack.
        assert_eq!(cause("/opt/missing/zsh", "vsftpd"), None);
    }
}
