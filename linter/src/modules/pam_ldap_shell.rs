//! pam_ldap_shell (this project's module), account phase: its shell policy
//! (missing_shell, shells, check_shells, minimum_uid), predicted from NSS's view
//! of the shell. The module itself reads the LDAP attribute (shell_attr), which
//! NSS normally maps to the same value; if they differ, the module wins.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use ldap_shell_core::options::{ConfigError, MissingShell, Options, Origin};
use ldap_shell_core::sources;

use super::{Args, Call, Module, Prediction, Returns};
use crate::model::{PamCode, PamType};

pub const MODULE: Module = Module {
    name: "pam_ldap_shell",
    args: Args::Parser(argument_problem),
    returns: Returns::Any,
    predict: Some(predict),
    refuses: Some(refuses),
    traits: &[],
};

/// The module refuses a bad argument outright (every hook returns
/// PAM_SERVICE_ERR): the verdict and the reason are its own parser's.
fn argument_problem(arg: &str) -> Option<String> {
    let e = sources::check_argument(arg).err()?;
    Some(format!(
        "`{arg}`: {}: pam_ldap_shell refuses its configuration (every call returns PAM_SERVICE_ERR)",
        e.reason
    ))
}

fn refuses(_: &[String]) -> String {
    "users whose LDAP login shell is missing or unusable".into()
}

/// The module's options as it would build them: ldap.conf, then its config
/// file (`config=` or the default), then the rule's arguments, all read by the
/// module's own parser (`ldap_shell_core`). The files are read through the
/// facts' view (the host or an image), in `sources::load`'s order (which reads
/// the real paths itself); their ownership checks are not predicted.
fn options(call: &Call<'_>) -> Result<Options, ConfigError> {
    let args: Vec<String> = call.args.iter().map(|a| a.to_string()).collect();
    let (explicit, arg_settings) = sources::split_arguments(&args)?;
    let fs = &call.facts.fs;
    // As `sources::load`: the first ldap.conf that exists, an unreadable one
    // an error about `uri`.
    let mut settings = match sources::OPENLDAP_CONFS.iter().find(|p| fs.exists(p)) {
        Some(p) => match fs.read(p) {
            Ok(b) => sources::parse_openldap_conf(&String::from_utf8_lossy(&b), Path::new(p)),
            Err(e) => {
                return Err(ConfigError {
                    option: "uri".into(),
                    origin: Origin::File(PathBuf::from(p)),
                    reason: format!("cannot read {p}: {e}"),
                })
            }
        },
        None => Vec::new(),
    };
    let explicit_config = explicit.is_some();
    let config = explicit.unwrap_or_else(|| PathBuf::from(sources::DEFAULT_CONFIG));
    match fs.read(&config.to_string_lossy()) {
        Ok(b) => settings.extend(sources::parse_config_file(
            &String::from_utf8_lossy(&b),
            &config,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit_config => {}
        Err(e) => {
            return Err(ConfigError {
                option: sources::CONFIG_ARGUMENT.into(),
                origin: Origin::File(config.clone()),
                reason: format!("cannot read {}: {e}", config.display()),
            })
        }
    }
    settings.extend(arg_settings);
    Options::from_settings(&settings)
}

/// The module's shadow aging (the `aging` crate, the module's own rule) on
/// what NSS or the image says; None when nothing stops the account here.
fn aging_refusal(call: &Call<'_>, p: &Options) -> Option<Prediction> {
    let shadow = call.facts.shadow.filter(|_| p.shadow_expiry)?;
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| aging::day_of(d.as_secs()));
    let who = call.who();
    match aging::check(&shadow, today) {
        aging::Aging::AccountExpired => Some(Prediction::known(
            PamCode::AcctExpired,
            format!(
                "{who}'s account expired (shadowExpire {} is not after today, day {today})",
                shadow.expire.unwrap_or(-1)
            ),
        )),
        aging::Aging::Inactive => Some(Prediction::known(
            PamCode::AcctExpired,
            format!("{who}'s password expired longer ago than shadowInactive allows"),
        )),
        aging::Aging::ChangeEnforced => Some(Prediction::known(
            PamCode::NewAuthtokReqd,
            format!("{who} must change the password first (shadowLastChange 0)"),
        )),
        aging::Aging::PasswordExpired => Some(Prediction::known(
            PamCode::NewAuthtokReqd,
            format!("{who}'s password is older than shadowMax: a change is required first"),
        )),
        aging::Aging::Fine | aging::Aging::ExpiresIn(_) => None,
    }
}

pub fn predict(call: &Call<'_>) -> Prediction {
    // A directory scan (`pamlint audit`) knows the entry the module reads.
    if let Some(dir) = &call.facts.directory {
        return super::ldap_shell_entry::predict(call, dir);
    }
    let p = match options(call) {
        Ok(p) => p,
        Err(e) => {
            return Prediction::known(
                PamCode::ServiceErr,
                format!("pam_ldap_shell refuses its configuration: {e}"),
            )
        }
    };
    if call.pam_type != PamType::Account {
        return Prediction::assumed(
            "pam_ldap_shell checks the password against LDAP: not predictable",
        );
    }
    let Some(pw) = &call.facts.passwd else {
        return Prediction::assumed(format!(
            "NSS does not know {}; pam_ldap_shell asks LDAP directly",
            call.who()
        ));
    };
    if p.minimum_uid.is_some_and(|min| pw.uid < min) {
        return Prediction::known(
            PamCode::Ignore,
            format!("uid {} is below minimum_uid", pw.uid),
        );
    }
    if let Some(refusal) = aging_refusal(call, &p) {
        return refusal;
    }
    if p.skip_shell_services.contains(&call.facts.service) {
        return Prediction::success(format!(
            "the shell is not checked for service {} (skip_shell_services)",
            call.facts.service
        ));
    }
    let note = format!(
        "(predicted from NSS's shell; the module reads the LDAP attribute {})",
        p.shell_attr
    );
    let shell = if pw.shell.is_empty() {
        match &p.missing_shell {
            MissingShell::Warn => {
                return Prediction::success(format!(
                    "empty shell admitted with a warning (missing_shell=warn) {note}"
                ))
            }
            MissingShell::Default(path) => path.clone(),
            MissingShell::Deny => {
                return Prediction::known(
                    PamCode::PermDenied,
                    format!(
                        "the shell of {} is empty and missing_shell=deny {note}",
                        call.who()
                    ),
                )
            }
        }
    } else {
        pw.shell.clone()
    };
    if !p.check_shells {
        return Prediction::success(format!("check_shells=no {note}"));
    }
    let fs = &call.facts.fs;
    let shells = p.shells.to_string_lossy();
    let Ok(bytes) = fs.read(&shells) else {
        return Prediction::known(
            PamCode::ServiceErr,
            format!("{shells} cannot be read (option shells)"),
        );
    };
    let listed = String::from_utf8_lossy(&bytes)
        .split('\n')
        .any(|l| l.starts_with('/') && l == shell);
    if !listed {
        return Prediction::known(
            PamCode::PermDenied,
            format!(
                "the shell {shell} of {} is not listed in {} {note}",
                call.who(),
                shells
            ),
        );
    }
    match fs.stat(&shell) {
        Err(_) => Prediction::known(
            PamCode::PermDenied,
            format!("the shell {shell} does not exist {note}"),
        ),
        Ok(m) if !m.is_file() || m.permissions().mode() & 0o111 == 0 => Prediction::known(
            PamCode::PermDenied,
            format!("the shell {shell} is not executable {note}"),
        ),
        Ok(_) => Prediction::success(format!("the shell {shell} is listed and executable {note}")),
    }
}
