//! A read-only scan of every user entry the module could find, for
//! `pamlint audit` (issue 17): the module's own options, servers (failover,
//! `uri=dns`), TLS and search identity (the service account, or anonymous),
//! and the attributes its account phase reads. Entries are read with RFC 2696
//! simple paged results and handed over one at a time, so memory does not
//! grow with the directory. It never binds as a user and never writes.

use crate::directory::{DirError, UserEntry, ACCOUNT_ATTRIBUTES};
use crate::escape::{first_rdn_value, template_attr};
use crate::ldap::LdapDirectory;
use crate::options::Options;
use ldap3::asn1::{parse_tag, TagClass, PL};
use ldap3::controls::{Control, ControlType, PagedResults};
use ldap3::{LdapConn, Scope, SearchEntry};

/// Entries asked for per page unless the caller says otherwise (OpenLDAP's
/// default hard size limit is 500: a page never exceeds it).
pub const DEFAULT_PAGE_SIZE: u32 = 500;

const RC_SIZELIMIT_EXCEEDED: u32 = 4;

/// Attributes read besides the module's own: what NSS (nss-pam-ldapd) shows
/// of the account. ppolicy's expiry and grace state are not read: the server
/// decides them at the user's bind, with its policy, which the account phase
/// never sees either.
pub const EXTRA_ATTRIBUTES: &[&str] = &["gidNumber", "homeDirectory"];

/// One user entry as the account phase sees it, with what NSS would show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedUser {
    /// The values of `user_attr` (a user name per value).
    pub names: Vec<String>,
    /// What the account phase reads (dn, shell values, uidNumber, locks, aging).
    pub entry: UserEntry,
    pub gid_number: Option<u32>,
    pub home: Option<String>,
}

/// What a finished scan saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub entries: u64,
    /// Pages the server sent (one search request each).
    pub pages: u64,
}

/// Where and what the scan searches, and how an entry's login names are
/// read. With `dn_template` the module reads `ATTR=%u,PARENT` (whatever
/// `base` says): the entries one level below PARENT carrying ATTR, each
/// named by its first RDN's value. Otherwise the module's `base` with its
/// `filter` and `user_attr` present, named by `user_attr`'s values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanScope {
    pub base: String,
    pub one_level: bool,
    pub filter: String,
    /// `dn_template`'s attribute: names come from the DN, not `user_attr`.
    pub rdn_attr: Option<String>,
}

impl ScanScope {
    pub fn of(opts: &Options) -> Result<ScanScope, DirError> {
        if let Some(template) = &opts.dn_template {
            return Self::of_template(template);
        }
        let present = format!("({}=*)", opts.user_attr);
        let filter = match &opts.filter {
            Some(f) => format!("(&{f}{present})"),
            None => present,
        };
        Ok(ScanScope {
            // validate() guarantees base or dn_template.
            base: opts.base.clone().unwrap_or_default(),
            one_level: false,
            filter,
            rdn_attr: None,
        })
    }

    /// `ATTR=%u,PARENT` only: another shape names entries no scan can list.
    fn of_template(template: &str) -> Result<ScanScope, DirError> {
        let shape = || {
            let attr = template_attr(template)?;
            let (first, parent) = template.split_once(',')?;
            let parent = parent.trim();
            (first.trim() == format!("{attr}=%u") && !parent.is_empty())
                .then(|| (attr.to_string(), parent.to_string()))
        };
        let (attr, parent) = shape().ok_or_else(|| {
            DirError::Failed(format!(
                "dn_template {template}: users can be listed only when it is ATTR=%u,PARENT (%u the whole first RDN)"
            ))
        })?;
        Ok(ScanScope {
            base: parent,
            one_level: true,
            filter: format!("({attr}=*)"),
            rdn_attr: Some(attr),
        })
    }

    /// The names the module finds `entry` by: with `dn_template`, its RDN
    /// value (when the attribute holds it exactly, the module's own check);
    /// else every value of `user_attr`.
    fn names(&self, opts: &Options, entry: &SearchEntry) -> Vec<String> {
        match &self.rdn_attr {
            Some(attr) => first_rdn_value(&entry.dn, attr)
                .filter(|v| crate::ldap::values_of(entry, attr).contains(v))
                .into_iter()
                .collect(),
            None => crate::ldap::values_of(entry, &opts.user_attr),
        }
    }
}

/// The attributes each scanned entry is read with.
pub fn attributes(opts: &Options) -> Vec<String> {
    let mut attrs = vec![
        opts.user_attr.clone(),
        opts.shell_attr.clone(),
        "uidNumber".to_string(),
    ];
    if let Some(a) = opts.dn_template.as_deref().and_then(template_attr) {
        attrs.push(a.to_string());
    }
    attrs.extend(ACCOUNT_ATTRIBUTES.iter().map(|a| a.to_string()));
    attrs.extend(EXTRA_ATTRIBUTES.iter().map(|a| a.to_string()));
    attrs
}

/// The servers of `uri`, with `dns` entries replaced by their SRV answer
/// (in RFC 2782 order); an entry whose lookup fails is skipped with its
/// reason in `failures`.
pub fn servers(opts: &Options, failures: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for entry in &opts.uris {
        match crate::discovery::SrvSpec::parse(entry) {
            Some(Ok(spec)) => match crate::discovery::discover(&spec, opts.connect_timeout) {
                Ok(found) => out.extend(found),
                Err(why) => failures.push(format!("uri {entry}: no LDAP server from DNS: {why}")),
            },
            _ => out.push(entry.clone()),
        }
    }
    out
}

/// Reads every user entry page by page, calling `each` once per entry in
/// the order the server sends them. `each` returning Err stops the scan
/// (the connection is closed with the rest unread) and the error comes
/// back as `DirError::Failed`.
pub fn scan(
    opts: &Options,
    page_size: u32,
    each: &mut dyn FnMut(ScannedUser) -> Result<(), String>,
) -> Result<ScanStats, DirError> {
    scan_attributes(opts, page_size, &attributes(opts), each)
}

/// As `scan`, reading only the user names (`user_attr`): a light first pass
/// (an audit looks for names on more than one entry with it).
pub fn scan_names(
    opts: &Options,
    page_size: u32,
    each: &mut dyn FnMut(ScannedUser) -> Result<(), String>,
) -> Result<ScanStats, DirError> {
    let mut attrs = vec![opts.user_attr.clone()];
    attrs.extend(
        opts.dn_template
            .as_deref()
            .and_then(template_attr)
            .map(str::to_string),
    );
    scan_attributes(opts, page_size, &attrs, each)
}

fn scan_attributes(
    opts: &Options,
    page_size: u32,
    attrs: &[String],
    each: &mut dyn FnMut(ScannedUser) -> Result<(), String>,
) -> Result<ScanStats, DirError> {
    let mut failures = Vec::new();
    let order = servers(opts, &mut failures);
    if order.is_empty() {
        return Err(DirError::Unavailable(format!(
            "no server to try ({})",
            failures.join("; ")
        )));
    }
    let mut dir = LdapDirectory::with_order(opts, order);
    let conn = dir.search_connection()?;
    let mut stats = ScanStats::default();
    let scope = ScanScope::of(opts)?;
    let size = i32::try_from(page_size.max(1)).unwrap_or(i32::MAX);
    let mut cookie = Vec::new();
    loop {
        let next = one_page(opts, conn, &scope, attrs, size, cookie, &mut stats, each)?;
        stats.pages += 1;
        match next {
            Some(c) if !c.is_empty() => cookie = c,
            _ => break,
        }
    }
    Ok(stats)
}

/// One page: a search carrying the paged-results control with `cookie`;
/// returns the server's next cookie (empty or None: no more pages).
#[allow(clippy::too_many_arguments)]
fn one_page(
    opts: &Options,
    conn: &mut LdapConn,
    scope: &ScanScope,
    attrs: &[String],
    size: i32,
    cookie: Vec<u8>,
    stats: &mut ScanStats,
    each: &mut dyn FnMut(ScannedUser) -> Result<(), String>,
) -> Result<Option<Vec<u8>>, DirError> {
    let control = PagedResults { size, cookie };
    let ldap_scope = if scope.one_level {
        Scope::OneLevel
    } else {
        Scope::Subtree
    };
    let mut stream = conn
        .with_controls(control)
        .with_timeout(opts.timeout)
        .streaming_search(&scope.base, ldap_scope, &scope.filter, attrs.to_vec())
        .map_err(transport)?;
    let mut stopped = None;
    loop {
        match stream.next() {
            Ok(Some(raw)) => {
                let entry = SearchEntry::construct(raw);
                stats.entries += 1;
                if let Err(why) = each(scanned(opts, scope, entry)) {
                    stopped = Some(why);
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => return Err(transport(e)),
        }
    }
    let result = stream.result();
    if let Some(why) = stopped {
        return Err(DirError::Failed(why));
    }
    if result.rc == RC_SIZELIMIT_EXCEEDED {
        return Err(DirError::Failed(format!(
            "the server stopped the paged search {} under \"{}\" after {} entries (sizeLimitExceeded): its size limit for this identity also bounds paged searches; raise it for the search identity (OpenLDAP: limits ... size.prtotal=unlimited)",
            scope.filter, scope.base, stats.entries
        )));
    }
    if result.rc != 0 {
        return Err(DirError::Failed(format!(
            "the paged search {} under \"{}\" failed with result code {} ({})",
            scope.filter, scope.base, result.rc, result.text
        )));
    }
    next_cookie(&result.ctrls)
}

/// The cookie of the response's paged-results control (None: no control,
/// the server sent everything in one page). ldap3's own parser panics on a
/// malformed value, so the value is read with the BER reader that answers
/// None; a malformed control is an error, never a silently shorter audit.
fn next_cookie(ctrls: &[Control]) -> Result<Option<Vec<u8>>, DirError> {
    let Some(raw) = ctrls.iter().find_map(|c| match c {
        Control(Some(ControlType::PagedResults), raw) => Some(raw),
        _ => None,
    }) else {
        return Ok(None);
    };
    raw.val
        .as_deref()
        .and_then(paged_cookie)
        .map(Some)
        .ok_or_else(|| {
            DirError::Failed(
                "the server's paged-results control is malformed: the scan cannot go on".into(),
            )
        })
}

/// `SEQUENCE { size INTEGER, cookie OCTET STRING }` (RFC 2696): the cookie.
fn paged_cookie(value: &[u8]) -> Option<Vec<u8>> {
    const INTEGER: u64 = 2;
    const OCTET_STRING: u64 = 4;
    let (rest, seq) = parse_tag(value).ok()?;
    let PL::C(fields) = seq.payload else {
        return None;
    };
    match <[_; 2]>::try_from(fields).ok()? {
        [size, cookie]
            if rest.is_empty()
                && size.class == TagClass::Universal
                && size.id == INTEGER
                && cookie.class == TagClass::Universal
                && cookie.id == OCTET_STRING =>
        {
            match cookie.payload {
                PL::P(bytes) => Some(bytes),
                PL::C(_) => None,
            }
        }
        _ => None,
    }
}

fn transport(e: ldap3::LdapError) -> DirError {
    DirError::Unavailable(crate::ldap_link::LinkError::from(e).describe())
}

fn scanned(opts: &Options, scope: &ScanScope, e: SearchEntry) -> ScannedUser {
    let first = |attr: &str| crate::ldap::values_of(&e, attr).into_iter().next();
    let number = |attr: &str| first(attr).and_then(|v| v.trim().parse().ok());
    let names = scope.names(opts, &e);
    let gid_number = number("gidNumber");
    let home = first("homeDirectory");
    ScannedUser {
        names,
        gid_number,
        home,
        entry: crate::ldap::user_entry(opts, e),
    }
}

/// A directory for the module's per-user requests (its lookup, the
/// `authz_filter` base search) on a connection of its own, over the same
/// servers as `scan`: an audit asks them while the scan's connection is busy
/// streaming, or instead of a scan for a list of users.
pub fn per_user_directory(opts: &Options) -> LdapDirectory<'_> {
    let mut failures = Vec::new();
    let order = servers(opts, &mut failures);
    LdapDirectory::with_order(opts, order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{Origin, Setting};

    fn opts(args: &[&str]) -> Options {
        let settings: Vec<Setting> = args
            .iter()
            .map(|a| Setting::parse(a, Origin::Arguments))
            .collect();
        Options::from_settings(&settings).unwrap()
    }

    #[test]
    fn scope_is_the_module_filter_with_the_user_attribute_present() {
        let o = opts(&["uri=ldap://h", "base=dc=x"]);
        assert_eq!(
            ScanScope::of(&o).unwrap(),
            ScanScope {
                base: "dc=x".into(),
                one_level: false,
                filter: "(uid=*)".into(),
                rdn_attr: None,
            }
        );
        let o = opts(&[
            "uri=ldap://h",
            "base=dc=x",
            "user_attr=cn",
            "filter=(objectClass=posixAccount)",
        ]);
        assert_eq!(
            ScanScope::of(&o).unwrap().filter,
            "(&(objectClass=posixAccount)(cn=*))"
        );
    }

    #[test]
    fn a_template_scope_is_its_parent_named_by_the_rdn_whatever_base_says() {
        let want = ScanScope {
            base: "ou=people,dc=x".into(),
            one_level: true,
            filter: "(cn=*)".into(),
            rdn_attr: Some("cn".into()),
        };
        for args in [
            &["uri=ldap://h", "dn_template=cn=%u,ou=people,dc=x"][..],
            &[
                "uri=ldap://h",
                "base=dc=x",
                "dn_template=cn=%u,ou=people,dc=x",
            ][..],
        ] {
            assert_eq!(ScanScope::of(&opts(args)).unwrap(), want, "{args:?}");
        }
        for template in ["cn=%u", "cn=u%u,dc=x", "ou=x,cn=%u,dc=x", "cn=%u+sn=a,dc=x"] {
            let o = opts(&["uri=ldap://h", &format!("dn_template={template}")]);
            assert!(ScanScope::of(&o).is_err(), "{template}");
        }
        // The name is the RDN's value (escapes undone), if the attribute holds it.
        let scope = want;
        let entry = |dn: &str, cn: &[&str]| SearchEntry {
            dn: dn.into(),
            attrs: [("cn".to_string(), cn.iter().map(|v| v.to_string()).collect())].into(),
            bin_attrs: Default::default(),
        };
        let o = opts(&["uri=ldap://h", "dn_template=cn=%u,ou=people,dc=x"]);
        assert_eq!(
            scope.names(&o, &entry("cn=a\\2cb,ou=people,dc=x", &["x", "a,b"])),
            ["a,b"]
        );
        assert!(scope
            .names(&o, &entry("cn=a,ou=people,dc=x", &["b"]))
            .is_empty());
    }

    #[test]
    fn attributes_cover_the_account_phase_and_nss() {
        let o = opts(&["uri=ldap://h", "base=dc=x", "shell_attr=shell-x"]);
        let a = attributes(&o);
        for want in ["uid", "shell-x", "uidNumber", "shadowExpire", "gidNumber"] {
            assert!(a.iter().any(|x| x == want), "{want} in {a:?}");
        }
    }

    #[test]
    fn a_malformed_paged_control_is_an_error_not_a_panic() {
        use ldap3::controls::RawControl;
        let control = |val: Option<Vec<u8>>| {
            Control(
                Some(ControlType::PagedResults),
                RawControl {
                    ctype: "1.2.840.113556.1.4.319".into(),
                    crit: false,
                    val,
                },
            )
        };
        for bad in [
            Some(vec![0xff, 0x01]),
            None,
            // SEQUENCE { INTEGER 0 } without the cookie.
            Some(vec![0x30, 0x03, 0x02, 0x01, 0x00]),
            // SEQUENCE { INTEGER 0, INTEGER 0 }.
            Some(vec![0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]),
        ] {
            assert!(next_cookie(&[control(bad.clone())]).is_err(), "{bad:?}");
        }
        assert_eq!(next_cookie(&[]).unwrap(), None);
        let good: RawControl = PagedResults {
            size: 0,
            cookie: b"abc".to_vec(),
        }
        .into();
        assert_eq!(
            next_cookie(&[Control(Some(ControlType::PagedResults), good)]).unwrap(),
            Some(b"abc".to_vec())
        );
    }
}
