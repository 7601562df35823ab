//! What the real services do with a user and the right password: the
//! sandbox's vsftpd and sshd daemons, and libpam through pamtester with the
//! calls each application makes.

use e2e::{ftp, ssh, World, PASSWORD};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Admitted,
    Refused,
}

/// What the real service does with `user` and the right password, and how
/// it was found. vsftpd: the daemon's reply to PASS, which must agree with
/// pamtester on the vsftpd stack (the oracle checks itself: vsftpd adds no
/// check of its own to PAM's). sshd: the daemon, which adds its own (the
/// shell must exist and be executable, OpenSSH's allowed_user). Any other
/// service: its stack through pamtester.
pub fn real(w: &World, service: &str, user: &str) -> (Verdict, String) {
    let (pam, result) = real_pam(w, service, user);
    match service {
        "vsftpd" => {
            let daemon = real_ftp(w, user);
            assert_eq!(
                daemon, pam,
                "oracle: the vsftpd daemon and pamtester vsftpd disagree on {user} ({result})"
            );
            (daemon, format!("vsftpd daemon; libpam {result}"))
        }
        "sshd" => (
            real_ssh(w, user),
            format!("sshd daemon; libpam alone {result}"),
        ),
        _ => (pam, format!("libpam {result}")),
    }
}

/// The service's PAM stack through pamtester, with the calls the
/// application makes on one handle (`pam_calls`); the verdict and
/// pamtester's result name.
fn real_pam(w: &World, service: &str, user: &str) -> (Verdict, String) {
    let run = w.pamtester(service, user, pam_calls(service), &format!("{PASSWORD}\n"));
    let verdict = if run.exit_code == 0 {
        Verdict::Admitted
    } else {
        Verdict::Refused
    };
    (verdict, run.result())
}

/// What the application behind a service asks libpam: a login
/// authenticates then checks the account; systemd's user manager
/// (PAMName=systemd-user) checks the account and opens a session, it never
/// authenticates (libpam would fall back to `other` for its auth stack).
fn pam_calls(service: &str) -> &'static [&'static str] {
    match service {
        "systemd-user" => &["acct_mgmt"],
        _ => &["authenticate", "acct_mgmt"],
    }
}

/// The real vsftpd: 230 admits, 530 refuses.
fn real_ftp(w: &World, user: &str) -> Verdict {
    let login = ftp::login(w.ftp_port, user, PASSWORD).expect("FTP exchange");
    match login.pass_reply() {
        r if r.starts_with("230") => Verdict::Admitted,
        r if r.starts_with("530") => Verdict::Refused,
        r => panic!("vsftpd answered {user}'s PASS with {r:?}: {login:?}"),
    }
}

/// The real sshd: the command runs (exit 0), or ssh gives up (255) without
/// a connection error (a refused password says "Permission denied"; a
/// refusal by the account phase closes the connection silently).
fn real_ssh(w: &World, user: &str) -> Verdict {
    let s = ssh::run(w.ssh_port, user, PASSWORD, "true");
    let connection_error = ["Connection refused", "Connection timed out", "Could not"]
        .iter()
        .any(|e| s.stderr.contains(e));
    match s.exit_code {
        0 => Verdict::Admitted,
        255 if !connection_error && s.stdout.is_empty() => Verdict::Refused,
        _ => panic!("ssh {user}: {s:?}\n{}", w.diagnostics()),
    }
}

pub fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Admitted => "admitted",
        Verdict::Refused => "refused",
    }
}
