//! Human output: each finding with its source line and a caret underline
//! (annotate-snippets), then one summary line.

use std::collections::HashMap;
use std::path::PathBuf;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::check::Report;
use crate::model::{Finding, Severity};

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// Each file's lines, split once: re-splitting the whole file for every finding
/// made a large file with many findings quadratic.
#[derive(Default)]
struct Sources {
    lines: HashMap<PathBuf, Vec<String>>,
}

impl Sources {
    /// The text of the finding's line, from the parsed copy or the disk.
    fn line(&mut self, report: &Report, f: &Finding) -> &str {
        let lines = self
            .lines
            .entry(f.span.file.to_path_buf())
            .or_insert_with(|| {
                let text = match report.files.get(f.span.file.as_ref()) {
                    Some(p) => p.source.to_string(),
                    None => std::fs::read(&f.span.file)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default(),
                };
                text.split('\n')
                    .map(|l| l.trim_end_matches('\r').to_string())
                    .collect()
            });
        lines
            .get(f.span.line.saturating_sub(1))
            .map_or("", String::as_str)
    }
}

/// A char-boundary-safe byte range for the caret on the line.
fn caret_range(line: &str, f: &Finding) -> std::ops::Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(f.span.column.saturating_sub(1));
    let end = fix(start + f.span.len.max(1));
    start..end.max(start)
}

fn render_one(line: &str, f: &Finding, renderer: &Renderer) -> String {
    let path = f.span.file.display().to_string();
    let group = [
        Group::with_title(level(f.severity()).primary_title(&f.message).id(f.code())).element(
            Snippet::source(line)
                .line_start(f.span.line)
                .path(&path)
                .annotation(AnnotationKind::Primary.span(caret_range(line, f))),
        ),
        Group::with_title(Level::HELP.secondary_title(&f.help)),
    ];
    renderer.render(&group)
}

pub fn render(report: &Report, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let mut sources = Sources::default();
    for f in &report.findings {
        let line = sources.line(report, f);
        out.push_str(&render_one(line, f, &renderer));
        out.push_str("\n\n");
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

pub fn summary(report: &Report) -> String {
    let target = report
        .target
        .as_ref()
        .map(|t| format!(" for {t}"))
        .unwrap_or_default();
    format!(
        "pamlint: {} files, {} services{target}: {} errors, {} warnings, {} infos",
        report.file_count(),
        report.services,
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    )
}
