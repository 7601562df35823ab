//! The few things the module asks of libpam, as a trait: the hooks' logic
//! runs against it, so every decision is unit-tested with a test double.
//! Only what libpam provides (items, the conversation, syslog): what the
//! module keeps between hook calls is `transaction.rs`'s one value.

/// libpam's return codes, re-exported for the crates that run the phases
/// over their own `PamOps` (pamlint's audit) without linking pam-bindings.
pub use pam::constants::PamResultCode;
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
