//! Human output: each finding with its source line and a caret underline
//! (annotate-snippets), then one summary line.

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

/// The text of line `n` (1-based) of a file, from the parsed copy or the disk.
fn source_line(report: &Report, f: &Finding) -> String {
    let text = match report.files.get(f.span.file.as_ref()) {
        Some(p) => p.source.to_string(),
        None => std::fs::read(&f.span.file)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default(),
    };
    text.split('\n')
        .nth(f.span.line.saturating_sub(1))
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string()
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

fn render_one(report: &Report, f: &Finding, renderer: &Renderer) -> String {
    let line = source_line(report, f);
    let path = f.span.file.display().to_string();
    let group = [
        Group::with_title(level(f.severity).primary_title(&f.message).id(f.code)).element(
            Snippet::source(&line)
                .line_start(f.span.line)
                .path(&path)
                .annotation(AnnotationKind::Primary.span(caret_range(&line, f))),
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
    for f in &report.findings {
        out.push_str(&render_one(report, f, &renderer));
        out.push_str("\n\n");
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

pub fn summary(report: &Report) -> String {
    format!(
        "pamlint: {} files, {} services: {} errors, {} warnings, {} infos",
        report.files.len(),
        report.services,
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    )
}
