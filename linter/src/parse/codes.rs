//! The rules the parser finds (syntax, I/O, libpam-version differences in
//! the text): their codes and documentation, here so that the parser names
//! them without depending on `rules` (whose files re-export them as `INFO`
//! and hold their tests).

use crate::model::{RuleInfo, Severity};

/// PL000 io-error: file cannot be read.
pub const PL000: RuleInfo = RuleInfo {
    code: "PL000",
    name: "io-error",
    severity: Severity::Error,
    title: "file cannot be read",
    explain: r#"pamlint could not read a file it was asked to lint (missing, unreadable, a directory...).
libpam would not be able to read it either. A service file that is a symlink to nothing is
reported too: libpam cannot open it and silently uses `other` for that service."#,
};

/// PL001 unknown-type: unknown rule type.
pub const PL001: RuleInfo = RuleInfo {
    code: "PL001",
    name: "unknown-type",
    severity: Severity::Error,
    title: "unknown rule type",
    explain: r#"The first field of a rule must be auth, account, password or session (any case), optionally
prefixed by `-`. libpam logs "illegal module type" and installs the line as a handler that
always fails, under auth in a service file, and under *every* type that includes the file
when the line sits in an included file."#,
};

/// PL002 unknown-control: unknown control keyword.
pub const PL002: RuleInfo = RuleInfo {
    code: "PL002",
    name: "unknown-control",
    severity: Severity::Error,
    title: "unknown control keyword",
    explain: r#"The control must be required, requisite, sufficient, optional, include, substack or a
`[value=action ...]` list. libpam hands any other word to its `[...]` parser, which fails, and
every return value of the rule then means `bad`: the rule can never succeed."#,
};

/// PL003 bad-control-value: invalid value, action or jump in [value=action].
pub const PL003: RuleInfo = RuleInfo {
    code: "PL003",
    name: "bad-control-value",
    severity: Severity::Error,
    title: "invalid value, action or jump in [value=action]",
    explain: r#"Inside `[...]`, values are libpam's lower-case return names (success, auth_err, user_unknown,
..., default) and actions are ignore, bad, die, ok, done, reset or a jump N > 0. On any error
(unknown or wrong-case value, unknown action, `success=0`) libpam discards the whole control
and sets every value to `bad`, so the rule can never succeed."#,
};

/// PL004 missing-field: missing control, module path or include target.
pub const PL004: RuleInfo = RuleInfo {
    code: "PL004",
    name: "missing-field",
    severity: Severity::Error,
    title: "missing control, module path or include target",
    explain: r#"A rule needs a type, a control and a module path (or, for include/substack/@include, a file
name). libpam installs an incomplete line as a handler that always fails."#,
};

/// PL005 unterminated-bracket: unterminated `[`.
pub const PL005: RuleInfo = RuleInfo {
    code: "PL005",
    name: "unterminated-bracket",
    severity: Severity::Error,
    title: "unterminated `[`",
    explain: r#"A token that starts with `[` runs to the first `]`. Without one, libpam swallows the rest of
the line into that token: the module path and arguments disappear."#,
};

/// PL006 hash-in-bracket: `#` inside `[...]`.
pub const PL006: RuleInfo = RuleInfo {
    code: "PL006",
    name: "hash-in-bracket",
    severity: Severity::Error,
    title: "`#` inside `[...]`",
    explain: r#"libpam cuts every line at its first `#` before tokenizing, brackets or not. A `#` inside a
bracketed control or argument (an LDAP filter, a regex) therefore truncates the rule."#,
};

/// PL007 crlf: CRLF line end.
pub const PL007: RuleInfo = RuleInfo {
    code: "PL007",
    name: "crlf",
    severity: Severity::Error,
    title: "CRLF line end",
    explain: r#"libpam splits on space, tab and newline only: the `\r` of a CRLF line end sticks to the last
token (`pam_unix.so\r` is not found, `required\r` is an unknown control), and a blank CRLF
line becomes a rule with an unknown type that always fails."#,
};

/// PL008 trailing-backslash: trailing `\` at end of file.
pub const PL008: RuleInfo = RuleInfo {
    code: "PL008",
    name: "trailing-backslash",
    severity: Severity::Error,
    title: "trailing `\\` at end of file",
    explain: r#"A `\` at the end of the last line asks for a continuation that never comes; libpam's line
reader then reports an error and the whole file fails to load (PAM_ABORT)."#,
};

/// PL009 misplaced-header: `#%PAM-1.0` header not on the first line.
pub const PL009: RuleInfo = RuleInfo {
    code: "PL009",
    name: "misplaced-header",
    severity: Severity::Info,
    title: "`#%PAM-1.0` header not on the first line",
    explain: r#"The `#%PAM-1.0` magic line is conventionally the first line; anywhere else it is just a comment,
which usually means two files were concatenated."#,
};

/// PL010 nul-byte: NUL byte.
pub const PL010: RuleInfo = RuleInfo {
    code: "PL010",
    name: "nul-byte",
    severity: Severity::Error,
    title: "NUL byte",
    explain: r#"libpam handles lines as C strings: everything after a NUL byte on that line is ignored."#,
};

/// PL011 non-utf8: bytes that are not UTF-8.
pub const PL011: RuleInfo = RuleInfo {
    code: "PL011",
    name: "non-utf8",
    severity: Severity::Warning,
    title: "bytes that are not UTF-8",
    explain: r#"libpam does not care about encodings, but non-UTF-8 bytes in module names or arguments are
usually corruption or a copy-paste accident and are hard to see."#,
};

/// PL403 continuation-cut: continuation followed by a blank or comment line.
pub const PL403: RuleInfo = RuleInfo {
    code: "PL403",
    name: "continuation-cut",
    severity: Severity::Warning,
    title: "continuation followed by a blank or comment line",
    explain: r#"Linux-PAM before 1.6 skipped blank and comment lines while joining a `\` continuation, so the
next rule line became part of this rule; Linux-PAM 1.6 and later end the rule at the blank or
comment line. The same file means two different things on different hosts."#,
};

/// PL406 long-line: line longer than Linux-PAM < 1.6 accepts.
pub const PL406: RuleInfo = RuleInfo {
    code: "PL406",
    name: "long-line",
    severity: Severity::Warning,
    title: "line longer than Linux-PAM < 1.6 reads in one piece",
    explain: r#"Linux-PAM before 1.6 read each line with fgets into a 1024-byte buffer. A longer
physical line is split: its first 1023 bytes are one rule and the rest is read as the next
rule, usually with an unknown type (PL001 at run time), so the stack always fails; a rule
joined from `\` continuation lines that outgrows the buffer makes the whole file fail.
1.6 and later read lines of any length. (Checked against the real libpam 1.5 in
linter/tests/libpam_agrees.rs.)"#,
};
