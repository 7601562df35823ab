//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it: every rule
//! with its help, every result with a physical location.

use serde_json::{json, Value};

use crate::check::Report;
use crate::model::Severity;
use crate::rules::registry;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Relative paths stay relative (repository-relative for code scanning).
fn uri(p: &std::path::Path) -> String {
    let s = p.display().to_string();
    match s.strip_prefix('/') {
        Some(_) => format!("file://{s}"),
        None => s.trim_start_matches("./").to_string(),
    }
}

pub fn render(report: &Report) -> String {
    let rules: Vec<_> = registry().into_iter().map(|r| r.info).collect();
    let rule_json: Vec<Value> = rules
        .iter()
        .map(|i| {
            json!({
                "id": i.code,
                "name": i.name,
                "shortDescription": {"text": i.title},
                "fullDescription": {"text": i.explain},
                "help": {"text": i.explain, "markdown": format!("```\n{}\n```", i.explain)},
                "defaultConfiguration": {"level": level(i.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            // Every rule file is registered (rules::registry_tests), so a
            // finding's rule has an index; none would be `null`, never PL000's.
            let index = rules.iter().position(|i| i.code == f.code());
            json!({
                "ruleId": f.code(),
                "ruleIndex": index,
                "level": level(f.severity()),
                "message": {"text": format!("{} (help: {})", f.message, f.help)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.span.file)},
                        "region": {
                            "startLine": f.span.line,
                            "startColumn": f.span.column,
                            "endColumn": f.span.column + f.span.len.max(1),
                        }
                    }
                }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pamlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/",
                "rules": rule_json,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
