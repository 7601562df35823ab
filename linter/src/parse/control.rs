//! The `[value=action ...]` control, parsed as libpam's `_pam_parse_control`
//! (libpam/pam_misc.c) does: value names and actions are matched as case-sensitive
//! prefixes, spaces are allowed around `=`, jumps are positive decimal numbers,
//! and any error makes every value of the line `bad`.

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::{IResult, Parser};

use crate::model::{Action, ControlValue, PamCode};

/// One parsed pair: (value, action, byte range in the control text).
pub type Pair = (ControlValue, Action, std::ops::Range<usize>);

/// Why parsing stopped: libpam's message and the byte index it was at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: &'static str,
    pub at: usize,
    /// The word there, for messages.
    pub word: String,
}

const ACTIONS: [(&str, Action); 6] = [
    ("ignore", Action::Ignore),
    ("ok", Action::Ok),
    ("done", Action::Done),
    ("bad", Action::Bad),
    ("die", Action::Die),
    ("reset", Action::Reset),
];

fn spaces(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while(|b: u8| b.is_ascii_whitespace() || b == 0x0b).parse(i)
}

fn value(i: &[u8]) -> Option<(ControlValue, usize)> {
    PamCode::ALL
        .iter()
        .map(|c| (ControlValue::Code(*c), c.token()))
        .chain(std::iter::once((ControlValue::Default, "default")))
        .find(|(_, name)| i.starts_with(name.as_bytes()))
        .map(|(v, name)| (v, name.len()))
}

fn action(i: &[u8]) -> Result<(Action, usize), &'static str> {
    if let Some((name, a)) = ACTIONS.iter().find(|(n, _)| i.starts_with(n.as_bytes())) {
        return Ok((*a, name.len()));
    }
    let digits: IResult<&[u8], &[u8]> = take_while1(|b: u8| b.is_ascii_digit()).parse(i);
    let Ok((_, digits)) = digits else {
        return Err("expecting jump number");
    };
    let mut n: i64 = 0;
    for d in digits {
        n = n * 10 + i64::from(d - b'0');
        if n > i64::from(i32::MAX) {
            return Err("expecting smaller jump number");
        }
    }
    if n == 0 {
        return Err("expecting non-zero");
    }
    let n = u32::try_from(n).map_err(|_| "expecting smaller jump number")?;
    Ok((Action::Jump(n), digits.len()))
}

fn word_at(text: &[u8], at: usize) -> String {
    let rest = text.get(at..).unwrap_or_default();
    let end = rest
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end]).into_owned()
}

/// Parse a bracketed control's inside. Returns the pairs read before any failure.
pub fn parse_control(text: &[u8]) -> (Vec<Pair>, Option<Failure>) {
    let mut pairs = Vec::new();
    let mut rest = text;
    let pos = |r: &[u8]| text.len() - r.len();
    let fail = |reason, at| Failure {
        reason,
        at,
        word: word_at(text, at),
    };
    loop {
        if let Ok((r, _)) = spaces(rest) {
            rest = r;
        }
        if rest.is_empty() {
            return (pairs, None);
        }
        let start = pos(rest);
        let Some((v, len)) = value(rest).filter(|(_, len)| rest.len() > *len) else {
            return (pairs, Some(fail("expecting return value", start)));
        };
        rest = &rest[len..];
        if let Ok((r, _)) = spaces(rest) {
            rest = r;
        }
        let eq: IResult<&[u8], &[u8]> = tag(&b"="[..]).parse(rest);
        let Ok((r, _)) = eq else {
            return (pairs, Some(fail("expecting '='", pos(rest))));
        };
        rest = r;
        if let Ok((r, _)) = spaces(rest) {
            rest = r;
        }
        if rest.is_empty() {
            return (pairs, Some(fail("expecting action", pos(rest))));
        }
        match action(rest) {
            Ok((a, len)) => {
                rest = &rest[len..];
                pairs.push((v, a, start..pos(rest)));
            }
            Err(reason) => return (pairs, Some(fail(reason, pos(rest)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_with_spaces_and_jumps() {
        let (p, e) = parse_control(b" success = ok  new_authtok_reqd=3 default=die");
        assert!(e.is_none());
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].1, Action::Jump(3));
        assert_eq!(p[2].0, ControlValue::Default);
    }

    #[test]
    fn jump_of_zero_is_an_error() {
        let (_, e) = parse_control(b"success=0");
        assert_eq!(e.map(|f| f.reason), Some("expecting non-zero"));
    }

    #[test]
    fn wrong_case_value_is_an_error() {
        let (_, e) = parse_control(b"Success=ok");
        assert_eq!(e.map(|f| f.reason), Some("expecting return value"));
    }

    #[test]
    fn action_needs_no_space_before_next_pair() {
        // libpam's prefix matching: "okdefault=bad" is ok, then default=bad.
        let (p, e) = parse_control(b"success=okdefault=bad");
        assert!(e.is_none());
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn unknown_action() {
        let (_, e) = parse_control(b"success=allow");
        assert_eq!(e.map(|f| f.reason), Some("expecting jump number"));
    }
}
