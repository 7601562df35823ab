//! End-to-end support: a bwrap sandbox running the real daemons users run
//! (nslcd, vsftpd, sshd) against testkit's slapd, with private /etc files
//! and a syslog catcher in place of /dev/log, plus the clients that log in.
//!
//! Every process the sandbox starts lives in its own pid namespace under
//! `bwrap --die-with-parent`: dropping the [`World`] (also while a failed
//! assertion unwinds) kills them all.
#![deny(unsafe_code)]

pub mod artifacts;
pub mod config;
pub mod ftp;
pub mod population;
pub mod ppolicy;
pub mod pty;
pub mod setuid;
pub mod ssh;
pub mod syslog;
pub mod tools;
pub mod world;

pub use world::{Stack, World};

/// Every test user's password in testdata/ldap/users.ldif.
pub const PASSWORD: &str = "Correct-Horse-9";

/// testdata/e2e in the repository.
pub fn fixtures() -> std::path::PathBuf {
    testkit::repo_root().join("testdata/e2e")
}

/// The host's Linux-PAM version (major, minor, patch), from dpkg: what
/// pam_shells logs depends on it.
pub fn libpam_version() -> (u32, u32, u32) {
    let out = std::process::Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "libpam0g"])
        .output()
        .expect("run dpkg-query (the e2e suite runs on Debian/Ubuntu)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    parse_version(&text).unwrap_or_else(|| panic!("libpam0g version not understood: {text:?}"))
}

/// "1.5.2-6+deb12u2" -> (1, 5, 2).
fn parse_version(s: &str) -> Option<(u32, u32, u32)> {
    let upstream = s.split(['-', '+', '~']).next()?;
    let mut parts = upstream.split('.').map(|p| p.parse::<u32>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

/// Syslog lines with nslcd's per-request id ("[7b23c6] ") replaced by "[ID] ".
pub fn normalize_log(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let (pri, rest) = match l.split_once('>') {
                Some((p, r)) if l.starts_with('<') => (format!("{p}>"), r),
                _ => (String::new(), l.as_str()),
            };
            let id = rest
                .strip_prefix('[')
                .and_then(|r| r.split_once("] "))
                .filter(|(id, _)| id.len() == 6 && id.chars().all(|c| c.is_ascii_hexdigit()));
            match id {
                Some((_, text)) => format!("{pri}[ID] {text}"),
                None => l.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_versions_parse() {
        assert_eq!(parse_version("1.5.2-6+deb12u2"), Some((1, 5, 2)));
        assert_eq!(parse_version("1.7.0-1"), Some((1, 7, 0)));
        assert_eq!(parse_version("garbage"), None);
    }

    #[test]
    fn nslcd_request_ids_are_normalized() {
        let lines = vec![
            "<28>[7b23c6] <passwd=\"x\"> denied".to_string(),
            "<92>[carol] FAIL LOGIN".to_string(),
        ];
        assert_eq!(
            normalize_log(&lines),
            vec!["<28>[ID] <passwd=\"x\"> denied", "<92>[carol] FAIL LOGIN"]
        );
    }
}
