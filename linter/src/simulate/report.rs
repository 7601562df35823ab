//! Output of `pamlint simulate`: human text and the JSON documented in docs/simulate.md
//! (`{"service", "type", "result", "trace": [...]}`).

use serde::Serialize;

use crate::model::Action;

use super::engine::{Impression, Step};
use super::ir::Handler;
use super::Simulation;

#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub service: &'a str,
    #[serde(rename = "type")]
    pub pam_type: &'static str,
    pub result: &'static str,
    pub flavor: super::engine::Flavor,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
    pub trace: Vec<TraceLine<'a>>,
}

/// One rule as the dispatcher met it.
#[derive(Debug, Serialize)]
pub struct TraceLine<'a> {
    pub hook: &'static str,
    pub file: &'a str,
    pub line: usize,
    pub level: usize,
    pub module: &'a str,
    pub control: &'a str,
    pub returned: &'static str,
    /// The value the action was chosen by, when it differs (frozen chains).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frozen_value: Option<&'static str>,
    pub action: String,
    /// Rules skipped after this one (by a jump, `done` or `die`).
    pub skipped: usize,
    pub impression: Impression,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

fn trace_line<'a>(h: &'a Handler, hook: &'static str, s: &Step) -> TraceLine<'a> {
    TraceLine {
        hook,
        file: &h.label.file,
        line: h.label.line,
        level: h.level,
        module: &h.label.module,
        control: &h.label.control,
        returned: s.returned.name(),
        frozen_value: (s.decided_by != s.returned).then(|| s.decided_by.name()),
        action: action_word(s.action),
        skipped: s.skipped,
        impression: s.impression,
        status: s.status.name(),
        note: s.note,
    }
}

fn action_word(a: Action) -> String {
    match a {
        Action::Undef => "-".into(),
        Action::Jump(n) => format!("jump {n}"),
        other => other.keyword(),
    }
}

pub fn json_report<'a>(sim: &'a Simulation, flavor: super::engine::Flavor) -> JsonReport<'a> {
    let mut trace = Vec::new();
    for pass in &sim.run.passes {
        for s in &pass.steps {
            if let Some(h) = sim.handlers.get(s.handler) {
                trace.push(trace_line(h, pass.hook.as_str(), s));
            }
        }
    }
    JsonReport {
        service: &sim.service,
        pam_type: sim.operation.as_str(),
        result: sim.run.result.name(),
        flavor,
        note: sim.run.note,
        trace,
    }
}

pub fn render_json(sim: &Simulation, flavor: super::engine::Flavor) -> String {
    serde_json::to_string_pretty(&json_report(sim, flavor)).unwrap_or_else(|e| {
        // Serialising plain strings and numbers cannot fail; keep output valid anyway.
        format!("{{\"error\": {:?}}}", e.to_string())
    })
}

pub fn render_human(sim: &Simulation, flavor: super::engine::Flavor) -> String {
    let report = json_report(sim, flavor);
    let mut out = format!(
        "{} {}: {}\n",
        report.service, report.pam_type, report.result
    );
    let mut hook = "";
    for t in &report.trace {
        if t.hook != hook {
            hook = t.hook;
            out.push_str(&format!("  {hook}\n"));
        }
        let indent = "  ".repeat(t.level);
        let frozen = t
            .frozen_value
            .map(|f| format!(" (frozen {f})"))
            .unwrap_or_default();
        let skip = if t.skipped > 0 {
            format!(", skips {}", t.skipped)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "    {indent}{}:{} {} {}: {}{frozen} -> {}{skip}; impression {}, status {}\n",
            t.file,
            t.line,
            t.control,
            t.module,
            t.returned,
            t.action,
            t.impression.as_str(),
            t.status
        ));
        if let Some(n) = t.note {
            out.push_str(&format!("    {indent}  note: {n}\n"));
        }
    }
    if report.trace.is_empty() && sim.result() != crate::model::PamCode::Abort {
        out.push_str("  no rules: libpam fails with PAM_PERM_DENIED\n");
    }
    if let Some(n) = report.note {
        out.push_str(&format!("  note: {n}\n"));
    }
    out
}
