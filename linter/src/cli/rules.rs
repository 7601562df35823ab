//! `pamlint rules`.

use clap::Args;

use super::{CommonArgs, EXIT_OK};
use crate::output::Format;
use crate::rules::registry;

#[derive(Debug, Clone, Args)]
pub struct RulesArgs {}

impl RulesArgs {
    pub fn run(&self, common: &CommonArgs) -> u8 {
        let infos: Vec<_> = registry().into_iter().map(|r| r.info).collect();
        if common.format == Format::Json {
            let v: Vec<_> = infos
                .iter()
                .map(|i| serde_json::json!({"code": i.code, "name": i.name, "severity": i.severity.as_str(), "title": i.title}))
                .collect();
            println!("{:#}", serde_json::Value::Array(v));
        } else {
            for i in infos {
                println!(
                    "{}  {:<7}  {:<22}  {}",
                    i.code,
                    i.severity.as_str(),
                    i.name,
                    i.title
                );
            }
        }
        EXIT_OK
    }
}
