//! The built-in targets: one TOML file per distribution in linter/targets/, embedded
//! here, each built from that distribution's package file lists (its header says how).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::Flavour;

/// (file stem, contents) of every built-in target, in the order `--target` lists them.
const FILES: &[(&str, &str)] = &[
    ("debian12", include_str!("../../targets/debian12.toml")),
    ("debian13", include_str!("../../targets/debian13.toml")),
    (
        "ubuntu22.04",
        include_str!("../../targets/ubuntu22.04.toml"),
    ),
    (
        "ubuntu24.04",
        include_str!("../../targets/ubuntu24.04.toml"),
    ),
    ("rhel8", include_str!("../../targets/rhel8.toml")),
    ("rhel9", include_str!("../../targets/rhel9.toml")),
    ("rhel10", include_str!("../../targets/rhel10.toml")),
    ("fedora", include_str!("../../targets/fedora.toml")),
    ("opensuse", include_str!("../../targets/opensuse.toml")),
    ("arch", include_str!("../../targets/arch.toml")),
    ("alpine", include_str!("../../targets/alpine.toml")),
    ("freebsd", include_str!("../../targets/freebsd.toml")),
];

/// A catalogue file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    name: String,
    description: String,
    flavour: Flavour,
    version: String,
    #[serde(default)]
    aliases: Vec<String>,
    source: String,
    /// "package version" → module file names.
    packages: BTreeMap<String, Vec<String>>,
}

/// A built-in target's catalogue.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub name: String,
    pub description: String,
    pub flavour: Flavour,
    pub version: String,
    pub aliases: Vec<String>,
    pub source: String,
    pub modules: BTreeSet<String>,
}

/// The names `--target` accepts, with their aliases: `debian12 (bookworm)`.
pub fn names() -> Vec<String> {
    FILES
        .iter()
        .filter_map(|(stem, text)| parse(stem, text).ok())
        .map(|c| {
            if c.aliases.is_empty() {
                c.name
            } else {
                format!("{} ({})", c.name, c.aliases.join(", "))
            }
        })
        .collect()
}

/// The built-in target called `name` or one of its aliases (case-insensitive).
pub fn find(name: &str) -> Option<Catalog> {
    let want = name.to_ascii_lowercase();
    FILES
        .iter()
        .filter_map(|(stem, text)| parse(stem, text).ok())
        .find(|c| c.name == want || c.aliases.contains(&want))
}

fn parse(stem: &str, text: &str) -> Result<Catalog, String> {
    let f: CatalogFile = toml::from_str(text).map_err(|e| format!("{stem}.toml: {e}"))?;
    let modules = f.packages.into_values().flatten().collect();
    Ok(Catalog {
        name: f.name,
        description: f.description,
        flavour: f.flavour,
        version: f.version,
        aliases: f.aliases,
        source: f.source,
        modules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_is_named_after_its_file() {
        for (stem, text) in FILES {
            let c = parse(stem, text).unwrap();
            assert_eq!(c.name, *stem);
            assert!(c.modules.len() >= 20, "{stem}: {} modules", c.modules.len());
            assert!(c
                .modules
                .iter()
                .all(|m| m.starts_with("pam_") && m.ends_with(".so")));
            assert!(!c.source.is_empty());
        }
    }

    #[test]
    fn names_and_aliases_are_unique() {
        let mut seen = BTreeSet::new();
        for (stem, text) in FILES {
            let c = parse(stem, text).unwrap();
            for n in std::iter::once(&c.name).chain(&c.aliases) {
                assert!(seen.insert(n.clone()), "{n} twice");
            }
        }
    }

    #[test]
    fn lists_follow_the_packages() {
        // Linux-PAM removed pam_cracklib in 1.5.0 and RHEL 9 ships 1.5.1; RHEL 8 had it.
        assert!(find("rhel8").unwrap().modules.contains("pam_cracklib.so"));
        assert!(!find("rocky9").unwrap().modules.contains("pam_cracklib.so"));
        // pam_lastlog left Debian's libpam-modules with 1.7.0 (trixie).
        assert!(find("bookworm").unwrap().modules.contains("pam_lastlog.so"));
        assert!(!find("debian13").unwrap().modules.contains("pam_lastlog.so"));
        assert_eq!(find("FreeBSD").unwrap().flavour, Flavour::OpenPam);
        assert!(find("debian12").unwrap().modules.contains("pam_sss.so"));
        assert!(find("nosuch").is_none());
    }
}
