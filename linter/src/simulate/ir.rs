//! The simulator's intermediate representation: libpam's own flat handler list
//! (pam_handlers.c), one entry per handler with its 32-entry action table and its
//! stack level, so the engine can follow pam_dispatch.c line by line.

use std::fmt;

use crate::model::ActionTable;

/// Which module a handler calls, as far as the simulator models it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Module {
    /// A module whose every answer the catalogue knows from the line
    /// (pam_permit, pam_deny, pam_debug with its `auth=CODE` ...).
    Modelled {
        module: &'static crate::modules::Module,
        args: Vec<String>,
    },
    /// A module libpam could not load (`-` or not): PAM_MODULE_UNKNOWN.
    Missing,
    /// Any other module: PAM_SUCCESS unless `--assume` says otherwise.
    Other,
}

/// What libpam does for this entry (pam_private.h `PAM_HT_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerKind {
    /// PAM_HT_MODULE / PAM_HT_SILENT_MODULE.
    Module(Module),
    /// PAM_HT_MUST_FAIL: the line made no sense to libpam; returns PAM_PERM_DENIED.
    MustFail,
    /// PAM_HT_SUBSTACK: the marker of a `substack` line, skipped when dispatching.
    SubstackMarker,
}

/// Where a handler came from, for the trace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Label {
    pub file: String,
    pub line: usize,
    /// The module path as written (or the substack target).
    pub module: String,
    /// The control as written (`required`, `[success=1 default=ignore]`).
    pub control: String,
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One entry of libpam's handler list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    pub kind: HandlerKind,
    /// `stack_level`: 0 for the service's own rules, +1 inside each substack.
    pub level: usize,
    pub actions: ActionTable,
    pub label: Label,
    /// The `pam_sm_*` symbols the module file exports, when it could be read
    /// (libpam calls a missing hook as PAM_MODULE_UNKNOWN).
    pub hooks: Option<std::sync::Arc<[String]>>,
}
