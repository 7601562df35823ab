//! testdata/lint/<CODE>/: a pam.d directory and `expected` ("CODE FILE LINE" per
//! finding). Every case must produce exactly its expected findings, and include
//! at least one finding of its own code.

use std::path::{Path, PathBuf};

use pamlint::check::{lint, CheckOptions};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/lint")
}

#[test]
fn every_case_gives_its_expected_findings() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("testdata/lint is missing")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 30,
        "expected one case per rule, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in dirs {
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected_text = std::fs::read_to_string(dir.join("expected")).unwrap();
        let mut expected: Vec<String> = expected_text.lines().map(str::to_string).collect();
        let report = lint(&CheckOptions {
            root: "/".into(),
            dir: Some(dir.join("pam.d")),
            ..CheckOptions::default()
        });
        let mut got: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                let file = f
                    .span
                    .file
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                format!("{} {} {}", f.code(), file, f.span.line)
            })
            .collect();
        expected.sort();
        got.sort();
        if got != expected {
            failures.push(format!("{code}: expected {expected:?}, got {got:?}"));
        }
        if !got.iter().any(|g| g.starts_with(&code)) {
            failures.push(format!("{code}: the case does not trigger its own rule"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_with_a_case_is_registered() {
    for e in std::fs::read_dir(cases_dir()).unwrap() {
        let code = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            pamlint::rules::lookup(&code).is_some(),
            "{code} has a case but no rule"
        );
    }
}
