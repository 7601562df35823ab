//! Output formats of `pamlint check`, one file each.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::check::Report;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// Render a report in a format (`color` only affects human output).
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
    }
}

/// The file path as shown to users.
pub fn display_path(p: &std::path::Path) -> String {
    p.display().to_string()
}
