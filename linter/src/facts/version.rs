//! Which Linux-PAM is installed: `--pam-version`, else the package database
//! (dpkg, apk, pacman, rpm), else the libpam.so file name (a range only).

use std::fmt;
use std::path::Path;

use serde::Serialize;

use super::FsView;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PamVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl PamVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        PamVersion {
            major,
            minor,
            patch,
        }
    }

    /// `1.5.2`, `1.5.2-6+deb12u2`, `1:1.5.2-6` (epoch), `1.4`.
    pub fn parse(s: &str) -> Option<PamVersion> {
        let s = s.trim();
        let s = match s.split_once(':') {
            Some((epoch, rest)) if epoch.chars().all(|c| c.is_ascii_digit()) => rest,
            _ => s,
        };
        let end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let mut parts = s[..end].split('.').filter(|p| !p.is_empty());
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        let patch = parts.next().map_or(Some(0), |p| p.parse().ok())?;
        Some(PamVersion::new(major, minor, patch))
    }
}

impl fmt::Display for PamVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The version used for predictions and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    pub version: Option<PamVersion>,
    pub source: String,
    /// False when only a range is known (the library file name).
    pub exact: bool,
}

impl VersionInfo {
    pub fn overridden(v: PamVersion) -> Self {
        VersionInfo {
            version: Some(v),
            source: "--pam-version".into(),
            exact: true,
        }
    }

    pub fn describe(&self) -> String {
        match self.version {
            Some(v) if self.exact => format!("Linux-PAM {v} (from {})", self.source),
            Some(v) => format!("Linux-PAM {v} or a close version (from {})", self.source),
            None => "Linux-PAM version unknown (newest behaviour assumed)".into(),
        }
    }
}

pub fn detect(fs: &FsView) -> VersionInfo {
    from_dpkg(fs)
        .or_else(|| from_apk(fs))
        .or_else(|| from_pacman(fs))
        .or_else(|| from_rpm(fs))
        .or_else(|| from_library_name(fs))
        .unwrap_or(VersionInfo {
            version: None,
            source: String::new(),
            exact: false,
        })
}

fn exact(v: PamVersion, source: String) -> VersionInfo {
    VersionInfo {
        version: Some(v),
        source,
        exact: true,
    }
}

/// /var/lib/dpkg/status: libpam-modules (holds pam_shells.so), else libpam0g.
fn from_dpkg(fs: &FsView) -> Option<VersionInfo> {
    let text = String::from_utf8_lossy(&fs.read("/var/lib/dpkg/status").ok()?).into_owned();
    ["libpam-modules", "libpam0g"].iter().find_map(|pkg| {
        dpkg_installed_version(&text, pkg)
            .and_then(|v| PamVersion::parse(&v))
            .map(|v| exact(v, format!("dpkg status, package {pkg}")))
    })
}

pub fn dpkg_installed_version(status: &str, package: &str) -> Option<String> {
    status.split("\n\n").find_map(|stanza| {
        let field = |name: &str| {
            stanza
                .lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
        };
        let is_pkg = field("Package:").is_some_and(|p| p == package);
        let installed = field("Status:").is_some_and(|s| s.ends_with(" installed"));
        if is_pkg && installed {
            field("Version:")
        } else {
            None
        }
    })
}

/// Alpine: /lib/apk/db/installed, `P:linux-pam` then `V:`.
fn from_apk(fs: &FsView) -> Option<VersionInfo> {
    let text = String::from_utf8_lossy(&fs.read("/lib/apk/db/installed").ok()?).into_owned();
    text.split("\n\n").find_map(|stanza| {
        stanza.lines().any(|l| l == "P:linux-pam").then_some(())?;
        let v = stanza.lines().find_map(|l| l.strip_prefix("V:"))?;
        PamVersion::parse(v).map(|v| exact(v, "apk database, package linux-pam".into()))
    })
}

/// Arch: /var/lib/pacman/local/pam-VERSION-REL/.
fn from_pacman(fs: &FsView) -> Option<VersionInfo> {
    let dir = std::fs::read_dir(fs.path("/var/lib/pacman/local")).ok()?;
    dir.filter_map(Result::ok).find_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let rest = name.strip_prefix("pam-")?;
        PamVersion::parse(rest).map(|v| exact(v, "pacman database, package pam".into()))
    })
}

/// RPM's database is a BDB or SQLite file: ask the rpm tool when it is installed.
fn from_rpm(fs: &FsView) -> Option<VersionInfo> {
    let has_db = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"]
        .iter()
        .any(|d| fs.path(d).is_dir());
    if !has_db {
        return None;
    }
    let out = std::process::Command::new("rpm")
        .arg("--root")
        .arg(&fs.root)
        .args(["-q", "--qf", "%{VERSION}", "pam"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    PamVersion::parse(&String::from_utf8_lossy(&out.stdout))
        .map(|v| exact(v, "rpm database, package pam".into()))
}

/// libpam.so.0.83.x is Linux-PAM 1.1.x, 0.84.x is 1.2.0-1.3.x, 0.85.x is 1.4.0 or
/// later (the soname did not change after 1.4.0). The lowest version of the range
/// is used, which keeps pam_shells' empty-shell boundary (1.4.0) right.
fn from_library_name(fs: &FsView) -> Option<VersionInfo> {
    let dirs = ["/lib", "/usr/lib", "/lib64", "/usr/lib64"];
    let mut candidates = Vec::new();
    for d in dirs {
        collect_libpam(&fs.path(d), &mut candidates);
        if let Ok(rd) = std::fs::read_dir(fs.path(d)) {
            for e in rd.filter_map(Result::ok) {
                if e.file_name().to_string_lossy().contains("-linux-") {
                    collect_libpam(&e.path(), &mut candidates);
                }
            }
        }
    }
    candidates.into_iter().find_map(|name| {
        let rest = name.strip_prefix("libpam.so.0.")?;
        let (v, range) = match rest.split('.').next()? {
            "83" => (PamVersion::new(1, 1, 8), "1.1.x"),
            "84" => (PamVersion::new(1, 2, 0), "1.2.0 to 1.3.x"),
            "85" => (PamVersion::new(1, 4, 0), "1.4.0 or later"),
            _ => return None,
        };
        Some(VersionInfo {
            version: Some(v),
            source: format!("library file name {name}: Linux-PAM {range}"),
            exact: false,
        })
    })
}

fn collect_libpam(dir: &Path, out: &mut Vec<String>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        out.extend(
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("libpam.so.0.")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_package_versions() {
        assert_eq!(
            PamVersion::parse("1.5.2-6+deb12u2"),
            Some(PamVersion::new(1, 5, 2))
        );
        assert_eq!(
            PamVersion::parse("1:1.1.8-23.el7"),
            Some(PamVersion::new(1, 1, 8))
        );
        assert_eq!(PamVersion::parse("1.4"), Some(PamVersion::new(1, 4, 0)));
        assert_eq!(PamVersion::parse("x"), None);
        assert!(PamVersion::new(1, 1, 8) < PamVersion::new(1, 4, 0));
    }

    #[test]
    fn dpkg_status_stanzas() {
        let status = "Package: libpam0g\nStatus: install ok installed\nVersion: 1.5.2-6\n\nPackage: libpam-modules\nStatus: deinstall ok config-files\nVersion: 1.4.0-9\n";
        assert_eq!(
            dpkg_installed_version(status, "libpam0g").as_deref(),
            Some("1.5.2-6")
        );
        assert_eq!(dpkg_installed_version(status, "libpam-modules"), None);
    }

    #[test]
    fn library_name_ranges() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("usr/lib64")).unwrap();
        std::fs::write(dir.path().join("usr/lib64/libpam.so.0.83.1"), b"").unwrap();
        let info = detect(&FsView::new(dir.path()));
        assert_eq!(info.version, Some(PamVersion::new(1, 1, 8)));
        assert!(!info.exact);
    }
}
