//! pamlint's `--format sarif` against the vendored SARIF 2.1.0 schema
//! (schema/README.md says where it comes from), and the example GitHub
//! Actions workflow (docs/ci/github-actions.yml) uploading that output.

use std::process::Command;

use packaging_tests::{artifacts, repo_root};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

fn schema_validator() -> jsonschema::Validator {
    let path = repo_root().join("packaging/tests/schema/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("read vendored schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft4::new(&schema).expect("schema compiles")
}

/// SARIF from linting stacks that have findings (so `results` is exercised).
fn sarif_of_testdata() -> Value {
    let root = repo_root();
    let out = Command::new(artifacts::pamlint())
        .args(["check", "--format", "sarif"])
        .arg(root.join("testdata/pam.d/centos7"))
        .arg(root.join("testdata/pam.d/debian12"))
        .output()
        .expect("run pamlint");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "pamlint failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("SARIF output is JSON")
}

fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn pamlint_sarif_is_valid_sarif_2_1_0() {
    let doc = sarif_of_testdata();
    assert_eq!(doc["version"], "2.1.0");
    let results = doc["runs"][0]["results"].as_array().expect("results array");
    assert!(
        !results.is_empty(),
        "the testdata stacks should yield findings"
    );
    let errors = schema_errors(&schema_validator(), &doc);
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // The validator really checks: a result with a bad level is refused.
    let mut doc = sarif_of_testdata();
    doc["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!schema_errors(&schema_validator(), &doc).is_empty());
}

fn workflow() -> Yaml {
    let path = repo_root().join("docs/ci/github-actions.yml");
    let text = std::fs::read_to_string(path).expect("read docs/ci/github-actions.yml");
    let mut docs = YamlLoader::load_from_str(&text).expect("workflow is YAML");
    docs.remove(0)
}

#[test]
fn example_workflow_uploads_the_sarif_that_pamlint_writes() {
    let wf = workflow();
    assert_eq!(
        wf["permissions"]["security-events"].as_str(),
        Some("write"),
        "upload-sarif needs security-events: write"
    );
    let steps = wf["jobs"]["pamlint"]["steps"].as_vec().expect("steps");
    let lint = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("pamlint check"))
        .expect("a step runs pamlint check");
    assert!(lint.contains("--format sarif"), "lint step: {lint}");
    let written = lint
        .split_once("> ")
        .map(|(_, rest)| rest.split_whitespace().next().unwrap_or(""))
        .expect("the lint step redirects the SARIF to a file");
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert_eq!(upload["with"]["sarif_file"].as_str(), Some(written));
    assert_eq!(upload["if"].as_str(), Some("always()"));
}
