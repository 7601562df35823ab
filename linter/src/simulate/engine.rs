//! pam_dispatch.c `_pam_dispatch_aux`, step for step, over the flat handler list.
//!
//! The state is libpam's: `impression` (undefined, positive, negative), `status`
//! (starts as PAM_MUST_FAIL_CODE = PAM_PERM_DENIED), one saved (impression, status)
//! per stack level taken when entering a substack (`reset` restores it), and per
//! handler the `cached_retval` that freezes the chain for setcred/close_session.

use serde::Serialize;

use crate::model::{Action, PamCode};

use super::hooks::Hook;
use super::ir::{Handler, HandlerKind};

/// libpam's PAM_MUST_FAIL_CODE.
pub const MUST_FAIL: PamCode = PamCode::PermDenied;

/// Which libpam's behaviour to reproduce where they differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    /// Debian's libpam (patch 045_pam_dispatch_jump_is_ignore): a jump in a frozen
    /// chain (setcred, close_session) only jumps.
    #[default]
    Debian,
    /// Upstream Linux-PAM: a jump in a frozen chain also counts as `ok`.
    Upstream,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impression {
    Undef,
    Positive,
    Negative,
}

impl Impression {
    pub fn as_str(self) -> &'static str {
        match self {
            Impression::Undef => "undef",
            Impression::Positive => "positive",
            Impression::Negative => "negative",
        }
    }
}

/// One handler as the engine met it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Index into the handler list.
    pub handler: usize,
    /// What the module returned (PAM_PERM_DENIED for a must-fail line).
    pub returned: PamCode,
    /// The value the action was looked up with (the frozen one in setcred and
    /// close_session, else the returned one).
    pub decided_by: PamCode,
    pub action: Action,
    /// Handlers skipped by a jump, `done` or `die` after this one.
    pub skipped: usize,
    pub impression: Impression,
    pub status: PamCode,
    pub note: Option<&'static str>,
}

/// One run of `_pam_dispatch_aux`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub hook: Hook,
    pub result: PamCode,
    pub steps: Vec<Step>,
}

/// The `cached_retval` of each handler (None is libpam's `_PAM_INVALID_RETVAL`).
pub type Cache = Vec<Option<PamCode>>;

/// Dispatch state that `reset` and substack entry save and restore.
#[derive(Debug, Clone, Copy)]
struct State {
    impression: Impression,
    status: PamCode,
}

const START: State = State {
    impression: Impression::Undef,
    status: MUST_FAIL,
};

/// Run `handlers` for `hook`. `frozen`: take actions from `cache` (setcred,
/// close_session); otherwise record each return value into `cache`.
pub fn dispatch(
    handlers: &[Handler],
    hook: Hook,
    frozen: bool,
    flavor: Flavor,
    cache: &mut Cache,
    mut call: impl FnMut(&Handler) -> PamCode,
) -> Pass {
    dispatch_indexed(handlers, hook, frozen, flavor, cache, |_, h| call(h))
}

/// [`dispatch`], with `call` also given the handler's index in `handlers`, so a
/// caller can map each call back to its own per-handler data (`pamlint why`
/// maps it to the resolved rule it predicts).
pub fn dispatch_indexed(
    handlers: &[Handler],
    hook: Hook,
    frozen: bool,
    flavor: Flavor,
    cache: &mut Cache,
    mut call: impl FnMut(usize, &Handler) -> PamCode,
) -> Pass {
    cache.resize(handlers.len(), None);
    let mut steps = Vec::new();
    if handlers.is_empty() {
        // "no modules loaded for `%s' service"
        return Pass {
            hook,
            result: MUST_FAIL,
            steps,
        };
    }
    let mut st = START;
    let mut saved = vec![START; max_level(handlers) + 1];
    let mut prev_level = 0;
    let mut i = 0;
    while i < handlers.len() {
        let h = &handlers[i];
        let level = h.level;
        if prev_level < level {
            saved[level] = st;
        }
        prev_level = level;
        let returned = match &h.kind {
            HandlerKind::SubstackMarker => {
                i += 1;
                continue;
            }
            HandlerKind::MustFail => MUST_FAIL,
            HandlerKind::Module(_) => call(i, h),
        };
        if returned == PamCode::Incomplete {
            steps.push(Step {
                handler: i,
                returned,
                decided_by: returned,
                action: Action::Undef,
                skipped: 0,
                impression: st.impression,
                status: st.status,
                note: Some("PAM_INCOMPLETE: libpam saves its place and returns it"),
            });
            return Pass {
                hook,
                result: PamCode::Incomplete,
                steps,
            };
        }
        let cached = if frozen {
            // `_PAM_MAY_BE_FROZEN`: a line the freezing call never ran (invalid
            // cached value) falls back to its own return value.
            cache[i].unwrap_or(returned)
        } else {
            cache[i] = Some(returned);
            returned
        };
        let (retval, action) = (returned, h.actions.get(cached));
        let mut note = None;
        let mut decided = false;
        match action {
            Action::Reset => st = saved[level],
            Action::Ok | Action::Done => {
                take_positive(&mut st, retval, cached);
                decided = st.impression == Impression::Positive && action == Action::Done;
            }
            Action::Bad | Action::Die => {
                if st.impression != Impression::Negative {
                    st.impression = Impression::Negative;
                    st.status = if retval == PamCode::Ignore {
                        MUST_FAIL
                    } else {
                        retval
                    };
                }
                decided = action == Action::Die;
            }
            Action::Ignore => {}
            Action::Undef => {
                // Not a jump, yet non-zero: libpam's "bad jump in stack".
                note = Some("bad jump in stack");
                st.impression = Impression::Negative;
                st.status = MUST_FAIL;
            }
            Action::Jump(n) => {
                if frozen && flavor == Flavor::Upstream {
                    take_positive(&mut st, retval, cached);
                }
                let (next, left) = jump(handlers, i, n);
                let skipped = next - i;
                if left > 0 {
                    note = Some("bad jump in stack: fewer rules left at this level than the jump");
                    st.impression = Impression::Negative;
                    st.status = MUST_FAIL;
                }
                steps.push(step(i, returned, cached, action, skipped, st, note));
                i = next + 1;
                continue;
            }
        }
        let end = if decided {
            end_of_level(handlers, i)
        } else {
            i
        };
        steps.push(step(i, returned, cached, action, end - i, st, note));
        i = end + 1;
    }
    if st.status == PamCode::Success && st.impression != Impression::Positive {
        st.status = MUST_FAIL;
    }
    Pass {
        hook,
        result: st.status,
        steps,
    }
}

fn step(
    handler: usize,
    returned: PamCode,
    decided_by: PamCode,
    action: Action,
    skipped: usize,
    st: State,
    note: Option<&'static str>,
) -> Step {
    Step {
        handler,
        returned,
        decided_by,
        action,
        skipped,
        impression: st.impression,
        status: st.status,
        note,
    }
}

/// `ok`/`done` (and a jump in an upstream frozen chain): the first success-like
/// result sets a positive impression. In a frozen chain a module returning
/// PAM_IGNORE where the freezing call did not is not taken.
fn take_positive(st: &mut State, retval: PamCode, cached: PamCode) {
    let open = st.impression == Impression::Undef
        || (st.impression == Impression::Positive && st.status == PamCode::Success);
    if open && (retval != PamCode::Ignore || cached == retval) {
        st.impression = Impression::Positive;
        st.status = retval;
    }
}

/// libpam's skip loop: move over `n` entries of this level (an entry with deeper
/// entries after it, i.e. a substack, counts once). Returns the index of the last
/// skipped handler and how much of the jump was left when the level ended.
fn jump(handlers: &[Handler], from: usize, n: u32) -> (usize, u32) {
    let level = handlers[from].level;
    let mut at = from;
    let mut left = n;
    while at + 1 < handlers.len() && handlers[at + 1].level >= level && left > 0 {
        at += 1;
        while at + 1 < handlers.len() && handlers[at + 1].level > level {
            at += 1;
        }
        left -= 1;
    }
    (at, left)
}

/// `decision_made`: skip the rest of this level (and everything deeper).
fn end_of_level(handlers: &[Handler], from: usize) -> usize {
    let level = handlers[from].level;
    let mut at = from;
    while at + 1 < handlers.len() && handlers[at + 1].level >= level {
        at += 1;
    }
    at
}

fn max_level(handlers: &[Handler]) -> usize {
    handlers.iter().map(|h| h.level).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActionTable, SimpleControl};
    use crate::simulate::ir::{Label, Module};

    fn rule(level: usize, actions: ActionTable, code: PamCode) -> (Handler, PamCode) {
        let h = Handler {
            kind: HandlerKind::Module(Module::Other),
            level,
            actions,
            label: Label::default(),
            hooks: None,
        };
        (h, code)
    }

    fn marker(level: usize) -> (Handler, PamCode) {
        let h = Handler {
            kind: HandlerKind::SubstackMarker,
            level,
            actions: ActionTable::all_bad(),
            label: Label::default(),
            hooks: None,
        };
        (h, PamCode::Success)
    }

    fn table(pairs: &[(PamCode, Action)]) -> ActionTable {
        let mut t = ActionTable::undefined();
        for (c, a) in pairs {
            t.set(*c, *a);
        }
        t.set_default(Action::Bad);
        t
    }

    /// Run an auth pass; each handler returns the code paired with it.
    fn run(list: &[(Handler, PamCode)]) -> Pass {
        let handlers: Vec<Handler> = list.iter().map(|(h, _)| h.clone()).collect();
        let mut cache = Vec::new();
        dispatch(
            &handlers,
            Hook::Authenticate,
            false,
            Flavor::Debian,
            &mut cache,
            |h| {
                let i = handlers.iter().position(|x| std::ptr::eq(x, h)).unwrap();
                list[i].1
            },
        )
    }

    const REQUIRED: SimpleControl = SimpleControl::Required;

    #[test]
    fn a_jump_skips_a_whole_substack_as_one_entry() {
        let list = [
            rule(
                0,
                table(&[(PamCode::Success, Action::Jump(1))]),
                PamCode::Success,
            ),
            marker(0),
            rule(1, REQUIRED.action_table(), PamCode::AuthErr),
            rule(1, REQUIRED.action_table(), PamCode::AuthErr),
            rule(0, REQUIRED.action_table(), PamCode::Success),
        ];
        let pass = run(&list);
        assert_eq!(pass.result, PamCode::Success);
        assert_eq!(pass.steps[0].skipped, 3);
        assert_eq!(pass.steps.len(), 2);
    }

    #[test]
    fn die_in_a_substack_ends_only_the_substack() {
        let list = [
            marker(0),
            rule(
                1,
                SimpleControl::Requisite.action_table(),
                PamCode::Maxtries,
            ),
            rule(1, REQUIRED.action_table(), PamCode::AuthErr),
            rule(0, REQUIRED.action_table(), PamCode::Success),
        ];
        let pass = run(&list);
        assert_eq!(pass.result, PamCode::Maxtries);
        assert_eq!(
            pass.steps.len(),
            2,
            "the level-0 rule after the substack still runs"
        );
    }

    #[test]
    fn reset_at_the_top_returns_to_the_initial_state() {
        let list = [
            rule(0, REQUIRED.action_table(), PamCode::AuthErr),
            rule(
                0,
                table(&[(PamCode::Success, Action::Reset)]),
                PamCode::Success,
            ),
        ];
        assert_eq!(run(&list).result, MUST_FAIL);
    }

    #[test]
    fn a_jump_past_the_level_is_a_bad_jump_even_after_success() {
        let list = [
            rule(0, REQUIRED.action_table(), PamCode::Success),
            rule(
                0,
                table(&[(PamCode::Success, Action::Jump(2))]),
                PamCode::Success,
            ),
            rule(0, REQUIRED.action_table(), PamCode::Success),
        ];
        let pass = run(&list);
        assert_eq!(pass.result, MUST_FAIL);
        assert!(pass.steps[1].note.is_some());
    }

    #[test]
    fn no_handlers_fail() {
        assert_eq!(run(&[]).result, MUST_FAIL);
    }

    #[test]
    fn ignore_with_ok_becomes_the_status() {
        let list = [rule(
            0,
            table(&[(PamCode::Ignore, Action::Ok)]),
            PamCode::Ignore,
        )];
        assert_eq!(run(&list).result, PamCode::Ignore);
    }
}
