//! `PamOps` for a real libpam handle. pam-bindings covers items and the
//! conversation; pam_syslog and setting PAM_AUTHTOK are declared here. What
//! the module keeps between calls is in `state_slot.rs`, not here.

use crate::pam_ops::{MessageKind, PamOps, Priority, Secret};
use libc::{c_char, c_int, c_void};
use pam::constants::{PamResultCode, PAM_ERROR_MSG, PAM_PROMPT_ECHO_OFF, PAM_TEXT_INFO};
use pam::conv::Conv;
use pam::items::{AuthTok, OldAuthTok, Service};
use pam::module::PamHandle;
use std::ffi::CString;
use zeroize::Zeroizing;

const PAM_AUTHTOK_ITEM: c_int = 6;
const PAM_OLDAUTHTOK_ITEM: c_int = 7;

#[link(name = "pam")]
unsafe extern "C" {
    fn pam_syslog(pamh: *const PamHandle, priority: c_int, fmt: *const c_char, ...);
    fn pam_set_item(pamh: *mut PamHandle, item_type: c_int, item: *const c_void) -> c_int;
}

pub struct HandleOps<'a> {
    pub pamh: &'a mut PamHandle,
}

impl HandleOps<'_> {
    /// Sets a secret string item (PAM_AUTHTOK, PAM_OLDAUTHTOK); the
    /// NUL-terminated copy made for libpam is wiped afterwards.
    fn set_secret_item(&mut self, item: c_int, password: &Secret) -> Result<(), PamResultCode> {
        if password.contains(&0) {
            return Err(PamResultCode::PAM_BUF_ERR);
        }
        let mut with_nul: Zeroizing<Vec<u8>> =
            Zeroizing::new(Vec::with_capacity(password.len() + 1));
        with_nul.extend_from_slice(password);
        with_nul.push(0);
        // SAFETY: pamh is the live handle of this call; the item is a
        // NUL-terminated string that libpam copies before returning.
        let rc = unsafe {
            pam_set_item(
                self.pamh as *mut PamHandle,
                item,
                with_nul.as_ptr().cast::<c_void>(),
            )
        };
        if rc == PamResultCode::PAM_SUCCESS as c_int {
            Ok(())
        } else {
            Err(PamResultCode::PAM_SYSTEM_ERR)
        }
    }
}

impl PamOps for HandleOps<'_> {
    fn user(&mut self) -> Result<String, PamResultCode> {
        self.pamh.get_user(None)
    }

    fn service(&self) -> String {
        match self.pamh.get_item::<Service>() {
            Ok(Some(s)) => s.0.to_string_lossy().into_owned(),
            _ => String::new(),
        }
    }

    fn stored_authtok(&self) -> Option<Secret> {
        match self.pamh.get_item::<AuthTok>() {
            Ok(Some(t)) => Some(Zeroizing::new(t.as_bytes().to_vec())),
            _ => None,
        }
    }

    fn prompt_password(&mut self, prompt: &str) -> Result<Secret, PamResultCode> {
        let conv = self
            .pamh
            .get_item::<Conv>()?
            .ok_or(PamResultCode::PAM_CONV_ERR)?;
        let answer = conv
            .send(PAM_PROMPT_ECHO_OFF, prompt)?
            .ok_or(PamResultCode::PAM_CONV_ERR)?;
        Ok(Zeroizing::new(answer.as_bytes().to_vec()))
    }

    fn stored_oldauthtok(&self) -> Option<Secret> {
        match self.pamh.get_item::<OldAuthTok>() {
            Ok(Some(t)) => Some(Zeroizing::new(t.as_bytes().to_vec())),
            _ => None,
        }
    }

    fn set_oldauthtok(&mut self, password: &Secret) -> Result<(), PamResultCode> {
        self.set_secret_item(PAM_OLDAUTHTOK_ITEM, password)
    }

    fn set_authtok(&mut self, password: &Secret) -> Result<(), PamResultCode> {
        self.set_secret_item(PAM_AUTHTOK_ITEM, password)
    }

    fn send(&mut self, kind: MessageKind, text: &str) {
        let style = match kind {
            MessageKind::Error => PAM_ERROR_MSG,
            MessageKind::Info => PAM_TEXT_INFO,
        };
        if let Ok(Some(conv)) = self.pamh.get_item::<Conv>() {
            // A client that cannot show messages must not change the result.
            let _ = conv.send(style, &crate::pam_ops::printable(text));
        }
    }

    fn syslog(&mut self, priority: Priority, text: &str) {
        let level = match priority {
            Priority::Err => libc::LOG_ERR,
            Priority::Warning => libc::LOG_WARNING,
            Priority::Notice => libc::LOG_NOTICE,
            Priority::Info => libc::LOG_INFO,
            Priority::Debug => libc::LOG_DEBUG,
        };
        // printable() escapes NUL too, so CString::new cannot fail here.
        let Ok(msg) = CString::new(crate::pam_ops::printable(text)) else {
            return;
        };
        // SAFETY: pamh is the live handle; "%s" with one NUL-terminated
        // string argument matches pam_syslog's printf-style contract.
        unsafe {
            pam_syslog(
                self.pamh as *const PamHandle,
                level,
                c"%s".as_ptr(),
                msg.as_ptr(),
            )
        };
    }
}
