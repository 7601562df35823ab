//! libpam's tokenizer (`_pam_tokenize` in libpam/pam_misc.c), written with nom.
//!
//! Delimiters are space, tab and newline only (`\r` is part of a token). A token
//! starting with `[` runs to the first `]` (a `\]` inside stands for `]`) and loses
//! its brackets; an unterminated `[` swallows the rest of the line.

use nom::bytes::complete::{take_till1, take_while};
use nom::{IResult, Parser};

fn is_delim(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n')
}

/// A token of a logical line. Indices are into the logical line's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawToken {
    /// The token's text as libpam sees it.
    pub text: Vec<u8>,
    /// For each byte of `text`, its index in the logical line.
    pub map: Vec<usize>,
    /// Raw extent in the logical line, brackets included.
    pub start: usize,
    pub end: usize,
    pub bracketed: bool,
    /// False for a `[` without its `]`.
    pub terminated: bool,
}

fn delimiters(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while(is_delim).parse(i)
}

fn plain(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_till1(is_delim).parse(i)
}

/// The inside of `[...]`: up to the first `]` not escaped as `\]`.
/// Returns (raw inside, terminated).
fn bracket_inside(i: &[u8]) -> IResult<&[u8], (&[u8], bool)> {
    let mut k = 0;
    while k < i.len() {
        match i[k] {
            b']' => return Ok((&i[k + 1..], (&i[..k], true))),
            b'\\' if i.get(k + 1) == Some(&b']') => k += 2,
            _ => k += 1,
        }
    }
    Ok((&i[i.len()..], (i, false)))
}

/// Split a logical line into libpam's tokens.
pub fn tokenize(line: &[u8]) -> Vec<RawToken> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Ok((after, _)) = delimiters(rest) {
        rest = after;
        let start = line.len() - rest.len();
        if rest.is_empty() {
            break;
        }
        if rest[0] == b'[' {
            let Ok((after, (inside, terminated))) = bracket_inside(&rest[1..]) else {
                break;
            };
            let (text, map) = unescape_bracket(inside, start + 1);
            rest = after;
            out.push(RawToken {
                text,
                map,
                start,
                end: line.len() - rest.len(),
                bracketed: true,
                terminated,
            });
        } else {
            let Ok((after, word)) = plain(rest) else {
                break;
            };
            rest = after;
            out.push(RawToken {
                text: word.to_vec(),
                map: (start..start + word.len()).collect(),
                start,
                end: start + word.len(),
                bracketed: false,
                terminated: true,
            });
            // libpam consumes the one delimiter that ended the token
            if !rest.is_empty() {
                rest = &rest[1..];
            }
        }
    }
    out
}

/// `\]` → `]`, keeping each output byte's index.
fn unescape_bracket(inside: &[u8], base: usize) -> (Vec<u8>, Vec<usize>) {
    let mut text = Vec::with_capacity(inside.len());
    let mut map = Vec::with_capacity(inside.len());
    let mut k = 0;
    while k < inside.len() {
        if inside[k] == b'\\' && inside.get(k + 1) == Some(&b']') {
            k += 1;
        }
        text.push(inside[k]);
        map.push(base + k);
        k += 1;
    }
    (text, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokenize(s.as_bytes())
            .into_iter()
            .map(|t| String::from_utf8_lossy(&t.text).into_owned())
            .collect()
    }

    #[test]
    fn splits_on_blanks_only() {
        assert_eq!(
            words(" auth\trequired  x.so\r\n"),
            vec!["auth", "required", "x.so\r"]
        );
    }

    #[test]
    fn brackets_make_one_token() {
        assert_eq!(
            words("auth [success=ok default=bad] x.so [a b\\]c]"),
            vec!["auth", "success=ok default=bad", "x.so", "a b]c"]
        );
    }

    #[test]
    fn bracket_needs_no_space_after() {
        assert_eq!(words("[a]b"), vec!["a", "b"]);
    }

    #[test]
    fn unterminated_bracket_swallows_the_rest() {
        let t = tokenize(b"auth [success=ok x.so arg");
        assert_eq!(t.len(), 2);
        assert!(!t[1].terminated);
    }
}
