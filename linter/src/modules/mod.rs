//! The module catalogue: everything pamlint knows about a module, in one file
//! per module (`pam_shells.rs` ...): its arguments (PL501), what its hooks
//! return when the line alone decides it (simulate, PL2xx, PL205), the
//! prediction `why` makes from a host's facts, and who its failure refuses
//! (`diff`'s wording). `check`, `simulate`, `why` and `diff` ask `find`.
//!
//! Adding a module: a file `pam_NAME.rs` here holding its `MODULE` (and its
//! predictor and tests); build.rs registers every such file.

pub mod args;
pub mod hook;
/// pam_ldap_shell predicted from a scanned directory entry (`pamlint audit`).
pub mod ldap_shell_account;
pub mod ldap_shell_entry;
pub mod predict;

#[cfg(test)]
mod why_tests;

pub use args::Args;
pub use hook::Hook;
pub use predict::{Call, Certainty, Prediction};

use crate::model::PamCode;

/// What pamlint knows about one module.
pub struct Module {
    /// The base name (`pam_shells`), as `ResolvedRule::module_name` gives it.
    pub name: &'static str,
    /// How PL501 judges its arguments.
    pub args: Args,
    /// What its hooks return when the line alone decides it.
    pub returns: Returns,
    /// `why`: its answer for a user, from the host's facts (None: unknown,
    /// assumed success).
    pub predict: Option<fn(&Call<'_>) -> Prediction>,
    /// `diff`: who a failure of this rule refuses, from its arguments.
    pub refuses: Option<fn(&[String]) -> String>,
    /// What the rules need to know of its role in a stack.
    pub traits: &'static [Trait],
}

/// A module's role in a stack, as rules judge stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trait {
    /// Only tests something (no prompt, no counter, no message): run twice with
    /// other controls, or as a jump guarding later rules, each run decides
    /// something else (PL204 does not report it).
    Guard,
    /// A stack of these refuses on purpose (PL205: `other`-style denials,
    /// authselect's `pam_debug.so auth=authinfo_unavail` for a disabled profile).
    RefusesOnPurpose,
    /// A stack of these (optional rules aside) decides without a refusing rule
    /// on purpose (PL203: greeters' pam_permit, root-only tools' pam_rootok).
    AdmitsOnPurpose,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// One catalogue entry per module name: the name is the identity.
impl PartialEq for Module {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Module {}

/// What a module's hooks return, as far as the line decides it.
#[derive(Clone, Copy)]
pub enum Returns {
    /// It depends on the user, the host or a password: any value.
    Any,
    /// The same value per hook, whatever the arguments (pam_permit, pam_deny).
    Fixed(fn(Hook) -> PamCode),
    /// Decided by the arguments (pam_debug's `auth=CODE`).
    FromArgs(fn(&[String], Hook) -> PamCode),
}

impl Returns {
    /// Whether `simulate` models the module (its return needs no assumption).
    pub fn is_modelled(self) -> bool {
        !matches!(self, Returns::Any)
    }
}

impl Module {
    /// What `hook` returns for a rule with `args`; None when it depends on more
    /// than the line.
    pub fn returns<S: AsRef<str>>(&self, args: &[S], hook: Hook) -> Option<PamCode> {
        match self.returns {
            Returns::Any => None,
            Returns::Fixed(f) => Some(f(hook)),
            Returns::FromArgs(f) => {
                let args: Vec<String> = args.iter().map(|a| a.as_ref().to_string()).collect();
                Some(f(&args, hook))
            }
        }
    }

    /// A module pamlint knows nothing particular about yet (arguments not
    /// judged, any return, no prediction, no wording).
    pub const fn unknown(name: &'static str) -> Module {
        Module {
            name,
            args: Args::Unchecked,
            returns: Returns::Any,
            predict: None,
            refuses: None,
            traits: &[],
        }
    }

    pub fn has(&self, t: Trait) -> bool {
        self.traits.contains(&t)
    }
}

/// Whether the module called `name` is known to have trait `t`.
pub fn has(name: &str, t: Trait) -> bool {
    find(name).is_some_and(|m| m.has(t))
}

// Every `pam_*.rs` of this directory: `pub mod` lines and `CATALOGUE` (build.rs).
include!(concat!(env!("OUT_DIR"), "/modules.rs"));

/// The catalogue entry of a module by base name (`pam_shells`).
pub fn find(name: &str) -> Option<&'static Module> {
    CATALOGUE.iter().copied().find(|m| m.name == name)
}

/// `why`'s prediction for any module: its predictor, or unknown (success assumed).
pub fn predict(name: &str, call: &Call<'_>) -> Prediction {
    match find(name).and_then(|m| m.predict) {
        Some(p) => p(call),
        None => Prediction::assumed(format!("{name}: unknown, assumed success")),
    }
}

#[cfg(test)]
mod tests {
    use super::CATALOGUE;

    #[test]
    fn one_entry_per_name_in_order() {
        let names: Vec<&str> = CATALOGUE.iter().map(|m| m.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
    }
}
