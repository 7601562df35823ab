//! libpam's control flow over one type's stack (pam_dispatch.c `_pam_dispatch_aux`,
//! the non-frozen chain used by pam_authenticate and pam_acct_mgmt), fed with the
//! predicted return value of each rule. Besides the result it records which rule
//! decided a refusal: the rule whose `bad`/`die` turned the impression negative.

use crate::model::{Action, FlatHandler, PamCode, ResolvedRule, Stack};

/// libpam's PAM_MUST_FAIL_CODE.
pub const MUST_FAIL: PamCode = PamCode::PermDenied;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Impression {
    Undef,
    Positive,
    Negative,
}

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
    let level_of = |h: &FlatHandler<'_>| match h {
        FlatHandler::Rule { stack_level, .. } | FlatHandler::Substack { stack_level, .. } => {
            *stack_level
        }
    };
    let mut steps: Vec<Step<'a, P>> = Vec::new();
    let mut saved = [(Impression::Undef, MUST_FAIL); crate::resolve::MAX_INCLUDE_LEVEL + 2];
    let (mut impression, mut status) = (Impression::Undef, MUST_FAIL);
    let mut decider: Option<usize> = None;
    let mut note = None;
    let mut prev_level = 0;
    let mut i = 0;
    // Index in `steps` of each flat handler that is a rule.
    let mut step_of = vec![None; flat.len()];
    for (k, h) in flat.iter().enumerate() {
        if let FlatHandler::Rule { rule, stack_level } = h {
            step_of[k] = Some(steps.len());
            steps.push(Step {
                rule,
                level: *stack_level,
                outcome: None,
            });
        }
    }
    while i < flat.len() {
        let level = level_of(&flat[i]);
        if prev_level < level {
            if let Some(s) = saved.get_mut(level) {
                *s = (impression, status);
            }
        }
        prev_level = level;
        let FlatHandler::Rule { rule, .. } = flat[i] else {
            i += 1;
            continue;
        };
        let (payload, code) = predict(rule);
        let action = rule.actions.get(code);
        let step = step_of[i].unwrap_or(0);
        if code == PamCode::Incomplete {
            // libpam saves its state and returns PAM_INCOMPLETE to the application.
            steps[step].outcome = Some((payload, code, action));
            return Walk {
                result: code,
                steps,
                decider: Some(step),
                note: Some("the module returned PAM_INCOMPLETE: libpam stops here and returns it to the application, to be resumed later".into()),
            };
        }
        let mut decided = false;
        match action {
            Action::Reset => {
                (impression, status) = saved
                    .get(level)
                    .copied()
                    .unwrap_or((Impression::Undef, MUST_FAIL));
                if impression != Impression::Negative {
                    decider = None;
                }
            }
            Action::Ok | Action::Done => {
                // In a chain that is not frozen libpam's `retval != PAM_IGNORE ||
                // cached_retval == retval` always holds: PAM_IGNORE with `ok` counts.
                if impression == Impression::Undef
                    || (impression == Impression::Positive && status == PamCode::Success)
                {
                    impression = Impression::Positive;
                    status = code;
                }
                decided = impression == Impression::Positive && action == Action::Done;
            }
            Action::Bad | Action::Die | Action::Undef => {
                if impression != Impression::Negative {
                    impression = Impression::Negative;
                    status = if code == PamCode::Ignore {
                        MUST_FAIL
                    } else {
                        code
                    };
                    decider = Some(step);
                }
                decided = action == Action::Die;
            }
            Action::Ignore => {}
            Action::Jump(n) => {
                let mut left = n;
                while i + 1 < flat.len() && level_of(&flat[i + 1]) >= level && left > 0 {
                    loop {
                        i += 1;
                        if !(i + 1 < flat.len() && level_of(&flat[i + 1]) > level) {
                            break;
                        }
                    }
                    left -= 1;
                }
                if left > 0 {
                    impression = Impression::Negative;
                    status = MUST_FAIL;
                    decider = Some(step);
                    note = Some(format!("the jump of {n} from this rule runs past the end of the stack (libpam: \"bad jump in stack\")"));
                }
            }
        }
        steps[step].outcome = Some((payload, code, action));
        if decided {
            while i + 1 < flat.len() && level_of(&flat[i + 1]) >= level {
                i += 1;
            }
        }
        i += 1;
    }
    if status == PamCode::Success && impression != Impression::Positive {
        status = MUST_FAIL;
    }
    if status != PamCode::Success && decider.is_none() && note.is_none() {
        note = Some(if flat.is_empty() {
            "the stack is empty: libpam fails with PAM_PERM_DENIED".into()
        } else {
            "no rule set a result (every rule was ignored or skipped): libpam fails with PAM_PERM_DENIED".into()
        });
    }
    Walk {
        result: status,
        steps,
        decider,
        note,
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
    fn die_in_a_substack_ends_only_the_substack() {
        let (code, decider, ran) = run(&[
            ("s", "auth substack sub\nauth required pass.so\n"),
            ("sub", "auth requisite fail.so\nauth required pass.so\n"),
        ]);
        assert_eq!((code, decider), (PamCode::AuthErr, Some(0)));
        assert_eq!(ran, vec![true, false, true]);
    }
}
