//! PL205 no-path-to-success: a stack that no combination of module results lets
//! succeed. Found by running the simulator's dispatch engine (pam_dispatch.c) over
//! every distinct outcome of every module, not by matching patterns.

use super::{service_rule, Rule, RuleInfo};
use crate::model::{Action, ActionTable, Finding, FlatHandler, PamCode, ResolvedService, Severity};
use crate::modules::{self, Trait};
use crate::rules::LintEnv;
use crate::simulate::engine::{self, Flavor, Pass};
use crate::simulate::glue;
use crate::simulate::hooks::{modelled_return, Hook};
use crate::simulate::ir::{Handler, HandlerKind, Module};

pub const INFO: RuleInfo = RuleInfo {
    code: "PL205",
    name: "no-path-to-success",
    severity: Severity::Error,
    title: "stack that can never succeed",
    explain: r#"pamlint runs libpam's dispatch (pam_dispatch.c, the engine of `pamlint simulate`) over
the stack once per combination of module results, every module returning each of the
values its control treats differently (success, ignore, and one value per other action);
pam_permit, pam_deny and pam_debug return what they really return. When no combination
ends in PAM_SUCCESS, nobody can ever pass this type of the service: a lockout. The finding
names the rule that fails the stack even when every module succeeds.

Wrong:   auth required pam_env.so
         auth required pam_deny.so          <- closes the only path
Wrong:   auth [success=1 default=ignore] pam_unix.so
         auth [default=die] pam_faillock.so authfail
         (no rule after the jump target: success jumps past the end)
Right:   auth required pam_env.so
         auth required pam_unix.so

Not reported: the `other` service (denying every unknown service is the recommended
default), stacks made only of pam_deny, pam_debug and logging (pam_warn, pam_echo,
pam_faildelay), which refuse on purpose (Fedora's `other`, a greeter's `password`,
authselect's `auth required pam_debug.so auth=authinfo_unavail` for a disabled
fingerprint-auth), a pam_deny or pam_debug written as the type's very first rule (Debian's
lightdm-autologin refuses password changes with `password required pam_deny.so` before
its `@include common-password`),
services pam_start refuses (reported as PL103/PL105), and stacks closed by a line libpam
cannot use or a failed include (their PL0xx/PL103 error says so). Missing modules are explored like
present ones: module presence is PL101's business.
"#,
};

/// Runs of the engine tried per stack before giving up (the answer is then
/// unknown and nothing is reported): lockouts end early, and a stack that can
/// succeed does so on the first run, every module succeeding.
const BUDGET: usize = 4096;

pub fn rule() -> Rule {
    service_rule(&INFO, check)
}

fn check(service: &ResolvedService, _env: &LintEnv) -> Vec<Finding> {
    // `other` denying everything is the recommended default for unknown services.
    if service.aborts || service.name == crate::resolve::OTHER {
        return Vec::new();
    }
    let mut out = Vec::new();
    for stack in &service.stacks {
        if stack.from_other || stack.items.is_empty() {
            continue;
        }
        let deliberate = stack.rules().iter().all(|r| {
            r.module_name()
                .is_some_and(|m| modules::has(&m, Trait::RefusesOnPurpose))
        });
        if deliberate {
            continue;
        }
        let mut handlers = glue::unlabelled_handlers(stack, true);
        // A module the simulator models is modelled by its name even where the
        // file is missing or not a loadable object (module presence is PL101's).
        for (h, f) in handlers.iter_mut().zip(stack.flatten()) {
            if let (HandlerKind::Module(Module::Missing), FlatHandler::Rule { rule, .. }) =
                (&h.kind, f)
            {
                if let Some(m) = glue::modelled(rule) {
                    h.kind = HandlerKind::Module(m);
                }
            }
        }
        let hook = Hook::deciding(stack.pam_type);
        let Some(closer) = never_succeeds(&handlers, hook) else {
            continue;
        };
        // A line libpam could not use (PL0xx), a failed include (PL103) or a jump
        // past the end (PL201) already has its error, which says it always fails.
        let (closer, bad_jump) = closer;
        if bad_jump || handlers[closer].kind == HandlerKind::MustFail {
            continue;
        }
        // A control libpam could not read makes every value `bad` (PL002/PL003).
        if handlers[closer].actions == ActionTable::all_bad() {
            continue;
        }
        // glue::handlers is the flat list, one handler per entry.
        let flat = stack.flatten();
        let Some(rule) = flat.get(closer).map(|h| match h {
            FlatHandler::Rule { rule, .. } => &rule.rule,
            FlatHandler::Substack { frame, .. } => &frame.rule,
        }) else {
            continue;
        };
        // A deny written as the type's first rule refuses the type on purpose
        // (lightdm-autologin: "Can't change password", then common-password):
        // a refuser whose answer the line decides (pam_deny, pam_debug).
        let refuser = rule
            .module_name()
            .and_then(|m| modules::find(&m))
            .is_some_and(|m| m.has(Trait::RefusesOnPurpose) && m.returns.is_modelled());
        if closer == 0 && refuser {
            continue;
        }
        let module = rule.module.as_ref().map(|m| m.text.as_str()).unwrap_or("?");
        let control = match (&rule.control, &rule.control_token) {
            (Some(crate::model::Control::Bracket { .. }), Some(c)) => format!("[{}]", c.text),
            (_, Some(c)) => c.text.clone(),
            (_, None) => String::new(),
        };
        out.push(Finding::new(
            &INFO,
            rule.span.clone(),
            format!(
                "no combination of module results lets this {t} stack succeed: even when every module succeeds, `{module}` ({control}, line {}) fails it, so every {t} call is refused",
                rule.span.line,
                t = stack.pam_type
            ),
            "give the stack a rule whose success reaches the end (e.g. move the deny after the sufficient rules, or fix the jump)".into(),
        ));
    }
    out
}

/// The values a handler may return that its control treats differently:
/// success first (the best chance), ignore, then one per other action.
fn outcomes(h: &Handler, hook: Hook) -> Vec<PamCode> {
    let module = match &h.kind {
        HandlerKind::Module(m) => m,
        HandlerKind::MustFail => return vec![engine::MUST_FAIL],
        HandlerKind::SubstackMarker => return vec![PamCode::Success],
    };
    if !matches!(module, Module::Other | Module::Missing) {
        if let Some(code) = modelled_return(module, hook) {
            return vec![code];
        }
    }
    let mut out = vec![PamCode::Success, PamCode::Ignore];
    let mut actions: Vec<Action> = vec![h.actions.get(PamCode::Success)];
    for code in PamCode::ALL {
        // PAM_INCOMPLETE suspends the call rather than deciding it.
        if matches!(
            code,
            PamCode::Success | PamCode::Ignore | PamCode::Incomplete
        ) {
            continue;
        }
        let a = h.actions.get(code);
        if !actions.contains(&a) {
            actions.push(a);
            out.push(code);
        }
    }
    out
}

/// Explore every combination of outcomes depth-first; None when some path
/// succeeds (or the budget runs out), else the handler that fails the run in
/// which every module returns its first outcome (success).
fn never_succeeds(handlers: &[Handler], hook: Hook) -> Option<(usize, bool)> {
    // (chosen outcome, number of outcomes) per module call, in call order.
    let mut path: Vec<(usize, usize)> = Vec::new();
    let mut first: Option<Pass> = None;
    for _ in 0..BUDGET {
        let mut depth = 0;
        let mut cache = Vec::new();
        let pass = engine::dispatch(handlers, hook, false, Flavor::default(), &mut cache, |h| {
            let options = outcomes(h, hook);
            if depth == path.len() {
                path.push((0, options.len()));
            }
            let (choice, _) = path[depth];
            depth += 1;
            options.get(choice).copied().unwrap_or(PamCode::Success)
        });
        if pass.result == PamCode::Success {
            return None;
        }
        path.truncate(depth);
        if first.is_none() {
            first = Some(pass);
        }
        // next combination: advance the deepest call that has outcomes left
        loop {
            match path.last_mut() {
                None => return first.as_ref().map(closer),
                Some((choice, n)) if *choice + 1 < *n => {
                    *choice += 1;
                    break;
                }
                Some(_) => {
                    path.pop();
                }
            }
        }
    }
    None
}

/// The handler that fails the all-success run: the first `bad`/`die` or bad jump,
/// else the last one that ran (nothing set a positive result); and whether it is
/// a bad jump.
fn closer(pass: &Pass) -> (usize, bool) {
    pass.steps
        .iter()
        .find(|s| matches!(s.action, Action::Bad | Action::Die) || s.note.is_some())
        .or(pass.steps.last())
        .map(|s| (s.handler, s.note.is_some()))
        .unwrap_or((0, false))
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::{codes_lines, lint_files, service_lines};

    #[test]
    fn fires_when_deny_closes_the_only_path() {
        assert_eq!(
            service_lines(
                "PL205",
                "auth required pam_env.so\nauth required pam_deny.so\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn fires_on_default_die_that_ends_every_path() {
        // Arch's system-auth with the jump of pam_unix's line turned into `required`
        let f = lint_files(&[(
            "svc",
            "auth required pam_unix.so\nauth [default=die] pam_faillock.so authfail\nauth optional pam_permit.so\n",
        )]);
        assert_eq!(codes_lines(&f, "PL205"), vec![2], "{f:?}");
        let msg = &f.iter().find(|f| f.code() == "PL205").unwrap().message;
        assert!(
            msg.contains("`pam_faillock.so` ([default=die], line 2)"),
            "{msg}"
        );
    }

    #[test]
    fn quiet_where_another_error_already_says_the_rule_always_fails() {
        for svc in [
            "auth requird pam_permit.so\n",
            "auth [success=3 default=ignore] pam_unix.so\nauth requisite pam_deny.so\n",
            "auth include no-such-file-here\n",
        ] {
            assert!(service_lines("PL205", svc).is_empty(), "{svc}");
        }
    }

    #[test]
    fn quiet_on_stacks_that_can_succeed() {
        for svc in [
            "auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\nauth required pam_permit.so\n",
            "auth required pam_faillock.so preauth\nauth [success=2 default=ignore] pam_unix.so\nauth [default=die] pam_faillock.so authfail\nauth optional pam_permit.so\nauth required pam_env.so\n",
            "auth sufficient pam_unix.so\nauth required pam_deny.so\n",
            "account required pam_unix.so\n",
        ] {
            assert!(service_lines("PL205", svc).is_empty(), "{svc}");
        }
    }

    #[test]
    fn fires_on_requisite_deny_before_everything() {
        assert_eq!(
            service_lines(
                "PL205",
                "auth required pam_unix.so\nauth requisite pam_deny.so\nauth required pam_permit.so\n"
            ),
            vec![2]
        );
    }

    #[test]
    fn quiet_on_deliberate_refusals() {
        assert!(service_lines(
            "PL205",
            "auth required pam_warn.so\nauth required pam_deny.so\npassword required pam_deny.so\n"
        )
        .is_empty());
        assert!(service_lines(
            "PL205",
            "auth required pam_debug.so auth=authinfo_unavail\n"
        )
        .is_empty());
    }

    #[test]
    fn quiet_on_a_deny_that_opens_the_type() {
        assert!(service_lines(
            "PL205",
            "password required pam_deny.so\npassword required pam_unix.so\n"
        )
        .is_empty());
    }

    #[test]
    fn permit_and_deny_are_modelled_even_when_their_file_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let modules = tempfile::tempdir().unwrap();
        // empty stand-ins: found, but not loadable objects
        for m in ["pam_env.so", "pam_deny.so"] {
            std::fs::write(modules.path().join(m), "").unwrap();
        }
        std::fs::write(
            dir.path().join("svc"),
            "auth required pam_env.so\nauth required pam_deny.so\n",
        )
        .unwrap();
        let opts = crate::check::CheckOptions {
            root: "/".into(),
            dir: Some(dir.path().to_path_buf()),
            module_paths: vec![modules.path().to_path_buf()],
            ..Default::default()
        };
        let found = crate::check::lint(&opts).findings;
        assert_eq!(codes_lines(&found, "PL205"), vec![2], "{found:?}");
    }
}
