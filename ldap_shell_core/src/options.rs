//! The module's options: one typed struct, built from `key=value` settings.
//!
//! Where the settings come from (arguments, config file, ldap.conf) is
//! `sources.rs`'s concern; this file only knows names, values and defaults.

use std::path::PathBuf;
use std::time::Duration;

/// Where a setting was read, so an error can name the file (or the arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Arguments,
    File(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Arguments => f.write_str("the module arguments"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A configuration problem: always PAM_SERVICE_ERR, logged naming option and origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub option: String,
    pub origin: Origin,
    pub reason: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "configuration error: option \"{}\" in {}: {}",
            self.option, self.origin, self.reason
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReqCert {
    Demand,
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingShell {
    Deny,
    Warn,
    Default(String),
}

/// How the password is obtained in the auth phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassMode {
    Prompt,
    TryFirst,
    UseFirst,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub uris: Vec<String>,
    pub base: Option<String>,
    pub binddn: Option<String>,
    pub bindpw_file: Option<PathBuf>,
    pub user_attr: String,
    pub filter: Option<String>,
    pub dn_template: Option<String>,
    pub starttls: bool,
    pub tls_cacert: Option<PathBuf>,
    pub tls_reqcert: ReqCert,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub shell_attr: String,
    pub missing_shell: MissingShell,
    pub shells: PathBuf,
    pub check_shells: bool,
    pub authz_filter: Option<String>,
    /// PAM services whose account phase does not check the shell.
    pub skip_shell_services: Vec<String>,
    /// The account phase honours shadowAccount aging (shadowExpire...).
    pub shadow_expiry: bool,
    /// Warn of a coming password expiry only this many days ahead (None:
    /// whenever the server warns).
    pub expire_warning_days: Option<u32>,
    pub minimum_uid: Option<u32>,
    pub pass_mode: PassMode,
    pub ignore_unknown_user: bool,
    pub no_warn: bool,
    pub debug: bool,
    /// Origin of each setting that later checks may complain about.
    pub origins: Vec<(String, Origin)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            uris: Vec::new(),
            base: None,
            binddn: None,
            bindpw_file: None,
            user_attr: "uid".into(),
            filter: None,
            dn_template: None,
            starttls: false,
            tls_cacert: None,
            tls_reqcert: ReqCert::Demand,
            connect_timeout: Duration::from_millis(3000),
            timeout: Duration::from_millis(5000),
            shell_attr: "loginShell".into(),
            missing_shell: MissingShell::Deny,
            shells: PathBuf::from("/etc/shells"),
            check_shells: true,
            authz_filter: None,
            skip_shell_services: DEFAULT_SKIP_SHELL_SERVICES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            shadow_expiry: true,
            expire_warning_days: None,
            minimum_uid: None,
            pass_mode: PassMode::Prompt,
            ignore_unknown_user: false,
            no_warn: false,
            debug: false,
            origins: Vec::new(),
        }
    }
}

/// Services that run commands as a user without a login: the account
/// phase of sudo, cron, at, runuser, systemd's user manager and polkit must
/// not fail because the user could not log in with a shell (a refused
/// `sudo -l` or a cron job that silently never runs is the failure this
/// module exists to end). `skip_shell_services=` (empty) checks everywhere.
pub const DEFAULT_SKIP_SHELL_SERVICES: &[&str] = &[
    "sudo",
    "sudo-i",
    "cron",
    "crond",
    "atd",
    "runuser",
    "runuser-l",
    "systemd-user",
    "polkit-1",
];

/// Every option name the module knows (`config` is only valid as an argument).
pub const OPTION_NAMES: &[&str] = &[
    "uri",
    "base",
    "binddn",
    "bindpw_file",
    "user_attr",
    "filter",
    "dn_template",
    "starttls",
    "tls_cacert",
    "tls_reqcert",
    "connect_timeout_ms",
    "timeout_ms",
    "shell_attr",
    "missing_shell",
    "shells",
    "check_shells",
    "authz_filter",
    "skip_shell_services",
    "shadow_expiry",
    "expire_warning_days",
    "minimum_uid",
    "use_first_pass",
    "try_first_pass",
    "ignore_unknown_user",
    "no_warn",
    "debug",
];

/// Checks one setting alone, exactly as `Options::from_settings` reads it; the
/// checks that need every setting (no `uri`, `binddn` without `bindpw_file`)
/// stay `from_settings`'s. pamlint's PL501 asks this instead of keeping a table.
pub fn check_setting(s: &Setting) -> Result<(), ConfigError> {
    Options::default().apply(s)
}

/// One setting: `key` with an optional `=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub value: Option<String>,
    pub origin: Origin,
}

impl Setting {
    /// Splits `key=value` (or a bare flag) at the first `=`.
    pub fn parse(text: &str, origin: Origin) -> Setting {
        match text.split_once('=') {
            Some((k, v)) => Setting {
                key: k.to_string(),
                value: Some(v.to_string()),
                origin,
            },
            None => Setting {
                key: text.to_string(),
                value: None,
                origin,
            },
        }
    }

    fn error(&self, reason: impl Into<String>) -> ConfigError {
        ConfigError {
            option: self.key.clone(),
            origin: self.origin.clone(),
            reason: reason.into(),
        }
    }

    fn value(&self) -> Result<&str, ConfigError> {
        match self.value.as_deref() {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(self.error("needs a value (key=value)")),
        }
    }

    fn flag(&self) -> Result<(), ConfigError> {
        match self.value {
            None => Ok(()),
            Some(_) => Err(self.error("is a flag and takes no value")),
        }
    }
}

impl Options {
    /// Applies settings in order: a later setting overrides an earlier one.
    pub fn from_settings(settings: &[Setting]) -> Result<Options, ConfigError> {
        let mut o = Options::default();
        for s in settings {
            o.apply(s)?;
            o.origins.retain(|(k, _)| k != &s.key);
            o.origins.push((s.key.clone(), s.origin.clone()));
        }
        o.validate()?;
        Ok(o)
    }

    /// Where `option` was last set (the arguments if it was never set).
    pub fn origin_of(&self, option: &str) -> Origin {
        self.origins
            .iter()
            .find(|(k, _)| k == option)
            .map(|(_, o)| o.clone())
            .unwrap_or(Origin::Arguments)
    }

    fn apply(&mut self, s: &Setting) -> Result<(), ConfigError> {
        match s.key.as_str() {
            "uri" => self.uris = parse_uris(s)?,
            "base" => self.base = Some(s.value()?.to_string()),
            "binddn" => self.binddn = Some(s.value()?.to_string()),
            "bindpw_file" => self.bindpw_file = Some(absolute_path(s)?),
            "user_attr" => self.user_attr = attribute_name(s)?,
            "filter" => self.filter = Some(ldap_filter(s)?),
            "dn_template" => self.dn_template = Some(dn_template(s)?),
            "starttls" => {
                s.flag()?;
                self.starttls = true
            }
            "tls_cacert" => self.tls_cacert = Some(absolute_path(s)?),
            "tls_reqcert" => {
                self.tls_reqcert = match s.value()? {
                    "demand" | "hard" => ReqCert::Demand,
                    "never" => ReqCert::Never,
                    _ => return Err(s.error("must be demand or never")),
                }
            }
            "connect_timeout_ms" => self.connect_timeout = millis(s)?,
            "timeout_ms" => self.timeout = millis(s)?,
            "shell_attr" => self.shell_attr = attribute_name(s)?,
            "missing_shell" => self.missing_shell = missing_shell(s)?,
            "shells" => self.shells = absolute_path(s)?,
            "check_shells" => self.check_shells = yes_no(s)?,
            "authz_filter" => self.authz_filter = Some(ldap_filter(s)?),
            "skip_shell_services" => self.skip_shell_services = service_list(s)?,
            "shadow_expiry" => self.shadow_expiry = yes_no(s)?,
            "expire_warning_days" => {
                self.expire_warning_days = Some(
                    s.value()?
                        .parse()
                        .map_err(|_| s.error("must be a non-negative integer (days)"))?,
                )
            }
            "minimum_uid" => {
                let v = s.value()?;
                self.minimum_uid = Some(
                    v.parse()
                        .map_err(|_| s.error("must be a non-negative integer"))?,
                )
            }
            "use_first_pass" => {
                s.flag()?;
                self.pass_mode = PassMode::UseFirst
            }
            "try_first_pass" => {
                s.flag()?;
                self.pass_mode = PassMode::TryFirst
            }
            "ignore_unknown_user" => {
                s.flag()?;
                self.ignore_unknown_user = true
            }
            "no_warn" => {
                s.flag()?;
                self.no_warn = true
            }
            "debug" => {
                s.flag()?;
                self.debug = true
            }
            _ => return Err(s.error("unknown option")),
        }
        Ok(())
    }

    /// Checks that need the whole picture (e.g. where to search).
    fn validate(&self) -> Result<(), ConfigError> {
        let missing = |option: &str, reason: &str| ConfigError {
            option: option.to_string(),
            origin: self.origin_of(option),
            reason: reason.to_string(),
        };
        if self.uris.is_empty() {
            return Err(missing(
                "uri",
                "no LDAP server configured (set uri= or URI in /etc/ldap/ldap.conf)",
            ));
        }
        if self.base.is_none() && self.dn_template.is_none() {
            return Err(missing(
                "base",
                "no search base configured (set base=, dn_template= or BASE in /etc/ldap/ldap.conf)",
            ));
        }
        if self.binddn.is_some() != self.bindpw_file.is_some() {
            return Err(missing(
                if self.binddn.is_some() {
                    "bindpw_file"
                } else {
                    "binddn"
                },
                "binddn and bindpw_file must be set together",
            ));
        }
        Ok(())
    }
}

/// A comma-separated list of PAM service names; `key=` (empty) is the empty list.
fn service_list(s: &Setting) -> Result<Vec<String>, ConfigError> {
    let Some(v) = s.value.as_deref() else {
        return Err(s.error("needs a value: a comma-separated list of services, or empty"));
    };
    let names: Vec<String> = v
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(bad) = names.iter().find(|n| n.contains(['/', ' ', '\t'])) {
        return Err(s.error(format!("{bad:?} is not a PAM service name")));
    }
    Ok(names)
}

fn parse_uris(s: &Setting) -> Result<Vec<String>, ConfigError> {
    let v = s.value()?;
    let uris: Vec<String> = v
        .split([',', ' ', '\t'])
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .collect();
    for u in &uris {
        match crate::discovery::SrvSpec::parse(u) {
            Some(spec) => {
                spec.map_err(|e| s.error(format!("{u}: {e}")))?;
            }
            None => {
                crate::ldap_url::LdapUrl::parse(u).map_err(|e| s.error(format!("{u}: {e}")))?;
            }
        }
    }
    if uris.is_empty() {
        return Err(s.error("needs at least one ldap:// or ldaps:// URI, or dns[:DOMAIN]"));
    }
    Ok(uris)
}

fn absolute_path(s: &Setting) -> Result<PathBuf, ConfigError> {
    let v = s.value()?;
    if !v.starts_with('/') {
        return Err(s.error("must be an absolute path"));
    }
    Ok(PathBuf::from(v))
}

fn attribute_name(s: &Setting) -> Result<String, ConfigError> {
    let v = s.value()?;
    let ok = v.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !ok {
        return Err(s.error("must be an LDAP attribute name (letters, digits, '-')"));
    }
    Ok(v.to_string())
}

fn ldap_filter(s: &Setting) -> Result<String, ConfigError> {
    let v = s.value()?;
    if !(v.starts_with('(') && v.ends_with(')')) || ldap3::parse_filter(v).is_err() {
        return Err(
            s.error("must be a valid LDAP filter in parentheses, e.g. (objectClass=posixAccount)")
        );
    }
    Ok(v.to_string())
}

fn dn_template(s: &Setting) -> Result<String, ConfigError> {
    let v = s.value()?;
    if v.matches("%u").count() != 1 {
        return Err(
            s.error("must contain %u exactly once, e.g. uid=%u,ou=people,dc=example,dc=org")
        );
    }
    Ok(v.to_string())
}

fn millis(s: &Setting) -> Result<Duration, ConfigError> {
    let v = s.value()?;
    match v.parse::<u64>() {
        Ok(n) if (1..=600_000).contains(&n) => Ok(Duration::from_millis(n)),
        _ => Err(s.error("must be a number of milliseconds between 1 and 600000")),
    }
}

fn yes_no(s: &Setting) -> Result<bool, ConfigError> {
    match s.value()? {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(s.error("must be yes or no")),
    }
}

fn missing_shell(s: &Setting) -> Result<MissingShell, ConfigError> {
    match s.value()? {
        "deny" => Ok(MissingShell::Deny),
        "warn" => Ok(MissingShell::Warn),
        v => match v.strip_prefix("default:") {
            Some(p) if p.starts_with('/') => Ok(MissingShell::Default(p.to_string())),
            _ => Err(s.error("must be deny, warn or default:/absolute/path")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Options, ConfigError> {
        let settings: Vec<Setting> = list
            .iter()
            .map(|a| Setting::parse(a, Origin::Arguments))
            .collect();
        Options::from_settings(&settings)
    }

    const BASIC: [&str; 2] = ["uri=ldap://127.0.0.1:389", "base=dc=example,dc=org"];

    fn with(extra: &[&str]) -> Result<Options, ConfigError> {
        let mut v: Vec<&str> = BASIC.to_vec();
        v.extend_from_slice(extra);
        args(&v)
    }

    #[test]
    fn defaults_match_the_design_table() {
        let o = with(&[]).unwrap();
        assert_eq!(o.user_attr, "uid");
        assert_eq!(o.shell_attr, "loginShell");
        assert_eq!(o.tls_reqcert, ReqCert::Demand);
        assert_eq!(o.connect_timeout, Duration::from_millis(3000));
        assert_eq!(o.timeout, Duration::from_millis(5000));
        assert_eq!(o.missing_shell, MissingShell::Deny);
        assert_eq!(o.shells, PathBuf::from("/etc/shells"));
        assert!(o.check_shells);
        assert_eq!(o.pass_mode, PassMode::Prompt);
        assert!(!o.no_warn && !o.debug && !o.ignore_unknown_user && !o.starttls);
        assert!(o.skip_shell_services.iter().any(|s| s == "sudo"));
        assert!(o.skip_shell_services.iter().any(|s| s == "cron"));
    }

    #[test]
    fn skip_shell_services_is_a_list_and_may_be_empty() {
        let o = with(&["skip_shell_services=sudo, cron,,atd"]).unwrap();
        assert_eq!(o.skip_shell_services, vec!["sudo", "cron", "atd"]);
        assert!(with(&["skip_shell_services="])
            .unwrap()
            .skip_shell_services
            .is_empty());
        assert!(with(&["skip_shell_services"]).is_err());
        assert!(with(&["skip_shell_services=a/b"]).is_err());
    }

    #[test]
    fn every_option_parses() {
        let o = with(&[
            "uri=ldap://127.0.0.1:1,ldaps://localhost:636",
            "binddn=cn=svc,dc=example,dc=org",
            "bindpw_file=/etc/pam_ldap_shell.secret",
            "user_attr=cn",
            "filter=(objectClass=posixAccount)",
            "dn_template=uid=%u,ou=people,dc=example,dc=org",
            "starttls",
            "tls_cacert=/etc/ssl/ca.pem",
            "tls_reqcert=never",
            "connect_timeout_ms=250",
            "timeout_ms=900",
            "shell_attr=shell-x",
            "missing_shell=default:/bin/sh",
            "shells=/tmp/shells",
            "check_shells=no",
            "authz_filter=(gidNumber=5000)",
            "minimum_uid=1000",
            "try_first_pass",
            "ignore_unknown_user",
            "no_warn",
            "debug",
        ])
        .unwrap();
        assert_eq!(o.uris, vec!["ldap://127.0.0.1:1", "ldaps://localhost:636"]);
        assert_eq!(o.binddn.as_deref(), Some("cn=svc,dc=example,dc=org"));
        assert_eq!(o.user_attr, "cn");
        assert_eq!(o.filter.as_deref(), Some("(objectClass=posixAccount)"));
        assert!(o.dn_template.is_some() && o.starttls);
        assert_eq!(o.tls_reqcert, ReqCert::Never);
        assert_eq!(o.connect_timeout, Duration::from_millis(250));
        assert_eq!(o.timeout, Duration::from_millis(900));
        assert_eq!(o.shell_attr, "shell-x");
        assert_eq!(o.missing_shell, MissingShell::Default("/bin/sh".into()));
        assert!(!o.check_shells);
        assert_eq!(o.minimum_uid, Some(1000));
        assert_eq!(o.pass_mode, PassMode::TryFirst);
        assert!(o.ignore_unknown_user && o.no_warn && o.debug);
        assert_eq!(
            with(&["use_first_pass"]).unwrap().pass_mode,
            PassMode::UseFirst
        );
        assert_eq!(
            with(&["missing_shell=warn"]).unwrap().missing_shell,
            MissingShell::Warn
        );
    }

    #[test]
    fn bad_values_name_the_option() {
        let cases = [
            ("frobnicate=1", "frobnicate"),
            ("timeout_ms=abc", "timeout_ms"),
            ("timeout_ms=0", "timeout_ms"),
            ("connect_timeout_ms=", "connect_timeout_ms"),
            ("tls_reqcert=maybe", "tls_reqcert"),
            ("missing_shell=default:sh", "missing_shell"),
            ("missing_shell=allow", "missing_shell"),
            ("check_shells=true", "check_shells"),
            ("minimum_uid=-1", "minimum_uid"),
            ("filter=uid=*", "filter"),
            ("filter=(uid=*", "filter"),
            ("authz_filter=(&(a=b)", "authz_filter"),
            ("dn_template=uid=x,dc=org", "dn_template"),
            ("shells=etc/shells", "shells"),
            ("debug=yes", "debug"),
            ("uri=http://example.org", "uri"),
            ("user_attr=uid)(x", "user_attr"),
        ];
        for (arg, option) in cases {
            let e = with(&[arg]).unwrap_err();
            assert_eq!(e.option, option, "{arg}");
            assert_eq!(e.origin, Origin::Arguments);
            assert!(e.to_string().contains(option), "{e}");
        }
    }

    #[test]
    fn missing_server_or_base_is_an_error() {
        assert_eq!(args(&["base=dc=x"]).unwrap_err().option, "uri");
        assert_eq!(args(&["uri=ldap://h"]).unwrap_err().option, "base");
        assert!(args(&["uri=ldap://h", "dn_template=uid=%u,dc=x"]).is_ok());
        assert_eq!(with(&["binddn=cn=a"]).unwrap_err().option, "bindpw_file");
    }

    #[test]
    fn later_settings_win() {
        let o = with(&["timeout_ms=10", "timeout_ms=20"]).unwrap();
        assert_eq!(o.timeout, Duration::from_millis(20));
    }
}
