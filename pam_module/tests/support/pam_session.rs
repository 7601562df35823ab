//! One PAM transaction in this process through the real libpam
//! (pam_start_confdir), with each application call made separately, so a
//! test can act between pam_authenticate, pam_acct_mgmt and pam_end (close
//! the server's side, fork...). testkit::libpam runs a single call per
//! handle; this is the same FFI, kept on the handle.
//!
//! Needs the Debian package libpam0g-dev (to link).

#![allow(dead_code)]

use std::ffi::{c_char, c_int, c_void, CString};
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
pub struct PamHandle {
    _private: [u8; 0],
}

pub const PAM_SUCCESS: c_int = 0;
const PAM_BUF_ERR: c_int = 5;
const PAM_CONV_ERR: c_int = 19;
const PAM_PROMPT_ECHO_OFF: c_int = 1;
/// security/_pam_types.h: pam_end from a forked child.
pub const PAM_DATA_SILENT: c_int = 0x4000_0000;

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

/// Answers echo-off prompts with the C string in `appdata`, everything else
/// with an empty reply.
extern "C" fn conversation(
    num_msg: c_int,
    msg: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    appdata: *mut c_void,
) -> c_int {
    let n = usize::try_from(num_msg).unwrap_or(0);
    if n == 0 {
        return PAM_CONV_ERR;
    }
    // SAFETY: calloc with non-zero sizes; libpam owns and frees the array.
    let replies =
        unsafe { libc::calloc(n, std::mem::size_of::<PamResponse>()) }.cast::<PamResponse>();
    if replies.is_null() {
        return PAM_BUF_ERR;
    }
    for i in 0..n {
        // SAFETY: Linux-PAM passes `num_msg` valid message pointers.
        let style = unsafe { (**msg.add(i)).msg_style };
        if style == PAM_PROMPT_ECHO_OFF {
            // SAFETY: appdata is the Session's CString, alive while the handle
            // is; libpam owns (and frees) the strdup'ed copy.
            unsafe { (*replies.add(i)).resp = libc::strdup(appdata as *const c_char) };
        }
    }
    // SAFETY: libpam passes a valid pointer for the reply array.
    unsafe { *resp = replies };
    PAM_SUCCESS
}

/// A live PAM handle; ended (pam_end with the last result) on drop unless
/// `end` was called.
pub struct Session {
    pamh: *mut PamHandle,
    // Both must outlive the handle: libpam keeps pointers to them.
    _conv: Box<PamConv>,
    _password: CString,
    last: c_int,
}

impl Session {
    pub fn start(confdir: &Path, service: &str, user: &str, password: &str) -> Session {
        let svc = CString::new(service).unwrap();
        let usr = CString::new(user).unwrap();
        let dir = CString::new(confdir.as_os_str().as_encoded_bytes()).unwrap();
        let password = CString::new(password).unwrap();
        let conv = Box::new(PamConv {
            conv: conversation,
            appdata_ptr: password.as_ptr() as *mut c_void,
        });
        let mut pamh: *mut PamHandle = ptr::null_mut();
        // SAFETY: valid NUL-terminated strings (copied by libpam) and a conv
        // struct that the Session keeps alive until pam_end.
        let rc = unsafe {
            pam_start_confdir(svc.as_ptr(), usr.as_ptr(), &*conv, dir.as_ptr(), &mut pamh)
        };
        assert!(
            rc == PAM_SUCCESS && !pamh.is_null(),
            "pam_start_confdir: {rc}"
        );
        Session {
            pamh,
            _conv: conv,
            _password: password,
            last: PAM_SUCCESS,
        }
    }

    pub fn authenticate(&mut self) -> &'static str {
        // SAFETY: the live handle, used from one thread at a time.
        self.last = unsafe { pam_authenticate(self.pamh, 0) };
        testkit::libpam::name(self.last)
    }

    pub fn acct_mgmt(&mut self) -> &'static str {
        // SAFETY: as above.
        self.last = unsafe { pam_acct_mgmt(self.pamh, 0) };
        testkit::libpam::name(self.last)
    }

    /// pam_end with `status`; the handle is not used again.
    pub fn end(mut self, status: c_int) -> c_int {
        let pamh = std::mem::replace(&mut self.pamh, ptr::null_mut());
        // SAFETY: the live handle, ended exactly once (Drop sees null).
        unsafe { pam_end(pamh, status) }
    }

    /// In a forked child: pam_end(`status`) on this process's copy of the
    /// handle, then _exit with pam_end's result (no Rust or libc exit
    /// handlers run in the child).
    pub fn end_in_child(&self, status: c_int) -> ! {
        // SAFETY: the child's copy of the live handle, ended once; _exit
        // never returns and runs no atexit handler of the parent's state.
        unsafe {
            let rc = pam_end(self.pamh, status);
            libc::_exit(rc)
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.pamh.is_null() {
            // SAFETY: the live handle, ended exactly once.
            unsafe { pam_end(self.pamh, self.last) };
        }
    }
}
