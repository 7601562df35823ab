//! The target: which libpam will read the files (flavour, version) and which modules
//! it can load. `check`, `simulate`, `why` and `diff` all get theirs from [`resolve`].
//!
//! `host` (the default) judges module presence by the root's module directories, as
//! libpam on that root would; a built-in target (`--target rhel9`) by the module
//! catalogue of that distribution (linter/targets/*.toml), so a RHEL tree can be linted
//! on a Debian machine. `--modules FILE` adds a site's own modules to either.

pub mod catalog;
mod dirs;
mod host;

pub use dirs::module_dirs;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Whose libpam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    /// Linux-PAM with Debian's patches (`@include`; Debian, Ubuntu and derivatives).
    Debian,
    /// Upstream Linux-PAM (Fedora, RHEL, SUSE, Arch, Alpine...).
    Upstream,
    /// OpenPAM (FreeBSD, NetBSD, DragonFly, macOS).
    #[serde(rename = "openpam")]
    OpenPam,
}

impl Flavour {
    pub fn as_str(self) -> &'static str {
        match self {
            Flavour::Debian => "Debian's Linux-PAM",
            Flavour::Upstream => "Linux-PAM",
            Flavour::OpenPam => "OpenPAM",
        }
    }
}

/// How module presence is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modules {
    /// The root's module directories (`host`): a module is there if its file is.
    Disk,
    /// A distribution's catalogue: module file names (`pam_unix.so`).
    Catalog(BTreeSet<String>),
}

/// The libpam that will read the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host` or the built-in name (`rhel9`, also when given as an alias).
    pub name: String,
    /// What it is, for messages: `Red Hat Enterprise Linux 9`.
    pub description: String,
    /// None for `host` when the root says nothing about it.
    pub flavour: Option<Flavour>,
    /// The libpam release (`1.5.1`), when known.
    pub version: Option<String>,
    pub modules: Modules,
    /// A site's own modules (`--modules FILE`), present in addition.
    pub site_modules: BTreeSet<String>,
}

impl Default for Target {
    /// `host` judged by the module directories alone (the library's default).
    fn default() -> Self {
        Target {
            name: "host".into(),
            description: "this root's installed modules".into(),
            flavour: None,
            version: None,
            modules: Modules::Disk,
            site_modules: BTreeSet::new(),
        }
    }
}

impl Target {
    /// Whether module presence is read from the root's module directories.
    pub fn uses_disk(&self) -> bool {
        self.modules == Modules::Disk
    }

    /// Whether the target (or the site list) ships the module named by `path`
    /// (`pam_unix.so`, `/lib64/security/pam_unix.so`): compared by file name, as the
    /// catalogues list them. Always false for `host`, whose modules are files.
    pub fn ships(&self, path: &str) -> bool {
        let file = path.rsplit('/').next().unwrap_or(path);
        let listed = match &self.modules {
            Modules::Disk => false,
            Modules::Catalog(set) => set.contains(file),
        };
        listed || self.site_modules.contains(file)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// What the command line and pamlint.toml ask for.
#[derive(Debug, Clone, Default)]
pub struct TargetSpec {
    /// `--target` (or the config's `target`); None or `host` for the host.
    pub name: Option<String>,
    /// `--modules FILE` (or the config's `modules`).
    pub modules_file: Option<PathBuf>,
    /// The root being linted (`--root`).
    pub root: PathBuf,
}

/// The one place a target is resolved. Errors are complete sentences for the user.
pub fn resolve(spec: &TargetSpec) -> Result<Target, String> {
    let mut target = match spec.name.as_deref() {
        None => host::detect(&spec.root),
        Some(n) if n.eq_ignore_ascii_case("host") => host::detect(&spec.root),
        Some(n) => {
            let c = catalog::find(n).ok_or_else(|| {
                format!(
                    "unknown target `{}`; built-in targets: host, {}",
                    n.escape_debug(),
                    catalog::names().join(", ")
                )
            })?;
            Target {
                name: c.name,
                description: c.description,
                flavour: Some(c.flavour),
                version: Some(c.version),
                modules: Modules::Catalog(c.modules),
                site_modules: BTreeSet::new(),
            }
        }
    };
    if let Some(f) = &spec.modules_file {
        target.site_modules = read_module_list(f)?;
    }
    Ok(target)
}

/// A site's module list: one module per line (`pam_foo.so` or a path to it), `#`
/// comments and blank lines ignored.
pub fn read_module_list(path: &Path) -> Result<BTreeSet<String>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--modules {}: {e}", path.display()))?;
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.contains(char::is_whitespace) {
            return Err(format!(
                "--modules {}:{}: one module file name per line, got `{}`",
                path.display(),
                i + 1,
                line.escape_debug()
            ));
        }
        let file = line.rsplit('/').next().unwrap_or(line);
        out.insert(file.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str) -> TargetSpec {
        TargetSpec {
            name: Some(name.into()),
            ..TargetSpec::default()
        }
    }

    #[test]
    fn builtin_by_name_or_alias() {
        let t = resolve(&spec("Rocky9")).unwrap();
        assert_eq!(t.name, "rhel9");
        assert_eq!(t.flavour, Some(Flavour::Upstream));
        assert!(t.ships("pam_sss.so"));
        assert!(t.ships("/usr/lib64/security/pam_unix.so"));
        assert!(!t.ships("pam_tally2.so"));
        assert!(!t.ships("pam_unix"));
    }

    #[test]
    fn unknown_target_lists_the_known_ones() {
        let e = resolve(&spec("rhel7")).unwrap_err();
        assert!(e.contains("unknown target `rhel7`"), "{e}");
        assert!(e.contains("rhel9 (alma9, rocky9"), "{e}");
    }

    #[test]
    fn site_modules_add_to_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("mods");
        std::fs::write(
            &f,
            "# ours\npam_ldap_shell.so\n/opt/lib/pam_x.so  # vendor\n\n",
        )
        .unwrap();
        let mut s = spec("rhel9");
        s.modules_file = Some(f.clone());
        let t = resolve(&s).unwrap();
        assert!(t.ships("pam_ldap_shell.so") && t.ships("pam_x.so") && t.ships("pam_unix.so"));
        std::fs::write(&f, "pam_a.so pam_b.so\n").unwrap();
        let e = resolve(&s).unwrap_err();
        assert!(e.contains(":1: one module file name per line"), "{e}");
        s.modules_file = Some(dir.path().join("missing"));
        assert!(resolve(&s).is_err());
    }
}
