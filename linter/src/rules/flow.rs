//! Shared control-flow facts for the PL2xx rules: what a rule can return and where
//! each return sends libpam (pam_dispatch.c).

use crate::model::{Action, HandlerKind, PamCode, PamType, ResolvedRule, StackItem};

/// Return values a rule can produce: exact for pam_permit and pam_deny, every
/// value for other modules.
pub fn possible_returns(rule: &ResolvedRule) -> Vec<PamCode> {
    if rule.handler == HandlerKind::MustFail {
        return vec![PamCode::PermDenied];
    }
    match rule.module_name().as_deref() {
        Some("pam_permit") => vec![PamCode::Success],
        Some("pam_deny") => vec![deny_code(rule.pam_type)],
        _ => PamCode::ALL.to_vec(),
    }
}

/// pam_deny's return for each type.
fn deny_code(t: PamType) -> PamCode {
    match t {
        PamType::Auth | PamType::Account => PamCode::AuthErr,
        PamType::Password => PamCode::AuthtokErr,
        PamType::Session => PamCode::SessionErr,
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
