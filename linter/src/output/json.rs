//! `--format json`: `{"findings": [...], "summary": {...}}` (docs/pamlint.md).

use serde::Serialize;

use crate::check::Report;
use crate::model::Severity;

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: &'a str,
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
    help: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    services: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct Output<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

pub fn render(report: &Report) -> String {
    let out = Output {
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                code: f.code(),
                severity: f.severity().as_str(),
                file: super::display_path(&f.span.file),
                line: f.span.line,
                column: f.span.column,
                message: &f.message,
                help: &f.help,
            })
            .collect(),
        summary: Summary {
            files: report.file_count(),
            services: report.services,
            findings: report.findings.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
        },
    };
    serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
