//! The rules the resolver finds (includes, substacks, module lookup): their
//! codes and documentation, here so that the resolver names them without
//! depending on `rules` (whose files re-export them as `INFO` and hold their
//! tests).

use crate::model::{RuleInfo, Severity};

/// PL103 include-not-found: include or substack target not found. Found by the resolver; documented and tested here.
pub const PL103: RuleInfo = RuleInfo {
    code: "PL103",
    name: "include-not-found",
    severity: Severity::Error,
    title: "include or substack target not found",
    explain: r#"`include`, `substack` and Debian's `@include` name a file in the pam.d directory (or an
absolute path). When it is missing, libpam logs "unable to open config" and installs a rule
that always fails in its place. Debian's `@include` of a missing file is worse: pam_start
itself fails with PAM_ABORT, so the whole service is unusable (`simulate` answers
PAM_ABORT for every operation).

Wrong:   auth include common-authh
Right:   auth include common-auth
"#,
};

/// PL104 include-cycle: include cycle. Found by the resolver; documented and tested here.
pub const PL104: RuleInfo = RuleInfo {
    code: "PL104",
    name: "include-cycle",
    severity: Severity::Error,
    title: "include cycle",
    explain: r#"A file that includes itself, directly or through others, makes libpam recurse until its
16-level limit; the innermost include then fails and the rule always fails.

Wrong:   (a) auth include b    (b) auth include a
Right:   move the shared rules to a third file both include
"#,
};

/// PL105 include-too-deep: includes nested deeper than 16. Found by the resolver; documented and tested here.
pub const PL105: RuleInfo = RuleInfo {
    code: "PL105",
    name: "include-too-deep",
    severity: Severity::Error,
    title: "includes nested deeper than 16",
    explain: r#"libpam (PAM_SUBSTACK_MAX_LEVEL) refuses include/substack chains 16 levels deep; the include
at that depth fails and so does the rule.

Right:   flatten the chain of includes
"#,
};
