//! `--format github`: GitHub Actions workflow commands (`::error file=...::msg`).

use crate::check::Report;
use crate::model::Severity;

/// Escaping of workflow command data.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of workflow command properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let cmd = match f.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{cmd} file={},line={},col={},endColumn={},title={}::{}\n",
            property(&f.span.file.display().to_string()),
            f.span.line,
            f.span.column,
            f.span.column + f.span.len.max(1),
            property(&format!("pamlint {}", f.code())),
            data(&format!("{} — {}", f.message, f.help)),
        ));
    }
    out
}
