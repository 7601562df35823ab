//! PAM result names, and the reverse of pam_strerror (which is all pamtester
//! prints), asked of the real libpam so the texts always match.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

#[link(name = "pam")]
unsafe extern "C" {
    fn pam_strerror(pamh: *mut c_void, errnum: c_int) -> *const c_char;
}

/// Linux-PAM's names, indexed by value (PAM_SUCCESS = 0 ... PAM_INCOMPLETE = 31).
pub const NAMES: [&str; 32] = [
    "PAM_SUCCESS",
    "PAM_OPEN_ERR",
    "PAM_SYMBOL_ERR",
    "PAM_SERVICE_ERR",
    "PAM_SYSTEM_ERR",
    "PAM_BUF_ERR",
    "PAM_PERM_DENIED",
    "PAM_AUTH_ERR",
    "PAM_CRED_INSUFFICIENT",
    "PAM_AUTHINFO_UNAVAIL",
    "PAM_USER_UNKNOWN",
    "PAM_MAXTRIES",
    "PAM_NEW_AUTHTOK_REQD",
    "PAM_ACCT_EXPIRED",
    "PAM_SESSION_ERR",
    "PAM_CRED_UNAVAIL",
    "PAM_CRED_EXPIRED",
    "PAM_CRED_ERR",
    "PAM_NO_MODULE_DATA",
    "PAM_CONV_ERR",
    "PAM_AUTHTOK_ERR",
    "PAM_AUTHTOK_RECOVERY_ERR",
    "PAM_AUTHTOK_LOCK_BUSY",
    "PAM_AUTHTOK_DISABLE_AGING",
    "PAM_TRY_AGAIN",
    "PAM_IGNORE",
    "PAM_ABORT",
    "PAM_AUTHTOK_EXPIRED",
    "PAM_MODULE_UNKNOWN",
    "PAM_BAD_ITEM",
    "PAM_CONV_AGAIN",
    "PAM_INCOMPLETE",
];

/// libpam's text for a result code.
pub fn strerror(code: usize) -> String {
    // SAFETY: Linux-PAM's pam_strerror ignores pamh and returns a static string.
    let p = unsafe { pam_strerror(std::ptr::null_mut(), code as c_int) };
    if p.is_null() {
        return String::new();
    }
    // SAFETY: non-null, NUL-terminated static string from libpam.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The name of the code whose pam_strerror text is `message`.
pub fn name_of_message(message: &str) -> Option<&'static str> {
    (0..NAMES.len())
        .find(|&i| strerror(i) == message)
        .map(|i| NAMES[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_libpam() {
        assert_eq!(name_of_message(&strerror(10)), Some("PAM_USER_UNKNOWN"));
        assert_eq!(name_of_message(&strerror(9)), Some("PAM_AUTHINFO_UNAVAIL"));
        assert_eq!(name_of_message("no such text"), None);
    }
}
