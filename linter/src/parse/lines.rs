//! Physical lines → logical lines, as libpam's `_pam_line_assemble`
//! (libpam_internal/pam_line.c, Linux-PAM ≥ 1.6) does it.
//!
//! Every byte of a logical line remembers its offset in the file, so tokens can be
//! reported at their exact place even when a rule spans continued lines.

/// One logical line: its bytes (backslash-newline replaced by a space, comment cut)
/// and, for each byte, its offset in the file.
#[derive(Debug, Clone, Default)]
pub struct LogicalLine {
    pub bytes: Vec<u8>,
    pub offsets: Vec<usize>,
    /// 1-based line number of the first physical line.
    pub first_line: usize,
    /// Offset of the `#` that ended the line inside a `[...]`-looking region, if any
    /// (found later by the tokenizer check; recorded here as the first `#`).
    pub comment_at: Option<usize>,
    /// Offsets of `\` continuations that were followed by a blank or comment-only
    /// line: Linux-PAM < 1.6 kept reading, ≥ 1.6 ends the rule there.
    pub continuation_cut: Option<usize>,
}

/// Quirks met while assembling lines, reported by the parser as findings.
#[derive(Debug, Clone, Default)]
pub struct Assembly {
    pub lines: Vec<LogicalLine>,
    /// Offset of a `\` continuation still open at end of file (libpam: PAM_ABORT).
    pub dangling_continuation: Option<usize>,
    /// Offsets of NUL bytes (libpam's C strings end there).
    pub nul_at: Vec<usize>,
}

/// Split `src` into physical lines (each keeps its `\n`), with their start offsets.
fn physical_lines(src: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= src.len() {
            return None;
        }
        let end = src[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| start + p + 1)
            .unwrap_or(src.len());
        let line = (start, &src[start..end]);
        start = end;
        Some(line)
    })
}

/// Byte positions of the content of one physical line after libpam's preparation.
struct Prepared {
    /// Content start (after leading blanks) and end (before `#`, or the continuation).
    start: usize,
    end: usize,
    /// The line continues on the next one.
    continues: bool,
    /// Position of the first `#`.
    hash: Option<usize>,
}

/// `_pam_str_prepare`: find a trailing `\`, cut at the first `#`, skip leading blanks.
fn prepare(line: &[u8]) -> Prepared {
    // libpam works on C strings: a NUL ends the visible line.
    let visible = line.iter().position(|&b| b == 0).unwrap_or(line.len());
    let mut p = visible;
    while p > 0 && matches!(line[p - 1], b' ' | b'\t' | b'\n') {
        p -= 1;
    }
    let backslash = p > 0 && line[p - 1] == b'\\';
    let hash = line[..visible].iter().position(|&b| b == b'#');
    let mut end = if backslash { p - 1 } else { visible };
    if let Some(h) = hash {
        end = end.min(h);
    }
    let start = line[..end]
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(end);
    Prepared {
        start,
        end,
        continues: backslash && hash.is_none(),
        hash,
    }
}

/// Assemble logical lines like `_pam_line_assemble(f, buffer, ' ')`.
pub fn assemble(src: &[u8]) -> Assembly {
    let mut out = Assembly::default();
    let mut cur = LogicalLine::default();
    let mut pending: Option<usize> = None; // offset of the open continuation `\`
    for (lineno0, (base, line)) in physical_lines(src).enumerate() {
        for (i, &b) in line.iter().enumerate() {
            if b == 0 {
                out.nul_at.push(base + i);
            }
        }
        let prep = prepare(line);
        if cur.bytes.is_empty() && pending.is_none() {
            cur.first_line = lineno0 + 1;
        }
        let content = &line[prep.start..prep.end];
        if prep.continues {
            push(&mut cur, content, base + prep.start);
            // the backslash becomes a space
            cur.bytes.push(b' ');
            cur.offsets.push(base + prep.end);
            pending = Some(base + prep.end);
            continue;
        }
        // End of a logical line (no continuation, or a `#` on it).
        if pending.is_some() && content.iter().all(|b| *b == b'\n') {
            cur.continuation_cut = pending;
        }
        if let Some(h) = prep.hash {
            cur.comment_at = Some(base + h);
        }
        let has_text = !content.is_empty() && content[0] != b'\n';
        if !cur.bytes.is_empty() || has_text {
            push(&mut cur, content, base + prep.start);
        }
        // libpam keeps a line whose assembled text is not empty
        if !cur.bytes.is_empty() {
            out.lines.push(std::mem::take(&mut cur));
        } else {
            cur = LogicalLine::default();
        }
        pending = None;
    }
    if let Some(p) = pending {
        out.dangling_continuation = Some(p);
    }
    out
}

fn push(cur: &mut LogicalLine, content: &[u8], offset: usize) {
    cur.bytes.extend_from_slice(content);
    cur.offsets.extend((0..content.len()).map(|i| offset + i));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        assemble(src.as_bytes())
            .lines
            .iter()
            .map(|l| String::from_utf8_lossy(&l.bytes).into_owned())
            .collect()
    }

    #[test]
    fn comments_and_blank_lines_are_dropped() {
        assert_eq!(
            texts("#%PAM-1.0\n\n  # x\nauth required pam_unix.so # c\n"),
            vec!["auth required pam_unix.so "]
        );
    }

    #[test]
    fn continuation_joins_with_a_space() {
        let a = assemble(b"auth required \\\n  pam_unix.so\n");
        assert_eq!(a.lines.len(), 1);
        assert_eq!(a.lines[0].bytes, b"auth required  pam_unix.so\n");
        assert_eq!(a.lines[0].first_line, 1);
    }

    #[test]
    fn blank_line_ends_a_continuation_since_1_6() {
        let a = assemble(b"auth required \\\n\npam_unix.so\n");
        assert_eq!(a.lines.len(), 2);
        assert!(a.lines[0].continuation_cut.is_some());
    }

    #[test]
    fn trailing_backslash_at_eof_is_reported() {
        let a = assemble(b"auth required pam_unix.so \\");
        assert!(a.dangling_continuation.is_some());
    }

    #[test]
    fn crlf_blank_line_is_a_line() {
        // "\r" is not blank to libpam: the line survives and becomes a bad rule.
        assert_eq!(texts("\r\n"), vec!["\r\n"]);
    }

    #[test]
    fn offsets_follow_bytes() {
        let a = assemble(b"  auth x\n");
        assert_eq!(a.lines[0].offsets[0], 2);
    }
}
