//! The suite's promise: every process a World started dies with it, also
//! when an assertion fails while it runs.

use e2e::{Stack, World};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Processes whose command line mentions `needle` (the sandbox directory:
/// sandbox-init, vsftpd and sshd all take their configuration from there).
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    found
}

#[test]
fn daemons_die_when_a_test_fails() {
    let seen: Mutex<Option<(PathBuf, u16, u16)>> = Mutex::new(None);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let w = World::start(Stack::Stock);
        *seen.lock().unwrap() = Some((w.path().to_path_buf(), w.ftp_port, w.ssh_port));
        let running = processes_mentioning(&w.path().display().to_string());
        assert!(
            running.len() >= 3,
            "sandbox-init, vsftpd, sshd: {running:#?}"
        );
        panic!("a failing assertion while the daemons run");
    }));
    assert!(result.is_err());
    let (dir, ftp, ssh) = seen.lock().unwrap().clone().expect("the World started");
    // The kernel kills the pid namespace's members after its first process
    // dies, asynchronously: allow it a moment.
    let gone = || {
        processes_mentioning(&dir.display().to_string()).is_empty()
            && [ftp, ssh]
                .iter()
                .all(|p| TcpStream::connect(("127.0.0.1", *p)).is_err())
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !gone() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left = processes_mentioning(&dir.display().to_string());
    assert!(left.is_empty(), "still running: {left:#?}");
    for port in [ftp, ssh] {
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "port {port} still open"
        );
    }
}
