//! A real OpenLDAP slapd on a free 127.0.0.1 port, loaded with
//! testdata/ldap/*.ldif through slapadd, configured by
//! testdata/ldap/make-slapd-config (the same script other fixtures use).
//!
//! `PAM_LDAP_SHELL_TEST_URI` makes `shared()` use that server instead.

use crate::tools::{require, OPENSSL, SLAPADD, SLAPD};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub const BASE: &str = "dc=example,dc=org";
pub const URI_ENV: &str = "PAM_LDAP_SHELL_TEST_URI";

pub struct Slapd {
    /// Where to reach it (`uri()`, `ldaps_uri()`, `ca_cert()` through Deref).
    addr: SharedServer,
    child: Option<Child>,
    dir: Option<TempDir>,
    /// The plain port, for `restart` (servers made by `start_at`).
    port: Option<u16>,
}

impl Slapd {
    /// Starts a private slapd; stopped (killed and waited for) on drop.
    pub fn start() -> Slapd {
        Self::start_with(false)
    }

    /// As `start`, with a fresh CA and server certificate (127.0.0.1,
    /// localhost): serves StartTLS on `uri()` and TLS on `ldaps_uri()`.
    pub fn start_tls() -> Slapd {
        Self::start_with(true)
    }

    /// As `start`, with `global` added to slapd.conf's global section (after
    /// `moduleload back_mdb`, e.g. `moduleload ppolicy`) and `database`
    /// appended to the test database's section (e.g. `overlay ppolicy`).
    pub fn start_with_config(global: &str, database: &str) -> Slapd {
        Self::start_configured(false, global, database)
    }

    /// As `start_with_config`, then every entry of `extra_ldif` loaded by
    /// slapadd after testdata/ldap's (slapadd takes what the protocol may
    /// refuse, e.g. an empty loginShell, and is fast for large directories).
    pub fn start_with_ldif(global: &str, database: &str, extra_ldif: &Path) -> Slapd {
        Self::start_loaded(false, global, database, Some(extra_ldif))
    }

    fn start_with(tls: bool) -> Slapd {
        Self::start_configured(tls, "", "")
    }

    fn start_configured(tls: bool, global: &str, database: &str) -> Slapd {
        Self::start_loaded(tls, global, database, None)
    }

    fn start_loaded(tls: bool, global: &str, database: &str, extra_ldif: Option<&Path>) -> Slapd {
        let slapd = require(SLAPD);
        require(SLAPADD);
        let dir = tempfile::Builder::new()
            .prefix("pam-ldap-shell-slapd")
            .tempdir()
            .expect("temp dir for slapd");
        let tls_dir = tls.then(|| make_certs(&dir.path().join("tls")));
        write_config_tls(dir.path(), tls_dir.as_deref());
        add_config(dir.path(), global, database).expect("write slapd.conf");
        load_ldif(dir.path());
        if let Some(ldif) = extra_ldif {
            slapadd(dir.path(), ldif).unwrap_or_else(|e| panic!("{e}"));
        }
        let mut last_error = String::new();
        // A port picked free can be taken before slapd binds it: try a few.
        for _ in 0..5 {
            let port = free_port();
            let uri = format!("ldap://127.0.0.1:{port}");
            let tls_port = if tls { Some(free_port()) } else { None };
            let ldaps_uri = tls_port.map(|p| format!("ldaps://127.0.0.1:{p}"));
            let listen = match &ldaps_uri {
                Some(l) => format!("{uri}/ {l}/"),
                None => format!("{uri}/"),
            };
            let conf = dir.path().join("slapd.conf");
            let child = Command::new(slapd)
                .arg("-f")
                .arg(&conf)
                .arg("-h")
                .arg(listen)
                .arg("-d")
                .arg("0")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn slapd");
            let mut s = Slapd {
                addr: SharedServer {
                    uri,
                    ldaps_uri,
                    ca_cert: tls_dir.as_ref().map(|d| d.join("ca.pem")),
                },
                child: Some(child),
                dir: None,
                port: None,
            };
            let ready = s
                .wait_ready(port)
                .and_then(|()| tls_port.map_or(Ok(()), |p| s.wait_ready(p)));
            match ready {
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
            Ok(uri) if !uri.is_empty() => SharedServer {
                uri,
                ldaps_uri: None,
                ca_cert: None,
            },
            _ => SharedServer::owning(Slapd::start()),
        })
    }

    /// One TLS-enabled private server per test binary (always started here:
    /// its CA is made on the fly), stopped when the test process exits.
    pub fn shared_tls() -> &'static SharedServer {
        static SHARED_TLS: OnceLock<SharedServer> = OnceLock::new();
        SHARED_TLS.get_or_init(|| SharedServer::owning(Slapd::start_tls()))
    }

    /// The process id (for tests that stop the server).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// A slapd on `port` (chosen by the caller, e.g. so that two providers
    /// can name each other in their configuration), with `global` and
    /// `database` added as in `start_with_config`; the test data is loaded
    /// only with `load`. It can be stopped, frozen and restarted.
    pub fn start_at(port: u16, global: &str, database: &str, load: bool) -> Result<Slapd, String> {
        require(SLAPD);
        require(SLAPADD);
        let dir = tempfile::Builder::new()
            .prefix("pam-ldap-shell-slapd")
            .tempdir()
            .map_err(|e| e.to_string())?;
        write_config(dir.path());
        add_config(dir.path(), global, database).map_err(|e| e.to_string())?;
        if load {
            load_ldif(dir.path());
        }
        let mut s = Slapd {
            addr: SharedServer {
                uri: format!("ldap://127.0.0.1:{port}"),
                ldaps_uri: None,
                ca_cert: None,
            },
            child: None,
            dir: Some(dir),
            port: Some(port),
        };
        s.restart()?;
        Ok(s)
    }

    /// Stops the server now (SIGKILL, as a crash); `restart` brings it back
    /// with the same database and port.
    pub fn kill(&mut self) {
        self.stop();
    }

    /// Starts a server made by `start_at` again (after `kill`).
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop();
        let (Some(port), Some(dir)) = (self.port, self.dir.as_ref()) else {
            return Err("only a server made by start_at can be restarted".into());
        };
        let child = Command::new(require(SLAPD))
            .arg("-f")
            .arg(dir.path().join("slapd.conf"))
            .arg("-h")
            .arg(format!("ldap://127.0.0.1:{port}/"))
            .args(["-d", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        self.child = Some(child);
        self.wait_ready(port)
    }

    /// SIGSTOP: the kernel still accepts connections, nothing answers.
    /// Returns once every thread is stopped (the signal is delivered
    /// asynchronously: a request sent right after kill(2) could still be
    /// answered).
    pub fn freeze(&self) {
        self.signal(libc::SIGSTOP);
        let Some(pid) = self.pid() else { return };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && !all_threads_stopped(pid) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// SIGCONT after `freeze`.
    pub fn thaw(&self) {
        self.signal(libc::SIGCONT);
    }

    fn signal(&self, sig: libc::c_int) {
        if let Some(pid) = self.pid() {
            // SAFETY: kill(2) on our own child's pid; no memory is involved.
            unsafe { libc::kill(pid as libc::pid_t, sig) };
        }
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
            // A frozen server must be able to die.
            // SAFETY: kill(2) on our own child's pid; no memory is involved.
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGCONT) };
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A running server answers everything its addresses do (one set of accessors).
impl std::ops::Deref for Slapd {
    type Target = SharedServer;

    fn deref(&self) -> &SharedServer {
        &self.addr
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The server every test of one binary uses, and the addresses of any `Slapd`.
#[derive(Clone)]
pub struct SharedServer {
    uri: String,
    ldaps_uri: Option<String>,
    ca_cert: Option<PathBuf>,
}

impl SharedServer {
    fn owning(s: Slapd) -> SharedServer {
        let shared = s.addr.clone();
        register_for_exit(s);
        shared
    }

    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The ldaps:// URI (TLS servers only).
    pub fn ldaps_uri(&self) -> Option<&str> {
        self.ldaps_uri.as_deref()
    }

    /// The CA certificate of a TLS server.
    pub fn ca_cert(&self) -> Option<&Path> {
        self.ca_cert.as_deref()
    }
}

static AT_EXIT: Mutex<Vec<Slapd>> = Mutex::new(Vec::new());

extern "C" fn stop_shared() {
    if let Ok(mut guard) = AT_EXIT.lock() {
        // Dropping stops each slapd and removes its directory.
        guard.clear();
    }
}

/// Statics are never dropped: stop shared servers from an atexit handler.
fn register_for_exit(s: Slapd) {
    static REGISTER: std::sync::Once = std::sync::Once::new();
    if let Ok(mut guard) = AT_EXIT.lock() {
        guard.push(s);
    }
    REGISTER.call_once(|| {
        // SAFETY: registering a plain extern "C" fn with no arguments.
        unsafe {
            libc::atexit(stop_shared);
        }
    });
}

/// Whether every thread of `pid` is in state T (stopped), per /proc.
fn all_threads_stopped(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().all(|t| {
        std::fs::read_to_string(t.path().join("stat"))
            .ok()
            .and_then(|st| {
                st.rsplit_once(')')
                    .map(|(_, rest)| rest.trim_start().starts_with('T'))
            })
            .unwrap_or(false)
    })
}

/// ldap-utils' clients, for `as_rootdn`.
pub const LDAPADD: (&str, &str) = ("/usr/bin/ldapadd", "ldap-utils");
pub const LDAPMODIFY: (&str, &str) = ("/usr/bin/ldapmodify", "ldap-utils");

/// Feeds `ldif` to `tool` (ldapadd or ldapmodify) against `uri`, bound as
/// the rootdn of testdata/ldap/make-slapd-config; panics naming `tool` and
/// the LDIF when it fails.
pub fn as_rootdn(uri: &str, tool: (&'static str, &'static str), ldif: &str) {
    use std::io::Write;
    let mut child = Command::new(require(tool))
        .args([
            "-x",
            "-D",
            &format!("cn=admin,{BASE}"),
            "-w",
            "admin-secret",
            "-H",
            uri,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run an LDAP client");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(ldif.as_bytes()).expect("write LDIF");
    }
    let status = child.wait().expect("wait for the LDAP client");
    assert!(status.success(), "{} failed on:\n{ldif}", tool.0);
}

pub fn ldap_dir() -> PathBuf {
    crate::repo_root().join("testdata/ldap")
}

/// Runs testdata/ldap/make-slapd-config for `dir`.
pub fn write_config(dir: &Path) {
    write_config_tls(dir, None)
}

/// As `write_config`, with slapd's certificate from `tls_dir` (see `make_certs`).
pub fn write_config_tls(dir: &Path, tls_dir: Option<&Path>) {
    let script = ldap_dir().join("make-slapd-config");
    let mut cmd = Command::new("/bin/sh");
    cmd.arg(&script).arg(dir);
    if let Some(t) = tls_dir {
        cmd.env("TLS_DIR", t);
    }
    let status = cmd.status().expect("run make-slapd-config");
    assert!(status.success(), "{} failed: {status}", script.display());
}

/// Adds `global` to the slapd.conf in `dir` after `moduleload back_mdb`
/// (e.g. `moduleload ppolicy`) and appends `database` to the test
/// database's section (e.g. `overlay ppolicy`); nothing when both are empty.
pub fn add_config(dir: &Path, global: &str, database: &str) -> std::io::Result<()> {
    if global.is_empty() && database.is_empty() {
        return Ok(());
    }
    let conf = dir.join("slapd.conf");
    let text = std::fs::read_to_string(&conf)?;
    let text = text.replacen(
        "moduleload back_mdb\n",
        &format!("moduleload back_mdb\n{global}\n"),
        1,
    );
    std::fs::write(&conf, format!("{text}\n{database}\n"))
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
        slapadd(dir, &f).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// slapadd of `ldif` into the database of `dir`'s slapd.conf.
pub fn slapadd(dir: &Path, ldif: &Path) -> Result<(), String> {
    let out = Command::new(require(SLAPADD))
        .arg("-f")
        .arg(dir.join("slapd.conf"))
        .arg("-l")
        .arg(ldif)
        .output()
        .map_err(|e| format!("run slapadd: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "slapadd {} failed: {}",
            ldif.display(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Runs testdata/ldap/make-test-certs into `dir` (needs openssl) and returns `dir`.
pub fn make_certs(dir: &Path) -> PathBuf {
    require(OPENSSL);
    let script = ldap_dir().join("make-test-certs");
    let status = Command::new("/bin/sh")
        .arg(&script)
        .arg(dir)
        .status()
        .expect("run make-test-certs");
    assert!(status.success(), "{} failed: {status}", script.display());
    dir.to_path_buf()
}

pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
