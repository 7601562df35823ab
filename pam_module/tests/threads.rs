//! No thread may outlive a hook call: ldap3's sync connection runs a tokio
//! runtime; it must be gone (with any blocking-pool thread) when the
//! directory is dropped, and a connection kept for the next hook call must
//! not hold one. One test in this binary, so no other test's
//! threads disturb the count of /proc/self/task.

mod common;
use pam_ldap_shell::directory::{BindOutcome, Directory, Lookup};
use pam_ldap_shell::ldap::LdapDirectory;
use pam_ldap_shell::options::{Options, Origin, Setting};

fn task_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .count()
}

fn options(extra: &[&str]) -> Options {
    let mut v = vec![
        format!("uri={}", common::uri()),
        format!("base={}", common::BASE),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    let settings: Vec<Setting> = v
        .iter()
        .map(|a| Setting::parse(a, Origin::Arguments))
        .collect();
    Options::from_settings(&settings).expect("options")
}

#[test]
fn no_thread_outlives_a_directory() {
    let opts = options(&[]);
    // Start the servers (child processes, no threads) before counting.
    let _ = common::uri();
    let tls = testkit::Slapd::shared_tls();
    let before = task_count();
    for _ in 0..3 {
        let mut dir = LdapDirectory::new(&opts);
        let Lookup::Found(entry) = dir.lookup("alice").expect("lookup") else {
            panic!("alice not found");
        };
        assert_eq!(entry.shell_values, vec!["/bin/bash"]);
        assert_eq!(
            dir.bind(&entry.dn, common::PASSWORD).expect("bind"),
            BindOutcome::Success
        );
        drop(dir);
        assert_eq!(task_count(), before, "a thread outlived the directory");
    }
    // "localhost" goes through name resolution too.
    let local = options(&[&format!(
        "uri={}",
        common::uri().replace("127.0.0.1", "localhost")
    )]);
    let mut dir = LdapDirectory::new(&local);
    assert!(matches!(dir.lookup("alice"), Ok(Lookup::Found(_))));
    drop(dir);
    // ldaps:// and StartTLS (rustls) leave nothing behind either.
    let ca = format!("tls_cacert={}", tls.ca_cert().expect("CA").display());
    let ldaps = options(&[&format!("uri={}", tls.ldaps_uri().expect("ldaps")), &ca]);
    let starttls = options(&[&format!("uri={}", tls.uri()), &ca, "starttls"]);
    for o in [&ldaps, &starttls] {
        let mut dir = LdapDirectory::new(o);
        assert!(matches!(dir.lookup("alice"), Ok(Lookup::Found(_))));
        drop(dir);
    }
    assert_eq!(task_count(), before, "a thread outlived a TLS directory");
    // A connection kept between hook calls (parked on the PAM handle) has
    // no thread either: ldap3's runtime is current-thread and runs only
    // inside an operation.
    for o in [&opts, &ldaps, &starttls] {
        let mut dir = LdapDirectory::new(o);
        assert!(matches!(dir.lookup("alice"), Ok(Lookup::Found(_))));
        let (conn, _uri, user_bound) = dir.into_parts().expect("a live connection to keep");
        assert!(!user_bound);
        assert_eq!(task_count(), before, "a kept connection has a thread");
        let mut again = LdapDirectory::new(o);
        again.adopt(conn, o.uris[0].clone(), true);
        assert!(matches!(again.lookup("alice"), Ok(Lookup::Found(_))));
        drop(again);
        assert_eq!(task_count(), before, "a thread outlived a kept connection");
    }
    // A failed connection leaves nothing behind either.
    let down = options(&["uri=ldap://127.0.0.1:1"]);
    let mut dir = LdapDirectory::new(&down);
    assert!(dir.lookup("alice").is_err());
    drop(dir);
    assert_eq!(task_count(), before, "a thread outlived the directory");
}
