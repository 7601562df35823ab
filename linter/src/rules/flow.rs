//! Shared control-flow facts for the PL2xx rules: what a rule can return and where
//! each return sends libpam (pam_dispatch.c).

use crate::model::{Action, HandlerKind, PamCode, ResolvedRule, StackItem};
use crate::modules::{self, Hook};

/// Return values a rule can produce: exact where the module catalogue knows the
/// answer of the type's deciding hook from the line, every value otherwise.
pub fn possible_returns(rule: &ResolvedRule) -> Vec<PamCode> {
    if rule.handler == HandlerKind::MustFail {
        return vec![PamCode::PermDenied];
    }
    let args: Vec<&str> = rule.rule.args.iter().map(|a| a.text.as_str()).collect();
    let exact = rule
        .module_name()
        .and_then(|name| modules::find(&name))
        .and_then(|m| m.returns(&args, Hook::deciding(rule.pam_type)));
    match exact {
        Some(code) => vec![code],
        None => PamCode::ALL.to_vec(),
    }
}

/// The actions an item can take (a substack frame: its own table, every value).
pub fn item_actions(item: &StackItem) -> Vec<Action> {
    match item {
        StackItem::Rule(r) => possible_returns(r)
            .into_iter()
            .map(|c| r.actions.get(c))
            .collect(),
        StackItem::Substack(f) => f.actions.0.to_vec(),
    }
}

/// Whether any of an item's actions can make the stack fail.
pub fn can_refuse(item: &StackItem) -> bool {
    match item {
        StackItem::Rule(r) => rule_can_refuse(r),
        StackItem::Substack(f) => f.items.iter().any(can_refuse),
    }
}

/// Whether a value the rule's module can return maps to `bad` or `die` in the
/// rule's action table (libpam's, parse errors included: all `bad`).
pub fn rule_can_refuse(rule: &ResolvedRule) -> bool {
    possible_returns(rule)
        .into_iter()
        .any(|c| matches!(rule.actions.get(c), Action::Bad | Action::Die))
}

/// The rule behind an item (a substack's own line for frames).
pub fn item_rule(item: &StackItem) -> &crate::model::Rule {
    match item {
        StackItem::Rule(r) => &r.rule,
        StackItem::Substack(f) => &f.rule,
    }
}
