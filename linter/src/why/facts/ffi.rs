//! The one libc call `why` makes directly: fnmatch(3), so pam_succeed_if's `=~`
//! and `!~` match exactly as the module's own fnmatch(pattern, value, 0) does.

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
