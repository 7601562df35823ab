//! The summary of an audit, grouped by cause: how many users each cause
//! refuses, which services refuse them for it (and at which rule) and which
//! services admit those same users. Its size depends on the services and
//! causes, never on the number of users.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::verdict::{Outcome, Verdict};

/// Every cause id, its text (JSON) and how the human summary says it of
/// users ("37 users have no login shell attribute"); docs/pamlint.md lists the same.
pub const CAUSES: &[(&str, &str, &str)] = &[
    (
        "shell-missing",
        "no login shell attribute (loginShell absent)",
        "have no login shell attribute",
    ),
    (
        "shell-empty",
        "login shell empty",
        "have an empty login shell",
    ),
    (
        "shell-not-listed",
        "login shell not in the shells file (/etc/shells)",
        "have a login shell not in the shells file",
    ),
    (
        "shell-not-installed",
        "login shell not installed",
        "have a login shell that is not installed",
    ),
    (
        "shell-not-executable",
        "login shell not an executable file",
        "have a login shell that is not an executable file",
    ),
    (
        "uid-below-minimum",
        "uid below minimum_uid",
        "have a uid below minimum_uid",
    ),
    (
        "listfile",
        "listed by pam_listfile (e.g. /etc/ftpusers)",
        "are refused by a pam_listfile list (e.g. /etc/ftpusers)",
    ),
    (
        "succeed-if",
        "a pam_succeed_if condition fails",
        "fail a pam_succeed_if condition",
    ),
    ("access", "pam_access denies", "are denied by pam_access"),
    (
        "nologin",
        "a nologin file refuses non-root logins",
        "are refused by a nologin file",
    ),
    (
        "authz-filter",
        "entry does not match authz_filter",
        "do not match authz_filter",
    ),
    ("account-locked", "account locked", "are locked"),
    (
        "password-expired",
        "password expired",
        "have an expired password",
    ),
    (
        "account-expired",
        "account expired",
        "have an expired account",
    ),
    (
        "module-missing",
        "a module is not installed",
        "meet a module that is not installed",
    ),
    ("other", "another refusal", "are refused for another reason"),
];

fn cause_entry(id: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    CAUSES.iter().find(|(c, _, _)| *c == id)
}

pub fn cause_text(id: &str) -> &'static str {
    cause_entry(id).map_or("another refusal", |(_, t, _)| t)
}

/// "have no login shell attribute", for "N users ...".
pub fn cause_phrase(id: &str) -> &'static str {
    cause_entry(id).map_or("are refused for another reason", |(_, _, p)| p)
}

/// The phrase for "1 user ...": its first verb in the singular.
pub fn cause_phrase_one(id: &str) -> String {
    let phrase = cause_phrase(id);
    let (verb, rest) = phrase.split_once(' ').unwrap_or((phrase, ""));
    let one = match verb {
        "have" => "has",
        "are" => "is",
        "do" => "does",
        "fail" => "fails",
        "meet" => "meets",
        other => other,
    };
    format!("{one} {rest}")
}

/// One cause in the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CauseSummary {
    pub cause: String,
    pub text: String,
    pub users: u64,
    pub refused_by: Vec<String>,
    pub admitted_by: Vec<String>,
    /// For the human summary: service -> the first rule that refused for this cause.
    #[serde(skip)]
    pub rules: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub users: u64,
    /// Users every service admits.
    pub admitted: u64,
    /// Users at least one service refuses.
    pub refused: u64,
    /// Users no service refuses and at least one cannot be decided for.
    pub unknown: u64,
    pub causes: Vec<CauseSummary>,
    /// Pages the directory sent (RFC 2696), 0 without a directory scan.
    pub pages: u64,
}

/// Accumulates users' verdicts.
#[derive(Debug, Default)]
pub struct Tally {
    summary: Summary,
    causes: BTreeMap<&'static str, CauseAcc>,
}

#[derive(Debug, Default)]
struct CauseAcc {
    users: u64,
    refused_by: BTreeSet<String>,
    admitted_by: BTreeSet<String>,
    rules: BTreeMap<String, String>,
}

impl Tally {
    /// Adds one user's verdicts, service by service.
    pub fn add(&mut self, services: &[(String, Verdict)]) {
        self.summary.users += 1;
        let outcome = services
            .iter()
            .map(|(_, v)| v.verdict)
            .max_by_key(|o| match o {
                Outcome::Admitted => 0,
                Outcome::Unknown => 1,
                Outcome::Refused => 2,
            })
            .unwrap_or(Outcome::Admitted);
        match outcome {
            Outcome::Admitted => self.summary.admitted += 1,
            Outcome::Refused => self.summary.refused += 1,
            Outcome::Unknown => self.summary.unknown += 1,
        }
        let mut seen: BTreeSet<&'static str> = BTreeSet::new();
        for (service, v) in services {
            let Some(cause) = v.cause.filter(|_| v.verdict == Outcome::Refused) else {
                continue;
            };
            let acc = self.causes.entry(cause).or_default();
            if seen.insert(cause) {
                acc.users += 1;
            }
            acc.refused_by.insert(service.clone());
            if let Some(rule) = &v.rule {
                acc.rules
                    .entry(service.clone())
                    .or_insert_with(|| rule.clone());
            }
        }
        for cause in seen {
            let acc = self.causes.entry(cause).or_default();
            for (service, v) in services {
                if v.verdict == Outcome::Admitted {
                    acc.admitted_by.insert(service.clone());
                }
            }
        }
    }

    pub fn refused_any(&self) -> bool {
        self.summary.refused > 0
    }

    /// The summary, causes with the most users first.
    pub fn finish(self, pages: u64) -> Summary {
        let mut causes: Vec<CauseSummary> = self
            .causes
            .into_iter()
            .map(|(cause, acc)| CauseSummary {
                cause: cause.to_string(),
                text: cause_text(cause).to_string(),
                users: acc.users,
                refused_by: acc.refused_by.into_iter().collect(),
                admitted_by: acc.admitted_by.into_iter().collect(),
                rules: acc.rules,
            })
            .collect();
        causes.sort_by(|a, b| b.users.cmp(&a.users).then(a.cause.cmp(&b.cause)));
        Summary {
            causes,
            pages,
            ..self.summary
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(cause: &'static str, rule: &str) -> Verdict {
        Verdict {
            verdict: Outcome::Refused,
            rule: Some(rule.into()),
            reason: Some("r".into()),
            cause: Some(cause),
        }
    }

    fn unknown() -> Verdict {
        Verdict {
            verdict: Outcome::Unknown,
            rule: None,
            reason: Some("pam_x: ?".into()),
            cause: None,
        }
    }

    #[test]
    fn causes_count_users_once_and_name_both_sides() {
        let mut t = Tally::default();
        let ok = Verdict::admitted;
        t.add(&[
            ("sshd".into(), ok()),
            (
                "vsftpd".into(),
                refused("shell-missing", "vsftpd:5 pam_shells.so"),
            ),
        ]);
        t.add(&[
            (
                "sshd".into(),
                refused("shell-missing", "common-account:4 pam_ldap_shell.so"),
            ),
            (
                "vsftpd".into(),
                refused("shell-missing", "vsftpd:5 pam_shells.so"),
            ),
        ]);
        t.add(&[("sshd".into(), ok()), ("vsftpd".into(), ok())]);
        t.add(&[("sshd".into(), unknown()), ("vsftpd".into(), ok())]);
        assert!(t.refused_any());
        let s = t.finish(3);
        assert_eq!(
            (s.users, s.admitted, s.refused, s.unknown, s.pages),
            (4, 1, 2, 1, 3)
        );
        assert_eq!(s.causes.len(), 1);
        let c = &s.causes[0];
        assert_eq!(c.users, 2);
        assert_eq!(c.refused_by, vec!["sshd", "vsftpd"]);
        assert_eq!(c.admitted_by, vec!["sshd"]);
        assert_eq!(c.rules["vsftpd"], "vsftpd:5 pam_shells.so");
        assert_eq!(c.text, cause_text("shell-missing"));
    }

    #[test]
    fn nobody_refused_is_not_a_finding() {
        let mut t = Tally::default();
        t.add(&[("sshd".into(), unknown())]);
        assert!(!t.refused_any());
        assert!(t.finish(0).causes.is_empty());
    }

    #[test]
    fn every_cause_has_a_text() {
        for (id, text, phrase) in CAUSES {
            assert_eq!(cause_text(id), *text);
            assert_eq!(cause_phrase(id), *phrase);
            let one = cause_phrase_one(id);
            assert!(one.starts_with(['h', 'i', 'd', 'f', 'm']), "{one}");
            assert_ne!(one.split(' ').next(), phrase.split(' ').next(), "{one}");
        }
    }
}
