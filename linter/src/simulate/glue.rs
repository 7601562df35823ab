//! From pamlint's resolved model (parser + resolver) to the simulator's handler
//! list: libpam's flat list with stack levels, each rule's action table, and the
//! module behaviour the simulator knows.

use crate::model::{FlatHandler, HandlerKind as ModelKind, ResolvedRule, Rule, Stack};

use super::ir::{Handler, HandlerKind, Label, Module};

/// The handler list libpam builds for one type's stack.
/// `assume_modules_present`: with `--dir` and the host target the modules are not
/// looked up on disk, so a module not found is still simulated as loaded (not
/// PAM_MODULE_UNKNOWN). Otherwise the target decides (`ResolvedRule::module_present`).
pub fn handlers(stack: &Stack, assume_modules_present: bool) -> Vec<Handler> {
    build(stack, assume_modules_present, true)
}

/// [`handlers`] without the trace labels (left empty), for callers that run the
/// engine many times over many stacks and only need a label now and then
/// (the PL205 check): building them was most of that check's cost.
pub fn unlabelled_handlers(stack: &Stack, assume_modules_present: bool) -> Vec<Handler> {
    build(stack, assume_modules_present, false)
}

fn build(stack: &Stack, assume_modules_present: bool, labelled: bool) -> Vec<Handler> {
    let label = |rule: &Rule, file: &std::path::Path, line: usize| {
        if labelled {
            label(rule, file, line)
        } else {
            Label::default()
        }
    };
    stack
        .flatten()
        .into_iter()
        .map(|h| match h {
            FlatHandler::Rule { rule, stack_level } => {
                let hooks = rule
                    .module_file
                    .as_deref()
                    .and_then(crate::elf::shared_hooks);
                Handler {
                    kind: kind_of(rule, assume_modules_present, hooks.is_some()),
                    level: stack_level,
                    actions: rule.actions,
                    label: label(&rule.rule, &rule.origin.file, rule.origin.line),
                    hooks,
                }
            }
            FlatHandler::Substack { frame, stack_level } => Handler {
                kind: HandlerKind::SubstackMarker,
                level: stack_level,
                actions: frame.actions,
                label: label(&frame.rule, &frame.origin.file, frame.origin.line),
                hooks: None,
            },
        })
        .collect()
}

/// `loadable`: the module file's symbols could be read (`elf::shared_hooks`).
fn kind_of(rule: &ResolvedRule, assume_present: bool, loadable: bool) -> HandlerKind {
    if rule.handler == ModelKind::MustFail {
        return HandlerKind::MustFail;
    }
    if !rule.module_present && !assume_present {
        return HandlerKind::Module(Module::Missing);
    }
    // A file that is not a loadable object: libpam's dlopen fails the same way.
    if rule.module_file.is_some() && !loadable {
        return HandlerKind::Module(Module::Missing);
    }
    HandlerKind::Module(modelled(rule).unwrap_or(Module::Other))
}

/// The rule's module when the catalogue knows its answers from the line alone.
pub fn modelled(rule: &ResolvedRule) -> Option<Module> {
    let module = crate::modules::find(&rule.module_name()?)?;
    module.returns.is_modelled().then(|| Module::Modelled {
        module,
        args: rule.rule.args.iter().map(|a| a.text.clone()).collect(),
    })
}

fn label(rule: &Rule, file: &std::path::Path, line: usize) -> Label {
    Label {
        file: file.display().to_string(),
        line,
        module: rule
            .module
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default(),
        control: match (&rule.control, &rule.control_token) {
            (Some(crate::model::Control::Bracket { .. }), Some(c)) => format!("[{}]", c.text),
            (_, Some(c)) => c.text.clone(),
            (_, None) => String::new(),
        },
    }
}
