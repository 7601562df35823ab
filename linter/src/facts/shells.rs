//! /etc/shells as pam_shells reads it, version by version (Linux-PAM history):
//!
//! * before 1.6.0: `fgets(buf, 255)`: every chunk of at most 254 bytes, one trailing
//!   `\n` removed, is compared with strcmp: comments and blank lines included (so
//!   a blank line matches an empty shell on versions that do not map it to /bin/sh);
//! * 1.6.0 and later: `getline`, cut at the first `\n`, lines not starting with `/`
//!   skipped;
//! * 1.5.3 and later built with libeconf (openSUSE): /etc/shells, or the vendor
//!   /usr/etc/shells when /etc has none, `#` comments, blanks trimmed.

use crate::model::PamCode;

use super::files::unsafe_list_file;
use super::{FsView, PamVersion};

pub const ETC_SHELLS: &str = "/etc/shells";
pub const VENDOR_SHELLS: &str = "/usr/etc/shells";

/// The entries pam_shells compares the user's shell with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellList {
    /// The file that was read.
    pub file: String,
    pub entries: Vec<String>,
}

/// Why pam_shells gives up before comparing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError {
    pub code: PamCode,
    pub reason: String,
}

pub fn read_list(
    fs: &FsView,
    version: Option<PamVersion>,
    econf: bool,
) -> Result<ShellList, ListError> {
    if econf {
        return read_econf(fs);
    }
    check_file(fs, ETC_SHELLS)?;
    let bytes = fs.read(ETC_SHELLS).map_err(|e| ListError {
        code: PamCode::ServiceErr,
        reason: format!("{ETC_SHELLS} cannot be opened: {e}"),
    })?;
    let new_reader = version.is_none_or(|v| v >= PamVersion::new(1, 6, 0));
    let entries = if new_reader {
        getline_entries(&bytes)
    } else {
        fgets_entries(&bytes)
    };
    Ok(ShellList {
        file: ETC_SHELLS.into(),
        entries,
    })
}

fn check_file(fs: &FsView, path: &str) -> Result<(), ListError> {
    let meta = fs.stat(path).map_err(|e| ListError {
        code: PamCode::AuthErr,
        reason: format!("{path} cannot be stat'ed ({e}): pam_shells refuses everyone"),
    })?;
    match unsafe_list_file(&meta) {
        Some(why) => Err(ListError {
            code: PamCode::AuthErr,
            reason: format!("{path} {why}: pam_shells refuses everyone"),
        }),
        None => Ok(()),
    }
}

fn read_econf(fs: &FsView) -> Result<ShellList, ListError> {
    let file = if fs.exists(ETC_SHELLS) {
        ETC_SHELLS
    } else {
        VENDOR_SHELLS
    };
    check_file(fs, file).map_err(|e| ListError {
        reason: format!("{} (libeconf build)", e.reason),
        ..e
    })?;
    let bytes = fs.read(file).map_err(|e| ListError {
        code: PamCode::AuthErr,
        reason: format!("{file} cannot be read: {e}"),
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let entries = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    Ok(ShellList {
        file: file.into(),
        entries,
    })
}

/// Chunks as `fgets(buf, 255, f)` returns them, one trailing `\n` removed.
pub fn fgets_entries(bytes: &[u8]) -> Vec<String> {
    const CHUNK: usize = 254;
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let nl = rest.iter().position(|b| *b == b'\n').map(|p| p + 1);
        let take = nl.unwrap_or(rest.len()).min(CHUNK);
        let mut chunk = &rest[..take];
        rest = &rest[take..];
        if chunk.last() == Some(&b'\n') {
            chunk = &chunk[..chunk.len() - 1];
        }
        // strcmp stops at a NUL byte
        let chunk = chunk.split(|b| *b == 0).next().unwrap_or(&[]);
        out.push(String::from_utf8_lossy(chunk).into_owned());
    }
    out
}

/// Lines as the getline loop of 1.6.0+ keeps them: absolute paths only.
pub fn getline_entries(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == b'\n')
        .map(|l| l.split(|b| *b == 0).next().unwrap_or(&[]))
        .filter(|l| l.first() == Some(&b'/'))
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect()
}

/// Whether the installed pam_shells.so links libeconf (then it reads the vendor
/// file too). The DT_NEEDED name sits in the module's dynamic string table.
pub fn built_with_econf(fs: &FsView) -> bool {
    let ctx = crate::resolve::ResolveContext::for_root(&fs.root);
    ctx.find_module("pam_shells.so")
        .and_then(|p| std::fs::read(p).ok())
        .is_some_and(|bytes| bytes.windows(11).any(|w| w == b"libeconf.so"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_reader_keeps_comments_and_blank_lines() {
        let e = fgets_entries(b"# comment\n\n/bin/sh\n/bin/bash");
        assert_eq!(e, vec!["# comment", "", "/bin/sh", "/bin/bash"]);
    }

    #[test]
    fn old_reader_splits_long_lines() {
        let long = format!("/{}\n", "a".repeat(300));
        let e = fgets_entries(long.as_bytes());
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].len(), 254);
    }

    #[test]
    fn new_reader_keeps_absolute_paths_only() {
        let e = getline_entries(b"# comment\n\n/bin/sh\nbash\n/bin/bash \n");
        assert_eq!(e, vec!["/bin/sh", "/bin/bash "]);
    }

    #[test]
    fn missing_or_world_writable_file_refuses() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fs = FsView::new(dir.path());
        let err = read_list(&fs, Some(PamVersion::new(1, 5, 2)), false).unwrap_err();
        assert_eq!(err.code, PamCode::AuthErr);
        std::fs::create_dir(dir.path().join("etc")).unwrap();
        let f = dir.path().join("etc/shells");
        std::fs::write(&f, "/bin/sh\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o666)).unwrap();
        let err = read_list(&fs, Some(PamVersion::new(1, 5, 2)), false).unwrap_err();
        assert!(err.reason.contains("world-writable"), "{}", err.reason);
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            read_list(&fs, None, false).unwrap().entries,
            vec!["/bin/sh"]
        );
    }

    #[test]
    fn econf_falls_back_to_vendor_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("usr/etc")).unwrap();
        std::fs::write(dir.path().join("usr/etc/shells"), "/bin/bash # login\n").unwrap();
        let l = read_list(&FsView::new(dir.path()), None, true).unwrap();
        assert_eq!(l.file, VENDOR_SHELLS);
        assert_eq!(l.entries, vec!["/bin/bash"]);
    }
}
