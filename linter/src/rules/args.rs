//! Known modules' arguments, for PL501. Sources: each module's man page
//! (Linux-PAM 1.5/1.6, libpwquality, sssd, nss-pam-ldapd). pam_ldap_shell has
//! no table: its own parser (`ldap_shell_core::sources::check_argument`) judges.

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

type Spec = &'static [(&'static str, Kind)];

const UNIX: Spec = &[
    ("debug", Flag),
    ("audit", Flag),
    ("nullok", Flag),
    ("nullok_secure", Flag),
    ("nullresetok", Flag),
    ("try_first_pass", Flag),
    ("use_first_pass", Flag),
    ("nodelay", Flag),
    ("use_authtok", Flag),
    ("authtok_type", Text),
    ("nis", Flag),
    ("remember", Int),
    ("shadow", Flag),
    ("md5", Flag),
    ("bigcrypt", Flag),
    ("sha256", Flag),
    ("sha512", Flag),
    ("blowfish", Flag),
    ("gost_yescrypt", Flag),
    ("yescrypt", Flag),
    ("rounds", Int),
    ("broken_shadow", Flag),
    ("quiet", Flag),
    ("no_pass_expiry", Flag),
    ("minlen", Int),
    ("obscure", Flag),
    ("not_set_pass", Flag),
    ("likeauth", Flag),
    ("noreap", Flag),
    ("use_first_pass", Flag),
    ("descrypt", Flag),
    ("sha1", Flag),
];

const LISTFILE: Spec = &[
    (
        "item",
        OneOf(&["tty", "user", "rhost", "ruser", "group", "shell"]),
    ),
    ("sense", OneOf(&["allow", "deny"])),
    ("file", Text),
    ("onerr", OneOf(&["succeed", "fail"])),
    ("apply", Text),
    ("quiet", Flag),
    ("debug", Flag),
];

const SHELLS: Spec = &[("debug", Flag)];

const FAILLOCK: Spec = &[
    ("preauth", Flag),
    ("authfail", Flag),
    ("authsucc", Flag),
    ("conf", Text),
    ("dir", Text),
    ("even_deny_root", Flag),
    ("deny", Int),
    ("fail_interval", Int),
    ("unlock_time", IntOrNever),
    ("root_unlock_time", IntOrNever),
    ("audit", Flag),
    ("silent", Flag),
    ("no_log_info", Flag),
    ("local_users_only", Flag),
    ("nodelay", Flag),
    ("admin_group", Text),
    ("debug", Flag),
];

const PWQUALITY: Spec = &[
    ("debug", Flag),
    ("authtok_type", Text),
    ("retry", Int),
    ("difok", Int),
    ("minlen", Int),
    ("dcredit", Int),
    ("ucredit", Int),
    ("lcredit", Int),
    ("ocredit", Int),
    ("minclass", Int),
    ("maxrepeat", Int),
    ("maxsequence", Int),
    ("maxclassrepeat", Int),
    ("gecoscheck", Flag),
    ("dictcheck", Int),
    ("usercheck", Int),
    ("usersubstr", Int),
    ("enforcing", Int),
    ("badwords", Text),
    ("dictpath", Text),
    ("enforce_for_root", Flag),
    ("local_users_only", Flag),
    ("use_authtok", Flag),
    ("try_first_pass", Flag),
    ("use_first_pass", Flag),
    ("reject_username", Flag),
];

const LDAP: Spec = &[
    ("debug", Flag),
    ("use_first_pass", Flag),
    ("try_first_pass", Flag),
    ("use_authtok", Flag),
    ("nullok", Flag),
    ("ignore_unknown_user", Flag),
    ("ignore_authinfo_unavail", Flag),
    ("no_warn", Flag),
    ("minimum_uid", Int),
    ("config", Text),
    ("missingok", Flag),
];

const SSS: Spec = &[
    ("debug", Flag),
    ("quiet", Flag),
    ("use_first_pass", Flag),
    ("use_authtok", Flag),
    ("forward_pass", Flag),
    ("retry", Int),
    ("ignore_unknown_user", Flag),
    ("ignore_authinfo_unavail", Flag),
    ("domains", Text),
    ("allow_missing_name", Flag),
    ("prompt_always", Flag),
    ("try_cert_auth", Flag),
    ("require_cert_auth", Flag),
    ("try_first_pass", Flag),
];

/// The argument table of a module, if pamlint knows it.
pub fn spec(module: &str) -> Option<Spec> {
    Some(match module {
        "pam_unix" => UNIX,
        "pam_listfile" => LISTFILE,
        "pam_shells" => SHELLS,
        "pam_faillock" => FAILLOCK,
        "pam_pwquality" => PWQUALITY,
        "pam_ldap" => LDAP,
        "pam_sss" => SSS,
        _ => return None,
    })
}

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

/// What is wrong with one argument of `module`, with what the module does
/// about it; None when the argument is fine or the module is not known.
pub fn problem(module: &str, arg: &str) -> Option<String> {
    if module == LDAP_SHELL {
        return ldap_shell_problem(arg);
    }
    let table = spec(module)?;
    check_arg(module, table, arg).map(|p| format!("{p}: the module ignores it or misreads it"))
}

const LDAP_SHELL: &str = "pam_ldap_shell";

/// pam_ldap_shell refuses a bad argument outright (every hook returns
/// PAM_SERVICE_ERR): the verdict and the reason are the module's own.
fn ldap_shell_problem(arg: &str) -> Option<String> {
    let e = ldap_shell_core::sources::check_argument(arg).err()?;
    Some(format!(
        "`{arg}`: {}: {LDAP_SHELL} refuses its configuration (every call returns PAM_SERVICE_ERR)",
        e.reason
    ))
}
