//! `pamlint diff A B`: align two services' effective stacks per type (an
//! alignment of rule sequences keyed by module, not a line diff of files) and
//! say what each difference means for a login.

pub mod align;
pub mod consequence;
pub mod render;

use serde::Serialize;

use crate::model::{PamType, ResolvedRule, ResolvedService};
use align::{align_rules, Op};

/// One side of a difference: where the rule is after include expansion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub file: String,
    pub line: usize,
    /// The include/substack/@include lines that pulled the rule in, outermost first.
    pub via: Vec<String>,
    pub module: String,
    pub control: String,
    pub args: Vec<String>,
    /// The rule's action table sends a failure of its module to `bad` or `die`.
    #[serde(skip)]
    pub can_refuse: bool,
}

impl Side {
    fn of(rule: &ResolvedRule) -> Side {
        Side {
            file: rule.origin.file.display().to_string(),
            line: rule.origin.line,
            via: rule
                .origin
                .include_chain
                .iter()
                .map(|s| format!("{}:{}", s.span.file.display(), s.span.line))
                .collect(),
            module: rule.module_path().unwrap_or("").to_string(),
            control: rule.control_as_written(),
            args: rule.rule.args.iter().map(|a| a.text.clone()).collect(),
            can_refuse: crate::rules::flow::rule_can_refuse(rule),
        }
    }

    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// `pam_shells.so required` / `pam_unix.so [success=1 default=ignore] nullok`.
    pub fn summary(&self) -> String {
        let mut s = format!("{} {}", self.module, self.control);
        for a in &self.args {
            s.push(' ');
            s.push_str(a);
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Aligned and identical (only in the two-column view, never a difference).
    Same,
    OnlyInA,
    OnlyInB,
    /// Same module, different control or arguments.
    Changed,
    /// Same module, different position relative to the others.
    Moved,
}

/// A rule itself: where it is written and what it says, so that a rule both
/// services reach (through the same include) is paired with itself.
#[derive(Debug, PartialEq, Eq, Hash)]
struct RuleId {
    file: std::sync::Arc<std::path::Path>,
    line: usize,
    control: String,
    args: Vec<String>,
}

impl RuleId {
    fn of(r: &ResolvedRule) -> Self {
        RuleId {
            file: r.origin.file.clone(),
            line: r.origin.line,
            control: r.control_as_written(),
            args: r.rule.args.iter().map(|t| t.text.clone()).collect(),
        }
    }
}

/// One aligned row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub kind: Kind,
    /// Module base name (`pam_shells`), the alignment key.
    pub module: String,
    pub a: Option<Side>,
    pub b: Option<Side>,
    /// One line: what this difference does to a login (empty for `Same`).
    pub consequence: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeDiff {
    #[serde(rename = "type", serialize_with = "type_name")]
    pub pam_type: PamType,
    /// Every aligned row, in stack order (the two-column view).
    #[serde(skip)]
    pub rows: Vec<Row>,
    /// The rows that differ.
    pub differences: Vec<Row>,
    /// A side has no rule of this type, so libpam runs `other`'s.
    pub a_from_other: bool,
    pub b_from_other: bool,
}

fn type_name<S: serde::Serializer>(t: &PamType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.as_str())
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub a: String,
    pub b: String,
    pub a_file: Option<String>,
    pub b_file: Option<String>,
    pub types: Vec<TypeDiff>,
}

impl Diff {
    pub fn count(&self) -> usize {
        self.types.iter().map(|t| t.differences.len()).sum()
    }
}

/// Compare every type of two resolved services.
pub fn diff_services(a: &ResolvedService, b: &ResolvedService) -> Diff {
    let names = consequence::Names {
        a: a.name.clone(),
        b: b.name.clone(),
    };
    let types = PamType::ALL
        .iter()
        .map(|t| {
            let (sa, sb) = (a.stack(*t), b.stack(*t));
            let mut d = diff_type(*t, &sa.rules(), &sb.rules(), &names);
            d.a_from_other = sa.from_other;
            d.b_from_other = sb.from_other;
            d
        })
        .collect();
    Diff {
        a: a.name.clone(),
        b: b.name.clone(),
        a_file: a.file.as_ref().map(|f| f.display().to_string()),
        b_file: b.file.as_ref().map(|f| f.display().to_string()),
        types,
    }
}

fn key(r: &ResolvedRule) -> String {
    r.module_name().unwrap_or_default()
}

/// Align one type's rules.
pub fn diff_type(
    t: PamType,
    a: &[&ResolvedRule],
    b: &[&ResolvedRule],
    names: &consequence::Names,
) -> TypeDiff {
    let ka: Vec<String> = a.iter().map(|r| key(r)).collect();
    let kb: Vec<String> = b.iter().map(|r| key(r)).collect();
    let ia: Vec<RuleId> = a.iter().map(|r| RuleId::of(r)).collect();
    let ib: Vec<RuleId> = b.iter().map(|r| RuleId::of(r)).collect();
    let rows: Vec<Row> = align_rules(&ka, &kb, &ia, &ib)
        .into_iter()
        .map(|op| {
            let (kind, ra, rb) = match op {
                Op::Both(i, j) => {
                    let (sa, sb) = (Side::of(a[i]), Side::of(b[j]));
                    let same = sa.control == sb.control && sa.args == sb.args;
                    (
                        if same { Kind::Same } else { Kind::Changed },
                        Some(sa),
                        Some(sb),
                    )
                }
                Op::OnlyA(i) => (Kind::OnlyInA, Some(Side::of(a[i])), None),
                Op::OnlyB(j) => (Kind::OnlyInB, None, Some(Side::of(b[j]))),
                Op::Moved(i, j) => (Kind::Moved, Some(Side::of(a[i])), Some(Side::of(b[j]))),
            };
            let module = match op {
                Op::Both(i, _) | Op::OnlyA(i) | Op::Moved(i, _) => ka[i].clone(),
                Op::OnlyB(j) => kb[j].clone(),
            };
            let consequence =
                consequence::describe(t, kind, &module, ra.as_ref(), rb.as_ref(), names);
            Row {
                kind,
                module,
                a: ra,
                b: rb,
                consequence,
            }
        })
        .collect();
    let differences = rows
        .iter()
        .filter(|r| r.kind != Kind::Same)
        .cloned()
        .collect();
    TypeDiff {
        pam_type: t,
        rows,
        differences,
        a_from_other: false,
        b_from_other: false,
    }
}
