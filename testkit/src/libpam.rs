//! Test-only FFI to the real libpam (libpam0g): run one application call
//! in-process on a private pam.d directory with `pam_start_confdir`, with a
//! conversation that answers echo-off prompts with a given password (or
//! nothing) and every other message with an empty reply.
//!
//! Needs the Debian packages libpam0g-dev (to link) and libpam-modules
//! (pam_debug, pam_permit, pam_deny).

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::Path;
use std::ptr;

use crate::pam_codes::NAMES;

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

pub const PAM_SUCCESS: c_int = 0;
const PAM_BUF_ERR: c_int = 5;
const PAM_CONV_ERR: c_int = 19;
const PAM_PROMPT_ECHO_OFF: c_int = 1;
/// security/_pam_types.h: pam_end from a forked child.
pub const PAM_DATA_SILENT: c_int = 0x4000_0000;
/// security/_pam_types.h: pam_chauthtok after acct_mgmt said PAM_NEW_AUTHTOK_REQD.
pub const PAM_CHANGE_EXPIRED_AUTHTOK: c_int = 0x0020;

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

/// Answers echo-off prompts with the password in `appdata` (a C string, or
/// NULL for no answer), everything else with an empty reply.
extern "C" fn conversation(
    num_msg: c_int,
    msg: *mut *const PamMessage,
    resp: *mut *mut PamResponse,
    appdata: *mut c_void,
) -> c_int {
    let n = usize::try_from(num_msg).unwrap_or(0);
    // Linux-PAM's own misc_conv refuses an empty exchange the same way.
    if n == 0 {
        return PAM_CONV_ERR;
    }
    // SAFETY: calloc with non-zero sizes; libpam takes ownership of the zeroed
    // array (every `resp` NULL unless set below) and frees it with free().
    let replies =
        unsafe { libc::calloc(n, std::mem::size_of::<PamResponse>()) }.cast::<PamResponse>();
    if replies.is_null() {
        return PAM_BUF_ERR;
    }
    if !appdata.is_null() {
        for i in 0..n {
            // SAFETY: Linux-PAM passes `num_msg` valid message pointers (array form).
            let style = unsafe { (**msg.add(i)).msg_style };
            if style == PAM_PROMPT_ECHO_OFF {
                // SAFETY: appdata is the CString pointer `run_with` passes, alive for
                // the call; strdup's copy is owned (and freed) by libpam.
                unsafe { (*replies.add(i)).resp = libc::strdup(appdata as *const c_char) };
            }
        }
    }
    // SAFETY: libpam passes a valid pointer to store the reply array in.
    unsafe { *resp = replies };
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
    let dir = Path::new(crate::system::pam_module_dir());
    for m in ["pam_debug.so", "pam_permit.so", "pam_deny.so"] {
        assert!(
            dir.join(m).exists(),
            "{} is missing: install the Debian package libpam-modules (and libpam0g-dev)",
            dir.join(m).display()
        );
    }
}

/// Runs `call` for `service` in `confdir` as `user`, leaving password prompts
/// unanswered; returns libpam's code (pam_start's if that fails).
pub fn run(confdir: &Path, service: &str, user: &str, call: Call) -> i32 {
    run_with(confdir, service, user, None, call)
}

/// Runs `call` for `service` in `confdir` as `user`, answering password
/// prompts with `password`; returns libpam's code (pam_start's if that fails).
pub fn run_with_password(
    confdir: &Path,
    service: &str,
    user: &str,
    password: &str,
    call: Call,
) -> i32 {
    let pw = CString::new(password).expect("NUL byte in password");
    run_with(confdir, service, user, Some(&pw), call)
}

fn run_with(confdir: &Path, service: &str, user: &str, password: Option<&CStr>, call: Call) -> i32 {
    let (Ok(svc), Ok(usr), Ok(dir)) = (
        CString::new(service),
        CString::new(user),
        CString::new(confdir.as_os_str().as_encoded_bytes()),
    ) else {
        panic!("NUL byte in service, user or confdir");
    };
    let conv = PamConv {
        conv: conversation,
        appdata_ptr: password.map_or(ptr::null_mut(), |p| p.as_ptr() as *mut c_void),
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

/// A live PAM handle for tests that act between application calls (close
/// the server's side, fork...); ended (pam_end with the last result) on drop
/// unless `end` was called.
pub struct Session {
    pamh: *mut PamHandle,
    // Both must outlive the handle: libpam keeps pointers to them.
    _conv: Box<PamConv>,
    _password: CString,
    last: c_int,
}

impl Session {
    /// pam_start_confdir for `service` in `confdir` as `user`; password
    /// prompts are answered with `password`.
    pub fn start(confdir: &Path, service: &str, user: &str, password: &str) -> Session {
        let (Ok(svc), Ok(usr), Ok(dir), Ok(password)) = (
            CString::new(service),
            CString::new(user),
            CString::new(confdir.as_os_str().as_encoded_bytes()),
            CString::new(password),
        ) else {
            panic!("NUL byte in service, user, confdir or password");
        };
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

    /// pam_authenticate; Linux-PAM's name of the result.
    pub fn authenticate(&mut self) -> &'static str {
        // SAFETY: the live handle, used from one thread at a time.
        self.last = unsafe { pam_authenticate(self.pamh, 0) };
        name(self.last)
    }

    /// pam_acct_mgmt; Linux-PAM's name of the result.
    pub fn acct_mgmt(&mut self) -> &'static str {
        // SAFETY: as above.
        self.last = unsafe { pam_acct_mgmt(self.pamh, 0) };
        name(self.last)
    }

    /// pam_chauthtok with `flags` on this handle (as sshd and login do
    /// after PAM_NEW_AUTHTOK_REQD); every prompt gets the session's password.
    pub fn chauthtok(&mut self, flags: c_int) -> &'static str {
        // SAFETY: as above.
        self.last = unsafe { pam_chauthtok(self.pamh, flags) };
        name(self.last)
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
        // The password's copy is wiped, so a test scanning this process's
        // memory for it finds only what the module left.
        let mut pw = std::mem::take(&mut self._password).into_bytes_with_nul();
        for b in pw.iter_mut() {
            // SAFETY: `b` is a valid, exclusive reference into `pw`.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
        if !self.pamh.is_null() {
            // SAFETY: the live handle, ended exactly once.
            unsafe { pam_end(self.pamh, self.last) };
        }
    }
}

/// Linux-PAM's name for a result code, for messages ("other" if unknown).
pub fn name(code: i32) -> &'static str {
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("other")
}
