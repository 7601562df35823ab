//! What NSS (getpwnam) says about a user: the view the rest of the host has,
//! quoted in refusal log lines so an admin sees both sides.

use std::ffi::{CStr, CString};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NssView {
    Known { shell: String, uid: u32 },
    Unknown,
    Error(String),
}

impl std::fmt::Display for NssView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NssView::Known { shell, .. } => write!(f, "NSS (getpwnam) reports shell \"{shell}\""),
            NssView::Unknown => f.write_str("NSS (getpwnam) does not know the user"),
            NssView::Error(e) => write!(f, "NSS (getpwnam) failed: {e}"),
        }
    }
}

/// Looks the user up with getpwnam_r (thread-safe, no static buffers).
pub fn getpwnam(user: &str) -> NssView {
    let Ok(name) = CString::new(user) else {
        return NssView::Unknown;
    };
    let mut buf_len = 16 * 1024;
    loop {
        let mut buf = vec![0 as libc::c_char; buf_len];
        // SAFETY: zeroed passwd is a valid "empty" value; getpwnam_r fills it.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: all pointers are valid for the call; buf outlives every use of pwd's strings.
        let rc = unsafe {
            libc::getpwnam_r(
                name.as_ptr(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf_len < 1024 * 1024 {
            buf_len *= 4;
            continue;
        }
        if rc != 0 {
            return NssView::Error(std::io::Error::from_raw_os_error(rc).to_string());
        }
        if result.is_null() {
            return NssView::Unknown;
        }
        let shell = if pwd.pw_shell.is_null() {
            String::new()
        } else {
            // SAFETY: pw_shell points into buf, NUL-terminated by getpwnam_r.
            unsafe { CStr::from_ptr(pwd.pw_shell) }
                .to_string_lossy()
                .into_owned()
        };
        return NssView::Known {
            shell,
            uid: pwd.pw_uid,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_known_and_nonsense_is_not() {
        assert!(matches!(getpwnam("root"), NssView::Known { uid: 0, .. }));
        assert_eq!(getpwnam("no-such-user-pam-ldap-shell"), NssView::Unknown);
        assert_eq!(getpwnam("nul\0byte"), NssView::Unknown);
    }
}
