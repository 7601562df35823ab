//! Test-only FFI to the real libpam (libpam0g-dev): run pam_authenticate /
//! pam_acct_mgmt in this process on a private pam.d directory with
//! `pam_start_confdir`, answering password prompts with a given password.

#![allow(dead_code)]

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::Path;
use std::ptr;

#[repr(C)]
struct PamMessage {
    msg_style: c_int,
    msg: *const c_char,
}

#[repr(C)]
struct PamResponse {
    resp: *mut c_char,
    resp_retcode: c_int,
}

type ConvFn =
    extern "C" fn(c_int, *mut *const PamMessage, *mut *mut PamResponse, *mut c_void) -> c_int;

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
const PAM_CONV_ERR: c_int = 19;
const PAM_PROMPT_ECHO_OFF: c_int = 1;

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
    fn pam_acct_mgmt(pamh: *mut PamHandle, flags: c_int) -> c_int;
    fn pam_end(pamh: *mut PamHandle, status: c_int) -> c_int;
}

/// Answers echo-off prompts with the password in `appdata` (a C string),
/// everything else with an empty reply.
extern "C" fn password_conv(
    num_msg: c_int,
    msg: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    appdata: *mut c_void,
) -> c_int {
    let n = usize::try_from(num_msg).unwrap_or(0);
    if n == 0 {
        return PAM_CONV_ERR;
    }
    // SAFETY: calloc with non-zero sizes; libpam frees the array and each resp with free().
    let replies =
        unsafe { libc::calloc(n, std::mem::size_of::<PamResponse>()) }.cast::<PamResponse>();
    if replies.is_null() {
        return PAM_BUF_ERR;
    }
    for i in 0..n {
        // SAFETY: Linux-PAM passes `num_msg` valid message pointers (array form).
        let style = unsafe { (**msg.add(i)).msg_style };
        if style == PAM_PROMPT_ECHO_OFF {
            // SAFETY: appdata is the CString pointer `run` passes, alive for the call;
            // strdup's copy is owned (and freed) by libpam.
            unsafe { (*replies.add(i)).resp = libc::strdup(appdata as *const c_char) };
        }
    }
    // SAFETY: libpam passes a valid pointer to store the reply array in.
    unsafe { *resp = replies };
    PAM_SUCCESS
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Authenticate,
    AcctMgmt,
}

/// Runs `call` for `service` in `confdir` as `user`, answering prompts with
/// `password`; returns libpam's code (pam_start's if that fails).
pub fn run(confdir: &Path, service: &str, user: &str, password: &str, call: Call) -> i32 {
    let svc = CString::new(service).unwrap();
    let usr = CString::new(user).unwrap();
    let dir = CString::new(confdir.as_os_str().as_encoded_bytes()).unwrap();
    let pw = CString::new(password).unwrap();
    let conv = PamConv {
        conv: password_conv,
        appdata_ptr: pw.as_ptr() as *mut c_void,
    };
    let mut pamh: *mut PamHandle = ptr::null_mut();
    // SAFETY: valid NUL-terminated strings and a conv struct that outlive pam_end.
    let rc =
        unsafe { pam_start_confdir(svc.as_ptr(), usr.as_ptr(), &conv, dir.as_ptr(), &mut pamh) };
    if rc != PAM_SUCCESS || pamh.is_null() {
        return rc;
    }
    // SAFETY: pamh is live, used on this thread only and ended once.
    let result = unsafe {
        match call {
            Call::Authenticate => pam_authenticate(pamh, 0),
            Call::AcctMgmt => pam_acct_mgmt(pamh, 0),
        }
    };
    // SAFETY: as above.
    unsafe { pam_end(pamh, result) };
    result
}

/// Debian's name for a code, for messages.
pub fn name(code: i32) -> &'static str {
    match code {
        0 => "PAM_SUCCESS",
        4 => "PAM_SYSTEM_ERR",
        6 => "PAM_PERM_DENIED",
        7 => "PAM_AUTH_ERR",
        9 => "PAM_AUTHINFO_UNAVAIL",
        10 => "PAM_USER_UNKNOWN",
        3 => "PAM_SERVICE_ERR",
        _ => "other",
    }
}

pub fn cstr(p: &CStr) -> String {
    p.to_string_lossy().into_owned()
}
