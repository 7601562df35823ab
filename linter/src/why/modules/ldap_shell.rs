//! pam_ldap_shell (this project's module), account phase: its shell policy
//! (missing_shell, shells, check_shells, minimum_uid), predicted from NSS's view
//! of the shell. The module itself reads the LDAP attribute (shell_attr), which
//! NSS normally maps to the same value; if they differ, the module wins.

use std::os::unix::fs::PermissionsExt;

use super::{Call, Prediction};
use crate::model::{PamCode, PamType};

const CONFIG: &str = "/etc/pam_ldap_shell.conf";

/// Module options after the config file, overridden by the rule's arguments.
struct Policy {
    missing_shell: String,
    shells: String,
    check_shells: bool,
    shell_attr: String,
    minimum_uid: Option<u32>,
    skip_shell_services: Vec<String>,
    shadow_expiry: bool,
}

/// The module's default `skip_shell_services` (pam_module/src/options.rs,
/// DEFAULT_SKIP_SHELL_SERVICES): services that run commands, not logins.
const DEFAULT_SKIP_SHELL_SERVICES: &str =
    "sudo,sudo-i,cron,crond,atd,runuser,runuser-l,systemd-user,polkit-1";

fn policy(call: &Call<'_>) -> Policy {
    let config = call.value("config").unwrap_or(CONFIG);
    let mut settings: Vec<(String, String)> = call
        .facts
        .fs
        .read(config)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (k, v) = l.split_once(['=', ' ', '\t'])?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    settings.extend(call.args.iter().filter_map(|a| {
        a.split_once('=')
            .map(|(k, v)| (k.to_string(), v.to_string()))
    }));
    let get = |k: &str| {
        settings
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    Policy {
        missing_shell: get("missing_shell").unwrap_or_else(|| "deny".into()),
        shells: get("shells").unwrap_or_else(|| "/etc/shells".into()),
        check_shells: get("check_shells").is_none_or(|v| v != "no"),
        shell_attr: get("shell_attr").unwrap_or_else(|| "loginShell".into()),
        minimum_uid: get("minimum_uid").and_then(|v| v.parse().ok()),
        skip_shell_services: get("skip_shell_services")
            .unwrap_or_else(|| DEFAULT_SKIP_SHELL_SERVICES.into())
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        shadow_expiry: get("shadow_expiry").is_none_or(|v| v != "no"),
    }
}

/// The module's shadow aging (the `aging` crate, the module's own rule) on
/// what NSS or the image says; None when nothing stops the account here.
fn aging_refusal(call: &Call<'_>, p: &Policy) -> Option<Prediction> {
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
    if call.pam_type != PamType::Account {
        return Prediction::assumed(
            "pam_ldap_shell checks the password against LDAP: not predictable",
        );
    }
    let p = policy(call);
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
        match p.missing_shell.as_str() {
            "warn" => {
                return Prediction::success(format!(
                    "empty shell admitted with a warning (missing_shell=warn) {note}"
                ))
            }
            m => match m.strip_prefix("default:") {
                Some(path) => path.to_string(),
                None => {
                    return Prediction::known(
                        PamCode::PermDenied,
                        format!(
                            "the shell of {} is empty and missing_shell=deny {note}",
                            call.who()
                        ),
                    )
                }
            },
        }
    } else {
        pw.shell.clone()
    };
    if !p.check_shells {
        return Prediction::success(format!("check_shells=no {note}"));
    }
    let fs = &call.facts.fs;
    let Ok(bytes) = fs.read(&p.shells) else {
        return Prediction::known(
            PamCode::ServiceErr,
            format!("{} cannot be read (option shells)", p.shells),
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
                p.shells
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
