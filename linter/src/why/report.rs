//! The result of `why`, its JSON shape and its human rendering.

use std::fmt::Write as _;

use serde::Serialize;

use super::facts::{Facts, Passwd, VersionInfo};
use super::walk::Walk;
use crate::model::{PamCode, PamType, ResolvedRule, ResolvedService};
use crate::modules::{Certainty, Prediction};

#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub file: String,
    pub line: usize,
    /// `sshd:2 -> password-auth` style chain of include lines.
    pub via: Vec<String>,
    pub module: String,
    pub control: String,
    pub executed: bool,
    /// Linux-PAM name of the predicted return value (absent when skipped).
    pub returns: Option<String>,
    pub action: Option<String>,
    pub certainty: Option<Certainty>,
    pub fact: Option<String>,
    /// The predictor's cause id (`pamlint audit`), when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
}

impl StepReport {
    fn new(rule: &ResolvedRule, outcome: Option<(&Prediction, PamCode, String)>) -> Self {
        let via = rule
            .origin
            .include_chain
            .iter()
            .map(|s| format!("{}:{} {}", s.span.file.display(), s.span.line, s.target))
            .collect();
        StepReport {
            file: rule.origin.file.display().to_string(),
            line: rule.origin.line,
            via,
            module: rule.module_path().unwrap_or("").to_string(),
            control: rule.control_as_written(),
            executed: outcome.is_some(),
            returns: outcome.as_ref().map(|o| o.1.name().to_string()),
            action: outcome.as_ref().map(|o| o.2.clone()),
            certainty: outcome.as_ref().map(|o| o.0.certainty),
            cause: outcome.as_ref().and_then(|o| o.0.cause),
            fact: outcome.map(|o| o.0.fact.clone()),
        }
    }

    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// `required`, or `[success=1 default=ignore]` with brackets restored.
    pub fn control_text(&self) -> String {
        self.control.clone()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeReport {
    #[serde(rename = "type", serialize_with = "type_name")]
    pub pam_type: PamType,
    pub result: String,
    pub refused: bool,
    /// The service has no rule of this type: libpam uses `other`'s.
    pub from_other: bool,
    /// Index into `trace` of the rule that decides a refusal.
    pub decided_by: Option<usize>,
    pub note: Option<String>,
    pub trace: Vec<StepReport>,
}

impl TypeReport {
    pub fn from_walk(t: PamType, w: &Walk<'_, Prediction>, from_other: bool) -> Self {
        let trace = w
            .steps
            .iter()
            .map(|s| {
                StepReport::new(
                    s.rule,
                    s.outcome.as_ref().map(|(p, c, a)| (p, *c, a.keyword())),
                )
            })
            .collect();
        let refused = w.result != PamCode::Success;
        TypeReport {
            pam_type: t,
            result: w.result.name().to_string(),
            refused,
            from_other,
            decided_by: if refused { w.decider } else { None },
            note: if refused { w.note.clone() } else { None },
            trace,
        }
    }

    /// pam_start fails (a missing Debian `@include`, include depth exceeded...): no
    /// module runs and every operation fails with PAM_ABORT.
    pub fn aborted(t: PamType, from_other: bool) -> Self {
        TypeReport {
            pam_type: t,
            result: PamCode::Abort.name().to_string(),
            refused: true,
            from_other,
            decided_by: None,
            note: Some(
                "libpam refuses this configuration: pam_start returns PAM_ABORT and no module runs"
                    .into(),
            ),
            trace: Vec::new(),
        }
    }

    pub fn decider(&self) -> Option<&StepReport> {
        self.decided_by.and_then(|i| self.trace.get(i))
    }
}

fn type_name<S: serde::Serializer>(t: &PamType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.as_str())
}

#[derive(Debug, Clone, Serialize)]
pub struct WhyReport {
    pub service: String,
    pub user: String,
    pub service_file: Option<String>,
    pub passwd: Option<Passwd>,
    pub passwd_source: String,
    pub lookup_error: Option<String>,
    pub pam_version: VersionInfo,
    /// The answer: `auth: FILE:LINE MODULE (CONTROL) refuses USER: FACT`, or null.
    pub verdict: Option<String>,
    pub types: Vec<TypeReport>,
}

impl WhyReport {
    pub fn new(service: &ResolvedService, facts: &Facts, types: Vec<TypeReport>) -> Self {
        let verdict = types
            .iter()
            .find(|t| t.refused)
            .map(|t| verdict_line(t, &facts.user));
        WhyReport {
            service: service.name.clone(),
            user: facts.user.clone(),
            service_file: service.file.as_ref().map(|f| f.display().to_string()),
            passwd: facts.passwd.clone(),
            passwd_source: facts.lookup_name(),
            lookup_error: facts.lookup_error.clone(),
            pam_version: facts.version.clone(),
            verdict,
            types,
        }
    }

    pub fn refused(&self) -> bool {
        self.types.iter().any(|t| t.refused)
    }
}

fn verdict_line(t: &TypeReport, user: &str) -> String {
    match t.decider() {
        Some(s) => format!(
            "{}: {} {} ({}) refuses {user}: {}",
            t.pam_type,
            s.location(),
            s.module,
            s.control_text(),
            s.fact.as_deref().unwrap_or("")
        ),
        None => format!(
            "{}: {user} is refused with {}: {}",
            t.pam_type,
            t.result,
            t.note.as_deref().unwrap_or("")
        ),
    }
}

/// The human view: the answer first, then the facts, each stack's trace, and the
/// modules whose result was assumed.
pub fn render_human(r: &WhyReport) -> String {
    let mut out = String::new();
    match &r.verdict {
        Some(v) => {
            let _ = writeln!(out, "{v}");
        }
        None => {
            let types: Vec<&str> = r.types.iter().map(|t| t.pam_type.as_str()).collect();
            let _ = writeln!(
                out,
                "{} would be admitted by {} ({}), as far as the facts go",
                r.user,
                r.service,
                types.join(", ")
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "facts:");
    match &r.passwd {
        Some(p) => {
            let shell = if p.shell.is_empty() {
                "(empty)"
            } else {
                &p.shell
            };
            let _ = writeln!(
                out,
                "  {} from {}: uid {}, gid {}, home {}, shell {shell}",
                p.name, r.passwd_source, p.uid, p.gid, p.dir
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  {}: no passwd entry in {}{}",
                r.user,
                r.passwd_source,
                r.lookup_error
                    .as_ref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            );
        }
    }
    let _ = writeln!(out, "  {}", r.pam_version.describe());
    if let Some(f) = &r.service_file {
        let _ = writeln!(out, "  service file: {f}");
    }
    for t in &r.types {
        let _ = writeln!(out);
        let other = if t.from_other {
            " (rules from `other`)"
        } else {
            ""
        };
        let _ = writeln!(out, "{}: {}{other}", t.pam_type, t.result);
        for (i, s) in t.trace.iter().enumerate() {
            let mark = if t.decided_by == Some(i) { ">>" } else { "  " };
            match (&s.returns, &s.action) {
                (Some(code), Some(action)) => {
                    let assumed = if s.certainty == Some(Certainty::Assumed) {
                        " (assumed)"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "{mark} {} {} {}: {code}{assumed} -> {action}",
                        s.location(),
                        s.module,
                        s.control_text()
                    );
                    if let Some(f) = &s.fact {
                        let _ = writeln!(out, "       {f}");
                    }
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "   {} {} {}: skipped",
                        s.location(),
                        s.module,
                        s.control_text()
                    );
                }
            }
        }
        if let Some(n) = &t.note {
            let _ = writeln!(out, "   note: {n}");
        }
    }
    let unknown = super::assumed(r);
    if !unknown.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "unknown, assumed success:");
        for (t, s) in unknown {
            let _ = writeln!(
                out,
                "  {t}: {} {}: {}",
                s.location(),
                s.module,
                s.fact.as_deref().unwrap_or("")
            );
        }
    }
    if r.types.iter().filter(|t| t.refused).count() > 0 && r.types.len() > 1 {
        let _ = writeln!(out);
        let _ = writeln!(out, "(an application stops at the first phase that fails: later phases are shown as if it went on)");
    }
    out
}
