//! Password logins with the real OpenSSH client, fed the password by sshpass.

use crate::tools::{require, SSH, SSHPASS};
use std::process::{Command, Stdio};

#[derive(Debug)]
pub struct Session {
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` as `user` on 127.0.0.1:`port` with password authentication.
/// sshpass exits 5 when the password is refused.
pub fn run(port: u16, user: &str, password: &str, command: &str) -> Session {
    run_method(port, user, password, command, "password")
}

/// As `run`, with the SSH authentication `method` ("password" or
/// "keyboard-interactive": sshpass answers any prompt with "assword").
pub fn run_method(port: u16, user: &str, password: &str, command: &str, method: &str) -> Session {
    let out = Command::new(require(SSHPASS))
        .arg("-e")
        .arg(require(SSH))
        .args(client_options(port, method))
        .arg(format!("{user}@127.0.0.1"))
        .arg(command)
        // The password goes through the environment (sshpass -e), never argv.
        .env("SSHPASS", password)
        .stdin(Stdio::null())
        .output()
        .expect("run sshpass");
    Session {
        exit_code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The ssh client's options for a login to 127.0.0.1:`port` with the SSH
/// authentication `method` only, one password prompt, no host key check;
/// the user and command follow.
pub fn client_options(port: u16, method: &str) -> Vec<String> {
    [
        "-F",
        "/dev/null",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        &format!("PreferredAuthentications={method}"),
        "-o",
        "NumberOfPasswordPrompts=1",
        "-o",
        "ConnectTimeout=30",
        "-o",
        "LogLevel=ERROR",
        "-p",
        &port.to_string(),
    ]
    .map(str::to_string)
    .to_vec()
}

/// Runs `command` as `user` with the private key `key` (public key
/// authentication only: PAM runs just the account phase).
pub fn run_key(port: u16, user: &str, key: &std::path::Path, command: &str) -> Session {
    let out = Command::new(require(SSH))
        .args([
            "-F",
            "/dev/null",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "PreferredAuthentications=publickey",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "ConnectTimeout=30",
            "-o",
            "LogLevel=ERROR",
            "-i",
        ])
        .arg(key)
        .arg("-p")
        .arg(port.to_string())
        .arg(format!("{user}@127.0.0.1"))
        .arg(command)
        .stdin(Stdio::null())
        .output()
        .expect("run ssh");
    Session {
        exit_code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
