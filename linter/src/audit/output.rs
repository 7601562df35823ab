//! Writing an audit as it streams: JSON (the users array written user by
//! user, then the summary), CSV (a row per user and service), or the human
//! view (a line per refused or unknown pair with `--details`, then the
//! summary grouped by cause). Directory text is escaped before it can reach
//! a terminal (`ldap_shell_core::escape::terminal_safe`); JSON escapes by
//! itself.

use std::fmt::Write as _;
use std::io::{self, Write};

use ldap_shell_core::escape::terminal_safe;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::summary::Summary;
use super::users::UserSource;
use super::verdict::{Outcome, Verdict};

/// `--format` of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Human,
    Json,
    Csv,
}

/// One audited user and the verdict of every service, in service order.
#[derive(Debug, Serialize)]
pub struct UserRecord<'a> {
    pub user: &'a str,
    pub source: UserSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dn: Option<&'a str>,
    pub uid: Option<u32>,
    /// None when the shell attribute is absent (or the user has no passwd entry).
    pub shell: Option<&'a str>,
    pub services: Services<'a>,
}

/// The `services` object, keys in the order the services were audited.
#[derive(Debug)]
pub struct Services<'a>(pub &'a [(String, Verdict)]);

impl Serialize for Services<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, v) in self.0 {
            map.serialize_entry(name, v)?;
        }
        map.end()
    }
}

pub const CSV_HEADER: &str = "user,source,service,verdict,rule,cause,reason";

/// The streaming writer.
pub struct AuditWriter<W: Write> {
    out: W,
    format: AuditFormat,
    details: bool,
    users_written: u64,
}

impl<W: Write> AuditWriter<W> {
    pub fn new(out: W, format: AuditFormat, details: bool) -> Self {
        AuditWriter {
            out,
            format,
            details,
            users_written: 0,
        }
    }

    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            AuditFormat::Json => self.out.write_all(b"{\"users\": ["),
            AuditFormat::Csv => writeln!(self.out, "{CSV_HEADER}"),
            AuditFormat::Human => Ok(()),
        }
    }

    pub fn user(&mut self, rec: &UserRecord<'_>) -> io::Result<()> {
        match self.format {
            AuditFormat::Json => {
                let sep = if self.users_written == 0 { "\n" } else { ",\n" };
                let text = serde_json::to_string(rec).map_err(io::Error::other)?;
                write!(self.out, "{sep}  {text}")?;
            }
            AuditFormat::Csv => {
                for (service, v) in rec.services.0 {
                    writeln!(self.out, "{}", csv_row(rec, service, v))?;
                }
            }
            AuditFormat::Human if self.details => {
                for (service, v) in rec.services.0 {
                    if v.verdict != Outcome::Admitted {
                        writeln!(self.out, "{}", detail_line(rec.user, service, v))?;
                    }
                }
            }
            AuditFormat::Human => {}
        }
        self.users_written += 1;
        Ok(())
    }

    pub fn finish(mut self, summary: &Summary, services: &[String]) -> io::Result<()> {
        match self.format {
            AuditFormat::Json => {
                let text = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
                let nl = if self.users_written == 0 { "" } else { "\n" };
                writeln!(self.out, "{nl}],\n\"summary\": {text}}}")?;
            }
            AuditFormat::Csv => {}
            AuditFormat::Human => {
                if self.details && summary.users > 0 {
                    writeln!(self.out)?;
                }
                self.out
                    .write_all(render_summary(summary, services).as_bytes())?;
            }
        }
        self.out.flush()
    }
}

fn csv_row(rec: &UserRecord<'_>, service: &str, v: &Verdict) -> String {
    let fields = [
        rec.user,
        rec.source.as_str(),
        service,
        v.verdict.as_str(),
        v.rule.as_deref().unwrap_or(""),
        v.cause.unwrap_or(""),
        v.reason.as_deref().unwrap_or(""),
    ];
    fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
}

/// RFC 4180 quoting; control characters are written out first so a row
/// stays one line on a terminal.
pub fn csv_field(text: &str) -> String {
    let safe = terminal_safe(text);
    if safe.contains([',', '"']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe.into_owned()
    }
}

fn detail_line(user: &str, service: &str, v: &Verdict) -> String {
    let mut line = format!(
        "{}: {} {}",
        terminal_safe(user),
        terminal_safe(service),
        v.verdict.as_str()
    );
    if let Some(rule) = &v.rule {
        let _ = write!(line, " at {}", terminal_safe(rule));
    }
    if let Some(reason) = &v.reason {
        let _ = write!(line, ": {}", terminal_safe(reason));
    }
    if let Some(cause) = v.cause {
        let _ = write!(line, " [{cause}]");
    }
    line
}

/// The human summary: counts, then one paragraph per cause.
pub fn render_summary(s: &Summary, services: &[String]) -> String {
    let mut out = String::new();
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let _ = writeln!(
        out,
        "{} user{} audited against {} service{} ({}): {} admitted by every service, {} refused by at least one, {} undecided",
        s.users,
        plural(s.users),
        services.len(),
        plural(services.len() as u64),
        terminal_safe(&services.join(", ")),
        s.admitted,
        s.refused,
        s.unknown
    );
    for c in &s.causes {
        let refused: Vec<String> = c
            .refused_by
            .iter()
            .map(|svc| match c.rules.get(svc) {
                Some(rule) => format!("{} ({})", terminal_safe(svc), terminal_safe(rule)),
                None => terminal_safe(svc).into_owned(),
            })
            .collect();
        let _ = write!(
            out,
            "  {} user{} {} [{}]: refused by {}",
            c.users,
            plural(c.users),
            if c.users == 1 {
                super::summary::cause_phrase_one(&c.cause)
            } else {
                super::summary::cause_phrase(&c.cause).to_string()
            },
            c.cause,
            refused.join(", ")
        );
        if !c.admitted_by.is_empty() {
            let admitted: Vec<String> = c
                .admitted_by
                .iter()
                .map(|a| terminal_safe(a).into_owned())
                .collect();
            // What the admitted users run: login, sshd and su start /bin/sh
            // for an empty shell field.
            let with = if matches!(c.cause.as_str(), "shell-missing" | "shell-empty") {
                " (with /bin/sh, which login programs run for an empty shell)"
            } else {
                ""
            };
            let _ = write!(out, "; admitted by {}{with}", admitted.join(", "));
        }
        let _ = writeln!(out);
    }
    if s.unknown > 0 {
        let _ = writeln!(
            out,
            "  {} user{} could not be decided for some service: a module's answer cannot be predicted (--details names it)",
            s.unknown,
            plural(s.unknown)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::summary::Tally;

    fn record<'a>(services: &'a [(String, Verdict)]) -> UserRecord<'a> {
        UserRecord {
            user: "carol",
            source: UserSource::Ldap,
            dn: Some("uid=carol,dc=x"),
            uid: Some(10004),
            shell: Some("/bin/dash"),
            services: Services(services),
        }
    }

    fn refusal() -> Verdict {
        Verdict {
            verdict: Outcome::Refused,
            rule: Some("vsftpd:5 pam_shells.so".into()),
            reason: Some("auth: carol's shell \"x\", not listed\n".into()),
            cause: Some("shell-not-listed"),
        }
    }

    fn run(format: AuditFormat, details: bool) -> String {
        let services = vec![
            ("sshd".to_string(), Verdict::admitted()),
            ("vsftpd".to_string(), refusal()),
        ];
        let mut buf = Vec::new();
        let mut w = AuditWriter::new(&mut buf, format, details);
        w.begin().unwrap();
        w.user(&record(&services)).unwrap();
        w.user(&record(&services)).unwrap();
        let mut t = Tally::default();
        t.add(&services);
        t.add(&services);
        w.finish(&t.finish(1), &["sshd".into(), "vsftpd".into()])
            .unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_is_one_document_with_services_in_order() {
        let text = run(AuditFormat::Json, false);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let users = v["users"].as_array().unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users[0]["source"], "ldap");
        assert_eq!(users[0]["services"]["sshd"]["verdict"], "admitted");
        assert!(users[0]["services"]["sshd"].get("rule").is_none());
        assert_eq!(users[0]["services"]["vsftpd"]["cause"], "shell-not-listed");
        assert_eq!(v["summary"]["refused"], 2);
        assert_eq!(v["summary"]["causes"][0]["refused_by"][0], "vsftpd");
        let sshd = text.find("\"sshd\"").unwrap();
        assert!(sshd < text.find("\"vsftpd\"").unwrap());
    }

    #[test]
    fn json_without_users_is_still_a_document() {
        let mut buf = Vec::new();
        let mut w = AuditWriter::new(&mut buf, AuditFormat::Json, false);
        w.begin().unwrap();
        w.finish(&Tally::default().finish(0), &[]).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["users"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn csv_rows_quote_and_escape() {
        let text = run(AuditFormat::Csv, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[1], "carol,ldap,sshd,admitted,,,");
        assert_eq!(
            lines[2],
            "carol,ldap,vsftpd,refused,vsftpd:5 pam_shells.so,shell-not-listed,\"auth: carol's shell \"\"x\"\", not listed\\n\""
        );
    }

    #[test]
    fn users_without_a_shell_admitted_somewhere_get_bin_sh() {
        let missing = Verdict {
            cause: Some("shell-missing"),
            ..refusal()
        };
        let mut t = Tally::default();
        t.add(&[
            ("sshd".to_string(), Verdict::admitted()),
            ("vsftpd".to_string(), missing),
        ]);
        let text = render_summary(&t.finish(1), &["sshd".into(), "vsftpd".into()]);
        assert!(
            text.contains("1 user has no login shell attribute [shell-missing]: refused by vsftpd (vsftpd:5 pam_shells.so); admitted by sshd (with /bin/sh"),
            "{text}"
        );
    }

    #[test]
    fn human_details_and_summary() {
        let text = run(AuditFormat::Human, true);
        assert!(
            text.starts_with("carol: vsftpd refused at vsftpd:5 pam_shells.so: "),
            "{text}"
        );
        assert!(!text.contains("sshd admitted"), "{text}");
        assert!(
            text.contains("2 users have a login shell not in the shells file [shell-not-listed]"),
            "{text}"
        );
        assert!(
            text.contains("refused by vsftpd (vsftpd:5 pam_shells.so); admitted by sshd"),
            "{text}"
        );
        assert!(!text.contains('\u{0}'));
        let quiet = run(AuditFormat::Human, false);
        assert!(quiet.starts_with("2 users audited"), "{quiet}");
    }
}
