//! Two real slapd providers in mirror mode (syncrepl + syncprov, each the
//! other's consumer) on loopback ports, the module configured with both:
//! logins keep their answers while one provider is killed, frozen
//! (SIGSTOP: it accepts connections and answers nothing) and restarted; a
//! password changed through the module while the first provider is down
//! lands on the second and replicates back; a loginShell fixed on one
//! provider is seen through the other. One test in this binary: the pair
//! is shared by the phases, in order. `Slapd::freeze` returns once every
//! slapd thread is stopped, so "A frozen" means A answers nothing; a search
//! A answered just before would no longer fail the login anyway (its bind
//! moves to B: tests/hung_bind.rs).

mod common;
#[path = "support/dns.rs"]
mod dns;
use common::*;
use std::time::{Duration, Instant};
use testkit::libpam::{name, run_with_password, Call};
use testkit::Slapd;

/// Provider `id` of the pair, replicating from `peer`'s port.
fn provider(id: u32, port: u16, peer: u16, load: bool) -> Slapd {
    let global = format!("moduleload syncprov\nserverID {id}");
    let database = format!(
        "index entryCSN,entryUUID eq\n\
         overlay syncprov\n\
         syncrepl rid=00{id} provider=ldap://127.0.0.1:{peer} bindmethod=simple \
         binddn=\"cn=admin,{BASE}\" credentials=admin-secret searchbase=\"{BASE}\" \
         type=refreshAndPersist retry=\"1 +\" timeout=1 network-timeout=1\n\
         mirrormode TRUE"
    );
    Slapd::start_at(port, &global, &database, load).expect("provider")
}

/// Waits (up to 30 s: this waits for replication, it measures nothing)
/// until `check` holds.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("not replicated within 30 s: {what}");
}

/// Whether `dn` binds with `password` on `uri` (directly, as an admin's tool would).
fn binds(uri: &str, dn: &str, password: &str) -> bool {
    let Ok(mut c) = ldap3::LdapConn::with_settings(
        ldap3::LdapConnSettings::new().set_conn_timeout(Duration::from_secs(2)),
        uri,
    ) else {
        return false;
    };
    c.with_timeout(Duration::from_secs(2))
        .simple_bind(dn, password)
        .is_ok_and(|r| r.rc == 0)
}

/// The loginShell of `uid` on `uri`.
fn shell_on(uri: &str, uid: &str) -> Option<String> {
    let mut c = ldap3::LdapConn::new(uri).ok()?;
    let (entries, _) = c
        .with_timeout(Duration::from_secs(2))
        .search(
            &format!("uid={uid},ou=people,{BASE}"),
            ldap3::Scope::Base,
            "(objectClass=*)",
            vec!["loginShell"],
        )
        .ok()?
        .success()
        .ok()?;
    let e = ldap3::SearchEntry::construct(entries.into_iter().next()?);
    e.attrs.get("loginShell")?.first().cloned()
}

/// 200 logins (auth then account), 50 at a time; every answer must be
/// right. Returns the slowest and the 99th percentile.
fn logins(dir: &std::path::Path) -> (Duration, Duration) {
    let mut times = Vec::new();
    for round in 0..4 {
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let dir = dir.to_path_buf();
                std::thread::spawn(move || {
                    let (user, pw, expected) = match i % 5 {
                        0 => ("alice", "wrong", "PAM_AUTH_ERR"),
                        1 => ("nobody-here", PASSWORD, "PAM_USER_UNKNOWN"),
                        _ => ("alice", PASSWORD, "PAM_SUCCESS"),
                    };
                    let start = Instant::now();
                    let got = name(run_with_password(
                        &dir,
                        "test",
                        user,
                        pw,
                        Call::Authenticate,
                    ));
                    (start.elapsed(), got, expected, user)
                })
            })
            .collect();
        for h in handles {
            let (t, got, expected, user) = h.join().expect("login thread");
            assert_eq!(got, expected, "round {round}, {user}");
            times.push(t);
        }
    }
    times.sort();
    (times[times.len() - 1], times[times.len() * 99 / 100])
}

#[test]
fn a_mirror_mode_pair_keeps_logins_right_through_failures_and_replicates_changes() {
    let (pa, pb) = (testkit::slapd::free_port(), testkit::slapd::free_port());
    let mut a = provider(1, pa, pb, true);
    let b = provider(2, pb, pa, false);
    let alice = format!("uid=alice,ou=people,{BASE}");
    eventually("B has A's entries", || binds(b.uri(), &alice, PASSWORD));
    let args = format!(
        "uri={},{} base={BASE} connect_timeout_ms=2000 timeout_ms=2000",
        a.uri(),
        b.uri()
    );
    let dir = confdir(&args);
    // The bound below only catches a hang: the configured limits are 2 s
    // each (generous: 50 logins at once on a loaded 2-CPU machine must not
    // make the second server look dead).
    let bound = Duration::from_secs(12);
    for (phase, setup) in [
        ("both up", 0),
        ("A killed", 1),
        ("A restarted", 2),
        ("A frozen", 3),
        ("A thawed", 4),
    ] {
        match setup {
            1 => a.kill(),
            2 => a.restart().expect("restart A"),
            3 => a.freeze(),
            4 => a.thaw(),
            _ => {}
        }
        let (max, p99) = logins(dir.path());
        eprintln!("{phase}: 200 logins, 50 at a time: p99 {p99:?}, max {max:?}");
        assert!(max < bound, "{phase}: a login took {max:?}");
    }

    // The pair found through DNS SRV (same priority, equal weights: either
    // may come first), with A killed: every login is still right.
    let ns = dns::own_address();
    let _dns = dns::Dns::start(
        &ns,
        &[
            "--host-record=ldap-a.example.test,127.0.0.1".into(),
            "--host-record=ldap-b.example.test,127.0.0.1".into(),
            format!("--srv-host=_ldap._tcp.example.test,ldap-a.example.test,{pa},10,50"),
            format!("--srv-host=_ldap._tcp.example.test,ldap-b.example.test,{pb},10,50"),
        ],
    );
    a.kill();
    let mut sb = sandbox(&format!(
        "uri=dns:example.test base={BASE} connect_timeout_ms=2000 timeout_ms=2000"
    ));
    sb.replace_file(
        "/etc/resolv.conf",
        &format!(
            "nameserver {ns}
options timeout:30 attempts:1
"
        ),
    );
    for _ in 0..10 {
        let run = sb.pamtester(
            "test",
            "alice",
            &["authenticate", "acct_mgmt"],
            &format!("{PASSWORD}\n"),
        );
        assert_result(&run, "PAM_SUCCESS");
    }
    a.restart().expect("restart A");

    // A password changed through the module while A is down lands on B...
    a.kill();
    let new = "Replicated-Pass-5";
    let mut sb = testkit::Sandbox::new();
    sb.service("test", &stack(&args)).shells(SHELLS);
    let run = sb.pamtester(
        "test",
        "alice",
        &["chauthtok"],
        &format!("{PASSWORD}\n{new}\n{new}\n"),
    );
    assert_result(&run, "PAM_SUCCESS");
    assert!(binds(b.uri(), &alice, new), "B did not take the change");
    // ...and reaches A once it is back; a login against A alone then works.
    a.restart().expect("restart A");
    eventually("the new password on A", || binds(a.uri(), &alice, new));
    let only_a = confdir(&format!("uri={} base={BASE}", a.uri()));
    assert_eq!(
        name(run_with_password(
            only_a.path(),
            "test",
            "alice",
            new,
            Call::Authenticate
        )),
        "PAM_SUCCESS"
    );

    // carol's shell, fixed on B, is seen through A: the account check follows.
    assert_eq!(
        name(run_with_password(
            only_a.path(),
            "test",
            "carol",
            "",
            Call::AcctMgmt
        )),
        "PAM_PERM_DENIED"
    );
    ldapmodify(
        b.uri(),
        &format!("dn: uid=carol,ou=people,{BASE}\nchangetype: modify\nreplace: loginShell\nloginShell: /bin/bash\n"),
    );
    eventually("carol's shell on A", || {
        shell_on(a.uri(), "carol").as_deref() == Some("/bin/bash")
    });
    assert_eq!(
        name(run_with_password(
            only_a.path(),
            "test",
            "carol",
            "",
            Call::AcctMgmt
        )),
        "PAM_SUCCESS"
    );
}
