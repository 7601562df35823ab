//! Servers from DNS SRV records (RFC 2782), as nss-pam-ldapd's `uri DNS`
//! and SSSD's `_srv_`: `uri=dns` or `uri=dns:DOMAIN` asks `_ldap._tcp.DOMAIN`
//! for ldap:// servers, `dns+ldaps`/`dns+ldaps:DOMAIN` asks `_ldaps._tcp`
//! for ldaps:// ones. The domain defaults to the host's DNS domain (the
//! first `search` domain of /etc/resolv.conf, else its `domain`). Servers
//! are ordered by priority, then by a weighted random choice within each
//! priority (RFC 2782's algorithm). The lookup never takes longer than
//! `connect_timeout_ms`; its answer is kept on the PAM handle for the rest
//! of the transaction (`failover::ServerMemory`).
//!
//! The resolver is hickory's, reading /etc/resolv.conf only: unlike the
//! libc resolver it honours no environment variable (RES_OPTIONS,
//! LOCALDOMAIN), which in a setuid host would be the caller's.

use hickory_resolver::proto::rr::RData;
use hickory_resolver::TokioResolver;
use std::time::Duration;

/// A `uri` entry that names a DNS lookup instead of a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvSpec {
    /// ldaps:// servers from `_ldaps._tcp`, else ldap:// from `_ldap._tcp`.
    pub tls: bool,
    /// The domain given, else the host's.
    pub domain: Option<String>,
}

impl SrvSpec {
    /// `dns`, `dns:DOMAIN`, `dns+ldaps`, `dns+ldaps:DOMAIN` (case-insensitive
    /// keyword); None for anything else (an LDAP URL).
    pub fn parse(entry: &str) -> Option<Result<SrvSpec, String>> {
        let lower = entry.to_ascii_lowercase();
        let (tls, rest) = if let Some(r) = lower.strip_prefix("dns+ldaps") {
            (true, r)
        } else if let Some(r) = lower.strip_prefix("dns") {
            (false, r)
        } else {
            return None;
        };
        let domain = match rest.strip_prefix(':') {
            None if rest.is_empty() => None,
            None => return None,
            Some(d) if valid_domain(d) => Some(d.trim_end_matches('.').to_string()),
            Some(d) => return Some(Err(format!("{d:?} is not a DNS domain name"))),
        };
        Some(Ok(SrvSpec { tls, domain }))
    }

    /// The SRV name for `domain`.
    pub fn name(&self, domain: &str) -> String {
        let service = if self.tls { "_ldaps" } else { "_ldap" };
        format!("{service}._tcp.{domain}.")
    }
}

fn valid_domain(d: &str) -> bool {
    !d.is_empty()
        && d.len() <= 253
        && d.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// One SRV answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

/// RFC 2782's order: ascending priority; within one priority, repeatedly
/// pick at random with probability proportional to weight (weight 0 only
/// when nothing else is left: those are placed first among the zeros, as
/// the RFC's running-sum method gives them a chance only at sum 0).
/// `random(n)` returns a number in `0..=n`.
pub fn order(mut records: Vec<Srv>, mut random: impl FnMut(u32) -> u32) -> Vec<Srv> {
    records.sort_by_key(|r| (r.priority, r.weight));
    let mut out = Vec::with_capacity(records.len());
    while !records.is_empty() {
        let p = records[0].priority;
        let mut group: Vec<Srv> = records
            .iter()
            .filter(|r| r.priority == p)
            .cloned()
            .collect();
        records.retain(|r| r.priority != p);
        while !group.is_empty() {
            let total: u32 = group.iter().map(|r| u32::from(r.weight)).sum();
            let pick = random(total);
            let mut sum = 0;
            let i = group
                .iter()
                .position(|r| {
                    sum += u32::from(r.weight);
                    sum >= pick
                })
                .unwrap_or(0);
            out.push(group.remove(i));
        }
    }
    out
}

/// The host's DNS domain: /etc/resolv.conf's first `search` domain, else
/// its `domain` (the last such line wins, as in glibc).
pub fn host_domain(resolv_conf: &str) -> Option<String> {
    let mut search = None;
    let mut domain = None;
    for line in resolv_conf.lines() {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("search") => search = words.next().map(str::to_string),
            Some("domain") => domain = words.next().map(str::to_string),
            _ => {}
        }
    }
    search
        .or(domain)
        .map(|d| d.trim_end_matches('.').to_string())
}

/// The ldap:// or ldaps:// URLs `spec` stands for, in RFC 2782 order, or
/// why there are none; bounded by `limit`.
pub fn discover(spec: &SrvSpec, limit: Duration) -> Result<Vec<String>, String> {
    let domain = match &spec.domain {
        Some(d) => d.clone(),
        None => {
            let conf = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
            host_domain(&conf).ok_or("no domain given (uri=dns:DOMAIN) and /etc/resolv.conf names none (search or domain)")?
        }
    };
    let name = spec.name(&domain);
    let records = lookup(&name, limit)?;
    if records.is_empty() {
        return Err(format!("no SRV record for {name}"));
    }
    let scheme = if spec.tls { "ldaps" } else { "ldap" };
    Ok(order(records, |n| fastrand::u32(0..=n))
        .into_iter()
        // A target of "." means "no service here" (RFC 2782).
        .filter(|r| r.target != ".")
        .map(|r| format!("{scheme}://{}:{}", r.target.trim_end_matches('.'), r.port))
        .collect())
}

/// SRV records of `name`, within `limit`.
fn lookup(name: &str, limit: Duration) -> Result<Vec<Srv>, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the DNS lookup: {e}"))?;
    let mut builder =
        TokioResolver::builder_tokio().map_err(|e| format!("cannot read /etc/resolv.conf: {e}"))?;
    // One try per name server within the limit; the overall limit below
    // still bounds the whole lookup.
    builder.options_mut().timeout = limit;
    let resolver = builder.build().map_err(|e| format!("DNS resolver: {e}"))?;
    let answer =
        rt.block_on(async { tokio::time::timeout(limit, resolver.srv_lookup(name)).await });
    let lookup = match answer {
        Err(_) => {
            return Err(format!(
                "SRV lookup of {name} took longer than {} ms (connect_timeout_ms)",
                limit.as_millis()
            ))
        }
        Ok(Err(e)) => return Err(format!("SRV lookup of {name}: {e}")),
        Ok(Ok(l)) => l,
    };
    Ok(lookup
        .answers()
        .iter()
        .filter_map(|r| match &r.data {
            RData::SRV(s) => Some(Srv {
                priority: s.priority,
                weight: s.weight,
                port: s.port,
                target: s.target.to_ascii(),
            }),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(priority: u16, weight: u16, target: &str) -> Srv {
        Srv {
            priority,
            weight,
            port: 389,
            target: target.into(),
        }
    }

    #[test]
    fn specs_parse() {
        assert_eq!(SrvSpec::parse("ldap://h"), None);
        assert_eq!(
            SrvSpec::parse("dns"),
            Some(Ok(SrvSpec {
                tls: false,
                domain: None
            }))
        );
        assert_eq!(
            SrvSpec::parse("DNS:Example.ORG."),
            Some(Ok(SrvSpec {
                tls: false,
                domain: Some("example.org".into())
            }))
        );
        assert_eq!(
            SrvSpec::parse("dns+ldaps:example.org"),
            Some(Ok(SrvSpec {
                tls: true,
                domain: Some("example.org".into())
            }))
        );
        assert!(matches!(SrvSpec::parse("dns:bad domain"), Some(Err(_))));
        assert!(matches!(SrvSpec::parse("dns:"), Some(Err(_))));
        assert_eq!(SrvSpec::parse("dnsfoo"), None);
        let s = SrvSpec {
            tls: true,
            domain: None,
        };
        assert_eq!(s.name("example.org"), "_ldaps._tcp.example.org.");
    }

    #[test]
    fn priority_first_then_weight() {
        let records = vec![srv(20, 0, "c"), srv(10, 1, "a"), srv(10, 99, "b")];
        // Always the smallest pick: the first by running sum (weight order).
        let low = order(records.clone(), |_| 0);
        let names: Vec<&str> = low.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        // Always the largest pick: the heaviest first.
        let high = order(records, |n| n);
        let names: Vec<&str> = high.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
    }

    #[test]
    fn weights_share_the_first_place() {
        let records = vec![srv(10, 75, "heavy"), srv(10, 25, "light")];
        let mut heavy = 0;
        for _ in 0..4000 {
            if order(records.clone(), |n| fastrand::u32(0..=n))[0].target == "heavy" {
                heavy += 1;
            }
        }
        // 75% expected; a wide band (this checks the algorithm, not luck).
        assert!((2700..=3300).contains(&heavy), "{heavy}");
    }

    #[test]
    fn the_host_domain_comes_from_resolv_conf() {
        assert_eq!(
            host_domain("nameserver 1.1.1.1\nsearch a.example b.example\n"),
            Some("a.example".into())
        );
        assert_eq!(
            host_domain("domain corp.example.\n"),
            Some("corp.example".into())
        );
        assert_eq!(host_domain("nameserver 1.1.1.1\n"), None);
    }
}
