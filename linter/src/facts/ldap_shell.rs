//! pam_ldap_shell's options, read with the module's own code
//! (`ldap_shell_core::sources`): OpenLDAP's ldap.conf, the config file
//! (`--config`, else ROOT/etc/pam_ldap_shell.conf), then each rule's
//! arguments; `--uri` is applied last. Files are taken below --root
//! (`sources::Paths::under`).

use std::path::PathBuf;

use ldap_shell_core::options::Options;
use ldap_shell_core::sources::{self, Paths};

use crate::facts::ModuleOptions;
use crate::model::{PamType, ResolvedService};

/// Where the module's settings come from in this audit.
#[derive(Debug, Clone)]
pub struct ModuleSettings {
    pub root: PathBuf,
    /// `--config`: read as given (a path on this host).
    pub config: Option<PathBuf>,
    /// `--uri`: replaces the servers of every configuration.
    pub uri: Option<String>,
}

impl ModuleSettings {
    /// The module's files below the root (`config=` too, in `sources::load`).
    fn paths(&self) -> Paths {
        let mut paths = Paths::under(&self.root);
        if let Some(config) = &self.config {
            paths.config = config.clone();
        }
        paths
    }

    /// The arguments as the module gets them, then `--uri`.
    fn arguments<S: AsRef<str>>(&self, args: &[S]) -> Vec<String> {
        let mut out: Vec<String> = args.iter().map(|a| a.as_ref().to_string()).collect();
        if let Some(uri) = &self.uri {
            out.push(format!("uri={uri}"));
        }
        out
    }

    /// The module's options for a rule with `args` (Err: the configuration
    /// error the module would log, refusing with PAM_SERVICE_ERR).
    pub fn load<S: AsRef<str>>(&self, args: &[S]) -> Result<Options, String> {
        // The module skips a missing default file; a file named on the
        // command line must be there.
        if let Some(config) = self.config.as_ref().filter(|c| !c.exists()) {
            return Err(format!("--config {}: no such file", config.display()));
        }
        let opts =
            sources::load(&self.arguments(args), &self.paths()).map_err(|e| e.to_string())?;
        // As the module's lifecycle does before it connects: an unusable
        // tls_cacert is its configuration error (PAM_SERVICE_ERR).
        ldap_shell_core::tls::check_config(&for_connection(opts.clone(), &self.root))
            .map_err(|e| e.to_string())?;
        Ok(opts)
    }
}

/// The argument lists of every pam_ldap_shell rule in the auth and account
/// stacks of `services`, each once, in order of appearance.
pub fn rule_arguments(services: &[ResolvedService]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for service in services {
        for t in [PamType::Auth, PamType::Account] {
            for rule in service.stack(t).rules() {
                if rule.module_name().as_deref() != Some("pam_ldap_shell") {
                    continue;
                }
                let args: Vec<String> = rule.rule.args.iter().map(|a| a.text.clone()).collect();
                if !out.contains(&args) {
                    out.push(args);
                }
            }
        }
    }
    out
}

/// The options of every rule, resolved once.
pub fn resolve_all(settings: &ModuleSettings, rules: &[Vec<String>]) -> ModuleOptions {
    let mut m = ModuleOptions::default();
    for args in rules {
        m.insert(args, settings.load(args));
    }
    m
}

/// The options the directory scan uses: the configuration without rule
/// arguments when it is complete, else the first rule's that is.
pub fn scan_options(settings: &ModuleSettings, rules: &[Vec<String>]) -> Result<Options, String> {
    let base = settings.load::<&str>(&[]);
    let opts = match base {
        Ok(o) => o,
        Err(e) => rules
            .iter()
            .find_map(|args| settings.load(args).ok())
            .ok_or(e)?,
    };
    Ok(for_connection(opts, &settings.root))
}

/// The options as pamlint connects with them: the files they name (the
/// service account's password, the CA set) are the image's.
pub fn for_connection(mut opts: Options, root: &std::path::Path) -> Options {
    let paths = Paths::under(root);
    opts.bindpw_file = opts.bindpw_file.map(|p| paths.open(&p));
    opts.tls_cacert = opts.tls_cacert.map(|p| paths.open(&p));
    opts
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn settings(root: &Path, uri: Option<&str>) -> ModuleSettings {
        ModuleSettings {
            root: root.to_path_buf(),
            config: None,
            uri: uri.map(str::to_string),
        }
    }

    #[test]
    fn the_roots_config_and_ldap_conf_then_arguments_then_uri() {
        let root = tempfile::tempdir().unwrap();
        let etc = root.path().join("etc");
        std::fs::create_dir_all(etc.join("ldap")).unwrap();
        std::fs::write(
            etc.join("ldap/ldap.conf"),
            "URI ldap://from-ldap-conf\nBASE dc=x\n",
        )
        .unwrap();
        std::fs::write(etc.join("pam_ldap_shell.conf"), "minimum_uid 1000\n").unwrap();
        let s = settings(root.path(), None);
        let o = s.load(&["missing_shell=warn"]).unwrap();
        assert_eq!(o.uris, vec!["ldap://from-ldap-conf"]);
        assert_eq!(o.minimum_uid, Some(1000));
        let s = settings(root.path(), Some("ldap://127.0.0.1:9"));
        assert_eq!(
            s.load::<&str>(&[]).unwrap().uris,
            vec!["ldap://127.0.0.1:9"]
        );
        let e = s.load(&["bogus=1"]).unwrap_err();
        assert!(e.contains("bogus"), "{e}");
        let missing = ModuleSettings {
            config: Some(root.path().join("nope.conf")),
            ..s
        };
        assert!(missing.load::<&str>(&[]).unwrap_err().contains("nope.conf"));
    }

    #[test]
    fn without_a_complete_configuration_the_scan_uses_a_rules_options() {
        let root = tempfile::tempdir().unwrap();
        let s = settings(root.path(), None);
        let rules = vec![
            vec!["minimum_uid=1000".to_string()],
            vec!["uri=ldap://h".to_string(), "base=dc=y".to_string()],
        ];
        assert_eq!(
            scan_options(&s, &rules).unwrap().base.as_deref(),
            Some("dc=y")
        );
        assert!(scan_options(&s, &rules[..1]).unwrap_err().contains("uri"));
    }

    #[test]
    fn an_unusable_tls_cacert_of_the_image_is_the_modules_configuration_error() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("etc")).unwrap();
        std::fs::write(root.path().join("etc/ca.pem"), "not a certificate\n").unwrap();
        let s = settings(root.path(), None);
        let args = ["uri=ldaps://h", "base=dc=x", "tls_cacert=/etc/ca.pem"];
        let e = s.load(&args).unwrap_err();
        assert!(e.contains("tls_cacert"), "{e}");
        // Without TLS the module never reads it.
        assert!(s
            .load(&["uri=ldap://h", "base=dc=x", "tls_cacert=/etc/ca.pem"])
            .is_ok());
    }
}
