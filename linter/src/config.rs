//! `pamlint.toml`: a fleet's settings, found from the working directory upwards (or
//! given with `--config`). Relative paths in it are relative to the file.
//!
//! ```toml
//! target = "rhel9"                 # as --target
//! modules = "site-modules.txt"     # as --modules
//! select = ["PL1", "PL3"]          # as --select (codes or prefixes)
//! ignore = ["PL302"]               # as --ignore
//! baseline = "pamlint-baseline.json"   # as --baseline
//!
//! [per-file-ignores]
//! "etc/pam.d/common-*" = ["PL204"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file name looked for.
pub const FILE_NAME: &str = "pamlint.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub target: Option<String>,
    pub modules: Option<PathBuf>,
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub ignore: Vec<String>,
    pub baseline: Option<PathBuf>,
    /// glob → codes.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
}

/// A config file as loaded, paths made relative to the working directory.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    /// The directory holding the file: per-file-ignores globs match paths relative to it.
    pub dir: PathBuf,
    pub config: Config,
}

/// `pamlint.toml` in `start` or the nearest directory above it.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Read and check a config file; the error names the file and what is wrong.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut config: Config = toml::from_str(&text)
        .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    for p in [&mut config.modules, &mut config.baseline]
        .into_iter()
        .flatten()
    {
        if p.is_relative() {
            *p = dir.join(&*p);
        }
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        dir,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_upwards_and_paths_made_relative_to_it() {
        let t = tempfile::tempdir().unwrap();
        let sub = t.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(
            t.path().join(FILE_NAME),
            "target = \"rhel9\"\nmodules = \"mods.txt\"\n[per-file-ignores]\n\"sshd\" = [\"PL302\"]\n",
        )
        .unwrap();
        let found = find(&sub).unwrap();
        assert_eq!(found, t.path().join(FILE_NAME));
        let l = load(&found).unwrap();
        assert_eq!(l.config.target.as_deref(), Some("rhel9"));
        assert_eq!(l.config.modules, Some(t.path().join("mods.txt")));
        assert_eq!(l.config.per_file_ignores["sshd"], vec!["PL302"]);
    }

    #[test]
    fn unknown_keys_and_bad_types_are_errors() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join(FILE_NAME);
        std::fs::write(&p, "targte = \"rhel9\"\n").unwrap();
        assert!(load(&p).unwrap_err().contains("unknown field `targte`"));
        std::fs::write(&p, "ignore = \"PL302\"\n").unwrap();
        assert!(load(&p).is_err());
    }
}
