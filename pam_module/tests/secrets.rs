//! After pam_end, no copy of the user's password or of the service
//! account's password is left in the host process's memory: the module
//! zeroizes its own buffers and its allocator wipes every block it frees
//! (ldap3's encoder, tokio's and rustls' buffers included). The process's
//! writable memory (heap, stacks, data) is read through /proc/self/mem.
//! One test in this binary: no other test's memory is scanned.

mod common;
use common::*;
use testkit::libpam::Session;

/// Writable mappings of this process: (start, end, name).
fn writable_regions() -> Vec<(u64, u64, String)> {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("maps");
    maps.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let range = f.next()?;
            let perms = f.next()?;
            let name = f.nth(3).unwrap_or("[anon]").to_string();
            if !perms.starts_with("rw") || name == "[vvar]" {
                return None;
            }
            let (a, b) = range.split_once('-')?;
            Some((
                u64::from_str_radix(a, 16).ok()?,
                u64::from_str_radix(b, 16).ok()?,
                name,
            ))
        })
        .collect()
}

/// Where `needle` occurs in this process's writable memory.
fn occurrences(needle: &[u8]) -> Vec<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut mem = std::fs::File::open("/proc/self/mem").expect("/proc/self/mem");
    let mut found = Vec::new();
    for (start, end, name) in writable_regions() {
        let mut buf = vec![0u8; (end - start) as usize];
        if mem.seek(SeekFrom::Start(start)).is_err() || mem.read_exact(&mut buf).is_err() {
            continue;
        }
        for (i, w) in buf.windows(needle.len()).enumerate() {
            if w == needle {
                found.push(format!("{name} at {:#x}", start + i as u64));
            }
        }
        // The copy just read must not be found by the next region's scan.
        buf.iter_mut().for_each(|b| *b = 0);
        std::hint::black_box(&buf);
    }
    found
}

#[test]
fn no_password_survives_pam_end() {
    let sb = sandbox("");
    let pwfile = sb.write_private("bindpw", "Service-Secret-7\n");
    let a = args(&format!(
        "binddn=cn=svc,ou=services,{BASE} bindpw_file={} authz_filter=(objectClass=posixAccount)",
        pwfile.display()
    ));
    let dir = confdir(&a);
    for round in 0..3 {
        let mut s = Session::start(dir.path(), "test", "alice", PASSWORD);
        assert_eq!(s.authenticate(), "PAM_SUCCESS", "round {round}");
        assert_eq!(s.acct_mgmt(), "PAM_SUCCESS", "round {round}");
        assert_eq!(s.end(0), 0);
        let mut s = Session::start(dir.path(), "test", "alice", PASSWORD);
        assert_eq!(s.authenticate(), "PAM_SUCCESS", "round {round}");
        // Ended after auth alone, quietly, as sudo does.
        s.end(testkit::libpam::PAM_DATA_SILENT);
    }
    // The constants live in read-only memory, which is not scanned.
    let user = occurrences(PASSWORD.as_bytes());
    let service = occurrences(b"Service-Secret-7");
    assert!(
        user.is_empty(),
        "the user's password is still in memory: {user:?}"
    );
    assert!(
        service.is_empty(),
        "the service password is still in memory: {service:?}"
    );
}
