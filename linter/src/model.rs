//! The data model shared by every pamlint command.
//!
//! How to use it (the stable API other modules build on):
//!
//! ```no_run
//! use pamlint::model::{PamType, StackItem};
//! use pamlint::parse::parse_service_file;
//! use pamlint::resolve::{resolve_service, ResolveContext};
//!
//! // One file, as written: every token keeps a Span (file, 1-based line/column, length).
//! let parsed = pamlint::parse::parse_service_bytes("/etc/pam.d/sshd".as_ref(), b"auth required pam_unix.so\n");
//! for rule in parsed.rules() {
//!     let table = rule.action_table(); // libpam's 32-entry action table for this rule
//!     let _ = table.get(pamlint::model::PamCode::Success);
//! }
//! let _ = parse_service_file("/etc/pam.d/sshd".as_ref()); // never panics; I/O errors become findings
//!
//! // A service after include/substack/@include expansion, per type.
//! let ctx = ResolveContext::for_root("/".as_ref());
//! let svc = resolve_service(&ctx, "sshd");
//! for item in &svc.stack(PamType::Auth).items {
//!     match item {
//!         StackItem::Rule(r) => println!("{}:{} {:?}", r.origin.file.display(), r.origin.line, r.module_path()),
//!         StackItem::Substack(frame) => println!("substack {}", frame.target),
//!     }
//! }
//! // libpam's own flat handler list (stack_level per handler, as pam_dispatch.c walks it):
//! let _flat = svc.stack(PamType::Auth).flatten();
//! ```
//!
//! Whether a rule's module has the hook its type calls (else libpam returns
//! PAM_MODULE_UNKNOWN): `pamlint::elf::implements_type(&resolved_rule)`.
//!
//! Additive changes only: H3 (simulate) and H4 (diff, why) code against these types.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a token sits: file, 1-based line and column (in bytes), length in bytes,
/// plus the byte offset into the file for renderers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: Arc<Path>,
    pub line: usize,
    pub column: usize,
    pub len: usize,
    pub offset: usize,
}

impl Span {
    pub fn new(file: Arc<Path>, line: usize, column: usize, len: usize, offset: usize) -> Self {
        Span {
            file,
            line,
            column,
            len,
            offset,
        }
    }

    /// A zero-length span at the start of a file (for file-level findings).
    pub fn file_start(file: Arc<Path>) -> Self {
        Span::new(file, 1, 1, 0, 0)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A token as libpam sees it (after its tokenizer: brackets stripped, `\]` → `]`),
/// with the span of its raw text in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub span: Span,
}

/// The four PAM management groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PamType {
    Auth,
    Account,
    Password,
    Session,
}

impl PamType {
    pub const ALL: [PamType; 4] = [
        PamType::Auth,
        PamType::Account,
        PamType::Password,
        PamType::Session,
    ];

    /// libpam compares type keywords with strcasecmp.
    pub fn parse(word: &str) -> Option<PamType> {
        PamType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(word))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PamType::Auth => "auth",
            PamType::Account => "account",
            PamType::Password => "password",
            PamType::Session => "session",
        }
    }

    /// The `pam_sm_*` entry points libpam calls for this type.
    pub fn hook_symbols(self) -> &'static [&'static str] {
        match self {
            PamType::Auth => &["pam_sm_authenticate", "pam_sm_setcred"],
            PamType::Account => &["pam_sm_acct_mgmt"],
            PamType::Password => &["pam_sm_chauthtok"],
            PamType::Session => &["pam_sm_open_session", "pam_sm_close_session"],
        }
    }
}

impl fmt::Display for PamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// libpam's 32 return values, numbered as in `<security/_pam_types.h>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum PamCode {
    Success = 0,
    OpenErr = 1,
    SymbolErr = 2,
    ServiceErr = 3,
    SystemErr = 4,
    BufErr = 5,
    PermDenied = 6,
    AuthErr = 7,
    CredInsufficient = 8,
    AuthinfoUnavail = 9,
    UserUnknown = 10,
    Maxtries = 11,
    NewAuthtokReqd = 12,
    AcctExpired = 13,
    SessionErr = 14,
    CredUnavail = 15,
    CredExpired = 16,
    CredErr = 17,
    NoModuleData = 18,
    ConvErr = 19,
    AuthtokErr = 20,
    AuthtokRecoverErr = 21,
    AuthtokLockBusy = 22,
    AuthtokDisableAging = 23,
    TryAgain = 24,
    Ignore = 25,
    Abort = 26,
    AuthtokExpired = 27,
    ModuleUnknown = 28,
    BadItem = 29,
    ConvAgain = 30,
    Incomplete = 31,
}

/// `_PAM_RETURN_VALUES` in libpam.
pub const PAM_RETURN_VALUES: usize = 32;

/// (code, control-syntax token as in pam_tokens.h, libpam constant name)
const CODE_NAMES: [(PamCode, &str, &str); PAM_RETURN_VALUES] = [
    (PamCode::Success, "success", "PAM_SUCCESS"),
    (PamCode::OpenErr, "open_err", "PAM_OPEN_ERR"),
    (PamCode::SymbolErr, "symbol_err", "PAM_SYMBOL_ERR"),
    (PamCode::ServiceErr, "service_err", "PAM_SERVICE_ERR"),
    (PamCode::SystemErr, "system_err", "PAM_SYSTEM_ERR"),
    (PamCode::BufErr, "buf_err", "PAM_BUF_ERR"),
    (PamCode::PermDenied, "perm_denied", "PAM_PERM_DENIED"),
    (PamCode::AuthErr, "auth_err", "PAM_AUTH_ERR"),
    (
        PamCode::CredInsufficient,
        "cred_insufficient",
        "PAM_CRED_INSUFFICIENT",
    ),
    (
        PamCode::AuthinfoUnavail,
        "authinfo_unavail",
        "PAM_AUTHINFO_UNAVAIL",
    ),
    (PamCode::UserUnknown, "user_unknown", "PAM_USER_UNKNOWN"),
    (PamCode::Maxtries, "maxtries", "PAM_MAXTRIES"),
    (
        PamCode::NewAuthtokReqd,
        "new_authtok_reqd",
        "PAM_NEW_AUTHTOK_REQD",
    ),
    (PamCode::AcctExpired, "acct_expired", "PAM_ACCT_EXPIRED"),
    (PamCode::SessionErr, "session_err", "PAM_SESSION_ERR"),
    (PamCode::CredUnavail, "cred_unavail", "PAM_CRED_UNAVAIL"),
    (PamCode::CredExpired, "cred_expired", "PAM_CRED_EXPIRED"),
    (PamCode::CredErr, "cred_err", "PAM_CRED_ERR"),
    (
        PamCode::NoModuleData,
        "no_module_data",
        "PAM_NO_MODULE_DATA",
    ),
    (PamCode::ConvErr, "conv_err", "PAM_CONV_ERR"),
    (PamCode::AuthtokErr, "authtok_err", "PAM_AUTHTOK_ERR"),
    (
        PamCode::AuthtokRecoverErr,
        "authtok_recover_err",
        "PAM_AUTHTOK_RECOVERY_ERR",
    ),
    (
        PamCode::AuthtokLockBusy,
        "authtok_lock_busy",
        "PAM_AUTHTOK_LOCK_BUSY",
    ),
    (
        PamCode::AuthtokDisableAging,
        "authtok_disable_aging",
        "PAM_AUTHTOK_DISABLE_AGING",
    ),
    (PamCode::TryAgain, "try_again", "PAM_TRY_AGAIN"),
    (PamCode::Ignore, "ignore", "PAM_IGNORE"),
    (PamCode::Abort, "abort", "PAM_ABORT"),
    (
        PamCode::AuthtokExpired,
        "authtok_expired",
        "PAM_AUTHTOK_EXPIRED",
    ),
    (
        PamCode::ModuleUnknown,
        "module_unknown",
        "PAM_MODULE_UNKNOWN",
    ),
    (PamCode::BadItem, "bad_item", "PAM_BAD_ITEM"),
    (PamCode::ConvAgain, "conv_again", "PAM_CONV_AGAIN"),
    (PamCode::Incomplete, "incomplete", "PAM_INCOMPLETE"),
];

impl PamCode {
    pub const ALL: [PamCode; PAM_RETURN_VALUES] = {
        let mut all = [PamCode::Success; PAM_RETURN_VALUES];
        let mut i = 0;
        while i < PAM_RETURN_VALUES {
            all[i] = CODE_NAMES[i].0;
            i += 1;
        }
        all
    };

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(i: usize) -> Option<PamCode> {
        CODE_NAMES.get(i).map(|c| c.0)
    }

    /// The value name used in `[value=action]` controls (`auth_err`).
    pub fn token(self) -> &'static str {
        CODE_NAMES[self.index()].1
    }

    /// Linux-PAM's constant name (`PAM_AUTH_ERR`).
    pub fn name(self) -> &'static str {
        CODE_NAMES[self.index()].2
    }

    /// Exact (case-sensitive, as libpam's strncmp) lookup of a control value name.
    pub fn from_token(word: &str) -> Option<PamCode> {
        CODE_NAMES.iter().find(|c| c.1 == word).map(|c| c.0)
    }

    /// Lookup by constant name (`PAM_AUTH_ERR`, case-insensitive, `PAM_` optional).
    pub fn from_name(word: &str) -> Option<PamCode> {
        let upper = word.to_ascii_uppercase();
        let full = if upper.starts_with("PAM_") {
            upper
        } else {
            format!("PAM_{upper}")
        };
        CODE_NAMES.iter().find(|c| c.2 == full).map(|c| c.0)
    }
}

impl fmt::Display for PamCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The left side of `value=action`: one return value or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ControlValue {
    Code(PamCode),
    Default,
}

/// What libpam does with a module's return value (pam_handlers.c `_PAM_ACTION_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Ignore,
    Ok,
    Done,
    Bad,
    Die,
    Reset,
    /// Skip the next N rules of the same stack level (N > 0).
    Jump(u32),
    /// `_PAM_ACTION_UNDEF`: not set yet (only seen while a table is being built).
    Undef,
}

impl Action {
    /// Keyword as written in a control (`ok`, `3`).
    pub fn keyword(self) -> String {
        match self {
            Action::Ignore => "ignore".into(),
            Action::Ok => "ok".into(),
            Action::Done => "done".into(),
            Action::Bad => "bad".into(),
            Action::Die => "die".into(),
            Action::Reset => "reset".into(),
            Action::Jump(n) => n.to_string(),
            Action::Undef => "undef".into(),
        }
    }
}

/// A rule's 32-entry action table, indexed by return value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionTable(pub [Action; PAM_RETURN_VALUES]);

impl ActionTable {
    pub fn undefined() -> Self {
        ActionTable([Action::Undef; PAM_RETURN_VALUES])
    }

    pub fn get(&self, code: PamCode) -> Action {
        self.0[code.index()]
    }

    pub fn set(&mut self, code: PamCode, action: Action) {
        self.0[code.index()] = action;
    }

    /// `_pam_set_default_control`: fill every still-undefined entry.
    pub fn set_default(&mut self, action: Action) {
        for a in self.0.iter_mut() {
            if *a == Action::Undef {
                *a = action;
            }
        }
    }

    /// What libpam does after a `[...]` parse error: every value is `bad`.
    pub fn all_bad() -> Self {
        ActionTable([Action::Bad; PAM_RETURN_VALUES])
    }

    pub fn iter(&self) -> impl Iterator<Item = (PamCode, Action)> + '_ {
        PamCode::ALL.into_iter().map(move |c| (c, self.get(c)))
    }
}

/// The four simple control keywords (matched case-insensitively by libpam).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimpleControl {
    Required,
    Requisite,
    Sufficient,
    Optional,
}

impl SimpleControl {
    pub fn as_str(self) -> &'static str {
        match self {
            SimpleControl::Required => "required",
            SimpleControl::Requisite => "requisite",
            SimpleControl::Sufficient => "sufficient",
            SimpleControl::Optional => "optional",
        }
    }

    /// The preset tables of `_pam_parse_conf_file` for the simple keywords.
    pub fn action_table(self) -> ActionTable {
        let mut t = ActionTable::undefined();
        match self {
            SimpleControl::Required => {
                t.set(PamCode::Success, Action::Ok);
                t.set(PamCode::NewAuthtokReqd, Action::Ok);
                t.set(PamCode::Ignore, Action::Ignore);
                t.set_default(Action::Bad);
            }
            SimpleControl::Requisite => {
                t.set(PamCode::Success, Action::Ok);
                t.set(PamCode::NewAuthtokReqd, Action::Ok);
                t.set(PamCode::Ignore, Action::Ignore);
                t.set_default(Action::Die);
            }
            SimpleControl::Optional => {
                t.set(PamCode::Success, Action::Ok);
                t.set(PamCode::NewAuthtokReqd, Action::Ok);
                t.set_default(Action::Ignore);
            }
            SimpleControl::Sufficient => {
                t.set(PamCode::Success, Action::Done);
                t.set(PamCode::NewAuthtokReqd, Action::Done);
                t.set_default(Action::Ignore);
            }
        }
        t
    }
}

/// One `value=action` pair of a bracketed control, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlPair {
    pub value: ControlValue,
    pub action: Action,
    pub span: Span,
}

/// Why libpam's `_pam_parse_control` gave up on a bracketed control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError {
    /// libpam's own words: "expecting return value", "expecting '='",
    /// "expecting action", "unrecognized action", or ours for a jump of 0.
    pub reason: String,
    /// The offending text (libpam logs `[...%s]` from this point).
    pub at: Token,
}

/// The control field of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Simple(SimpleControl),
    Include,
    Substack,
    /// `[value=action ...]`. `pairs` holds what parsed before any error; when `error`
    /// is set libpam makes the whole table `bad`.
    Bracket {
        pairs: Vec<ControlPair>,
        error: Option<ControlError>,
    },
    /// A word that is none of the keywords and not bracketed: libpam feeds it to
    /// `_pam_parse_control`, which fails, so every value is `bad`.
    Unknown,
}

impl Control {
    /// The libpam action table for this control. Include and substack lines have no
    /// table in libpam (an include is replaced by the included rules; a substack
    /// marker is skipped by pam_dispatch.c); they get all `bad` here, which is also
    /// what libpam uses when the include fails and the line becomes a must-fail rule.
    pub fn action_table(&self) -> ActionTable {
        match self {
            Control::Simple(s) => s.action_table(),
            Control::Bracket { pairs, error } => {
                if error.is_some() {
                    return ActionTable::all_bad();
                }
                let mut t = ActionTable::undefined();
                for p in pairs {
                    match p.value {
                        ControlValue::Code(c) => t.set(c, p.action),
                        ControlValue::Default => t.set_default(p.action),
                    }
                }
                t.set_default(Action::Bad);
                t
            }
            Control::Unknown => ActionTable::all_bad(),
            Control::Include | Control::Substack => {
                let mut t = ActionTable::undefined();
                t.set_default(Action::Bad);
                t
            }
        }
    }

    pub fn is_include_like(&self) -> bool {
        matches!(self, Control::Include | Control::Substack)
    }
}

/// How libpam will treat a rule's handler (pam_handlers.c `PAM_HT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandlerKind {
    /// A module to load and call.
    Module,
    /// `-type`: a missing module is not logged (it still returns PAM_MODULE_UNKNOWN).
    SilentModule,
    /// libpam could not make sense of the line (bad type, no module path, failed
    /// include): the handler always returns failure.
    MustFail,
}

/// One rule line (a logical line, after continuation joining), as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// pam.conf only: the service column.
    pub service: Option<Token>,
    /// The type word without the `-` (span covers the `-` too).
    pub type_token: Token,
    /// `None` when the word is not a type (libpam: "illegal module type").
    pub pam_type: Option<PamType>,
    /// The `-` prefix.
    pub silent: bool,
    pub control_token: Option<Token>,
    pub control: Option<Control>,
    /// Module path (or include target for include/substack), as written.
    pub module: Option<Token>,
    pub args: Vec<Token>,
    /// From the first token to the end of the logical line.
    pub span: Span,
}

impl Rule {
    /// libpam's action table for this rule (all bad when the control was unusable).
    pub fn action_table(&self) -> ActionTable {
        match &self.control {
            Some(c) => c.action_table(),
            None => ActionTable::all_bad(),
        }
    }

    /// The handler libpam would create for this rule.
    pub fn handler_kind(&self) -> HandlerKind {
        if self.pam_type.is_none() || self.control.is_none() || self.module.is_none() {
            HandlerKind::MustFail
        } else if self.silent {
            HandlerKind::SilentModule
        } else {
            HandlerKind::Module
        }
    }

    pub fn is_include(&self) -> bool {
        matches!(self.control, Some(Control::Include))
    }

    pub fn is_substack(&self) -> bool {
        matches!(self.control, Some(Control::Substack))
    }

    /// The module's file name without directories or `.so` (`pam_unix`).
    pub fn module_name(&self) -> Option<String> {
        self.module.as_ref().map(|m| module_basename(&m.text))
    }

    pub fn has_arg(&self, name: &str) -> bool {
        self.args.iter().any(|a| a.text == name)
    }
}

/// `pam_unix` from `/lib/security/pam_unix.so`.
pub fn module_basename(path: &str) -> String {
    // A byte scan: `rsplit('/')` (a char searcher) was most of this function's
    // cost, and rules ask for a module's name ~70 times per service.
    let file = match path.bytes().rposition(|b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    };
    file.strip_suffix(".so").unwrap_or(file).to_string()
}

/// One line that matters in a file.
// Entries are few per file; boxing the rule would only complicate matching.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Rule(Rule),
    /// Debian's `@include FILE`: every rule of FILE, of every type, in place.
    AtInclude {
        target: Token,
        span: Span,
    },
}

/// Severity of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is: its stable code, default severity, one-line title and the
/// documentation `pamlint explain CODE` prints. Each rule's value is a
/// `const` (`rules::plNNN::INFO`; `parse::codes` and `resolve::codes` for the
/// rules the parser and the resolver find), so a finding names its rule by a
/// value the compiler checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub explain: &'static str,
}

/// A diagnostic: the rule (`PL001`), where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleInfo,
    pub span: Span,
    pub message: String,
    pub help: String,
}

impl Finding {
    pub fn new(rule: &'static RuleInfo, span: Span, message: String, help: String) -> Finding {
        Finding {
            rule,
            span,
            message,
            help,
        }
    }

    /// The rule's stable code (`PL204`).
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// The rule's severity.
    pub fn severity(&self) -> Severity {
        self.rule.severity
    }
}

/// A file as parsed, with the syntax findings of that file alone.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub path: Arc<Path>,
    /// The file's bytes, decoded lossily (for rendering source lines).
    pub source: Arc<str>,
    /// pam.conf format (first column is the service).
    pub is_pam_conf: bool,
    pub entries: Vec<Entry>,
    /// Syntax findings (PL0xx).
    pub findings: Vec<Finding>,
    /// True when libpam would refuse the whole file (e.g. a trailing `\` at end of
    /// file): `_pam_parse_conf_file` returns PAM_ABORT after adding the earlier lines.
    pub aborts: bool,
    /// Suppressions from `# pamlint: allow(PLxxx)` comments.
    pub allows: Allows,
}

impl ParsedFile {
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Rule(r) => Some(r),
            Entry::AtInclude { .. } => None,
        })
    }
}

/// `# pamlint: allow(PL123, PL456)` comments: on a line (applies to that line) or
/// before the first rule (applies to the whole file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allows {
    pub file_wide: Vec<String>,
    /// (line, codes)
    pub lines: Vec<(usize, Vec<String>)>,
}

impl Allows {
    pub fn allows(&self, code: &str, line: usize) -> bool {
        let matches = |c: &String| c.eq_ignore_ascii_case(code) || c == "all";
        self.file_wide.iter().any(matches)
            || self
                .lines
                .iter()
                .any(|(l, codes)| *l == line && codes.iter().any(matches))
    }
}

/// Where a resolved rule came from: file:line, plus the chain of include/substack/
/// @include lines that pulled it in (outermost first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: Arc<Path>,
    pub line: usize,
    pub include_chain: Vec<IncludeStep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncludeKind {
    Include,
    Substack,
    AtInclude,
}

/// One step of an include chain: the including line and what it named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludeStep {
    pub kind: IncludeKind,
    pub span: Span,
    pub target: String,
}

/// A rule in a service's effective stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRule {
    pub rule: Rule,
    /// The type this rule runs under (for a bad-typed line inside an included file,
    /// libpam puts it under the including type).
    pub pam_type: PamType,
    pub handler: HandlerKind,
    /// The action table libpam builds for it.
    pub actions: ActionTable,
    /// The module file found on disk (None when not found or must-fail).
    pub module_file: Option<PathBuf>,
    /// Whether the target's libpam can load the module: its file was found, or the
    /// target's catalogue (or the site's `--modules` list) ships it. What PL101,
    /// `simulate` and `why` go by.
    pub module_present: bool,
    pub origin: Origin,
}

impl ResolvedRule {
    pub fn module_path(&self) -> Option<&str> {
        self.rule.module.as_ref().map(|m| m.text.as_str())
    }

    pub fn module_name(&self) -> Option<String> {
        self.rule.module_name()
    }

    /// The control as written: keywords bare, value=action lists in brackets
    /// (the parser keeps only what is inside them).
    pub fn control_as_written(&self) -> String {
        let text = self
            .rule
            .control_token
            .as_ref()
            .map(|t| t.text.clone())
            .unwrap_or_default();
        let simple = ["required", "requisite", "sufficient", "optional"];
        if simple.contains(&text.to_ascii_lowercase().as_str()) {
            text
        } else {
            format!("[{text}]")
        }
    }
}

/// A substack: libpam adds a marker handler for the substack line (skipped when
/// dispatching) and runs the target's rules one stack level deeper, on the same
/// impression/status as the outer stack. Inside, `die`/`done` end only the
/// substack, `reset` restores the state saved on entry, and a jump cannot leave it
/// (pam_dispatch.c). libpam gives the marker no action table of its own: `actions`
/// is all `bad` for uniformity and is not used by libpam.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstackFrame {
    /// The `substack` line itself.
    pub rule: Rule,
    pub target: String,
    pub actions: ActionTable,
    pub origin: Origin,
    pub items: Vec<StackItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackItem {
    Rule(ResolvedRule),
    Substack(SubstackFrame),
}

/// One type's effective stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stack {
    pub pam_type: PamType,
    pub items: Vec<StackItem>,
    /// libpam reads the service file and `other`; a type with no handler in the
    /// service falls back to `other`'s handlers of that type (pam_dispatch.c).
    pub from_other: bool,
}

/// An entry of libpam's flat handler list (what pam_dispatch.c iterates).
#[derive(Debug, Clone, Copy)]
pub enum FlatHandler<'a> {
    Rule {
        rule: &'a ResolvedRule,
        stack_level: usize,
    },
    /// The PAM_HT_SUBSTACK marker handler, at the level of the including line.
    Substack {
        frame: &'a SubstackFrame,
        stack_level: usize,
    },
}

impl Stack {
    /// libpam's flat list: substack contents follow their marker at level+1.
    pub fn flatten(&self) -> Vec<FlatHandler<'_>> {
        let mut out = Vec::new();
        flatten_into(&self.items, 0, &mut out);
        out
    }

    /// Every rule, depth-first, with substack contents inlined.
    pub fn rules(&self) -> Vec<&ResolvedRule> {
        self.flatten()
            .into_iter()
            .filter_map(|h| match h {
                FlatHandler::Rule { rule, .. } => Some(rule),
                FlatHandler::Substack { .. } => None,
            })
            .collect()
    }
}

fn flatten_into<'a>(items: &'a [StackItem], level: usize, out: &mut Vec<FlatHandler<'a>>) {
    for item in items {
        match item {
            StackItem::Rule(rule) => out.push(FlatHandler::Rule {
                rule,
                stack_level: level,
            }),
            StackItem::Substack(frame) => {
                out.push(FlatHandler::Substack {
                    frame,
                    stack_level: level,
                });
                flatten_into(&frame.items, level + 1, out);
            }
        }
    }
}

/// A service after resolution: which file libpam reads and its four stacks.
#[derive(Debug, Clone)]
pub struct ResolvedService {
    pub name: String,
    /// The service file used (the `other` file when falling back; None if neither).
    pub file: Option<PathBuf>,
    /// True when the service had no file and libpam falls back to `other`
    /// (see also `Stack::from_other`, per type).
    pub uses_other: bool,
    /// True when libpam would refuse to run this service at all (a file aborts,
    /// include depth exceeded...).
    pub aborts: bool,
    pub stacks: [Stack; 4],
    /// Resolution findings (PL1xx) met while expanding.
    pub findings: Vec<Finding>,
}

impl ResolvedService {
    pub fn stack(&self, t: PamType) -> &Stack {
        let i = PamType::ALL.iter().position(|x| *x == t).unwrap_or(0);
        &self.stacks[i]
    }
}
