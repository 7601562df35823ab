//! Where settings come from, lowest precedence first:
//! OpenLDAP's ldap.conf (URI, BASE, TLS_CACERT; /etc/ldap on Debian,
//! /etc/openldap on RHEL and SUSE), then the module's config file
//! (/etc/pam_ldap_shell.conf or `config=PATH`), then the module arguments.
//! Never the environment: in setuid hosts it belongs to the invoking user.
//! The config file and `bindpw_file` must pass `file_trust`.

use crate::file_trust::Guard;
use crate::options::{ConfigError, Options, Origin, Setting};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

pub const DEFAULT_CONFIG: &str = "/etc/pam_ldap_shell.conf";
/// OpenLDAP's client configuration: the first of these that exists is read
/// (Debian and Ubuntu; RHEL, Fedora, SUSE, Arch and Alpine).
pub const OPENLDAP_CONFS: &[&str] = &["/etc/ldap/ldap.conf", "/etc/openldap/ldap.conf"];

/// The files consulted; tests point them elsewhere.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config: PathBuf,
    pub openldap: Vec<PathBuf>,
    /// Whose files are trusted besides root's (the process's effective uid).
    pub euid: u32,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            config: PathBuf::from(DEFAULT_CONFIG),
            openldap: OPENLDAP_CONFS.iter().map(PathBuf::from).collect(),
            euid: crate::sys::process::euid(),
        }
    }
}

/// Builds the options from the module arguments and the files they lead to.
pub fn load(args: &[String], paths: &Paths) -> Result<Options, ConfigError> {
    let (explicit, arg_settings) = split_arguments(args)?;
    let config_path = explicit.clone().unwrap_or_else(|| paths.config.clone());

    let mut settings = match paths.openldap.iter().find(|p| p.exists()) {
        Some(conf) => read_openldap_conf(conf)?,
        None => Vec::new(),
    };
    match read_text(&config_path) {
        Ok(Some(text)) => {
            trusted(&config_path, Guard::NotWritable, paths.euid, "config")?;
            settings.extend(parse_config_file(&text, &config_path))
        }
        Ok(None) if explicit.is_none() => {}
        Ok(None) => {
            return Err(file_error(
                "config",
                &config_path,
                Origin::Arguments,
                "file does not exist",
            ))
        }
        Err(e) => {
            return Err(file_error(
                "config",
                &config_path,
                Origin::File(config_path.clone()),
                &e,
            ))
        }
    }
    settings.extend(arg_settings);
    let opts = Options::from_settings(&settings)?;
    if let Some(pw) = &opts.bindpw_file {
        trusted(pw, Guard::Private, paths.euid, "bindpw_file").map_err(|e| ConfigError {
            origin: opts.origin_of("bindpw_file"),
            ..e
        })?;
    }
    Ok(opts)
}

/// The module arguments as settings with `config=` taken out (its path, when
/// given): where `load` starts, and what pamlint's `why` starts from.
pub fn split_arguments(args: &[String]) -> Result<(Option<PathBuf>, Vec<Setting>), ConfigError> {
    let mut settings: Vec<Setting> = args
        .iter()
        .map(|a| Setting::parse(a, Origin::Arguments))
        .collect();
    let explicit = take_config_arg(&mut settings)?;
    Ok((explicit, settings))
}

/// Checks one module argument alone, as `load` reads it (`config=` or an
/// option); pamlint's PL501 verdict on pam_ldap_shell's arguments.
pub fn check_argument(arg: &str) -> Result<(), ConfigError> {
    let (_, settings) = split_arguments(&[arg.to_string()])?;
    settings.iter().try_for_each(crate::options::check_setting)
}

/// Every name the module takes as an argument: the options and `config`.
pub fn argument_names() -> impl Iterator<Item = &'static str> {
    crate::options::OPTION_NAMES
        .iter()
        .copied()
        .chain(std::iter::once(CONFIG_ARGUMENT))
}

/// The argument naming the config file (not an option of the file itself).
pub const CONFIG_ARGUMENT: &str = "config";

/// `file_trust::check` as a configuration error about `option`.
fn trusted(path: &Path, guard: Guard, euid: u32, option: &str) -> Result<(), ConfigError> {
    crate::file_trust::check(path, guard, euid).map_err(|reason| ConfigError {
        option: option.into(),
        origin: Origin::File(path.to_path_buf()),
        reason,
    })
}

fn take_config_arg(settings: &mut Vec<Setting>) -> Result<Option<PathBuf>, ConfigError> {
    let mut path = None;
    for s in settings.iter().filter(|s| s.key == CONFIG_ARGUMENT) {
        match s.value.as_deref() {
            Some(v) if v.starts_with('/') => path = Some(PathBuf::from(v)),
            _ => {
                return Err(ConfigError {
                    option: CONFIG_ARGUMENT.into(),
                    origin: Origin::Arguments,
                    reason: "must be an absolute path".into(),
                })
            }
        }
    }
    settings.retain(|s| s.key != CONFIG_ARGUMENT);
    Ok(path)
}

fn file_error(option: &str, path: &Path, origin: Origin, why: &str) -> ConfigError {
    ConfigError {
        option: option.into(),
        origin,
        reason: format!("cannot read {}: {why}", path.display()),
    }
}

/// Ok(None) when the file does not exist; Err with the reason when it cannot be read.
fn read_text(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// The module's file: one `key=value` (or `key value`, or a bare flag) per line, `#` comments.
pub fn parse_config_file(text: &str, path: &Path) -> Vec<Setting> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let normalized = match (l.find('='), l.find(char::is_whitespace)) {
                (Some(eq), Some(ws)) if ws < eq => join_key_value(l, ws),
                (None, Some(ws)) => join_key_value(l, ws),
                _ => l.to_string(),
            };
            Setting::parse(&normalized, Origin::File(path.to_path_buf()))
        })
        .collect()
}

fn join_key_value(line: &str, ws: usize) -> String {
    let (k, v) = line.split_at(ws);
    format!("{}={}", k, v.trim())
}

fn read_openldap_conf(path: &Path) -> Result<Vec<Setting>, ConfigError> {
    match read_text(path) {
        Ok(Some(text)) => Ok(parse_openldap_conf(&text, path)),
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(file_error(
            "uri",
            path,
            Origin::File(path.to_path_buf()),
            &e,
        )),
    }
}

/// OpenLDAP's ldap.conf: keywords are case-insensitive, the value follows
/// whitespace; only URI, BASE and TLS_CACERT are used, the rest is OpenLDAP's.
pub fn parse_openldap_conf(text: &str, path: &Path) -> Vec<Setting> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        let key = match key.to_ascii_uppercase().as_str() {
            "URI" => "uri",
            "BASE" => "base",
            "TLS_CACERT" => "tls_cacert",
            _ => continue,
        };
        out.push(Setting {
            key: key.into(),
            value: Some(value.trim().to_string()),
            origin: Origin::File(path.to_path_buf()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn paths(dir: &Path) -> Paths {
        Paths {
            config: dir.join("pam_ldap_shell.conf"),
            openldap: vec![dir.join("ldap.conf"), dir.join("openldap.conf")],
            euid: crate::sys::process::euid(),
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_override_file_which_overrides_ldap_conf() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::write(
            &p.openldap[0],
            "# OpenLDAP\nURI ldap://10.0.0.1 ldap://10.0.0.2\nBASE dc=from,dc=ldapconf\nTLS_CACERT /etc/ssl/a.pem\nSIZELIMIT 12\n",
        )
        .unwrap();
        std::fs::write(
            &p.config,
            "base=dc=from,dc=file\ntimeout_ms 700\n# comment\ndebug\n",
        )
        .unwrap();
        let o = load(&strings(&["timeout_ms=900"]), &p).unwrap();
        assert_eq!(o.uris, vec!["ldap://10.0.0.1", "ldap://10.0.0.2"]);
        assert_eq!(o.base.as_deref(), Some("dc=from,dc=file"));
        assert_eq!(o.tls_cacert.as_deref(), Some(Path::new("/etc/ssl/a.pem")));
        assert_eq!(o.timeout, Duration::from_millis(900));
        assert!(o.debug);
    }

    #[test]
    fn missing_default_files_are_fine_but_explicit_config_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        assert!(load(&strings(&["uri=ldap://h", "base=dc=x"]), &p).is_ok());
        let missing = dir.path().join("nope.conf");
        let e = load(
            &strings(&[
                "uri=ldap://h",
                "base=dc=x",
                &format!("config={}", missing.display()),
            ]),
            &p,
        )
        .unwrap_err();
        assert_eq!(e.option, "config");
        assert!(e.to_string().contains("nope.conf"), "{e}");
    }

    #[test]
    fn errors_in_the_file_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::write(&p.config, "uri=ldap://h\nbase=dc=x\nbogus_option=1\n").unwrap();
        let e = load(&[], &p).unwrap_err();
        assert_eq!(e.option, "bogus_option");
        assert_eq!(e.origin, Origin::File(p.config.clone()));
        assert!(e.to_string().contains("pam_ldap_shell.conf"), "{e}");
    }

    #[test]
    fn rhel_keeps_ldap_conf_in_etc_openldap() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::write(&p.openldap[1], "URI ldap://rhel\nBASE dc=rhel\n").unwrap();
        let o = load(&[], &p).unwrap();
        assert_eq!(o.uris, vec!["ldap://rhel"]);
        // The first that exists wins, as one libldap reads one of them.
        std::fs::write(&p.openldap[0], "URI ldap://debian\nBASE dc=deb\n").unwrap();
        assert_eq!(load(&[], &p).unwrap().uris, vec!["ldap://debian"]);
    }

    #[test]
    fn a_config_others_can_write_or_a_bindpw_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        std::fs::write(&p.config, "uri=ldap://h\nbase=dc=x\n").unwrap();
        let mode = |f: &Path, m: u32| {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(m)).unwrap()
        };
        mode(&p.config, 0o666);
        let e = load(&[], &p).unwrap_err();
        assert_eq!(e.option, "config");
        assert!(e.to_string().contains("mode 0666"), "{e}");
        mode(&p.config, 0o644);
        let pw = dir.path().join("bindpw");
        std::fs::write(&pw, "secret\n").unwrap();
        mode(&pw, 0o644);
        let args = strings(&["binddn=cn=s", &format!("bindpw_file={}", pw.display())]);
        let e = load(&args, &p).unwrap_err();
        assert_eq!(e.option, "bindpw_file");
        assert!(e.to_string().contains("mode 0644"), "{e}");
        mode(&pw, 0o600);
        assert!(load(&args, &p).is_ok());
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = paths(dir.path());
        // A directory cannot be read as a file, even by root.
        std::fs::create_dir(&p.config).unwrap();
        let e = load(&strings(&["uri=ldap://h", "base=dc=x"]), &p).unwrap_err();
        assert!(e.to_string().contains("cannot read"), "{e}");
    }
}
