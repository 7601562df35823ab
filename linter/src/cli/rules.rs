//! `pamlint rules`.

use clap::Args;

use super::out::ReportFormat;
use super::{out, CommonArgs, EXIT_ERROR, EXIT_OK};
use crate::rules::registry;

#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
}

impl RulesArgs {
    pub fn run(&self, _common: &CommonArgs) -> u8 {
        let infos: Vec<_> = registry().into_iter().map(|r| r.info).collect();
        if self.format == ReportFormat::Json {
            let v: Vec<_> = infos
                .iter()
                .map(|i| serde_json::json!({"code": i.code, "name": i.name, "severity": i.severity.as_str(), "title": i.title}))
                .collect();
            if out::emit_line(&format!("{:#}", serde_json::Value::Array(v))).is_err() {
                return EXIT_ERROR;
            }
        } else {
            let table: String = infos
                .iter()
                .map(|i| {
                    format!(
                        "{}  {:<7}  {:<22}  {}\n",
                        i.code,
                        i.severity.as_str(),
                        i.name,
                        i.title
                    )
                })
                .collect();
            if out::emit(&table).is_err() {
                return EXIT_ERROR;
            }
        }
        EXIT_OK
    }
}
