//! Test-only FFI to the real libpam (libpam0g): run an application call
//! in-process on a private pam.d directory with `pam_start_confdir`.
//!
//! Needs the Debian packages libpam0g-dev (to link) and libpam-modules (pam_debug,
//! pam_permit, pam_deny).

#![allow(dead_code)]

use std::ffi::{c_char, c_int, c_void, CString};
use std::path::Path;
use std::ptr;

/// `struct pam_message` (security/_pam_types.h).
#[repr(C)]
struct PamMessage {
    msg_style: c_int,
    msg: *const c_char,
}

/// `struct pam_response`.
#[repr(C)]
struct PamResponse {
    resp: *mut c_char,
    resp_retcode: c_int,
}

type ConvFn =
    extern "C" fn(c_int, *mut *const PamMessage, *mut *mut PamResponse, *mut c_void) -> c_int;

/// `struct pam_conv`.
#[repr(C)]
struct PamConv {
    conv: ConvFn,
    appdata_ptr: *mut c_void,
}

#[repr(C)]
struct PamHandle {
    _private: [u8; 0],
}

const PAM_SUCCESS: c_int = 0;
const PAM_BUF_ERR: c_int = 5;

#[link(name = "pam")]
extern "C" {
    fn pam_start_confdir(
        service: *const c_char,
        user: *const c_char,
        conv: *const PamConv,
        confdir: *const c_char,
        pamh: *mut *mut PamHandle,
    ) -> c_int;
    fn pam_authenticate(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_setcred(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_acct_mgmt(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_open_session(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_close_session(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_chauthtok(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_end(pamh: *mut PamHandle, status: c_int) -> c_int;
}

/// A conversation that answers every message with an empty reply (pam_debug
/// only sends PAM_TEXT_INFO; nothing here asks for a password).
extern "C" fn silent_conv(
    num_msg: c_int,
    _msg: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    _appdata: *mut c_void,
) -> c_int {
    let n = usize::try_from(num_msg).unwrap_or(0).max(1);
    // SAFETY: calloc with a non-zero count and element size; libpam takes
    // ownership of the zeroed array (every `resp` NULL) and frees it with free().
    let replies = unsafe { libc::calloc(n, std::mem::size_of::<PamResponse>()) };
    if replies.is_null() {
        return PAM_BUF_ERR;
    }
    // SAFETY: libpam passes a valid pointer to store the reply array in.
    unsafe { *resp = replies.cast::<PamResponse>() };
    PAM_SUCCESS
}

/// One application call, as the simulator's `--type` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Authenticate,
    /// pam_authenticate then pam_setcred on the same handle.
    Setcred,
    AcctMgmt,
    OpenSession,
    /// pam_open_session then pam_close_session on the same handle.
    CloseSession,
    Chauthtok,
}

/// Fail with the package names when libpam's modules are not installed.
pub fn require_modules() {
    let dir = Path::new("/lib/x86_64-linux-gnu/security");
    for m in ["pam_debug.so", "pam_permit.so", "pam_deny.so"] {
        assert!(
            dir.join(m).exists(),
            "{} is missing: install the Debian package libpam-modules (and libpam0g-dev)",
            dir.join(m).display()
        );
    }
}

/// Run `call` for `service` with pam.d directory `confdir` and user `user`.
/// Returns libpam's result code (pam_start's own code if it fails).
pub fn run(confdir: &Path, service: &str, user: &str, call: Call) -> i32 {
    let (Ok(svc), Ok(usr), Ok(dir)) = (
        CString::new(service),
        CString::new(user),
        CString::new(confdir.as_os_str().as_encoded_bytes()),
    ) else {
        panic!("NUL byte in service, user or confdir");
    };
    let conv = PamConv {
        conv: silent_conv,
        appdata_ptr: ptr::null_mut(),
    };
    let mut pamh: *mut PamHandle = ptr::null_mut();
    // SAFETY: every pointer is a valid NUL-terminated string or struct that lives
    // until pam_end below; libpam copies what it keeps.
    let rc =
        unsafe { pam_start_confdir(svc.as_ptr(), usr.as_ptr(), &conv, dir.as_ptr(), &mut pamh) };
    if rc != PAM_SUCCESS || pamh.is_null() {
        return rc;
    }
    // SAFETY: pamh is the live handle pam_start_confdir returned; it is used only
    // on this thread and ended exactly once.
    let result = unsafe {
        match call {
            Call::Authenticate => pam_authenticate(pamh, 0),
            Call::Setcred => {
                pam_authenticate(pamh, 0);
                pam_setcred(pamh, 0)
            }
            Call::AcctMgmt => pam_acct_mgmt(pamh, 0),
            Call::OpenSession => pam_open_session(pamh, 0),
            Call::CloseSession => {
                pam_open_session(pamh, 0);
                pam_close_session(pamh, 0)
            }
            Call::Chauthtok => pam_chauthtok(pamh, 0),
        }
    };
    // SAFETY: as above; the handle is not used after this.
    unsafe { pam_end(pamh, result) };
    result
}
