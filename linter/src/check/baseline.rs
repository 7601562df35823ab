//! Baselines: `--write-baseline FILE` records today's findings, `--baseline FILE`
//! reports only the others. A finding is keyed by its file (as printed), its code,
//! the rule it sits on with whitespace normalised, and the text it points at, never
//! by line number: moving a rule, or authselect re-aligning its columns, keeps it
//! baselined; changing the rule itself does not. The same key twice (two identical
//! lines) is counted.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Report;
use crate::model::{Control, Entry, Finding, ParsedFile, Rule};
use crate::parse::parse_service_file;

/// Format version written and accepted.
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub file: String,
    pub code: String,
    /// The rule line, tokens joined by one space; empty for file-level findings.
    pub rule: String,
    /// The text the finding points at (a module, an argument...), possibly empty.
    pub at: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    #[serde(flatten)]
    key: Key,
    count: usize,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    pamlint_baseline: u32,
    findings: Vec<Record>,
}

/// Known findings, with how many of each.
#[derive(Debug, Default)]
pub struct Baseline {
    counts: HashMap<Key, usize>,
}

impl Baseline {
    /// Read FILE; the error says what is wrong with it.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("baseline {}: {e}", path.display()))?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            format!(
                "baseline {}: not a pamlint baseline ({e}); write one with --write-baseline",
                path.display()
            )
        })?;
        if file.pamlint_baseline != VERSION {
            return Err(format!(
                "baseline {}: format {} is not supported (this pamlint writes {VERSION})",
                path.display(),
                file.pamlint_baseline
            ));
        }
        let mut counts = HashMap::new();
        for e in file.findings {
            *counts.entry(e.key).or_insert(0) += e.count;
        }
        Ok(Baseline { counts })
    }

    /// Drop the report's findings the baseline knows; returns how many were dropped.
    pub fn filter(mut self, report: &mut Report) -> usize {
        let keys = keys(report);
        let mut dropped = 0;
        let mut keep = Vec::with_capacity(report.findings.len());
        for (f, k) in std::mem::take(&mut report.findings).into_iter().zip(keys) {
            match self.counts.get_mut(&k) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    dropped += 1;
                }
                _ => keep.push(f),
            }
        }
        report.findings = keep;
        dropped
    }
}

/// Write the report's findings as a baseline (sorted, so it diffs well in git).
pub fn write(report: &Report, path: &Path) -> Result<usize, String> {
    let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
    for k in keys(report) {
        *counts.entry(k).or_insert(0) += 1;
    }
    let file = File {
        pamlint_baseline: VERSION,
        findings: counts
            .into_iter()
            .map(|(key, count)| Record { key, count })
            .collect(),
    };
    let n = report.findings.len();
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())? + "\n";
    std::fs::write(path, text).map_err(|e| format!("baseline {}: {e}", path.display()))?;
    Ok(n)
}

/// The key of each finding, in order.
fn keys(report: &Report) -> Vec<Key> {
    let mut parsed: HashMap<&Path, Arc<ParsedFile>> = HashMap::new();
    report
        .findings
        .iter()
        .map(|f| {
            let path: &Path = f.span.file.as_ref();
            let file = parsed
                .entry(path)
                .or_insert_with(|| match report.files.get(path) {
                    Some(p) => p.clone(),
                    None => Arc::new(parse_service_file(path)),
                })
                .clone();
            key(f, &file)
        })
        .collect()
}

fn key(f: &Finding, file: &ParsedFile) -> Key {
    let at = file
        .source
        .get(f.span.offset..f.span.offset + f.span.len)
        .map(squash)
        .unwrap_or_default();
    Key {
        file: f.span.file.display().to_string(),
        code: f.code().to_string(),
        rule: rule_text(f, file),
        at,
    }
}

/// The entry the finding points into: the one whose span holds its offset, else the
/// one on its line.
fn rule_text(f: &Finding, file: &ParsedFile) -> String {
    let span_of = |e: &Entry| match e {
        Entry::Rule(r) => r.span.clone(),
        Entry::AtInclude { span, .. } => span.clone(),
    };
    let holds = |e: &&Entry| {
        let s = span_of(e);
        (s.offset <= f.span.offset && f.span.offset < s.offset + s.len.max(1))
            || s.line == f.span.line
    };
    if f.span == crate::model::Span::file_start(f.span.file.clone()) {
        return String::new(); // a file-level finding (permissions, unreadable file...)
    }
    match file.entries.iter().find(holds) {
        Some(Entry::Rule(r)) => rule_words(r),
        Some(Entry::AtInclude { target, .. }) => format!("@include {}", squash(&target.text)),
        None => String::new(),
    }
}

/// `auth [success=1 default=ignore] pam_unix.so nullok`, whatever the spacing.
fn rule_words(r: &Rule) -> String {
    let mut words = Vec::new();
    if let Some(s) = &r.service {
        words.push(squash(&s.text));
    }
    let dash = if r.silent { "-" } else { "" };
    words.push(format!("{dash}{}", r.type_token.text));
    if let Some(c) = &r.control_token {
        match r.control {
            Some(Control::Bracket { .. }) => words.push(format!("[{}]", squash(&c.text))),
            _ => words.push(squash(&c.text)),
        }
    }
    words.extend(r.module.iter().map(|m| squash(&m.text)));
    words.extend(r.args.iter().map(|a| squash(&a.text)));
    words.join(" ")
}

/// Whitespace runs (and `\` line joins) as one space.
fn squash(s: &str) -> String {
    s.replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_service_bytes;
    use crate::rules::lookup;
    use std::path::PathBuf;

    fn report(src: &str, at_line: usize, code: &'static str) -> Report {
        let path = Path::new("pam.d/svc");
        let parsed = Arc::new(parse_service_bytes(path, src.as_bytes()));
        let r = parsed.rules().find(|r| r.span.line == at_line).unwrap();
        let m = r.module.clone().unwrap();
        let f = Finding::new(lookup(code).unwrap(), m.span, "m".into(), "h".into());
        let mut rep = Report::default();
        rep.findings.push(f);
        rep.files.insert(PathBuf::from(path), parsed);
        rep
    }

    #[test]
    fn key_ignores_line_moves_and_spacing() {
        let a = report("auth required pam_unix.so nullok\n", 1, "PL302");
        let b = report(
            "# moved\n\nauth     required\t\tpam_unix.so   nullok\n",
            3,
            "PL302",
        );
        assert_eq!(keys(&a), keys(&b));
        assert_eq!(keys(&a)[0].rule, "auth required pam_unix.so nullok");
        assert_eq!(keys(&a)[0].at, "pam_unix.so");
        let c = report("auth sufficient pam_unix.so nullok\n", 1, "PL302");
        assert_ne!(keys(&a), keys(&c));
    }

    #[test]
    fn round_trip_counts_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.json");
        let mut rep = report("auth required pam_unix.so nullok\n", 1, "PL302");
        let dup = rep.findings[0].clone();
        rep.findings.push(dup.clone());
        assert_eq!(write(&rep, &file).unwrap(), 2);
        rep.findings.push(dup);
        let dropped = Baseline::read(&file).unwrap().filter(&mut rep);
        assert_eq!((dropped, rep.findings.len()), (2, 1));
    }

    #[test]
    fn bad_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.json");
        assert!(Baseline::read(&file).is_err());
        std::fs::write(&file, "{\"findings\": []}").unwrap();
        assert!(Baseline::read(&file)
            .unwrap_err()
            .contains("not a pamlint baseline"));
        std::fs::write(&file, "{\"pamlint_baseline\": 9, \"findings\": []}").unwrap();
        assert!(Baseline::read(&file).unwrap_err().contains("format 9"));
    }
}
