//! Programs run on a terminal inside the setuid sandbox, driven by
//! testdata/e2e/pty-chat (python3's pty module): what a user types at a
//! prompt and what the terminal shows.

use crate::tools::{require, PYTHON3, SETPRIV};
use crate::World;

/// Seconds pty-chat waits for each expected prompt.
const PROMPT_TIMEOUT_S: &str = "30";

#[derive(Debug)]
pub struct Screen {
    /// The program's exit status (124: a prompt never came).
    pub exit_code: i32,
    /// Everything the terminal showed.
    pub text: String,
}

/// Runs `command` (as root) on a new terminal; for each (expected, answer)
/// pair waits for `expected` to appear, then types `answer` and Enter.
pub fn chat(w: &World, pairs: &[(&str, &str)], command: &[&str]) -> Screen {
    let script = crate::fixtures().join("pty-chat");
    let script = script.to_str().expect("UTF-8 repository path");
    let mut args = vec![script, PROMPT_TIMEOUT_S];
    for (expected, answer) in pairs {
        args.push(expected);
        args.push(answer);
    }
    args.push("--");
    args.extend_from_slice(command);
    let out = w.exec(require(PYTHON3), &args, "");
    Screen {
        exit_code: out.status.code().unwrap_or(-1),
        text: String::from_utf8_lossy(&out.stdout).replace('\r', ""),
    }
}

/// `command` run as `user` (uid, primary gid and groups from NSS), the way
/// that user would start it: setpriv drops root before exec.
pub fn as_user<'a>(user: &'a str, command: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        require(SETPRIV),
        "--reuid",
        user,
        "--regid",
        user_gid(user),
        "--init-groups",
        "--",
    ];
    v.extend_from_slice(command);
    v
}

/// Primary groups of the users the tests run programs as.
fn user_gid(user: &str) -> &'static str {
    match user {
        "oscar" => "6000",
        "lena" => "1500",
        "nobody" => "65534",
        _ => "5000",
    }
}
