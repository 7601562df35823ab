//! Human (two columns) and JSON output of a diff.

use std::fmt::Write as _;

use super::{Diff, Kind, Row, Side};

const COLUMN: usize = 56;

fn cell(side: Option<&Side>) -> String {
    match side {
        Some(s) => {
            let file = std::path::Path::new(&s.file)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("{file}:{} {} {}", s.line, s.module, s.control)
        }
        None => String::new(),
    }
}

fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s:width$}")
    } else {
        let cut: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

fn marker(kind: Kind) -> &'static str {
    match kind {
        Kind::Same => " ",
        Kind::OnlyInA => "<",
        Kind::OnlyInB => ">",
        Kind::Changed => "~",
        Kind::Moved => "m",
    }
}

fn row_line(out: &mut String, r: &Row) {
    let _ = writeln!(
        out,
        "  {} {} | {}",
        marker(r.kind),
        fit(&cell(r.a.as_ref()), COLUMN),
        cell(r.b.as_ref())
    );
}

/// Two columns per type, then the differences with both locations and consequences.
pub fn human(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "pamlint diff {} {}", d.a, d.b);
    let _ = writeln!(
        out,
        "  (< only in {}, > only in {}, ~ changed, m moved)",
        d.a, d.b
    );
    for t in &d.types {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}:", t.pam_type);
        for (from_other, name) in [(t.a_from_other, &d.a), (t.b_from_other, &d.b)] {
            if from_other {
                let _ = writeln!(
                    out,
                    "    ({name} has no {} rule: libpam runs `other`'s)",
                    t.pam_type
                );
            }
        }
        let _ = writeln!(out, "    {} | {}", fit(&d.a, COLUMN), d.b);
        for r in &t.rows {
            row_line(&mut out, r);
        }
    }
    let _ = writeln!(out);
    if d.count() == 0 {
        let _ = writeln!(
            out,
            "no differences: {} and {} run the same rules",
            d.a, d.b
        );
        return out;
    }
    let _ = writeln!(out, "{} difference(s):", d.count());
    for t in &d.types {
        for r in &t.differences {
            let _ = writeln!(out, "- {}: {}", t.pam_type, r.consequence);
            let loc = |s: &Option<Side>, name: &str| match s {
                Some(s) if s.via.is_empty() => format!("{name}: {}  {}", s.location(), s.summary()),
                Some(s) => format!(
                    "{name}: {}  {}  (via {})",
                    s.location(),
                    s.summary(),
                    s.via.join(" -> ")
                ),
                None => format!("{name}: -"),
            };
            let _ = writeln!(out, "    {}", loc(&r.a, &d.a));
            let _ = writeln!(out, "    {}", loc(&r.b, &d.b));
        }
    }
    out
}

pub fn json(d: &Diff) -> Result<String, serde_json::Error> {
    let value = serde_json::json!({
        "a": d.a,
        "b": d.b,
        "a_file": d.a_file,
        "b_file": d.b_file,
        "types": d.types,
        "summary": { "differences": d.count() },
    });
    serde_json::to_string_pretty(&value)
}
