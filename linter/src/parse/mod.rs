//! Parse a pam.d service file or /etc/pam.conf into the model, exactly as libpam
//! reads it: `lines` assembles logical lines, `tokens` splits them, `control`
//! reads `[value=action]`; this file turns tokens into fields and syntax findings.

pub mod codes;
pub mod control;
pub mod lines;
pub mod tokens;

use std::path::Path;
use std::sync::Arc;

use crate::model::{
    Allows, Control, ControlError, ControlPair, Entry, Finding, PamType, ParsedFile, Rule,
    RuleInfo, SimpleControl, Span, Token,
};
use lines::LogicalLine;
use tokens::RawToken;

/// Linux-PAM < 1.6 read lines with fgets into a 1024-byte buffer: a longer line is
/// split, and joined continuation lines that overflow it fail the file.
pub const OLD_LINE_LIMIT: usize = 1023;

/// Which of the two file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// /etc/pam.d/SERVICE: no service column; Debian's `@include` is understood.
    PamD,
    /// /etc/pam.conf: the first column is the service name.
    PamConf,
}

/// Read and parse a pam.d file. I/O errors become a finding (PL000), never a panic.
pub fn parse_service_file(path: &Path) -> ParsedFile {
    parse_file(path, Format::PamD)
}

/// Read and parse /etc/pam.conf (or a file in its format).
pub fn parse_pam_conf_file(path: &Path) -> ParsedFile {
    parse_file(path, Format::PamConf)
}

/// The most pamlint reads of one file. Real pam.d files are a few KiB; the cap
/// keeps a stray huge or endless file (a log, something under /proc) from
/// exhausting memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Read at most `MAX_FILE_BYTES`; more is an error naming the limit.
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    // `take` hides the file's size from read_to_end, which then reads in growing
    // 32-byte steps (5 reads for a 216-byte service): reserve the size + 1 so that
    // one read fills it and a second sees the end.
    let size = file.metadata().map_or(0, |m| m.len()).min(MAX_FILE_BYTES);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB, which no pam.d file is; not read",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

fn parse_file(path: &Path, format: Format) -> ParsedFile {
    match read_capped(path) {
        Ok(bytes) => parse_bytes(path, &bytes, format),
        Err(e) => {
            let mut parsed = parse_bytes(path, b"", format);
            parsed.aborts = true;
            parsed.findings.push(Finding::new(
                &codes::PL000,
                Span::file_start(parsed.path.clone()),
                format!("cannot read `{}`: {e}", path.display()),
                "check the path and its permissions".into(),
            ));
            parsed
        }
    }
}

/// Parse the bytes of a pam.d service file.
pub fn parse_service_bytes(path: &Path, bytes: &[u8]) -> ParsedFile {
    parse_bytes(path, bytes, Format::PamD)
}

/// Parse bytes in the given format.
pub fn parse_bytes(path: &Path, bytes: &[u8], format: Format) -> ParsedFile {
    let file: Arc<Path> = Arc::from(path);
    let index = LineIndex::new(bytes);
    let mut cx = Cx {
        file: file.clone(),
        index: &index,
        src: bytes,
        findings: Vec::new(),
    };
    let assembly = lines::assemble(bytes);
    let mut entries = Vec::new();
    for line in &assembly.lines {
        if let Some(entry) = cx.logical_line(line, format) {
            entries.push(entry);
        }
    }
    let mut aborts = false;
    if let Some(at) = assembly.dangling_continuation {
        aborts = true;
        let span = cx.span_at(at, 1);
        cx.push(
            &codes::PL008,
            span,
            "trailing `\\` at end of file: libpam fails reading the whole file (PAM_ABORT)".into(),
            "remove the final backslash or add the missing continuation line".into(),
        );
    }
    for &at in &assembly.nul_at {
        let span = cx.span_at(at, 1);
        cx.push(
            &codes::PL010,
            span,
            "NUL byte: libpam stops reading the line here".into(),
            "remove the NUL byte (the file is probably corrupt or binary)".into(),
        );
    }
    cx.misplaced_header();
    cx.non_utf8();
    let allows = read_allows(bytes, &entries);
    ParsedFile {
        path: file,
        source: Arc::from(String::from_utf8_lossy(bytes).as_ref()),
        is_pam_conf: format == Format::PamConf,
        entries,
        findings: cx.findings,
        aborts,
        allows,
    }
}

/// Offsets of line starts, for offset → (line, column).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(src: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            src.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based (line, column) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (line, offset - start + 1)
    }
}

struct Cx<'a> {
    file: Arc<Path>,
    index: &'a LineIndex,
    src: &'a [u8],
    findings: Vec<Finding>,
}

impl Cx<'_> {
    fn push(&mut self, rule: &'static RuleInfo, span: Span, message: String, help: String) {
        self.findings.push(Finding::new(rule, span, message, help));
    }

    fn span_at(&self, offset: usize, len: usize) -> Span {
        let (line, column) = self.index.position(offset);
        Span::new(self.file.clone(), line, column, len, offset)
    }

    /// The span of a token's raw text (brackets included), cut at its first line.
    fn token_span(&self, line: &LogicalLine, tok: &RawToken) -> Span {
        self.range_span(line, tok.start, tok.end)
    }

    fn range_span(&self, line: &LogicalLine, start: usize, end: usize) -> Span {
        let Some(&from) = line.offsets.get(start) else {
            let at = line.offsets.last().map(|o| o + 1).unwrap_or(0);
            return self.span_at(at, 0);
        };
        let to = end
            .checked_sub(1)
            .and_then(|e| line.offsets.get(e))
            .map(|o| o + 1)
            .unwrap_or(from);
        let eol = self.src[from..]
            .iter()
            .position(|b| *b == b'\n')
            .map(|p| from + p)
            .unwrap_or(self.src.len());
        self.span_at(from, to.min(eol).saturating_sub(from))
    }

    fn token(&self, line: &LogicalLine, tok: &RawToken) -> Token {
        Token {
            text: String::from_utf8_lossy(&tok.text).into_owned(),
            span: self.token_span(line, tok),
        }
    }

    fn logical_line(&mut self, line: &LogicalLine, format: Format) -> Option<Entry> {
        self.line_quirks(line);
        let toks = tokens::tokenize(&line.bytes);
        self.bracket_quirks(line, &toks);
        let line_span = self.range_span(line, 0, line.bytes.len());
        let mut it = toks.iter();
        let service = match format {
            Format::PamConf => Some(self.token(line, it.next()?)),
            Format::PamD => None,
        };
        let Some(type_raw) = it.next() else {
            self.push(
                &codes::PL004,
                line_span,
                "empty rule: libpam installs a rule that always fails (under auth)".into(),
                "remove the stray continuation or complete the rule".into(),
            );
            return None;
        };
        let type_tok = self.token(line, type_raw);
        if format == Format::PamD && type_tok.text == "@include" {
            return Some(self.at_include(line, type_tok, it.next(), line_span));
        }
        let (silent, type_word) = match type_tok.text.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, type_tok.text.clone()),
        };
        let pam_type = PamType::parse(&type_word);
        if pam_type.is_none() {
            self.unknown_type(&type_tok, &type_word);
        }
        let control_raw = it.next();
        let control_token = control_raw.map(|t| self.token(line, t));
        let control = control_raw.map(|t| self.control(line, t));
        let module = it.next().map(|t| self.token(line, t));
        let args: Vec<Token> = it.map(|t| self.token(line, t)).collect();
        let rule = Rule {
            service,
            type_token: Token {
                text: type_word,
                span: type_tok.span,
            },
            pam_type,
            silent,
            control_token,
            control,
            module,
            args,
            span: line_span.clone(),
        };
        // an unterminated `[` already explains the missing fields
        if !toks.iter().any(|t| t.bracketed && !t.terminated) {
            self.missing_fields(&rule, &line_span);
        }
        Some(Entry::Rule(rule))
    }

    fn at_include(
        &mut self,
        line: &LogicalLine,
        keyword: Token,
        target: Option<&RawToken>,
        span: Span,
    ) -> Entry {
        let target = match target {
            Some(t) => self.token(line, t),
            None => {
                self.push(
                    &codes::PL004,
                    keyword.span.clone(),
                    "`@include` without a file name".into(),
                    "name the file to include, e.g. `@include common-auth`".into(),
                );
                Token {
                    text: String::new(),
                    span: keyword.span.clone(),
                }
            }
        };
        Entry::AtInclude { target, span }
    }

    fn unknown_type(&mut self, tok: &Token, word: &str) {
        if word.ends_with('\r') {
            return; // reported as a CRLF line end
        }
        let hint = if word.is_empty() {
            "a lone `-` needs a type after it, e.g. `-session`".to_string()
        } else {
            "use one of auth, account, password, session".to_string()
        };
        self.push(
            &codes::PL001,
            tok.span.clone(),
            format!(
                "unknown type `{word}`: libpam installs this line as a rule that always fails (under auth, or under the including type inside an included file)"
            ),
            hint,
        );
    }

    fn missing_fields(&mut self, rule: &Rule, span: &Span) {
        if rule.pam_type.is_none() {
            return;
        }
        if rule.control_token.is_none() {
            self.push(
                &codes::PL004,
                span.clone(),
                format!(
                    "`{}` line has no control: libpam makes it a rule that always fails",
                    rule.type_token.text
                ),
                "add a control and a module, e.g. `auth required pam_unix.so`".into(),
            );
        } else if rule.module.is_none() {
            let what = if rule.control.as_ref().is_some_and(Control::is_include_like) {
                "include target"
            } else {
                "module path"
            };
            self.push(
                &codes::PL004,
                span.clone(),
                format!("missing {what}: libpam makes this rule always fail"),
                format!("add the {what} after the control"),
            );
        }
    }

    fn control(&mut self, line: &LogicalLine, tok: &RawToken) -> Control {
        let word = String::from_utf8_lossy(&tok.text).into_owned();
        // libpam compares the token after its brackets are stripped, so
        // `[required]` is `required`.
        let simple = [
            ("required", Control::Simple(SimpleControl::Required)),
            ("requisite", Control::Simple(SimpleControl::Requisite)),
            ("sufficient", Control::Simple(SimpleControl::Sufficient)),
            ("optional", Control::Simple(SimpleControl::Optional)),
            ("include", Control::Include),
            ("substack", Control::Substack),
        ];
        if let Some((_, c)) = simple.iter().find(|(k, _)| k.eq_ignore_ascii_case(&word)) {
            return c.clone();
        }
        let (pairs, failure) = control::parse_control(&tok.text);
        if !tok.bracketed {
            // libpam feeds other words to _pam_parse_control; some even parse
            // (`success=ok` without brackets), so read it the same way.
            if failure.is_some() || pairs.is_empty() {
                if !word.ends_with('\r') {
                    let span = self.token_span(line, tok);
                    self.push(
                        &codes::PL002,
                        span,
                        format!("unknown control `{word}`: libpam treats every result of this rule as a failure"),
                        "use required, requisite, sufficient, optional, include, substack or [value=action ...]".into(),
                    );
                }
                return Control::Unknown;
            }
            return self.bracket_control(line, tok, pairs, None);
        }
        if !tok.terminated {
            // PL005 (or PL006) already explains the swallowed line
        } else if let Some(f) = &failure {
            self.control_failure(line, tok, f);
        } else if pairs.is_empty() {
            let span = self.token_span(line, tok);
            self.push(
                &codes::PL003,
                span,
                "empty control `[]`: every value defaults to `bad`, so this rule can never succeed"
                    .into(),
                "write the actions, e.g. [success=ok default=bad], or use required".into(),
            );
        }
        self.bracket_control(line, tok, pairs, failure)
    }

    fn bracket_control(
        &mut self,
        line: &LogicalLine,
        tok: &RawToken,
        pairs: Vec<control::Pair>,
        failure: Option<control::Failure>,
    ) -> Control {
        let map_span = |cx: &Self, r: std::ops::Range<usize>| {
            let s = tok.map.get(r.start).copied().unwrap_or(tok.start);
            let e = r
                .end
                .checked_sub(1)
                .and_then(|e| tok.map.get(e))
                .map(|e| e + 1)
                .unwrap_or(s);
            cx.range_span(line, s, e)
        };
        let pairs = pairs
            .into_iter()
            .map(|(value, action, r)| ControlPair {
                value,
                action,
                span: map_span(self, r),
            })
            .collect();
        let error = failure.map(|f| {
            let end = (f.at + f.word.len()).max(f.at + 1).min(tok.text.len());
            ControlError {
                reason: f.reason.to_string(),
                at: Token {
                    text: f.word.clone(),
                    span: map_span(self, f.at..end),
                },
            }
        });
        Control::Bracket { pairs, error }
    }

    fn control_failure(&mut self, line: &LogicalLine, tok: &RawToken, f: &control::Failure) {
        let s = tok.map.get(f.at).copied().unwrap_or(tok.start);
        let e = tok
            .map
            .get((f.at + f.word.len()).saturating_sub(1))
            .map(|e| e + 1)
            .unwrap_or(s + 1);
        let span = self.range_span(line, s, e.max(s + 1));
        let lower = f.word.to_ascii_lowercase();
        let case_hint = crate::model::PamCode::ALL
            .iter()
            .map(|c| c.token())
            .chain(["default"])
            .find(|n| lower.starts_with(n) && !f.word.starts_with(n));
        let what = match f.reason {
            "expecting non-zero" => "a jump of 0".to_string(),
            "expecting return value" => match case_hint {
                Some(n) => format!("value `{}` in the wrong case (libpam wants `{n}`)", f.word),
                None => format!("unknown return value `{}`", f.word),
            },
            "expecting jump number" => format!("unknown action `{}`", f.word),
            other => format!("{other} at `{}`", f.word),
        };
        self.push(
            &codes::PL003,
            span,
            format!("{what} in control: libpam rejects the whole control and sets every value to `bad`, so this rule can never succeed"),
            "values are lower-case return names (success, auth_err, ..., default); actions are ignore, bad, die, ok, done, reset or a jump N > 0".into(),
        );
    }

    /// CRLF ends, `#` cutting a bracket, long lines, continuation cut by blank line.
    fn line_quirks(&mut self, line: &LogicalLine) {
        for (i, b) in line.bytes.iter().enumerate() {
            if *b == b'\r' {
                let tok_start = line.bytes[..i]
                    .iter()
                    .rposition(|c| matches!(c, b' ' | b'\t' | b'\n'))
                    .map(|p| p + 1)
                    .unwrap_or(0);
                let span = self.range_span(line, tok_start, i + 1);
                let word = String::from_utf8_lossy(&line.bytes[tok_start..i]).into_owned();
                let what = if word.is_empty() {
                    "a line with only `\\r` becomes a rule with an unknown type, which always fails"
                        .to_string()
                } else {
                    format!("`\\r` sticks to `{word}` (libpam reads `{word}\\r`)")
                };
                self.push(
                    &codes::PL007,
                    span,
                    format!("CRLF line end: {what}"),
                    "convert the file to Unix line ends (dos2unix)".into(),
                );
            }
        }
        if line.bytes.len() > OLD_LINE_LIMIT {
            let span = self.range_span(line, 0, 1);
            self.push(
                &codes::PL406,
                span,
                format!(
                    "line of {} bytes: Linux-PAM before 1.6 reads lines through a {}-byte buffer, so the rest of this line becomes another rule (usually of an unknown type, which always fails)",
                    line.bytes.len(),
                    OLD_LINE_LIMIT + 1
                ),
                "shorten the line (e.g. move long arguments into the module's own config file)".into(),
            );
        }
        if let Some(at) = line.continuation_cut {
            let span = self.span_at(at, 1);
            self.push(
                &codes::PL403,
                span,
                "`\\` continuation followed by a blank or comment line: Linux-PAM before 1.6 joins the next rule line, 1.6 and later end the rule here".into(),
                "remove the backslash or the blank/comment line so every version reads the same rule".into(),
            );
        }
    }

    fn bracket_quirks(&mut self, line: &LogicalLine, toks: &[RawToken]) {
        let Some(open) = toks.iter().find(|t| t.bracketed && !t.terminated) else {
            return;
        };
        if let Some(hash) = line.comment_at {
            let span = self.span_at(hash, 1);
            self.push(
                &codes::PL006,
                span,
                "`#` inside `[...]`: libpam cuts the line at `#`, so the bracket and the rest of the rule are lost".into(),
                "move the `#` out of the brackets (libpam has no escape for it)".into(),
            );
        } else {
            let span = self.range_span(line, open.start, open.start + 1);
            self.push(
                &codes::PL005,
                span,
                "unterminated `[`: libpam swallows the rest of the line into this token".into(),
                "add the closing `]`".into(),
            );
        }
    }

    fn misplaced_header(&mut self) {
        let mut first_content = true;
        let mut offset = 0;
        for (i, line) in self.src.split(|b| *b == b'\n').enumerate() {
            let trimmed = line.iter().position(|b| !matches!(b, b' ' | b'\t'));
            if let Some(t) = trimmed {
                if line[t..].starts_with(b"#%PAM") && !first_content {
                    let span = self.span_at(offset + t, 5);
                    self.push(
                        &codes::PL009,
                        span,
                        format!("`#%PAM-1.0` header on line {}, not the first line: it is only a comment there", i + 1),
                        "move the header to the first line or remove it".into(),
                    );
                }
                first_content = false;
            }
            offset += line.len() + 1;
        }
    }

    fn non_utf8(&mut self) {
        if let Err(e) = std::str::from_utf8(self.src) {
            let span = self.span_at(e.valid_up_to(), 1);
            self.push(
                &codes::PL011,
                span,
                "bytes that are not UTF-8: module names and arguments may not be what they look like".into(),
                "re-encode the file as UTF-8 (or ASCII)".into(),
            );
        }
    }
}

/// `# pamlint: allow(PL001, PL302)`: on a rule's line it applies to that line; in a
/// comment before the first rule it applies to the whole file.
fn read_allows(src: &[u8], entries: &[Entry]) -> Allows {
    let first_rule_line = entries
        .iter()
        .map(|e| match e {
            Entry::Rule(r) => r.span.line,
            Entry::AtInclude { span, .. } => span.line,
        })
        .min()
        .unwrap_or(usize::MAX);
    let mut allows = Allows::default();
    let text = String::from_utf8_lossy(src);
    for (i, line) in text.lines().enumerate() {
        let Some(codes) = allow_codes(line) else {
            continue;
        };
        let lineno = i + 1;
        let comment_only = line.trim_start().starts_with('#');
        if comment_only && lineno < first_rule_line {
            allows.file_wide.extend(codes);
        } else if comment_only {
            // a comment line just above a rule covers that rule
            allows.lines.push((lineno + 1, codes.clone()));
            allows.lines.push((lineno, codes));
        } else {
            allows.lines.push((lineno, codes));
        }
    }
    allows
}

fn allow_codes(line: &str) -> Option<Vec<String>> {
    let hash = line.find('#')?;
    let comment = &line[hash + 1..];
    let at = comment.find("pamlint:")?;
    let rest = comment[at + "pamlint:".len()..].trim_start();
    let inner = rest.strip_prefix("allow(")?;
    let inner = &inner[..inner.find(')')?];
    Some(
        inner
            .split(',')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, PamCode};

    fn parse(s: &str) -> ParsedFile {
        parse_service_bytes(Path::new("t"), s.as_bytes())
    }

    fn codes(p: &ParsedFile) -> Vec<(&str, usize)> {
        p.findings.iter().map(|f| (f.code(), f.span.line)).collect()
    }

    #[test]
    fn parses_a_plain_rule_with_spans() {
        let p = parse("#%PAM-1.0\nauth  required pam_unix.so nullok try_first_pass\n");
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        let r = p.rules().next().unwrap();
        assert_eq!(r.pam_type, Some(PamType::Auth));
        assert_eq!(r.module.as_ref().unwrap().text, "pam_unix.so");
        assert_eq!(r.module.as_ref().unwrap().span.line, 2);
        assert_eq!(r.module.as_ref().unwrap().span.column, 16);
        assert_eq!(r.args.len(), 2);
    }

    #[test]
    fn bracket_control_table() {
        let p = parse("auth [success=2 default=ignore] pam_unix.so\n");
        let r = p.rules().next().unwrap();
        let t = r.action_table();
        assert_eq!(t.get(PamCode::Success), Action::Jump(2));
        assert_eq!(t.get(PamCode::AuthErr), Action::Ignore);
    }

    #[test]
    fn bracketed_keyword_is_the_keyword() {
        let p = parse("auth [Required] pam_unix.so\nauth [] pam_unix.so\n");
        let r = p.rules().next().unwrap();
        assert_eq!(r.control, Some(Control::Simple(SimpleControl::Required)));
        assert_eq!(codes(&p), vec![("PL003", 2)]);
    }

    #[test]
    fn dash_prefix_and_case() {
        let p = parse("-Session Optional pam_systemd.so\n");
        let r = p.rules().next().unwrap();
        assert!(r.silent);
        assert_eq!(r.pam_type, Some(PamType::Session));
        assert!(p.findings.is_empty());
    }

    #[test]
    fn syntax_findings() {
        let p = parse("oops required x.so\nauth [success=0] x.so\nauth required\nauth frob x.so\n");
        assert_eq!(
            codes(&p),
            vec![("PL001", 1), ("PL003", 2), ("PL004", 3), ("PL002", 4)]
        );
    }

    #[test]
    fn crlf_and_hash_in_bracket() {
        let p = parse("auth required x.so\r\nauth [success=ok # x] y.so\n");
        assert_eq!(codes(&p), vec![("PL007", 1), ("PL006", 2)]);
    }

    #[test]
    fn allow_comments() {
        let p = parse("# pamlint: allow(PL302)\nauth required x.so # pamlint: allow(pl101)\n");
        assert!(p.allows.allows("PL302", 5));
        assert!(p.allows.allows("PL101", 2));
        assert!(!p.allows.allows("PL101", 3));
    }

    #[test]
    fn at_include() {
        let p = parse("@include common-auth\n");
        assert!(matches!(p.entries[0], Entry::AtInclude { .. }));
    }

    #[test]
    fn pam_conf_service_column() {
        let p = parse_bytes(
            Path::new("pam.conf"),
            b"login auth required pam_unix.so\n",
            Format::PamConf,
        );
        let r = p.rules().next().unwrap();
        assert_eq!(r.service.as_ref().unwrap().text, "login");
    }
}
