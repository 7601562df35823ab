//! runuser (util-linux) run by root, with the Debian package's
//! /etc/pam.d/runuser and runuser-l: neither has an account phase, and
//! runuser is in skip_shell_services' default list besides, so users
//! without a usable login shell still run commands (root's tools must
//! keep working). The module is never asked and logs nothing.

use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, RUNUSER};
use e2e::{Stack, World};

#[test]
fn runuser_runs_for_users_without_a_usable_shell() {
    let w = World::start(Stack::Apps(String::new()));
    let runuser = require(RUNUSER);
    // nora: no loginShell; carol: /bin/dash, not in /etc/shells; alice: bash.
    for user in ["nora", "carol", "alice"] {
        for (service, args) in [
            (
                "runuser",
                vec!["-u", user, "--", "sh", "-c", "echo RAN-AS=$(id -un)"],
            ),
            ("runuser-l", vec!["-l", user, "-c", "echo RAN-AS=$(id -un)"]),
        ] {
            w.new_log();
            let out = w.exec(runuser, &args, "");
            let log = w.new_log();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{service} {user}: {out:?}");
            assert_eq!(stdout.trim(), format!("RAN-AS={user}"), "{service}");
            line_with(
                &log,
                &[&format!(
                    "pam_unix({service}:session): session opened for user {user}"
                )],
            );
            assert!(module_lines(&log).is_empty(), "{log:#?}");
        }
    }
}
