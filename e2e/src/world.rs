//! The sandbox: one `bwrap` with its own pid namespace whose first process
//! (testdata/e2e/sandbox-init) starts nslcd, vsftpd and sshd. The host's
//! root is mounted read-only; /etc/pam.d, nsswitch.conf, nslcd.conf,
//! ldap.conf, shells, ftpusers, /run, /home and /dev/log are the sandbox's own.
//! `Stack::Apps` starts the same daemons in the setuid sandbox instead
//! (e2e/src/setuid.rs), where su, sudo and passwd keep their setuid bit.

use crate::config::{render, template, Vars};
use crate::syslog::Catcher;
use crate::{artifacts, setuid, tools};
use std::cell::RefCell;
use std::ffi::OsString;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use testkit::PamRun;

/// Which PAM stacks the sandbox's /etc/pam.d holds.
#[derive(Debug, Clone)]
pub enum Stack {
    /// Debian 12 with libpam-ldapd: pam_ldap (via nslcd) and pam_shells.
    Stock,
    /// pam_ldap_shell in place of pam_ldap and pam_shells; the string is
    /// appended to its account line (e.g. "missing_shell=warn").
    Module(String),
    /// As `Module`, in the setuid sandbox (e2e/src/setuid.rs) with the
    /// documented stacks and the Debian packages' files for su, sudo,
    /// login, passwd, chsh, runuser, cron and sshd (testdata/e2e/pam.d/apps).
    Apps(String),
}

/// Users of testdata/ldap/users.ldif who get a home directory.
const USERS: [&str; 6] = ["alice", "nora", "emma", "carol", "dave", "oscar"];
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// The sandbox's own files (in its directory) and where it sees them.
const ETC_FILES: [(&str, &str); 5] = [
    ("nsswitch.conf", "/etc/nsswitch.conf"),
    ("nslcd.conf", "/etc/nslcd.conf"),
    ("ldap.conf", "/etc/ldap/ldap.conf"),
    ("shells", "/etc/shells"),
    ("ftpusers", "/etc/ftpusers"),
];

pub struct World {
    dir: TempDir,
    bwrap: Option<Child>,
    mounts: Vec<OsString>,
    syslog: Catcher,
    log: RefCell<Vec<String>>,
    /// Host pid of the setuid sandbox's first process (`Stack::Apps`).
    init_pid: Option<u32>,
    setuid: bool,
    pub ftp_port: u16,
    pub ssh_port: u16,
    pub ldap_uri: String,
}

impl World {
    /// Starts the daemons with `stack` in /etc/pam.d; they are killed on drop.
    pub fn start(stack: Stack) -> World {
        Self::start_with_server(stack, testkit::Slapd::shared().uri())
    }

    /// As `start`, with nslcd and the module using the LDAP server at `ldap_uri`.
    pub fn start_with_server(stack: Stack, ldap_uri: &str) -> World {
        Self::start_with(stack, ldap_uri, "")
    }

    /// As `start_with_server`, with `nslcd_extra` appended to nslcd.conf
    /// (e.g. `pam_authc_search NONE`).
    pub fn start_with(stack: Stack, ldap_uri: &str, nslcd_extra: &str) -> World {
        tools::require_all();
        let ldap_uri = ldap_uri.to_string();
        let dir = tempfile::Builder::new()
            .prefix("e2e-world")
            .tempdir()
            .expect("temp dir for the e2e sandbox");
        set_mode(dir.path(), 0o755);
        let (ftp_port, ssh_port) = two_free_ports();
        let account_options = match &stack {
            Stack::Stock => String::new(),
            Stack::Module(o) | Stack::Apps(o) => o.clone(),
        };
        let vars = Vars {
            ldap_uri: &ldap_uri,
            ftp_port,
            ssh_port,
            dir: dir.path(),
            account_options: &account_options,
        };
        write_files(dir.path(), &stack, &vars, nslcd_extra);
        let syslog = Catcher::bind(&dir.path().join("log"));
        let mounts = mounts(dir.path(), &stack);
        let mut world = World {
            dir,
            bwrap: None,
            mounts,
            syslog,
            log: RefCell::new(Vec::new()),
            init_pid: None,
            setuid: matches!(stack, Stack::Apps(_)),
            ftp_port,
            ssh_port,
            ldap_uri,
        };
        world.spawn();
        world.wait_ready();
        world
    }

    /// The sandbox's private directory on the host.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Rewrites /etc/pam.d/NAME in the running sandbox (libpam reads the
    /// stack again at every pam_start, i.e. every login).
    pub fn set_pam(&self, name: &str, contents: &str) {
        std::fs::write(self.dir.path().join("pam.d").join(name), contents)
            .expect("write pam.d file");
    }

    /// Appends `lines` to the sandbox's own /etc/`name` (e.g. `shells`,
    /// `ftpusers`), in place: the file stays the one mounted in the
    /// sandbox, and the modules read it again at every login.
    pub fn append_etc(&self, name: &str, lines: &str) {
        assert!(
            !self.setuid,
            "the setuid sandbox copies /etc files at start"
        );
        assert!(
            ETC_FILES.iter().any(|(n, _)| *n == name),
            "/etc/{name} is not one of the sandbox's own files"
        );
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.path().join(name))
            .expect("open a sandbox /etc file");
        f.write_all(lines.as_bytes())
            .expect("append to a sandbox /etc file");
    }

    /// Points every pam_ldap_shell line of the sandbox's common-* stacks
    /// at `uri` (e.g. a relay that counts connections); nslcd keeps the
    /// server of ldap.conf.
    pub fn module_uri(&self, uri: &str) {
        for name in ["common-auth", "common-account", "common-password"] {
            let path = self.dir.path().join("pam.d").join(name);
            let text = std::fs::read_to_string(&path).expect("read pam.d file");
            let with = format!("pam_ldap_shell.so uri={uri}");
            self.set_pam(name, &text.replace("pam_ldap_shell.so", &with));
        }
    }

    /// Syslog lines received since the last call (header stripped, the
    /// priority kept as "<N>"; see testkit::syslog::strip_header).
    pub fn new_log(&self) -> Vec<String> {
        // Daemons log from other processes: give them a moment to be heard.
        std::thread::sleep(Duration::from_millis(300));
        let fresh = self.syslog.take();
        self.log.borrow_mut().extend(fresh.iter().cloned());
        fresh
    }

    /// Everything logged so far (for failure messages).
    pub fn full_log(&self) -> String {
        self.new_log();
        self.log.borrow().join("\n")
    }

    /// Runs a program in a second bwrap with the same mounts (the same
    /// /etc, /run with nslcd's socket, module directory): what an
    /// administrator would run on that host.
    pub fn run_inside(&self, program: &Path, args: &[&str]) -> Output {
        Command::new(tools::require(testkit::tools::BWRAP))
            .args(&self.mounts)
            .args(["--unshare-pid", "--die-with-parent", "--"])
            .arg(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run bwrap")
    }

    /// This build's pamlint run inside (`run_inside`): its exit code and
    /// stdout. Its stderr must be empty: a warning there is a failure.
    pub fn pamlint(&self, args: &[&str]) -> (i32, String) {
        let out = self.run_inside(&artifacts::get().pamlint, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.is_empty(),
            "pamlint {args:?} wrote to stderr: {stderr}"
        );
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }

    /// `program args` inside the setuid sandbox (`Stack::Apps` only), as
    /// root with a clean environment; `stdin` is its input.
    pub fn exec(&self, program: &str, args: &[&str], stdin: &str) -> Output {
        let pid = self
            .init_pid
            .expect("no setuid sandbox: exec needs a World started with Stack::Apps");
        setuid::run(setuid::command(pid, program, args), stdin)
    }

    /// Runs `pamtester -v SERVICE USER OPS...` inside (one PAM handle for
    /// all the operations, as sshd and login use one), `stdin` as the
    /// terminal input; the run's syslog is every line logged meanwhile
    /// (the modules' and nslcd's). Not with `Stack::Apps` (see `exec`).
    pub fn pamtester(&self, service: &str, user: &str, ops: &[&str], stdin: &str) -> PamRun {
        assert!(
            !self.setuid,
            "pamtester runs in the bwrap sandbox, not Stack::Apps'"
        );
        // Earlier lines are not this run's (new_log after each run waits
        // for late ones).
        let earlier = self.syslog.take();
        self.log.borrow_mut().extend(earlier);
        let pamtester = testkit::tools::require(testkit::tools::PAMTESTER);
        let mut child = Command::new(tools::require(testkit::tools::BWRAP))
            .args(&self.mounts)
            .args(["--unshare-pid", "--die-with-parent", "--"])
            .args([pamtester, "-v", service, user])
            .args(ops)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run bwrap");
        if let Some(mut input) = child.stdin.take() {
            // pamtester may exit before reading everything: ignore EPIPE.
            let _ = input.write_all(stdin.as_bytes());
        }
        let out = child.wait_with_output().expect("wait for pamtester");
        PamRun {
            exit_code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            syslog: self.new_log(),
        }
    }

    fn spawn(&mut self) {
        let out = std::fs::File::create(self.dir.path().join("daemons.out")).expect("log file");
        let err = out.try_clone().expect("log file");
        if self.setuid {
            let child = setuid::launcher(self.dir.path())
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .expect("spawn unshare");
            self.init_pid = setuid::init_pid(child.id());
            self.bwrap = Some(child);
            return;
        }
        let child = Command::new(tools::require(testkit::tools::BWRAP))
            .args(&self.mounts)
            // Own pid namespace: when bwrap dies, every daemon dies with it.
            .args([
                "--unshare-pid",
                "--die-with-parent",
                "--cap-add",
                "ALL",
                "--",
            ])
            .arg("/bin/sh")
            .arg(crate::fixtures().join("sandbox-init"))
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn bwrap");
        self.bwrap = Some(child);
    }

    fn wait_ready(&mut self) {
        let socket = self.dir.path().join("run/nslcd/socket");
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(Ok(Some(status))) = self.bwrap.as_mut().map(Child::try_wait) {
                panic!("the sandbox exited ({status}):\n{}", self.diagnostics());
            }
            let up = |port| TcpStream::connect(("127.0.0.1", port)).is_ok();
            if socket.exists() && up(self.ftp_port) && up(self.ssh_port) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "the daemons did not come up in {READY_TIMEOUT:?}:\n{}",
                    self.diagnostics()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The daemons' output and the log, for failure messages.
    pub fn diagnostics(&self) -> String {
        let out = std::fs::read_to_string(self.dir.path().join("daemons.out")).unwrap_or_default();
        format!("daemon output:\n{out}\nsyslog:\n{}", self.full_log())
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(mut child) = self.bwrap.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Writes the configuration files, pam.d and host key into `dir`.
fn write_files(dir: &Path, stack: &Stack, vars: &Vars, nslcd_extra: &str) {
    let put = |name: &str, contents: String| {
        std::fs::write(dir.join(name), contents).expect("write sandbox file");
    };
    for name in [
        "nsswitch.conf",
        "ldap.conf",
        "shells",
        "vsftpd.conf",
        "sshd_config",
    ] {
        put(name, render(&template(name), vars));
    }
    // The host's list, as the sandbox's own file so tests can extend it.
    std::fs::copy(tools::FTPUSERS.0, dir.join("ftpusers")).expect("copy /etc/ftpusers");
    put(
        "nslcd.conf",
        format!("{}{nslcd_extra}\n", render(&template("nslcd.conf"), vars)),
    );
    // nslcd refuses nothing here, but a real nslcd.conf is private.
    set_mode(&dir.join("nslcd.conf"), 0o600);
    std::fs::create_dir(dir.join("run")).expect("create run dir");
    set_mode(&dir.join("run"), 0o755);
    write_pam_d(dir, stack, vars);
    if !matches!(stack, Stack::Stock) {
        module_dir(dir);
    }
    if matches!(stack, Stack::Apps(_)) {
        setuid::write_files(dir);
        // sshd takes the first value of a keyword: these win over the template's.
        let conf = format!(
            "KbdInteractiveAuthentication yes\nPubkeyAuthentication yes\nAuthorizedKeysFile {}/keys/%u\nStrictModes no\n{}",
            dir.display(),
            render(&template("sshd_config"), vars)
        );
        put("sshd_config", conf);
        std::fs::create_dir(dir.join("keys")).expect("create keys dir");
    }
    host_key(dir);
}

fn write_pam_d(dir: &Path, stack: &Stack, vars: &Vars) {
    let flavour = match stack {
        Stack::Stock => "stock",
        Stack::Module(_) => "module",
        Stack::Apps(_) => "apps",
    };
    let src = crate::fixtures().join("pam.d").join(flavour);
    let dst = dir.join("pam.d");
    std::fs::create_dir(&dst).expect("create pam.d");
    for entry in std::fs::read_dir(&src).expect("read pam.d fixtures") {
        let path = entry.expect("pam.d entry").path();
        let text = std::fs::read_to_string(&path).expect("read pam.d fixture");
        let name = path.file_name().expect("file name");
        std::fs::write(dst.join(name), render(&text, vars)).expect("write pam.d file");
    }
    // libpam complains when "other" is missing: a deny-all one is the safe default.
    let other = "auth required pam_deny.so\naccount required pam_deny.so\npassword required pam_deny.so\nsession required pam_deny.so\n";
    std::fs::write(dst.join("other"), other).expect("write pam.d/other");
}

/// A copy of the host's module directory plus pam_ldap_shell.so, mounted
/// over it, so the stacks name the module as an installed one would be.
fn module_dir(dir: &Path) {
    let dst = dir.join("security");
    std::fs::create_dir(&dst).expect("create module dir");
    for entry in std::fs::read_dir(tools::pam_module_dir()).expect("read the PAM module dir") {
        let path = entry.expect("module dir entry").path();
        if path.is_file() {
            let name = path.file_name().expect("file name");
            std::fs::copy(&path, dst.join(name)).expect("copy a PAM module");
        }
    }
    std::fs::copy(&artifacts::get().module, dst.join("pam_ldap_shell.so"))
        .expect("copy the built module");
    set_mode(&dst, 0o755);
}

fn host_key(dir: &Path) {
    let status = Command::new(tools::require(tools::SSH_KEYGEN))
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "e2e", "-f"])
        .arg(dir.join("ssh_host_ed25519_key"))
        .status()
        .expect("run ssh-keygen");
    assert!(status.success(), "ssh-keygen failed: {status}");
}

/// bwrap's mount arguments, shared by the daemons and `run_inside`.
fn mounts(dir: &Path, stack: &Stack) -> Vec<OsString> {
    let mut m: Vec<OsString> = Vec::new();
    let mut arg = |a: &str| m.push(a.into());
    for a in [
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/home",
    ] {
        arg(a);
    }
    for u in USERS {
        arg("--dir");
        arg(&format!("/home/{u}"));
    }
    let d = |name: &str| dir.join(name).into_os_string();
    let mut bind = |kind: &str, src: OsString, target: &str| {
        m.push(kind.into());
        m.push(src);
        m.push(target.into());
    };
    bind("--bind", d("run"), "/run");
    bind("--bind", d("log"), "/dev/log");
    bind("--ro-bind", d("pam.d"), "/etc/pam.d");
    for (name, target) in ETC_FILES {
        bind("--ro-bind", d(name), target);
    }
    if !matches!(stack, Stack::Stock) {
        bind("--ro-bind", d("security"), tools::pam_module_dir());
    }
    m
}

pub(crate) fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}

/// Two distinct free loopback ports.
fn two_free_ports() -> (u16, u16) {
    let first = free_port();
    loop {
        let second = free_port();
        if second != first {
            return (first, second);
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
