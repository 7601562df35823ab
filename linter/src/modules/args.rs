//! How a module's arguments are described (PL501): a table of names and kinds
//! (each module's man page; the tables live in the module files), or the
//! module's own parser (pam_ldap_shell).

/// What an argument takes.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `name` alone.
    Flag,
    /// `name=...`, anything.
    Text,
    /// `name=N`, a (possibly negative) integer.
    Int,
    /// `name=N` with N ≥ 0 or the word `never`.
    IntOrNever,
    /// `name=` one of the words.
    OneOf(&'static [&'static str]),
}

use Kind::*;

pub type Spec = &'static [(&'static str, Kind)];

/// Check one argument against a table: None when fine, else the problem.
pub fn check_arg(module: &str, spec: Spec, arg: &str) -> Option<String> {
    let (name, value) = match arg.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (arg, None),
    };
    let Some((_, kind)) = spec.iter().find(|(n, _)| *n == name) else {
        return Some(format!("unknown argument `{name}` for {module}"));
    };
    match (kind, value) {
        (Flag, None) => None,
        (Flag, Some(_)) => Some(format!("`{name}` of {module} takes no value")),
        (_, None) => Some(format!("`{name}` of {module} needs a value (`{name}=...`)")),
        (Text, Some(_)) => None,
        (Int, Some(v)) => v
            .parse::<i64>()
            .is_err()
            .then(|| format!("`{name}={v}`: {module} expects a number")),
        (IntOrNever, Some(v)) => (v != "never" && v.parse::<u64>().is_err())
            .then(|| format!("`{name}={v}`: {module} expects a number or `never`")),
        (OneOf(words), Some(v)) => (!words.contains(&v))
            .then(|| format!("`{name}={v}`: {module} expects one of {}", words.join(", "))),
    }
}

/// How pamlint judges a module's arguments.
#[derive(Clone, Copy)]
pub enum Args {
    /// Not judged.
    Unchecked,
    /// Names and kinds from the module's man page; the module ignores (at best
    /// logs) what does not fit.
    Table(Spec),
    /// The module's own parser: the full message for a bad argument.
    Parser(fn(&str) -> Option<String>),
}

impl Args {
    /// What is wrong with one argument of `module`, with what the module does
    /// about it; None when it is fine or not judged.
    pub fn problem(&self, module: &str, arg: &str) -> Option<String> {
        match self {
            Args::Unchecked => None,
            Args::Table(spec) => check_arg(module, spec, arg)
                .map(|p| format!("{p}: the module ignores it or misreads it")),
            Args::Parser(parse) => parse(arg),
        }
    }
}

/// `key=value` lookup in a rule's arguments (the last one wins, as most
/// modules parse in order).
pub fn last_value<'a>(args: &'a [String], key: &str) -> Option<&'a str> {
    let prefix = format!("{key}=");
    args.iter()
        .rev()
        .find_map(|a| a.strip_prefix(prefix.as_str()))
}
