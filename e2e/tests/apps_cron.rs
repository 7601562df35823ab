//! cron (Debian's cron, with its /etc/pam.d/cron: common-account, so the
//! module's account phase) running a job of a user without loginShell.
//! cron is in skip_shell_services' default list: the job runs. The
//! control, `skip_shell_services=`, checks the shell for cron too: the
//! job is refused (the silent failure the default avoids) and the log
//! says why.
//!
//! A real cron rather than pamtester on the "cron" service: what matters
//! is that the job runs. It costs one cron minute (cron starts jobs at
//! minute boundaries), the two tests wait for the same minute in parallel.

use e2e::syslog::{line_with, module_lines};
use e2e::tools::{require, CRON};
use e2e::{Stack, World};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Longest wait for a job: up to a minute to the next boundary, plus
/// cron's own start-up (this waits for an event; it measures nothing).
const JOB_WAIT: Duration = Duration::from_secs(90);

/// Installs /etc/cron.d/e2e with a job per user writing `out/USER`, starts
/// cron, and returns the files the jobs write.
fn start_cron(w: &World, users: &[&str]) -> Vec<PathBuf> {
    let out = w.path().join("out");
    let mut table = String::new();
    for u in users {
        table.push_str(&format!(
            "* * * * * {u} echo RAN-AS=$(id -un) > {}/{u}\n",
            out.display()
        ));
    }
    let install = w.exec(
        "/bin/sh",
        &["-c", "cat > /etc/cron.d/e2e && chmod 644 /etc/cron.d/e2e"],
        &table,
    );
    assert!(install.status.success(), "{install:?}");
    let started = w.exec(require(CRON), &["-L", "15"], "");
    assert!(started.status.success(), "cron: {started:?}");
    users.iter().map(|u| out.join(u)).collect()
}

/// Waits until `file` exists or another job of the same minute has written
/// `witness` and a few seconds passed; returns its contents, if any.
fn job_output(file: &Path, witness: &Path) -> Option<String> {
    let deadline = Instant::now() + JOB_WAIT;
    let mut witness_seen: Option<Instant> = None;
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(file) {
            return Some(text);
        }
        if witness.exists() && witness_seen.is_none() {
            witness_seen = Some(Instant::now());
        }
        if witness_seen.is_some_and(|t| t.elapsed() > Duration::from_secs(5)) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

/// nora (no loginShell) and alice (bash) both get a job; both run.
#[test]
fn a_job_of_a_user_without_a_shell_runs() {
    let w = World::start(Stack::Apps(String::new()));
    let files = start_cron(&w, &["nora", "alice"]);
    let nora = job_output(&files[0], &files[1]);
    let log = w.new_log();
    assert_eq!(
        nora.as_deref(),
        Some("RAN-AS=nora\n"),
        "{}",
        w.diagnostics()
    );
    line_with(&log, &["(nora) CMD (", "echo RAN-AS="]);
    line_with(
        &log,
        &["pam_unix(cron:session): session opened for user nora"],
    );
    assert!(module_lines(&log).is_empty(), "{log:#?}");
}

/// With `skip_shell_services=` nora's job is refused in the account phase;
/// alice's runs in the same minute.
#[test]
fn with_no_skipped_service_the_job_is_refused_and_logged() {
    let w = World::start(Stack::Apps("skip_shell_services=".to_string()));
    let files = start_cron(&w, &["nora", "alice"]);
    let nora = job_output(&files[0], &files[1]);
    let log = w.new_log();
    assert_eq!(
        std::fs::read_to_string(&files[1]).ok().as_deref(),
        Some("RAN-AS=alice\n"),
        "{}",
        w.diagnostics()
    );
    assert_eq!(nora, None, "{log:#?}");
    line_with(
        &log,
        &[
            "pam_ldap_shell(cron:account): user \"nora\" refused",
            "attribute loginShell is absent from entry \"uid=nora,ou=people,dc=example,dc=org\"",
        ],
    );
    assert!(log.iter().all(|l| !l.contains("(nora) CMD")), "{log:#?}");
}
