//! The libc calls `why` makes directly: fnmatch(3), so pam_succeed_if's `=~`
//! and `!~` match exactly as the module's own fnmatch(pattern, value, 0) does;
//! getspnam_r(3), the shadow entry NSS gives (files, ldap, sss...).

use std::ffi::CString;

/// fnmatch(pattern, value, 0) == 0. Strings with a NUL byte never match (C would
/// see them cut short; no PAM argument can contain one anyway).
pub fn fnmatch(pattern: &str, value: &str) -> bool {
    let (Ok(p), Ok(v)) = (CString::new(pattern), CString::new(value)) else {
        return false;
    };
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call;
    // fnmatch only reads them and keeps no reference.
    let rc = unsafe { libc::fnmatch(p.as_ptr(), v.as_ptr(), 0) };
    rc == 0
}

/// The shadow line NSS gives for `user` as `name:pw:lastchg:min:max:warn:inact:expire:`
/// (fields that are -1, i.e. empty, left empty), or None (unknown user, or
/// not readable: only root may read shadow).
pub fn getspnam(user: &str) -> Option<String> {
    let name = CString::new(user).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: a zeroed spwd is a valid "empty" value that getspnam_r fills.
    let mut sp: libc::spwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::spwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; buf outlives every use of
    // the strings sp points into (none are read: only the numbers).
    let rc = unsafe {
        libc::getspnam_r(
            name.as_ptr(),
            &mut sp,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        )
    };
    if rc != 0 || result.is_null() {
        return None;
    }
    let f = |v: libc::c_long| if v < 0 { String::new() } else { v.to_string() };
    Some(format!(
        "{user}:x:{}:{}:{}:{}:{}:{}:",
        f(sp.sp_lstchg),
        f(sp.sp_min),
        f(sp.sp_max),
        f(sp.sp_warn),
        f(sp.sp_inact),
        f(sp.sp_expire)
    ))
}

#[cfg(test)]
mod tests {
    use super::fnmatch;

    #[test]
    fn glob_semantics_of_flags_zero() {
        assert!(fnmatch("gdm*", "gdm-password"));
        assert!(!fnmatch("su*", "sshd"));
        // without FNM_PATHNAME `*` crosses `/`
        assert!(fnmatch("/bin/*", "/bin/x/y"));
        assert!(fnmatch("[!a]x", "bx"));
        assert!(fnmatch("\\*", "*"));
    }
}
