//! The few things the module asks of libpam, as a trait: the hooks' logic
//! runs against it, so every decision is unit-tested with a test double.

use pam::constants::PamResultCode;
use zeroize::Zeroizing;

/// A password: wiped from memory when dropped.
pub type Secret = Zeroizing<Vec<u8>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Error,
    Info,
}

/// syslog priorities used by the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Err,
    Warning,
    Notice,
    Info,
    Debug,
}

pub trait PamOps {
    /// PAM_USER (libpam may prompt for it).
    fn user(&mut self) -> Result<String, PamResultCode>;
    /// PAM_SERVICE, for messages.
    fn service(&self) -> String;
    /// PAM_AUTHTOK as set by an earlier module, if any.
    fn stored_authtok(&self) -> Option<Secret>;
    /// PAM_OLDAUTHTOK (the current password during a change), if set.
    fn stored_oldauthtok(&self) -> Option<Secret>;
    /// Stores the verified current password as PAM_OLDAUTHTOK.
    fn set_oldauthtok(&mut self, password: &Secret) -> Result<(), PamResultCode>;
    /// Asks for the password through the conversation (echo off).
    fn prompt_password(&mut self, prompt: &str) -> Result<Secret, PamResultCode>;
    /// Stores the password as PAM_AUTHTOK for later modules.
    fn set_authtok(&mut self, password: &Secret) -> Result<(), PamResultCode>;
    /// Sends a message to the user; failures are not fatal to the caller.
    fn send(&mut self, kind: MessageKind, text: &str);
    /// One line to syslog through pam_syslog (which adds `pam_ldap_shell(SERVICE:TYPE): `).
    fn syslog(&mut self, priority: Priority, text: &str);
}
