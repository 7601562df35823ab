//! The part of an LDAP URL the module needs: scheme, host and port.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdapUrl {
    pub tls: bool,
    pub host: String,
    pub port: u16,
}

impl LdapUrl {
    /// Parses `ldap://host[:port][/...]` or `ldaps://...`; IPv6 hosts in brackets.
    pub fn parse(url: &str) -> Result<LdapUrl, String> {
        let (tls, rest) = if let Some(r) = url.strip_prefix("ldap://") {
            (false, r)
        } else if let Some(r) = url.strip_prefix("ldaps://") {
            (true, r)
        } else {
            return Err("only ldap:// and ldaps:// URIs are supported".into());
        };
        let authority = rest.split('/').next().unwrap_or("");
        let default_port = if tls { 636 } else { 389 };
        let (host, port) = split_host_port(authority)?;
        if host.is_empty() {
            return Err("the URI has no host".into());
        }
        let port = match port {
            None => default_port,
            Some(p) => p.parse().map_err(|_| format!("bad port {p:?}"))?,
        };
        Ok(LdapUrl {
            tls,
            host: host.to_string(),
            port,
        })
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(inner) = authority.strip_prefix('[') {
        let (host, after) = inner
            .split_once(']')
            .ok_or_else(|| "unterminated [ in IPv6 host".to_string())?;
        return Ok((host, after.strip_prefix(':')));
    }
    Ok(match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hosts_ports_and_schemes() {
        let u = LdapUrl::parse("ldap://127.0.0.1:3890").unwrap();
        assert_eq!((u.tls, u.host.as_str(), u.port), (false, "127.0.0.1", 3890));
        let u = LdapUrl::parse("ldaps://ldap.example.org/").unwrap();
        assert_eq!(
            (u.tls, u.host.as_str(), u.port),
            (true, "ldap.example.org", 636)
        );
        let u = LdapUrl::parse("ldap://[::1]:10389").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 10389));
        assert_eq!(LdapUrl::parse("ldap://h").unwrap().port, 389);
    }

    #[test]
    fn rejects_other_schemes_and_bad_ports() {
        assert!(LdapUrl::parse("ldapi:///var/run/slapd").is_err());
        assert!(LdapUrl::parse("http://h").is_err());
        assert!(LdapUrl::parse("ldap://h:99999").is_err());
        assert!(LdapUrl::parse("ldap://:389").is_err());
        assert!(LdapUrl::parse("ldap://[::1").is_err());
    }
}
