//! `pamlint explain CODE`.

use clap::Args;

use super::out::ReportFormat;
use super::{out, CommonArgs, EXIT_ERROR, EXIT_OK};
use crate::rules::lookup;

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// A rule code, e.g. PL302.
    pub code: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
}

impl ExplainArgs {
    pub fn run(&self, _common: &CommonArgs) -> u8 {
        let Some(info) = lookup(&self.code) else {
            eprintln!(
                "pamlint: unknown rule `{}` (see `pamlint rules`)",
                self.code
            );
            return EXIT_ERROR;
        };
        if self.format == ReportFormat::Json {
            let v = serde_json::json!({
                "code": info.code, "name": info.name, "severity": info.severity.as_str(),
                "title": info.title, "explain": info.explain,
            });
            if out::emit_line(&format!("{v:#}")).is_err() {
                return EXIT_ERROR;
            }
        } else {
            let text = format!(
                "{} {} ({}): {}\n\n{}",
                info.code, info.name, info.severity, info.title, info.explain
            );
            if out::emit_line(&text).is_err() {
                return EXIT_ERROR;
            }
        }
        EXIT_OK
    }
}
