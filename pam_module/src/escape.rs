//! Escaping user names: RFC 4515 inside search filters, RFC 4514 inside DNs
//! (ldap3's implementations; these wrappers pin the behaviour with tests).

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

#[cfg(test)]
mod tests {
    use super::*;

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
