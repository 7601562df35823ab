//! Escaping: user names per RFC 4515 inside search filters and RFC 4514
//! inside DNs (ldap3's implementations; these wrappers pin the behaviour
//! with tests), and any text on its way to syslog or the user's terminal
//! (`terminal_safe`).

use std::borrow::Cow;

/// `text` with every character that could forge a log line or drive a
/// terminal written out: C0 controls and DEL as `\n`, `\r`, `\t`, `\xHH`,
/// C1 controls, line/paragraph separators and bidirectional overrides as
/// `\u{HHHH}`. A user name "ghost\nsshd[1]: Accepted password for root"
/// stays one line. Backslashes are left alone so DNs read as they are written.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A user name as an assertion value in a filter: `*`, `(`, `)`, `\` and NUL
/// become `\2a`, `\28`, `\29`, `\5c`, `\00`, so a name can never widen the match.
pub fn filter_value(user: &str) -> String {
    ldap3::ldap_escape(user).into_owned()
}

/// A user name as an attribute value in a DN: `,`, `+`, `"`, `\`, `<`, `>`,
/// `;`, `=`, NUL, a leading space or `#` and a trailing space are escaped.
pub fn dn_value(user: &str) -> String {
    ldap3::dn_escape(user).into_owned()
}

/// The attribute `%u` is the value of in `dn_template` (`uid` in
/// `uid=%u,ou=people,...`), when the template has that simple form.
pub fn template_attr(template: &str) -> Option<&str> {
    let at = template.find("%u")?;
    let head = &template[..at];
    let rdn = &head[head.rfind(',').map_or(0, |i| i + 1)..];
    let attr = rdn.strip_suffix('=')?.trim();
    let simple = !attr.is_empty() && !attr.contains(['+', '=', ' ']);
    simple.then_some(attr)
}

/// `dn_template` with `%u` replaced by the escaped user name.
pub fn fill_template(template: &str, user: &str) -> String {
    template.replace("%u", &dn_value(user))
}

/// The value of `dn`'s first RDN when it is a single `attr=value` (type
/// compared without case), RFC 4514 escapes undone; None for another
/// attribute, a multi-valued RDN, a `#` BER value or a broken escape.
pub fn first_rdn_value(dn: &str, attr: &str) -> Option<String> {
    let (kind, rest) = dn.split_once('=')?;
    if !kind.trim().eq_ignore_ascii_case(attr) || rest.starts_with('#') {
        return None;
    }
    let mut value = Vec::new();
    let mut bytes = rest.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b',' => break,
            b'+' => return None,
            b'\\' => {
                let first = bytes.next()?;
                if first.is_ascii_hexdigit() {
                    let second = bytes.next()?;
                    let hex = [first, second];
                    let hex = std::str::from_utf8(&hex).ok()?;
                    value.push(u8::from_str_radix(hex, 16).ok()?);
                } else {
                    value.push(first);
                }
            }
            b => value.push(b),
        }
    }
    String::from_utf8(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_rdn_value_undoes_dn_escaping() {
        assert_eq!(
            first_rdn_value("uid=alice,ou=people,dc=x", "UID").as_deref(),
            Some("alice")
        );
        for name in ["a,b", "x+y", " lead", "trail ", "#hash", "q\"uote", "é"] {
            let dn = format!("cn={},dc=x", dn_value(name));
            assert_eq!(first_rdn_value(&dn, "cn").as_deref(), Some(name), "{dn}");
        }
        assert_eq!(
            first_rdn_value("cn=J\\C3\\A9,dc=x", "cn").as_deref(),
            Some("Jé")
        );
        assert_eq!(first_rdn_value("cn=a,dc=x", "uid"), None);
        assert_eq!(first_rdn_value("cn=a+uid=b,dc=x", "cn"), None);
        assert_eq!(first_rdn_value("cn=#0401,dc=x", "cn"), None);
        assert_eq!(first_rdn_value("cn=a\\", "cn"), None);
    }

    #[test]
    fn text_for_logs_and_terminals_cannot_forge_lines_or_drive_the_terminal() {
        assert!(matches!(
            terminal_safe("alice /bin/bash é"),
            Cow::Borrowed(_)
        ));
        let forged = "ghost\nDec  2 10:00:00 host sshd[999]: Accepted password for root";
        let safe = terminal_safe(forged);
        assert!(
            !safe.contains('\n') && safe.starts_with("ghost\\nDec"),
            "{safe}"
        );
        assert_eq!(
            terminal_safe("a\rb\tc\x1b[2Jd\x7f\0"),
            "a\\rb\\tc\\x1b[2Jd\\x7f\\x00"
        );
        assert_eq!(
            terminal_safe("x\u{85}y\u{202e}z\u{2028}"),
            "x\\u{0085}y\\u{202e}z\\u{2028}"
        );
        // DNs keep their own escapes readable.
        assert_eq!(terminal_safe("uid=bo\\2cb,dc=t"), "uid=bo\\2cb,dc=t");
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let s = terminal_safe(&c.to_string()).into_owned();
            assert!(!s.chars().any(needs_escape), "{c:?} -> {s:?}");
        }
    }

    #[test]
    fn filter_values_per_rfc4515() {
        assert_eq!(filter_value("alice"), "alice");
        assert_eq!(filter_value("a*b"), "a\\2ab");
        assert_eq!(filter_value("x(y)"), "x\\28y\\29");
        assert_eq!(filter_value("*)(uid=*"), "\\2a\\29\\28uid=\\2a");
        assert_eq!(filter_value("back\\slash"), "back\\5cslash");
        assert_eq!(filter_value("nul\0"), "nul\\00");
        // The result never contains an unescaped special character.
        let hostile = "*()\\\0*)(|(uid=*";
        let escaped = filter_value(hostile);
        assert!(!escaped.contains(['*', '(', ')', '\0']), "{escaped}");
    }

    #[test]
    fn dn_values_per_rfc4514() {
        assert_eq!(dn_value("alice"), "alice");
        for (raw, special) in [
            ("bo,b", ','),
            ("a+b", '+'),
            ("a=b", '='),
            ("a;b", ';'),
            ("a\"b", '"'),
        ] {
            let e = dn_value(raw);
            assert!(!e.contains(special), "{raw} -> {e}");
            assert!(e.contains('\\'), "{raw} -> {e}");
        }
        assert!(dn_value(" lead").starts_with('\\'));
        assert!(dn_value("#hash").starts_with('\\'));
        assert!(dn_value("trail ").ends_with("\\20"));
        assert_eq!(
            fill_template("uid=%u,ou=people,dc=example,dc=org", "bo,b"),
            "uid=bo\\2cb,ou=people,dc=example,dc=org"
        );
    }

    #[test]
    fn the_template_attribute_is_found_in_simple_templates() {
        assert_eq!(template_attr("uid=%u,ou=p,dc=t"), Some("uid"));
        assert_eq!(template_attr("ou=x,cn=%u,dc=t"), Some("cn"));
        assert_eq!(template_attr("uid=x%u,dc=t"), None);
        assert_eq!(template_attr("dc=t"), None);
    }
}
