//! The real libpam, run by `pamtester` inside `bwrap` with a private
//! /etc/pam.d, an optional private /etc/shells (and other files bound over
//! existing ones), and a socket in place of /dev/log.

use crate::pam_codes;
use crate::syslog::SyslogCapture;
use crate::tools::{require, BWRAP, PAMTESTER};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

const OTHER: &str = "auth required pam_deny.so\naccount required pam_deny.so\npassword required pam_deny.so\nsession required pam_deny.so\n";

pub struct Sandbox {
    dir: TempDir,
    binds: Vec<(PathBuf, PathBuf)>,
}

/// What one pamtester run did.
#[derive(Debug, Clone)]
pub struct PamRun {
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Syslog messages, header stripped (see `syslog::strip_header`).
    pub syslog: Vec<String>,
}

impl PamRun {
    /// The PAM result name of the run: PAM_SUCCESS when pamtester succeeded,
    /// else the code whose pam_strerror text pamtester printed last.
    pub fn result(&self) -> String {
        if self.exit_code == 0 {
            return "PAM_SUCCESS".into();
        }
        // The prompt has no newline after it, so the message may share its line.
        let last = self
            .stderr
            .rfind("pamtester: ")
            .map(|i| {
                self.stderr[i + "pamtester: ".len()..]
                    .lines()
                    .next()
                    .unwrap_or("")
            })
            .unwrap_or("");
        pam_codes::name_of_message(last)
            .map(str::to_string)
            .unwrap_or_else(|| format!("unrecognized pamtester output: {:?}", self.stderr))
    }

    /// Syslog lines that contain `needle`.
    pub fn log_lines_with(&self, needle: &str) -> Vec<&String> {
        self.syslog.iter().filter(|l| l.contains(needle)).collect()
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("pam-sandbox")
            .tempdir()
            .expect("temp dir for the PAM sandbox");
        std::fs::create_dir(dir.path().join("pam.d")).expect("create pam.d");
        // libpam logs a complaint when "other" is missing; a deny-all one is the safe default.
        std::fs::write(dir.path().join("pam.d/other"), OTHER).expect("write pam.d/other");
        Sandbox {
            dir,
            binds: Vec::new(),
        }
    }

    /// The sandbox's private directory (also visible inside the sandbox).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes /etc/pam.d/SERVICE for the sandbox.
    pub fn service(&mut self, name: &str, config: &str) -> &mut Self {
        std::fs::write(self.dir.path().join("pam.d").join(name), config).expect("write pam.d file");
        self
    }

    /// Replaces /etc/shells inside the sandbox.
    pub fn shells(&mut self, contents: &str) -> &mut Self {
        self.replace_file("/etc/shells", contents)
    }

    /// Binds a file with `contents` over `target`, which must already exist
    /// on the host (bwrap would otherwise create it on the host's /).
    pub fn replace_file(&mut self, target: &str, contents: &str) -> &mut Self {
        assert!(
            Path::new(target).exists(),
            "{target} must exist on the host to be replaced in the sandbox"
        );
        let name = target.trim_start_matches('/').replace('/', "_");
        let src = self.dir.path().join(format!("bind-{name}"));
        std::fs::write(&src, contents).expect("write replacement file");
        self.binds.push((src, PathBuf::from(target)));
        self
    }

    /// Writes a file in the sandbox's directory and returns its path (the
    /// same path works inside the sandbox).
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, contents).expect("write sandbox file");
        p
    }

    /// As `write`, readable by the owner only (a bind password file must be).
    pub fn write_private(&self, name: &str, contents: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = self.write(name, contents);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
            .expect("chmod sandbox file");
        p
    }

    /// Runs `pamtester -v SERVICE USER OPS...` with `stdin` as the terminal input.
    pub fn pamtester(&self, service: &str, user: &str, ops: &[&str], stdin: &str) -> PamRun {
        self.pamtester_flags(service, user, ops, stdin, &[])
    }

    /// As `pamtester`, with extra pamtester options (e.g. `-I` items).
    pub fn pamtester_flags(
        &self,
        service: &str,
        user: &str,
        ops: &[&str],
        stdin: &str,
        extra: &[&str],
    ) -> PamRun {
        self.pamtester_wrapped(&[], service, user, ops, stdin, extra)
    }

    /// As `pamtester_flags`, with pamtester started by `wrapper` inside the
    /// sandbox (e.g. `["/usr/bin/valgrind", "--leak-check=full"]`).
    pub fn pamtester_wrapped(
        &self,
        wrapper: &[&str],
        service: &str,
        user: &str,
        ops: &[&str],
        stdin: &str,
        extra: &[&str],
    ) -> PamRun {
        let bwrap = require(BWRAP);
        let pamtester = require(PAMTESTER);
        let sock = self.dir.path().join(format!("log-{}", unique()));
        let capture = SyslogCapture::bind(&sock);
        let mut cmd = Command::new(bwrap);
        cmd.args(["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"])
            .arg("--bind")
            .arg(&sock)
            .arg("/dev/log")
            .arg("--ro-bind")
            .arg(self.dir.path().join("pam.d"))
            .arg("/etc/pam.d");
        for (src, target) in &self.binds {
            cmd.arg("--ro-bind").arg(src).arg(target);
        }
        cmd.args(["--die-with-parent", "--"])
            .args(wrapper)
            .args([pamtester, "-v"])
            .args(extra)
            .arg(service)
            .arg(user)
            .args(ops)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn bwrap");
        if let Some(mut input) = child.stdin.take() {
            // pamtester may exit before reading everything: ignore EPIPE.
            let _ = input.write_all(stdin.as_bytes());
        }
        let (out, syslog) =
            capture.collect_while(|| child.wait_with_output().expect("wait for pamtester"));
        let _ = std::fs::remove_file(&sock);
        PamRun {
            exit_code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            syslog,
        }
    }
}

fn unique() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
