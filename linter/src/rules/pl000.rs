//! PL000 io-error: file cannot be read.

use super::{documented, Rule, RuleInfo};
use crate::model::Severity;

pub const INFO: RuleInfo = RuleInfo {
    code: "PL000",
    name: "io-error",
    severity: Severity::Error,
    title: "file cannot be read",
    explain: r#"pamlint could not read a file it was asked to lint (missing, unreadable, a directory...).
libpam would not be able to read it either."#,
};

pub fn rule() -> Rule {
    documented(INFO)
}
