//! `host`: the libpam of the root being linted. Module presence stays what the root's
//! module directories hold; os-release names the distribution (flavour, version), else
//! the package database gives the flavour. A
//! root with no module directories (a pam.d-only image) gets the catalogue of the
//! distribution its os-release names, when pamlint has one.

use std::path::Path;

use super::{catalog, Flavour, Modules, Target};

pub fn detect(root: &Path) -> Target {
    let os = os_release(root);
    let catalog = os.as_ref().and_then(builtin_for);
    let mut target = Target::default();
    let Some(c) = catalog else {
        target.flavour = package_db_flavour(root);
        return target;
    };
    target.flavour = Some(c.flavour);
    target.version = Some(c.version.clone());
    if has_modules(root) {
        target.description = format!("this root's installed modules ({})", c.description);
    } else {
        target.description = format!(
            "{} (from {}'s os-release; no modules are installed there)",
            c.description,
            root.display()
        );
        target.modules = Modules::Catalog(c.modules);
    }
    target
}

/// What os-release says about the distribution.
struct OsRelease {
    id: String,
    like: String,
    version: String,
    /// VERSION_CODENAME, or UBUNTU_CODENAME for Ubuntu derivatives (Mint, Pop!_OS...).
    codenames: Vec<String>,
}

/// etc/os-release, else usr/lib/os-release.
fn os_release(root: &Path) -> Option<OsRelease> {
    let text = ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|p| std::fs::read_to_string(root.join(p)).ok())?;
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(|v| {
                v.trim()
                    .trim_matches('"')
                    .trim_matches('\'')
                    .to_ascii_lowercase()
            })
            .unwrap_or_default()
    };
    Some(OsRelease {
        id: field("ID"),
        like: field("ID_LIKE"),
        version: field("VERSION_ID"),
        codenames: vec![
            field("UBUNTU_CODENAME"),
            field("DEBIAN_CODENAME"),
            field("VERSION_CODENAME"),
        ],
    })
}

/// The built-in target for an os-release identity: by ID and version, else (for a
/// derivative) by the Ubuntu/Debian codename it is built on, or by ID_LIKE.
fn builtin_for(os: &OsRelease) -> Option<catalog::Catalog> {
    let (id, like, version) = (os.id.as_str(), os.like.as_str(), os.version.as_str());
    let major = version.split('.').next().unwrap_or("");
    let like_has = |w: &str| like.split_whitespace().any(|l| l == w);
    let name = match id {
        "debian" => format!("debian{major}"),
        "ubuntu" => format!("ubuntu{version}"),
        "rhel" | "almalinux" | "rocky" | "centos" | "ol" => format!("rhel{major}"),
        "fedora" => "fedora".into(),
        "arch" | "artix" | "manjaro" | "endeavouros" => "arch".into(),
        "alpine" => "alpine".into(),
        "freebsd" => "freebsd".into(),
        _ if id.starts_with("opensuse") || id.starts_with("sle") => "opensuse".into(),
        _ if like_has("arch") => "arch".into(),
        _ if like_has("debian") || like_has("ubuntu") => {
            return os
                .codenames
                .iter()
                .filter(|c| !c.is_empty())
                .find_map(|c| catalog::find(c))
        }
        _ if like_has("rhel") || like_has("centos") => format!("rhel{major}"),
        _ if like_has("suse") => "opensuse".into(),
        _ => return None,
    };
    catalog::find(&name)
}

/// Without a known os-release, the package database says whose libpam it is: dpkg
/// means Debian's patched one, rpm, apk or pacman upstream's. Only existence is
/// checked (reading a package database costs more than the whole lint of a small tree).
fn package_db_flavour(root: &Path) -> Option<Flavour> {
    let has = |p: &str| root.join(p).exists();
    if has("var/lib/dpkg/status") {
        Some(Flavour::Debian)
    } else if [
        "var/lib/rpm",
        "usr/lib/sysimage/rpm",
        "lib/apk/db/installed",
        "var/lib/pacman/local",
    ]
    .iter()
    .any(|p| has(p))
    {
        Some(Flavour::Upstream)
    } else {
        None
    }
}

/// Whether any of the root's module directories holds a `pam_*.so`.
fn has_modules(root: &Path) -> bool {
    crate::target::module_dirs(root).iter().any(|d| {
        std::fs::read_dir(d).is_ok_and(|rd| {
            rd.filter_map(Result::ok).any(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.starts_with("pam_") && n.ends_with(".so")
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_with(os_release: &str, module: Option<&str>) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("etc")).unwrap();
        std::fs::write(t.path().join("etc/os-release"), os_release).unwrap();
        if let Some(m) = module {
            let d = t.path().join("usr/lib64/security");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join(m), "").unwrap();
        }
        t
    }

    #[test]
    fn pam_d_only_image_gets_its_distribution_catalogue() {
        let r = root_with("ID=\"rocky\"\nVERSION_ID=\"9.4\"\n", None);
        let t = detect(r.path());
        assert_eq!(t.name, "host");
        assert_eq!(t.version.as_deref(), Some("1.5.1"));
        assert!(t.ships("pam_sss.so"));
        assert!(t.description.contains("Red Hat Enterprise Linux 9"));
    }

    #[test]
    fn installed_modules_keep_presence_on_disk() {
        let r = root_with("ID=debian\nVERSION_ID=\"12\"\n", Some("pam_unix.so"));
        let t = detect(r.path());
        assert!(t.uses_disk());
        assert_eq!(t.flavour, Some(super::super::Flavour::Debian));
    }

    #[test]
    fn derivatives_map_to_the_release_they_are_built_on() {
        let mint = "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"21.3\"\nVERSION_CODENAME=virginia\nUBUNTU_CODENAME=jammy\n";
        let t = detect(root_with(mint, None).path());
        assert_eq!(t.version.as_deref(), Some("1.4.0"), "{t:?}");
        let raspbian =
            "ID=raspbian\nID_LIKE=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n";
        let t = detect(root_with(raspbian, None).path());
        assert!(t.description.contains("Debian 12"), "{t:?}");
        let eurolinux = "ID=\"eurolinux\"\nID_LIKE=\"rhel fedora centos\"\nVERSION_ID=\"8.7\"\n";
        let t = detect(root_with(eurolinux, None).path());
        assert!(t.ships("pam_cracklib.so"), "{t:?}");
    }

    #[test]
    fn package_database_gives_the_flavour_without_os_release() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("var/lib/dpkg")).unwrap();
        std::fs::write(t.path().join("var/lib/dpkg/status"), "").unwrap();
        assert_eq!(detect(t.path()).flavour, Some(Flavour::Debian));
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("var/lib/rpm")).unwrap();
        let d = detect(t.path());
        assert_eq!(d.flavour, Some(Flavour::Upstream));
        assert!(d.uses_disk());
    }

    #[test]
    fn unknown_distribution_is_plain_host() {
        let r = root_with("ID=plan9\n", None);
        assert_eq!(detect(r.path()), Target::default());
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(detect(empty.path()), Target::default());
    }
}
