//! /etc/login.defs keys, read as pam_modutil_search_key does: the first line whose
//! first word is the key; the value is the rest of the line after blanks.

use super::FsView;

pub fn search_key(fs: &FsView, key: &str) -> Option<String> {
    let bytes = fs.read("/etc/login.defs").ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines().find_map(|line| {
        let line = line.trim_start_matches([' ', '\t']);
        if line.starts_with('#') {
            return None;
        }
        let end = line.find([' ', '\t']).unwrap_or(line.len());
        (line[..end] == *key).then(|| line[end..].trim().to_string())
    })
}

/// A uid-valued key (UID_MIN, SYS_UID_MAX) as pam_usertype parses it: decimal,
/// whole value, below 0xFFFFFFFF; otherwise the default.
pub fn uid_key(fs: &FsView, key: &str, default: u32) -> u32 {
    search_key(fs, key)
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|v| *v < 0xFFFF_FFFF)
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(default)
}
