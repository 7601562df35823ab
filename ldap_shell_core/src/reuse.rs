//! What a hook call may reuse from an earlier one depends on its options:
//! a connection made with other servers, TLS settings, service account or
//! limits is not this call's to use (`parked.rs`), an entry read with
//! another search is not the entry this call would read (`recent.rs`).
//! The keys are typed values taken from `Options`, every field named: a
//! new option does not compile until it is sorted into a key or declared
//! irrelevant to both.

use crate::options::{Options, ReqCert};
use std::path::PathBuf;
use std::time::Duration;

/// The options that decide how a connection is made and bound. Two stack
/// lines share a connection only when these are equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnKey {
    uris: Vec<String>,
    starttls: bool,
    tls_cacert: Option<PathBuf>,
    tls_reqcert: ReqCert,
    connect_timeout: Duration,
    timeout: Duration,
    binddn: Option<String>,
    bindpw_file: Option<PathBuf>,
}

/// The options that decide which entry a search returns and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchKey {
    uris: Vec<String>,
    base: Option<String>,
    filter: Option<String>,
    user_attr: String,
    dn_template: Option<String>,
    shell_attr: String,
    binddn: Option<String>,
    bindpw_file: Option<PathBuf>,
}

/// Both keys of one set of options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReuseKeys {
    pub conn: ConnKey,
    pub search: SearchKey,
}

impl ReuseKeys {
    pub fn of(opts: &Options) -> ReuseKeys {
        // No `..`: adding a field to Options breaks this line until the
        // field is given to a key or listed below as irrelevant.
        let Options {
            uris,
            base,
            binddn,
            bindpw_file,
            user_attr,
            filter,
            dn_template,
            starttls,
            tls_cacert,
            tls_reqcert,
            connect_timeout,
            timeout,
            shell_attr,
            // What the checks do with an entry, how the password is
            // obtained, what is logged: neither the connection nor the entry.
            missing_shell: _,
            shells: _,
            check_shells: _,
            authz_filter: _,
            skip_shell_services: _,
            shadow_expiry: _,
            expire_warning_days: _,
            minimum_uid: _,
            pass_mode: _,
            ignore_unknown_user: _,
            no_warn: _,
            debug: _,
            origins: _,
        } = opts;
        ReuseKeys {
            conn: ConnKey {
                uris: uris.clone(),
                starttls: *starttls,
                tls_cacert: tls_cacert.clone(),
                tls_reqcert: *tls_reqcert,
                connect_timeout: *connect_timeout,
                timeout: *timeout,
                binddn: binddn.clone(),
                bindpw_file: bindpw_file.clone(),
            },
            search: SearchKey {
                uris: uris.clone(),
                base: base.clone(),
                filter: filter.clone(),
                user_attr: user_attr.clone(),
                dn_template: dn_template.clone(),
                shell_attr: shell_attr.clone(),
                binddn: binddn.clone(),
                bindpw_file: bindpw_file.clone(),
            },
        }
    }
}

impl ConnKey {
    pub fn of(opts: &Options) -> ConnKey {
        ReuseKeys::of(opts).conn
    }
}

impl SearchKey {
    pub fn of(opts: &Options) -> SearchKey {
        ReuseKeys::of(opts).search
    }
}

/// One changed value of each option a connection is made with (tests here
/// and in parked.rs).
#[cfg(test)]
pub(crate) const CONNECTION_OPTIONS: &[&str] = &[
    "uri=ldap://a",
    "starttls",
    "tls_cacert=/etc/ssl/ca.pem",
    "tls_reqcert=never",
    "connect_timeout_ms=1234",
    "timeout_ms=4321",
    "binddn=cn=other,dc=t",
    "bindpw_file=/etc/other",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::options;

    const BASE: &[&str] = &[
        "uri=ldap://a,ldap://b",
        "binddn=cn=svc,dc=t",
        "bindpw_file=/etc/pw",
    ];

    fn with(extra: &str) -> ReuseKeys {
        let mut all = BASE.to_vec();
        all.push(extra);
        ReuseKeys::of(&options(&all))
    }

    #[test]
    fn each_connection_option_changes_the_connection_key() {
        let base = ReuseKeys::of(&options(BASE));
        for extra in CONNECTION_OPTIONS {
            assert_ne!(base.conn, with(extra).conn, "{extra}");
        }
    }

    #[test]
    fn each_search_option_changes_the_search_key() {
        let base = ReuseKeys::of(&options(BASE));
        for extra in [
            "uri=ldap://a",
            "base=dc=other",
            "filter=(objectClass=posixAccount)",
            "user_attr=cn",
            "dn_template=uid=%u,dc=t",
            "shell_attr=gecos",
            "binddn=cn=other,dc=t",
            "bindpw_file=/etc/other",
        ] {
            assert_ne!(base.search, with(extra).search, "{extra}");
        }
    }

    #[test]
    fn options_of_the_checks_alone_change_no_key() {
        let base = ReuseKeys::of(&options(BASE));
        for extra in [
            "use_first_pass",
            "debug",
            "no_warn",
            "missing_shell=warn",
            "authz_filter=(x=y)",
            "shells=/etc/other-shells",
            "minimum_uid=1000",
            "ignore_unknown_user",
        ] {
            assert_eq!(base, with(extra), "{extra}");
        }
    }

    #[test]
    fn tls_and_limits_do_not_change_the_search_key() {
        let base = ReuseKeys::of(&options(BASE));
        for extra in ["starttls", "timeout_ms=4321", "tls_reqcert=never"] {
            assert_eq!(base.search, with(extra).search, "{extra}");
        }
    }
}
