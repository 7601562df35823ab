//! Recognise an OpenPAM configuration (FreeBSD, NetBSD, DragonFly BSD, macOS).
//! pamlint models Linux-PAM only: OpenPAM has other controls (`binding`), other
//! `include` semantics, quoted arguments and its own modules, so such a tree is
//! refused with one message instead of being linted as something it is not.

use std::path::{Path, PathBuf};

/// Modules that only OpenPAM systems ship (FreeBSD/NetBSD/DragonFly base and
/// macOS): a rule naming one is not written for Linux-PAM.
const OPENPAM_MODULES: &[&str] = &[
    "pam_opie",
    "pam_opieaccess",
    "pam_self",
    "pam_login_access",
    "pam_opendirectory",
    "pam_launchd",
    "pam_sacl",
    "pam_uwtmp",
    "pam_tid",
    "pam_smartcard",
    "pam_chauthtok",
    "pam_ntlm",
    "pam_mount_macos",
];

/// How many files are read looking for evidence: OpenPAM trees are small, and a
/// large Linux tree must not be read twice.
const FILES_READ: usize = 64;

/// Why `dirs` look like an OpenPAM configuration, or None.
pub fn openpam_evidence(dirs: &[PathBuf]) -> Option<String> {
    dirs.iter().find_map(|d| dir_evidence(d))
}

fn dir_evidence(dir: &Path) -> Option<String> {
    // FreeBSD, NetBSD and DragonFly install this README in /etc/pam.d; its list of
    // control flags includes OpenPAM's `binding`.
    if let Ok(text) = std::fs::read_to_string(dir.join("README")) {
        if text.contains("binding") && text.contains("control-flag") {
            return Some(format!(
                "{} is OpenPAM's README",
                dir.join("README").display()
            ));
        }
    }
    // Sorted by name bytes (the same order as the paths, all in one directory;
    // comparing PathBufs walks their components); paths built only for the files read.
    let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    names.sort_unstable_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    let paths = names.iter().map(|n| dir.join(n));
    for path in paths.filter(|p| p.is_file()).take(FILES_READ) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if let Some(why) = line_evidence(line) {
                return Some(format!("{}:{}: {why}", path.display(), i + 1));
            }
        }
    }
    None
}

/// OpenPAM's `binding` control, or an OpenPAM-only module.
fn line_evidence(line: &str) -> Option<String> {
    let line = line.split('#').next().unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    let (Some(control), Some(module)) = (words.get(1), words.get(2)) else {
        return None;
    };
    if control.eq_ignore_ascii_case("binding") {
        return Some("the `binding` control".into());
    }
    let name = module.rsplit('/').next().unwrap_or(module);
    let name = name.strip_suffix(".so").unwrap_or(name);
    let name = name.split(".so.").next().unwrap_or(name);
    OPENPAM_MODULES
        .contains(&name)
        .then(|| format!("the OpenPAM module `{name}`"))
}

/// The message pamlint prints when it refuses a tree.
pub fn refusal(evidence: &str) -> String {
    format!(
        "this is an OpenPAM configuration (FreeBSD, NetBSD, DragonFly BSD or macOS; {evidence}); \
         pamlint models Linux-PAM only and does not lint it"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_and_bsd_modules_are_evidence_linux_rules_are_not() {
        assert!(line_evidence("auth binding pam_unix.so").is_some());
        assert!(line_evidence("auth\t\tsufficient\tpam_opie.so\t\tno_warn").is_some());
        assert!(line_evidence("auth required /usr/lib/pam/pam_opendirectory.so.2").is_some());
        assert!(line_evidence("auth required pam_unix.so nullok").is_none());
        assert!(line_evidence("# auth binding pam_unix.so").is_none());
    }

    #[test]
    fn a_linux_tree_is_not_openpam() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("login"), "auth required pam_unix.so\n").unwrap();
        std::fs::write(d.path().join("README"), "local notes\n").unwrap();
        assert_eq!(openpam_evidence(&[d.path().to_path_buf()]), None);
    }
}
