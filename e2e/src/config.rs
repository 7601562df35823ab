//! The sandbox's configuration files: testdata/e2e templates with their
//! `@NAME@` placeholders filled in.

use std::path::Path;

/// Values substituted into the templates.
pub struct Vars<'a> {
    pub ldap_uri: &'a str,
    pub ftp_port: u16,
    pub ssh_port: u16,
    pub dir: &'a Path,
    pub account_options: &'a str,
}

/// Replaces every `@NAME@` the suite knows; an unknown one is a fixture bug.
pub fn render(template: &str, v: &Vars) -> String {
    let out = template
        .replace("@LDAP_URI@", v.ldap_uri)
        .replace("@FTP_PORT@", &v.ftp_port.to_string())
        .replace("@SSH_PORT@", &v.ssh_port.to_string())
        .replace("@DIR@", &v.dir.display().to_string())
        .replace("@ACCOUNT_OPTIONS@", v.account_options);
    assert!(
        !out.contains("@LDAP") && !out.contains("_PORT@") && !out.contains("_OPTIONS@"),
        "unfilled placeholder in:\n{out}"
    );
    out
}

/// Reads testdata/e2e/NAME.
pub fn template(name: &str) -> String {
    let p = crate::fixtures().join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_placeholder() {
        let v = Vars {
            ldap_uri: "ldap://127.0.0.1:1/",
            ftp_port: 21,
            ssh_port: 22,
            dir: Path::new("/d"),
            account_options: "missing_shell=warn",
        };
        assert_eq!(
            render(
                "@LDAP_URI@ @FTP_PORT@ @SSH_PORT@ @DIR@ @ACCOUNT_OPTIONS@",
                &v
            ),
            "ldap://127.0.0.1:1/ 21 22 /d missing_shell=warn"
        );
    }

    #[test]
    #[should_panic(expected = "unfilled placeholder")]
    fn unknown_placeholder_is_a_bug() {
        let v = Vars {
            ldap_uri: "",
            ftp_port: 0,
            ssh_port: 0,
            dir: Path::new("/"),
            account_options: "",
        };
        render("@FTP_PORTX_PORT@", &v);
    }
}
