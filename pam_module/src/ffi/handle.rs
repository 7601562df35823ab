//! `PamOps` for a real libpam handle. pam-bindings covers items and the
//! conversation; pam_syslog and setting PAM_AUTHTOK are declared here.

use crate::failover::ServerMemory;
use crate::pam_ops::{DueChange, MessageKind, PamOps, Priority, Secret};
use crate::parked::ParkedConn;
use crate::recent::RecentEntry;
use libc::{c_char, c_int, c_void};
use pam::constants::{PamResultCode, PAM_ERROR_MSG, PAM_PROMPT_ECHO_OFF, PAM_TEXT_INFO};
use pam::conv::Conv;
use pam::items::{AuthTok, OldAuthTok, Service};
use pam::module::PamHandle;
use std::ffi::CString;
use zeroize::Zeroizing;

/// pam_set_data key of the failover memory; only this module stores under
/// it, always a `ServerMemory`. The version is part of the key so that two
/// different releases stacked on one handle never read each other's layout.
const MEMORY_KEY: &str = concat!("pam_ldap_shell.servers.", env!("CARGO_PKG_VERSION"));
/// pam_set_data key of the entry the auth phase read (`recent.rs`); only
/// this module stores under it, always an `Option<RecentEntry>`.
const ENTRY_KEY: &str = concat!("pam_ldap_shell.entry.", env!("CARGO_PKG_VERSION"));
/// pam_set_data key of a password change found due by the auth phase;
/// only this module stores under it, always an `Option<DueChange>`.
const DUE_KEY: &str = concat!("pam_ldap_shell.due.", env!("CARGO_PKG_VERSION"));
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

    fn server_memory(&self) -> Option<ServerMemory> {
        // SAFETY: MEMORY_KEY is only ever set by set_server_memory below, with
        // a Box<ServerMemory>; the reference is cloned before the handle is used again.
        let stored = unsafe { self.pamh.get_data::<ServerMemory>(MEMORY_KEY) };
        stored.ok().cloned()
    }

    fn set_server_memory(&mut self, memory: ServerMemory) {
        // pam-bindings registers a cleanup that drops the Box at pam_end (or
        // when replaced by the next set); a failure only loses the hint.
        let _ = self.pamh.set_data(MEMORY_KEY, Box::new(memory));
    }

    fn recent_entry(&self) -> Option<RecentEntry> {
        // SAFETY: ENTRY_KEY is only ever set by set_recent_entry below, with a
        // Box<Option<RecentEntry>>; the value is cloned before the handle is used again.
        let stored = unsafe { self.pamh.get_data::<Option<RecentEntry>>(ENTRY_KEY) };
        stored.ok().and_then(Option::clone)
    }

    fn set_recent_entry(&mut self, entry: Option<RecentEntry>) {
        // As for the failover memory: dropped at pam_end or by the next set;
        // a failure only costs the account phase a search.
        let _ = self.pamh.set_data(ENTRY_KEY, Box::new(entry));
    }

    fn due_change(&self) -> Option<DueChange> {
        // SAFETY: DUE_KEY is only ever set by set_due_change below, with a
        // Box<Option<DueChange>>; the value is cloned before the handle is used again.
        let stored = unsafe { self.pamh.get_data::<Option<DueChange>>(DUE_KEY) };
        stored.ok().and_then(Option::clone)
    }

    fn set_due_change(&mut self, due: Option<DueChange>) {
        // Dropped at pam_end or by the next set; a failure only loses the
        // forced change (the server still refuses what it must).
        let _ = self.pamh.set_data(DUE_KEY, Box::new(due));
    }

    fn take_connection(&mut self) -> Option<ParkedConn> {
        super::conn_slot::take(self.pamh)
    }

    fn park_connection(&mut self, conn: ParkedConn) -> Result<(), ParkedConn> {
        super::conn_slot::park(self.pamh, conn)
    }
}
