//! Property-based fuzzing (proptest) of what an attacker or a careless
//! administrator controls: module arguments and config files, LDAP URLs,
//! user names inside filters and DNs, and the directory's answers as the
//! hooks turn them into PAM results. Runs in the normal test suite with a
//! bounded number of cases (PROPTEST_CASES raises it for long runs).
//!
//! Properties: nothing panics; no input widens a filter or adds a DN
//! component; auth succeeds only with the directory's password for a found,
//! unambiguous entry; account succeeds only for exactly one listed shell.

use crate::directory::{DirError, Lookup, UserEntry};
use crate::options::{Options, Origin, Setting};
use crate::testing::{context, options, FakeDir, FakePam};
use crate::transaction::Handover;
use pam::constants::PamResultCode;
use proptest::prelude::*;
use std::path::Path;

fn config() -> ProptestConfig {
    // 256 cases keeps CI quick; PROPTEST_CASES=N runs longer.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Option-like strings: known names with odd values, and noise.
fn option_text() -> impl Strategy<Value = String> {
    // Every option the module knows, plus `config` (valid only as an argument).
    let mut known = crate::options::OPTION_NAMES.to_vec();
    known.push("config");
    let names = prop::sample::select(known);
    prop_oneof![
        (names, ".{0,40}").prop_map(|(n, v)| format!("{n}={v}")),
        ".{0,60}",
    ]
}

fn entry(shells: Vec<String>) -> Lookup {
    Lookup::Found(UserEntry {
        dn: "uid=u,dc=t".into(),
        shell_values: shells,
        uid_number: None,
        account: Default::default(),
    })
}

fn lookup_strategy() -> impl Strategy<Value = Result<Lookup, DirError>> {
    prop_oneof![
        prop::collection::vec(".{0,30}", 0..4).prop_map(|v| Ok(entry(v))),
        Just(Ok(Lookup::NotFound)),
        prop::collection::vec(".{0,10}", 2..4).prop_map(|v| Ok(Lookup::Ambiguous(v))),
        ".{0,20}".prop_map(|s| Err(DirError::Unavailable(s))),
        ".{0,20}".prop_map(|s| Err(DirError::Failed(s))),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn option_parsing_never_panics(args in prop::collection::vec(option_text(), 0..8)) {
        let settings: Vec<Setting> =
            args.iter().map(|a| Setting::parse(a, Origin::Arguments)).collect();
        let _ = Options::from_settings(&settings);
    }

    #[test]
    fn config_files_never_panic(text in "(.{0,50}\n){0,8}") {
        let mut settings = crate::sources::parse_config_file(&text, Path::new("/f"));
        settings.extend(crate::sources::parse_openldap_conf(&text, Path::new("/l")));
        let _ = Options::from_settings(&settings);
        let _ = crate::shells::parse_shells(&text);
    }

    #[test]
    fn urls_never_panic(url in "(ldaps?://)?.{0,40}") {
        let _ = crate::ldap_url::LdapUrl::parse(&url);
    }

    #[test]
    fn escaped_names_cannot_change_a_filter_or_a_dn(user in "\\PC{0,30}") {
        let f = crate::escape::filter_value(&user);
        prop_assert!(!f.contains(['*', '(', ')', '\0']));
        // Every backslash starts a two-hex-digit escape.
        let b = f.as_bytes();
        for (i, c) in b.iter().enumerate() {
            if *c == b'\\' {
                prop_assert!(b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit());
            }
        }
        let dn = crate::escape::fill_template("uid=%u,ou=p,dc=t", &user);
        // Unescaped separators are the template's two only.
        let mut plain = 0;
        let mut escaped = false;
        for c in dn.chars() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, ',' | '+' | ';') => plain += 1,
                _ => {}
            }
        }
        prop_assert_eq!(plain, 2, "{}", dn);
    }

    #[test]
    fn auth_decisions_follow_the_directory(
        lookup in lookup_strategy(),
        password in prop::collection::vec(any::<u8>(), 0..24),
        right in prop::bool::ANY,
    ) {
        let pw = if right { b"right".to_vec() } else { password };
        let mut pam = FakePam::new("u", &[]);
        pam.answers = vec![pw.clone()];
        let mut dir = FakeDir::with(Lookup::NotFound);
        dir.lookup = lookup.clone();
        let o = options(&[]);
        let mut handover = Handover::default();
        let mut ctx = context(&mut pam, &o, &mut handover);
        let code = crate::auth::authenticate(&mut ctx, &mut dir) as i32;
        let (success, unavail) = (PamResultCode::PAM_SUCCESS as i32, PamResultCode::PAM_AUTHINFO_UNAVAIL as i32);
        let found = matches!(lookup, Ok(Lookup::Found(_)));
        if code == success {
            prop_assert!(found && pw == b"right");
        }
        if found && pw == b"right" {
            prop_assert_eq!(code, success);
        }
        if matches!(lookup, Err(DirError::Unavailable(_))) && !pw.is_empty() && std::str::from_utf8(&pw).is_ok() {
            prop_assert_eq!(code, unavail);
        }
        let logs: Vec<String> = pam.logs.iter().map(|(_, l)| l.clone()).collect();
        if pw.len() > 3 {
            let text = String::from_utf8_lossy(&pw).into_owned();
            prop_assert!(logs.iter().all(|l| !l.contains(&text)), "password logged: {:?}", logs);
        }
    }

    #[test]
    fn account_admits_exactly_one_listed_shell(lookup in lookup_strategy(), listed in prop::bool::ANY) {
        let shells = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(shells.path(), "/bin/sh\n").unwrap();
        let lookup = match (listed, lookup) {
            (true, Ok(Lookup::Found(_))) => Ok(entry(vec!["/bin/sh".into()])),
            (_, other) => other,
        };
        let arg = format!("shells={}", shells.path().display());
        let o = options(&[&arg]);
        let mut pam = FakePam::new("u", &[]);
        let mut dir = FakeDir::with(Lookup::NotFound);
        dir.lookup = lookup.clone();
        let mut handover = Handover::default();
        let mut ctx = context(&mut pam, &o, &mut handover);
        let code = crate::account::account(&mut ctx, &mut dir);
        if code as i32 == PamResultCode::PAM_SUCCESS as i32 {
            let Ok(Lookup::Found(e)) = &lookup else {
                return Err(TestCaseError::fail(format!("success without an entry: {lookup:?}")));
            };
            prop_assert_eq!(&e.shell_values, &vec!["/bin/sh".to_string()]);
        }
    }
}
