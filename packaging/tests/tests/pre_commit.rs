//! .pre-commit-hooks.yaml: the hook's `files` pattern picks pam.d files and
//! pam.conf, and its entry is a pamlint command that lints the files given.

use std::process::Command;

use packaging_tests::{artifacts, repo_root};
use yaml_rust2::YamlLoader;

fn hook() -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml"))
        .expect("read .pre-commit-hooks.yaml");
    let docs = YamlLoader::load_from_str(&text).expect("hooks file is YAML");
    let hooks = docs[0].as_vec().expect("a list of hooks").clone();
    hooks
        .into_iter()
        .find(|h| h["id"].as_str() == Some("pamlint"))
        .expect("a hook with id pamlint")
}

#[test]
fn files_pattern_selects_pam_configuration_only() {
    let h = hook();
    let pattern = h["files"].as_str().expect("files pattern");
    let re = regex::Regex::new(pattern).expect("files is a regex");
    for yes in [
        "etc/pam.d/sshd",
        "pam.d/common-auth",
        "image/etc/pam.conf",
        "pam.conf",
    ] {
        assert!(re.is_match(yes), "{pattern} should match {yes}");
    }
    for no in [
        "src/main.rs",
        "etc/pam.d.bak",
        "docs/pam.d/x/y",
        "etc/pam.confd",
    ] {
        assert!(!re.is_match(no), "{pattern} should not match {no}");
    }
}

#[test]
fn entry_lints_the_files_passed() {
    let h = hook();
    let entry = h["entry"].as_str().expect("entry");
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("pamlint"));
    let args: Vec<&str> = words.collect();
    let file = repo_root().join("testdata/pam.d/debian12/sshd");
    let out = Command::new(artifacts::pamlint())
        .args(&args)
        .arg(&file)
        .output()
        .expect("run the hook's entry");
    // 0 or 1 (findings); 2 would be a usage error in the entry.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{entry} {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pamlint:"));
}
