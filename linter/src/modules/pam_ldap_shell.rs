//! pam_ldap_shell (this project's module), account phase: its shell policy
//! (missing_shell, shells, check_shells, minimum_uid), predicted from NSS's view
//! of the shell. The module itself reads the LDAP attribute (shell_attr), which
//! NSS normally maps to the same value; if they differ, the module wins.

use std::os::unix::fs::PermissionsExt;

use ldap_shell_core::options::{ConfigError, MissingShell, Options};
use ldap_shell_core::sources::{self, Paths};

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

/// The module's options as it builds them (`sources::load`: ldap.conf, its
/// config file, the rule's arguments, the files' ownership and modes), from
/// the files of the facts' view (the host or an image).
fn options(call: &Call<'_>) -> Result<Options, ConfigError> {
    let args: Vec<String> = call.args.iter().map(|a| a.to_string()).collect();
    sources::load(&args, &Paths::under(&call.facts.fs.root))
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
    // The directory was read (`pamlint audit`, `why`): the entry the module reads.
    if let Some(dir) = &call.facts.directory {
        return super::ldap_shell_entry::predict(call, dir);
    }
    let mut p = from_nss(call);
    if let Some(e) = &call.facts.directory_unreachable {
        p.fact = format!("directory unreachable ({e}): predicted from NSS's view: {}", p.fact);
    }
    p
}

/// The module's answer from NSS's view of the user (the passwd shell).
fn from_nss(call: &Call<'_>) -> Prediction {
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::facts::{Facts, Source};

    /// An image with ldap.conf (RHEL's place), the module's default config
    /// file and another one a rule names with `config=`.
    fn image() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let etc = root.path().join("etc");
        std::fs::create_dir_all(etc.join("openldap")).unwrap();
        std::fs::write(
            etc.join("openldap/ldap.conf"),
            "URI ldap://a ldap://b\nBASE dc=from,dc=ldapconf\n",
        )
        .unwrap();
        std::fs::write(
            etc.join("pam_ldap_shell.conf"),
            "base dc=from,dc=file\nminimum_uid 1000\ncheck_shells no\n",
        )
        .unwrap();
        std::fs::write(etc.join("other.conf"), "timeout_ms=700\n").unwrap();
        root
    }

    fn why_options(root: &Path, args: &[&str]) -> Result<Options, ConfigError> {
        let facts = Facts::gather(&Source::Root(root.to_path_buf()), "sshd", "alice", None);
        let call = Call {
            pam_type: PamType::Account,
            args: args.to_vec(),
            facts: &facts,
        };
        options(&call)
    }

    /// The module's loader with its paths pointed at the image by hand.
    fn module_options(root: &Path, args: &[&str]) -> Result<Options, ConfigError> {
        let etc = root.join("etc");
        let args: Vec<String> = args
            .iter()
            .map(|a| match a.strip_prefix("config=/") {
                Some(p) => format!("config={}", root.join(p).display()),
                None => a.to_string(),
            })
            .collect();
        let paths = Paths {
            config: etc.join("pam_ldap_shell.conf"),
            openldap: vec![etc.join("ldap/ldap.conf"), etc.join("openldap/ldap.conf")],
            euid: nix::unistd::geteuid().as_raw(),
            root: PathBuf::from("/"),
        };
        sources::load(&args, &paths)
    }

    #[test]
    fn why_and_the_modules_loader_agree_under_a_root() {
        let img = image();
        for args in [
            &[][..],
            &["minimum_uid=2000", "missing_shell=warn"][..],
            &["config=/etc/other.conf", "debug"][..],
        ] {
            let why = why_options(img.path(), args).unwrap();
            assert_eq!(why, module_options(img.path(), args).unwrap(), "{args:?}");
        }
        let o = why_options(img.path(), &["minimum_uid=2000"]).unwrap();
        assert_eq!(o.uris, vec!["ldap://a", "ldap://b"]);
        assert_eq!(o.base.as_deref(), Some("dc=from,dc=file"));
        assert_eq!(o.minimum_uid, Some(2000));
        let o = why_options(img.path(), &["config=/etc/other.conf"]).unwrap();
        assert_eq!(o.base.as_deref(), Some("dc=from,dc=ldapconf"));
        assert_eq!(o.timeout, std::time::Duration::from_millis(700));
        let e = why_options(img.path(), &["config=/etc/absent.conf"]).unwrap_err();
        assert_eq!(e.option, "config");
    }

    #[test]
    fn a_config_file_the_module_distrusts_is_its_service_error() {
        use std::os::unix::fs::PermissionsExt;
        let img = image();
        let conf = img.path().join("etc/pam_ldap_shell.conf");
        std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o666)).unwrap();
        let facts = Facts::gather(
            &Source::Root(img.path().to_path_buf()),
            "sshd",
            "alice",
            None,
        );
        let call = Call {
            pam_type: PamType::Account,
            args: vec![],
            facts: &facts,
        };
        let p = predict(&call);
        assert_eq!(p.code, PamCode::ServiceErr);
        assert!(
            p.fact.contains("refuses its configuration") && p.fact.contains("mode 0666"),
            "{}",
            p.fact
        );
        assert_eq!(
            module_options(img.path(), &[]).unwrap_err().to_string(),
            options(&call).unwrap_err().to_string()
        );
    }
}
