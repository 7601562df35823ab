//! The few things the module asks of libpam, as a trait: the hooks' logic
//! runs against it, so every decision is unit-tested with a test double.

use crate::failover::ServerMemory;
use crate::parked::ParkedConn;
use crate::recent::RecentEntry;
use pam::constants::PamResultCode;
use zeroize::Zeroizing;

/// The server told the auth phase that `user` must change the password
/// (ppolicy changeAfterReset, or a grace login): the account phase of the
/// same handle answers PAM_NEW_AUTHTOK_REQD. `why` is for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueChange {
    pub user: String,
    pub why: String,
}

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
    /// What earlier hook calls on this handle stored about the servers.
    fn server_memory(&self) -> Option<ServerMemory>;
    /// Stores it for the later hook calls on this handle (best effort).
    fn set_server_memory(&mut self, memory: ServerMemory);
    /// Takes the LDAP connection an earlier hook call on this handle kept
    /// (the handle holds none until it is parked again).
    fn take_connection(&mut self) -> Option<ParkedConn>;
    /// Keeps `conn` on the handle for the next hook call, closed at
    /// pam_end; gives it back when it cannot be stored.
    fn park_connection(&mut self, conn: ParkedConn) -> Result<(), ParkedConn>;
    /// The entry an earlier hook call on this handle read (`recent.rs`).
    fn recent_entry(&self) -> Option<RecentEntry>;
    /// Stores it for the next hook call on this handle, or clears it (best effort).
    fn set_recent_entry(&mut self, entry: Option<RecentEntry>);
    /// A password change the auth phase on this handle was told is due.
    fn due_change(&self) -> Option<DueChange>;
    /// Stores it for the account phase, or clears it (best effort).
    fn set_due_change(&mut self, due: Option<DueChange>);
}

/// What reaches syslog or the user: control characters escaped
/// (`escape::terminal_safe`), then clipped. The one gate for both sinks.
pub fn printable(text: &str) -> String {
    clip(&crate::escape::terminal_safe(text)).into_owned()
}

/// The longest text sent to syslog or the user: directory values can be
/// megabytes, and syslog drops a datagram that large without a trace.
pub const MAX_TEXT: usize = 2048;

/// `text` cut to `MAX_TEXT` bytes on a character boundary, marked as cut.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= MAX_TEXT {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!("{}... ({} bytes, cut)", &text[..end], text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_clipped_on_a_char_boundary() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(MAX_TEXT);
        let c = clip(&long);
        assert!(c.len() < MAX_TEXT + 40 && c.ends_with("bytes, cut)"), "{c}");
    }
}
