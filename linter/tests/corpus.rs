//! Every file of ../shared/corpus whose MANIFEST.tsv dialect is linux-pam parses
//! with no syntax finding (PL0xx at warning or error). The corpus sits beside the
//! repository: <repo root>/../shared/corpus.

use std::path::{Path, PathBuf};

use pamlint::model::ParsedFile;
use pamlint::model::Severity;
use pamlint::parse::{parse_pam_conf_file, parse_service_file};

/// pam.conf has a service column; everything else is a pam.d file.
fn parse(f: &Path) -> ParsedFile {
    if f.file_name().is_some_and(|n| n == "pam.conf") {
        parse_pam_conf_file(f)
    } else {
        parse_service_file(f)
    }
}

fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    assert!(
        dir.join("MANIFEST.tsv").is_file(),
        "corpus not found at {} (expected <repo root>/../shared/corpus with MANIFEST.tsv)",
        dir.display()
    );
    dir
}

fn linux_pam_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.get(4) == Some(&"linux-pam")).then(|| dir.join(cols[0]))
        })
        .collect()
}

#[test]
fn linux_pam_corpus_has_no_syntax_findings() {
    let files = linux_pam_files();
    assert!(
        files.len() > 100,
        "only {} linux-pam files in the corpus",
        files.len()
    );
    let mut bad = Vec::new();
    for f in &files {
        let parsed = parse(f);
        for x in &parsed.findings {
            if x.code().starts_with("PL0") && x.severity() >= Severity::Warning {
                bad.push(format!(
                    "{}:{} {} {}",
                    f.display(),
                    x.span.line,
                    x.code(),
                    x.message
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Checks the parser against a few corpus facts rather than only "no finding".
#[test]
fn corpus_rules_have_types_and_modules() {
    for f in linux_pam_files() {
        let parsed = parse(&f);
        for r in parsed.rules() {
            assert!(
                r.pam_type.is_some(),
                "{}:{} no type",
                f.display(),
                r.span.line
            );
            assert!(
                r.module.is_some(),
                "{}:{} no module",
                f.display(),
                r.span.line
            );
        }
    }
}
