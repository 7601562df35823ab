//! The sandbox for setuid programs (`Stack::Apps`): su, sudo, passwd, chsh
//! and login need their setuid bit, which bwrap disables (nosuid mounts and
//! no_new_privs). This one is `unshare --mount --pid` with the mounts made
//! by testdata/e2e/setuid-init, private to its mount namespace; programs
//! run inside it through `nsenter`.

use crate::tools::{require, NSENTER, SETPRIV, UNSHARE};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use testkit::tools::OPENSSL;

/// A local user (in the sandbox's /etc/passwd and /etc/shadow), for the
/// stacks' pam_unix paths: name, uid and gid (above minimum_uid=1000).
pub const LOCAL_USER: (&str, u32, u32) = ("lena", 1500, 1500);
/// lena's password.
pub const LOCAL_PASSWORD: &str = "Local-Pass-5";

/// Home directories: every LDAP test user (uid, gid from
/// testdata/ldap/users.ldif), the users of e2e::ppolicy's directory who log
/// in through sshd (gracie, resetty) and the local user.
const HOMES: &str = "alice 10001 5000\nnora 10002 5000\nemma 10003 5000\ncarol 10004 5000\ndave 10005 5000\noscar 10008 6000\ngracie 20002 5000\nresetty 20004 5000\nlena 1500 1500\n";

/// sudo's policy in the sandbox: LDAP users alice, oscar and nora may run
/// anything; no cached credentials; alice gets 21 tries in one sudo run,
/// oscar one per run.
const SUDOERS: &str = "Defaults env_reset, !lecture, !fqdn, timestamp_timeout=0\n\
Defaults:alice passwd_tries=21\nDefaults:oscar passwd_tries=1\n\
root ALL=(ALL:ALL) ALL\nalice ALL=(ALL:ALL) ALL\noscar ALL=(ALL:ALL) ALL\nnora ALL=(ALL:ALL) ALL\n";

/// Writes what setuid-init adds to the overlaid /etc and the homes list.
pub fn write_files(dir: &Path) {
    let (name, uid, gid) = LOCAL_USER;
    let hash = sha512_crypt(LOCAL_PASSWORD);
    let put = |file: &str, contents: String| {
        std::fs::write(dir.join(file), contents).expect("write sandbox file");
    };
    put(
        "passwd.local",
        format!("{name}:x:{uid}:{gid}:Local user:/home/{name}:/bin/bash\n"),
    );
    put("group.local", format!("{name}:x:{gid}:\n"));
    put(
        "shadow.local",
        format!("{name}:{hash}:19000:0:99999:7:::\n"),
    );
    put("homes", HOMES.to_string());
    put("sudoers", SUDOERS.to_string());
    std::fs::create_dir(dir.join("out")).expect("create out dir");
    // Jobs and programs run as the test users write their results here.
    crate::world::set_mode(&dir.join("out"), 0o1777);
}

fn sha512_crypt(password: &str) -> String {
    let out = Command::new(require(OPENSSL))
        .args(["passwd", "-6", "-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            if let Some(mut i) = c.stdin.take() {
                i.write_all(password.as_bytes())?;
            }
            c.wait_with_output()
        })
        .expect("run openssl passwd");
    assert!(out.status.success(), "openssl passwd failed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The command that starts the sandbox: setpriv's parent-death signal
/// (kept across exec) kills unshare with the test, and unshare's
/// --kill-child then the namespace's first process, hence everything in it.
pub fn launcher(dir: &Path) -> Command {
    let mut c = Command::new(require(SETPRIV));
    c.args(["--pdeathsig", "KILL", "--"])
        .arg(require(UNSHARE))
        .args([
            "--kill-child=SIGKILL",
            "--mount",
            "--propagation",
            "private",
            "--pid",
            "--fork",
            "--mount-proc",
            "--",
            "/bin/sh",
        ])
        .arg(crate::fixtures().join("setuid-init"))
        .arg(dir);
    c
}

/// The host pid of the namespace's first process (unshare's only child).
pub fn init_pid(unshare_pid: u32) -> Option<u32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let children =
            std::fs::read_to_string(format!("/proc/{unshare_pid}/task/{unshare_pid}/children"))
                .unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().ok();
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `program args` inside the sandbox, as root, with a clean environment.
pub fn command(init_pid: u32, program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(require(NSENTER));
    c.arg("--target")
        .arg(init_pid.to_string())
        .args(["--mount", "--pid", "--"])
        .arg(program)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("LANG", "C")
        .env("TERM", "dumb");
    c
}

/// Runs `command` with `stdin` as its input.
pub fn run(mut command: Command, stdin: &str) -> Output {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nsenter");
    if let Some(mut i) = child.stdin.take() {
        // The program may exit before reading everything: ignore EPIPE.
        let _ = i.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("wait for nsenter")
}
