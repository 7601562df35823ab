//! What a hook call carries around: libpam (as a trait), the options, the
//! caller's flags; with the two ways of speaking: syslog and the user.

use crate::options::Options;
use crate::pam_ops::{MessageKind, PamOps, Priority};

pub struct Context<'a> {
    pub pam: &'a mut dyn PamOps,
    pub opts: &'a Options,
    /// PAM_SILENT was passed by the application.
    pub silent: bool,
}

impl Context<'_> {
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
