//! libpam's control flow over one type's stack, fed with the predicted return
//! value of each rule. The dispatch itself is simulate's engine
//! ([`engine::dispatch_indexed`], the non-frozen chain used by pam_authenticate
//! and pam_acct_mgmt); this module maps its handlers back to resolved rules and,
//! from the engine's step records, names the rule that decided a refusal: the
//! rule whose `bad`/`die` turned the impression negative.

use crate::model::{Action, FlatHandler, PamCode, PamType, ResolvedRule, Stack};
use crate::simulate::engine::{self, Flavor, Impression};
use crate::simulate::glue;
use crate::simulate::hooks::Hook;

/// libpam's PAM_MUST_FAIL_CODE.
pub use crate::simulate::engine::MUST_FAIL;

/// What happened at one rule.
#[derive(Debug, Clone)]
pub struct Step<'a, P> {
    pub rule: &'a ResolvedRule,
    pub level: usize,
    /// `None` when a jump or a `done`/`die` skipped the rule.
    pub outcome: Option<(P, PamCode, Action)>,
}

/// The walk's result.
#[derive(Debug, Clone)]
pub struct Walk<'a, P> {
    pub result: PamCode,
    pub steps: Vec<Step<'a, P>>,
    /// Index into `steps` of the rule that decided a refusal.
    pub decider: Option<usize>,
    /// Why the result is a failure when no rule decided it.
    pub note: Option<String>,
}

/// Walk `stack`, asking `predict` for each rule's return value (and whatever the
/// caller wants to keep about it).
pub fn walk<'a, P>(
    stack: &'a Stack,
    mut predict: impl FnMut(&'a ResolvedRule) -> (P, PamCode),
) -> Walk<'a, P> {
    let flat = stack.flatten();
    // glue maps `flatten()` one to one, so a handler's index is its flat index.
    let handlers = glue::handlers(stack, true);
    let mut payloads: Vec<Option<P>> = flat.iter().map(|_| None).collect();
    let pass = engine::dispatch_indexed(
        &handlers,
        hook_of(stack.pam_type),
        false,
        Flavor::default(),
        &mut Vec::new(),
        |i, _| match flat.get(i) {
            Some(FlatHandler::Rule { rule, .. }) => {
                let (payload, code) = predict(rule);
                payloads[i] = Some(payload);
                code
            }
            // The engine calls only module handlers, which are rules.
            _ => MUST_FAIL,
        },
    );
    let (mut steps, step_of) = rule_steps(&flat);
    for s in &pass.steps {
        if let Some(k) = step_of.get(s.handler).copied().flatten() {
            // A must-fail line is not called by the engine: predict it here.
            let payload = match payloads[s.handler].take() {
                Some(p) => p,
                None => predict(steps[k].rule).0,
            };
            steps[k].outcome = Some((payload, s.returned, action_of(steps[k].rule, s)));
        }
    }
    let (decider, note) = decide(&pass.steps, &step_of);
    let note = note.or_else(|| {
        (pass.result != PamCode::Success && decider.is_none()).then(|| empty_note(&flat).into())
    });
    Walk {
        result: pass.result,
        steps,
        decider,
        note,
    }
}

/// The action libpam took at a step. On PAM_INCOMPLETE the engine stops before
/// looking one up; the trace still shows what the table says.
fn action_of(rule: &ResolvedRule, s: &engine::Step) -> Action {
    if s.returned == PamCode::Incomplete {
        rule.actions.get(s.returned)
    } else {
        s.action
    }
}

/// The hook libpam calls for a type's stack (only labels the engine's pass).
fn hook_of(t: PamType) -> Hook {
    match t {
        PamType::Auth => Hook::Authenticate,
        PamType::Account => Hook::AcctMgmt,
        PamType::Password => Hook::ChauthtokUpdate,
        PamType::Session => Hook::OpenSession,
    }
}

/// One not-yet-run step per rule, and for each flat handler its step's index.
fn rule_steps<'a, P>(flat: &[FlatHandler<'a>]) -> (Vec<Step<'a, P>>, Vec<Option<usize>>) {
    let mut steps = Vec::new();
    let step_of = flat
        .iter()
        .map(|h| match h {
            FlatHandler::Rule { rule, stack_level } => {
                steps.push(Step {
                    rule,
                    level: *stack_level,
                    outcome: None,
                });
                Some(steps.len() - 1)
            }
            FlatHandler::Substack { .. } => None,
        })
        .collect();
    (steps, step_of)
}

/// From the engine's step records: the rule (index into `steps`) that decided a
/// refusal, and a note when the decision needs one. The decider is the rule that
/// turned the impression negative; a `reset` back to a non-negative impression
/// forgets it; a jump past the end of its level always decides; PAM_INCOMPLETE
/// ends the pass at its rule.
fn decide(records: &[engine::Step], step_of: &[Option<usize>]) -> (Option<usize>, Option<String>) {
    let mut decider = None;
    let mut note = None;
    let mut before = Impression::Undef;
    for r in records {
        let k = step_of.get(r.handler).copied().flatten();
        if r.returned == PamCode::Incomplete {
            return (k, Some("the module returned PAM_INCOMPLETE: libpam stops here and returns it to the application, to be resumed later".into()));
        }
        match r.action {
            Action::Reset => {
                if r.impression != Impression::Negative {
                    decider = None;
                }
            }
            Action::Jump(n) if r.note.is_some() => {
                decider = k;
                note = Some(format!("the jump of {n} from this rule runs past the end of the stack (libpam: \"bad jump in stack\")"));
            }
            _ => {
                if before != Impression::Negative && r.impression == Impression::Negative {
                    decider = k;
                }
            }
        }
        before = r.impression;
    }
    (decider, note)
}

/// Why a refusal has no deciding rule.
fn empty_note(flat: &[FlatHandler<'_>]) -> &'static str {
    if flat.is_empty() {
        "the stack is empty: libpam fails with PAM_PERM_DENIED"
    } else {
        "no rule set a result (every rule was ignored or skipped): libpam fails with PAM_PERM_DENIED"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PamType;
    use crate::resolve::{resolve_service, ResolveContext};

    /// Walk the auth stack of `files[0]`; modules named `pass`/`fail`/`skip`
    /// return PAM_SUCCESS / PAM_AUTH_ERR / PAM_IGNORE.
    fn run(files: &[(&str, &str)]) -> (PamCode, Option<usize>, Vec<bool>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let ctx = ResolveContext::for_dir(dir.path(), dir.path());
        let svc = resolve_service(&ctx, files[0].0);
        let w = walk(svc.stack(PamType::Auth), |r| {
            let code = match r.module_name().as_deref() {
                Some("pass") => PamCode::Success,
                Some("skip") => PamCode::Ignore,
                _ => PamCode::AuthErr,
            };
            ((), code)
        });
        let ran = w.steps.iter().map(|s| s.outcome.is_some()).collect();
        (w.result, w.decider, ran)
    }

    #[test]
    fn required_failure_still_runs_the_rest_and_decides() {
        let (code, decider, ran) = run(&[(
            "s",
            "auth required pass.so\nauth required fail.so\nauth sufficient pass.so\nauth required pass.so\n",
        )]);
        assert_eq!(code, PamCode::AuthErr);
        assert_eq!(decider, Some(1));
        assert_eq!(ran, vec![true, true, true, true]);
    }

    #[test]
    fn sufficient_success_ends_the_stack() {
        let (code, decider, ran) =
            run(&[("s", "auth sufficient pass.so\nauth required fail.so\n")]);
        assert_eq!((code, decider), (PamCode::Success, None));
        assert_eq!(ran, vec![true, false]);
    }

    #[test]
    fn requisite_dies_and_jumps_skip() {
        let (code, decider, ran) = run(&[(
            "s",
            "auth [success=1 default=ignore] fail.so\nauth requisite fail.so\nauth required pass.so\n",
        )]);
        assert_eq!((code, decider), (PamCode::AuthErr, Some(1)));
        assert_eq!(ran, vec![true, true, false]);
        let (code, _, ran) = run(&[(
            "s",
            "auth [success=1 default=ignore] pass.so\nauth requisite fail.so\nauth required pass.so\n",
        )]);
        assert_eq!(code, PamCode::Success);
        assert_eq!(ran, vec![true, false, true]);
    }

    #[test]
    fn nothing_positive_is_must_fail() {
        let (code, decider, _) = run(&[("s", "auth optional skip.so\n")]);
        assert_eq!((code, decider), (MUST_FAIL, None));
    }

    #[test]
    fn a_jump_past_the_end_is_bad() {
        let (code, decider, _) = run(&[("s", "auth [success=3] pass.so\nauth required pass.so\n")]);
        assert_eq!((code, decider), (MUST_FAIL, Some(0)));
    }

    #[test]
    fn glue_handlers_follow_the_flat_list() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("s"),
            "auth required pass.so\nauth substack sub\nauth [success=1 default=ignore] fail.so\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("sub"),
            "auth requisite fail.so\nauth bogus\n",
        )
        .unwrap();
        let ctx = ResolveContext::for_dir(dir.path(), dir.path());
        let svc = resolve_service(&ctx, "s");
        let stack = svc.stack(PamType::Auth);
        let flat = stack.flatten();
        let handlers = glue::handlers(stack, true);
        assert_eq!(handlers.len(), flat.len());
        for (h, f) in handlers.iter().zip(&flat) {
            let (line, level) = match f {
                FlatHandler::Rule { rule, stack_level } => (rule.origin.line, *stack_level),
                FlatHandler::Substack { frame, stack_level } => (frame.origin.line, *stack_level),
            };
            assert_eq!((h.label.line, h.level), (line, level));
        }
    }

    #[test]
    fn die_in_a_substack_ends_only_the_substack() {
        let (code, decider, ran) = run(&[
            ("s", "auth substack sub\nauth required pass.so\n"),
            ("sub", "auth requisite fail.so\nauth required pass.so\n"),
        ]);
        assert_eq!((code, decider), (PamCode::AuthErr, Some(0)));
        assert_eq!(ran, vec![true, false, true]);
    }
}
