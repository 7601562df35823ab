//! `host`: the libpam of the root being linted. Module presence stays what the root's
//! module directories hold; os-release names the distribution (flavour, version). A
//! root with no module directories (a pam.d-only image) gets the catalogue of the
//! distribution its os-release names, when pamlint has one.

use std::path::Path;

use super::{catalog, Modules, Target};

pub fn detect(root: &Path) -> Target {
    let os = os_release(root);
    let catalog = os
        .as_ref()
        .and_then(|(id, like, ver)| builtin_for(id, like, ver));
    let mut target = Target::default();
    let Some(c) = catalog else {
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

/// (ID, ID_LIKE, VERSION_ID) from etc/os-release or usr/lib/os-release.
fn os_release(root: &Path) -> Option<(String, String, String)> {
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
    Some((field("ID"), field("ID_LIKE"), field("VERSION_ID")))
}

/// The built-in target for an os-release identity.
fn builtin_for(id: &str, like: &str, version: &str) -> Option<catalog::Catalog> {
    let major = version.split('.').next().unwrap_or("");
    let name = match id {
        "debian" => format!("debian{major}"),
        "ubuntu" => format!("ubuntu{version}"),
        "rhel" | "almalinux" | "rocky" | "centos" | "ol" => format!("rhel{major}"),
        "fedora" => "fedora".into(),
        "arch" | "artix" | "manjaro" | "endeavouros" => "arch".into(),
        "alpine" => "alpine".into(),
        "freebsd" => "freebsd".into(),
        _ if id.starts_with("opensuse") || id.starts_with("sle") => "opensuse".into(),
        _ if like.split_whitespace().any(|l| l == "arch") => "arch".into(),
        _ => return None,
    };
    catalog::find(&name)
}

/// Whether any of the root's module directories holds a `pam_*.so`.
fn has_modules(root: &Path) -> bool {
    crate::resolve::module_dirs(root).iter().any(|d| {
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
    fn unknown_distribution_is_plain_host() {
        let r = root_with("ID=plan9\n", None);
        assert_eq!(detect(r.path()), Target::default());
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(detect(empty.path()), Target::default());
    }
}
