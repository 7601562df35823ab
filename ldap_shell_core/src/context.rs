//! What a hook call carries around: libpam (as a trait), the options, the
//! caller's flags, what auth leaves for account, the host (NSS, the shells
//! list); with the two ways of speaking: syslog and the user.

use crate::host::Host;
use crate::options::Options;
use crate::pam_ops::{MessageKind, PamOps, Priority};
use crate::refusal::Refusal;
use crate::transaction::Handover;
use pam::constants::PamResultCode;

pub struct Context<'a> {
    pub pam: &'a mut dyn PamOps,
    pub opts: &'a Options,
    /// PAM_SILENT was passed by the application.
    pub silent: bool,
    /// The transaction state's part the phases read and write.
    pub handover: &'a mut Handover,
    pub host: Host<'a>,
    /// Why the phase refused, set at the refusal point next to its log
    /// line (`refusal.rs`); None while nothing refused.
    pub refusal: Option<Refusal>,
}

impl Context<'_> {
    /// PAM_USER: an empty name is unknown; a name libpam cannot give as
    /// UTF-8 text (or any failure) is logged, never a silent refusal.
    pub fn user(&mut self) -> Result<String, PamResultCode> {
        match self.pam.user() {
            Ok(u) if u.is_empty() => Err(PamResultCode::PAM_USER_UNKNOWN),
            Ok(u) => Ok(u),
            Err(code) => {
                self.log(
                    Priority::Err,
                    &format!(
                        "cannot get the user name (PAM_USER): {code:?} (it is not valid UTF-8, or libpam failed)"
                    ),
                );
                Err(code)
            }
        }
    }

    /// Records why the phase refuses (the log line says it in words).
    pub fn refused(&mut self, why: Refusal) {
        self.refusal = Some(why);
    }

    pub fn log(&mut self, priority: Priority, text: &str) {
        self.pam.syslog(priority, text);
    }

    /// Extra detail with `debug` (never passwords: callers pass none).
    pub fn debug(&mut self, text: &str) {
        if self.opts.debug {
            self.pam.syslog(Priority::Debug, text);
        }
    }

    /// Tells the user, unless PAM_SILENT or `no_warn`.
    pub fn tell(&mut self, kind: MessageKind, text: &str) {
        if !self.silent && !self.opts.no_warn {
            self.pam.send(kind, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{context, options, FakePam};

    #[test]
    fn an_unreadable_user_name_is_logged_and_an_empty_one_unknown() {
        let o = options(&[]);
        let mut pam = FakePam::new("", &[]);
        pam.user_error = Some(PamResultCode::PAM_SYSTEM_ERR);
        let mut handover = Handover::default();
        let mut ctx = context(&mut pam, &o, &mut handover);
        assert_eq!(ctx.user(), Err(PamResultCode::PAM_SYSTEM_ERR));
        assert!(pam.logged("cannot get the user name"), "{:?}", pam.logs);
        let mut pam = FakePam::new("", &[]);
        let mut handover = Handover::default();
        let mut ctx = context(&mut pam, &o, &mut handover);
        assert_eq!(ctx.user(), Err(PamResultCode::PAM_USER_UNKNOWN));
    }
}
