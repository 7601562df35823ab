//! A real OpenLDAP slapd on a free 127.0.0.1 port, loaded with
//! testdata/ldap/*.ldif through slapadd, configured by
//! testdata/ldap/make-slapd-config (the same script other fixtures use).
//!
//! `PAM_LDAP_SHELL_TEST_URI` makes `shared()` use that server instead.

use crate::tools::{require, SLAPADD, SLAPD};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub const BASE: &str = "dc=example,dc=org";
pub const URI_ENV: &str = "PAM_LDAP_SHELL_TEST_URI";

pub struct Slapd {
    uri: String,
    child: Option<Child>,
    dir: Option<TempDir>,
}

impl Slapd {
    /// Starts a private slapd; stopped (killed and waited for) on drop.
    pub fn start() -> Slapd {
        let slapd = require(SLAPD);
        require(SLAPADD);
        let dir = tempfile::Builder::new()
            .prefix("pam-ldap-shell-slapd")
            .tempdir()
            .expect("temp dir for slapd");
        write_config(dir.path());
        load_ldif(dir.path());
        let mut last_error = String::new();
        // A port picked free can be taken before slapd binds it: try a few.
        for _ in 0..5 {
            let port = free_port();
            let uri = format!("ldap://127.0.0.1:{port}");
            let conf = dir.path().join("slapd.conf");
            let child = Command::new(slapd)
                .arg("-f")
                .arg(&conf)
                .arg("-h")
                .arg(format!("{uri}/"))
                .arg("-d")
                .arg("0")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn slapd");
            let mut s = Slapd {
                uri,
                child: Some(child),
                dir: None,
            };
            match s.wait_ready(port) {
                Ok(()) => {
                    s.dir = Some(dir);
                    return s;
                }
                Err(e) => last_error = e,
            }
        }
        panic!("slapd did not start: {last_error}");
    }

    /// One server per test binary: the private one, or `PAM_LDAP_SHELL_TEST_URI`.
    /// It is stopped when the test process exits.
    pub fn shared() -> &'static SharedServer {
        static SHARED: OnceLock<SharedServer> = OnceLock::new();
        SHARED.get_or_init(|| match std::env::var(URI_ENV) {
            Ok(uri) if !uri.is_empty() => SharedServer { uri },
            _ => {
                let s = Slapd::start();
                let uri = s.uri.clone();
                register_for_exit(s);
                SharedServer { uri }
            }
        })
    }

    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The process id (for tests that stop the server).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn wait_ready(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    self.child = None;
                    return Err(format!("slapd exited with {status}"));
                }
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("slapd did not listen within 20 s".into())
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The server every test of one binary uses.
pub struct SharedServer {
    uri: String,
}

impl SharedServer {
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

static AT_EXIT: Mutex<Option<Slapd>> = Mutex::new(None);

extern "C" fn stop_shared() {
    if let Ok(mut guard) = AT_EXIT.lock() {
        // Dropping stops slapd and removes its directory.
        guard.take();
    }
}

/// Statics are never dropped: stop the shared slapd from an atexit handler.
fn register_for_exit(s: Slapd) {
    if let Ok(mut guard) = AT_EXIT.lock() {
        *guard = Some(s);
    }
    // SAFETY: registering a plain extern "C" fn with no arguments.
    unsafe {
        libc::atexit(stop_shared);
    }
}

pub fn ldap_dir() -> PathBuf {
    crate::repo_root().join("testdata/ldap")
}

/// Runs testdata/ldap/make-slapd-config for `dir`.
pub fn write_config(dir: &Path) {
    let script = ldap_dir().join("make-slapd-config");
    let status = Command::new("/bin/sh")
        .arg(&script)
        .arg(dir)
        .status()
        .expect("run make-slapd-config");
    assert!(status.success(), "{} failed: {status}", script.display());
}

/// Loads every testdata/ldap/*.ldif (in name order) with slapadd.
pub fn load_ldif(dir: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(ldap_dir())
        .expect("read testdata/ldap")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ldif"))
        .collect();
    files.sort();
    for f in files {
        let out = Command::new(SLAPADD.0)
            .arg("-f")
            .arg(dir.join("slapd.conf"))
            .arg("-l")
            .arg(&f)
            .output()
            .expect("run slapadd");
        assert!(
            out.status.success(),
            "slapadd {} failed: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
