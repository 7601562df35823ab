//! A syslog catcher that never lets the daemons block: a thread receives
//! every datagram as it arrives. (A socket nobody reads holds only
//! net.unix.max_dgram_qlen messages, 10 by default; after that sshd and
//! vsftpd hang in syslog(3).)

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Catcher {
    lines: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Catcher {
    /// Binds a datagram socket at `path` and starts receiving.
    pub fn bind(path: &Path) -> Catcher {
        let socket = UnixDatagram::bind(path)
            .unwrap_or_else(|e| panic!("cannot bind syslog socket {}: {e}", path.display()));
        // The timeout lets the thread notice `stop`.
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("socket read timeout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (lines, stop) = (lines.clone(), stop.clone());
            std::thread::spawn(move || receive(&socket, &lines, &stop))
        };
        Catcher {
            lines,
            stop,
            thread: Some(thread),
        }
    }

    /// Lines received since the last call, in the form of
    /// `testkit::syslog::strip_header` ("<PRI>text").
    pub fn take(&self) -> Vec<String> {
        match self.lines.lock() {
            Ok(mut guard) => std::mem::take(&mut *guard),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

fn receive(socket: &UnixDatagram, lines: &Mutex<Vec<String>>, stop: &AtomicBool) {
    let mut buf = vec![0u8; 64 * 1024];
    while !stop.load(Ordering::Relaxed) {
        if let Ok(n) = socket.recv(&mut buf) {
            let line = testkit::syslog::strip_header(&String::from_utf8_lossy(&buf[..n]));
            if let Ok(mut guard) = lines.lock() {
                guard.push(line);
            }
        }
    }
}

/// The first line of `log` containing every one of `parts`; panics with
/// the whole log when none does.
pub fn line_with<'a>(log: &'a [String], parts: &[&str]) -> &'a str {
    log.iter()
        .find(|l| parts.iter().all(|p| l.contains(p)))
        .unwrap_or_else(|| panic!("no log line with {parts:?} in:\n{}", log.join("\n")))
}

/// Lines of pam_ldap_shell above debug level ("<PRI>" with a severity
/// other than LOG_DEBUG): what an administrator sees by default.
pub fn module_lines(log: &[String]) -> Vec<&String> {
    log.iter()
        .filter(|l| l.contains("pam_ldap_shell("))
        .filter(|l| {
            let severity = l
                .strip_prefix('<')
                .and_then(|r| r.split_once('>'))
                .and_then(|(p, _)| p.parse::<u32>().ok())
                .map(|p| p % 8);
            severity != Some(7)
        })
        .collect()
}

impl Drop for Catcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_up_with_more_than_the_queue_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let catcher = Catcher::bind(&path);
        let tx = UnixDatagram::unbound().unwrap();
        for i in 0..100 {
            // Blocks (and the test hangs) if nobody drains the socket.
            tx.send_to(format!("<13>Nov 26 22:00:00 t[1]: m{i}").as_bytes(), &path)
                .unwrap();
        }
        let mut got = Vec::new();
        for _ in 0..50 {
            got.extend(catcher.take());
            if got.len() == 100 {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(got.len(), 100);
        assert_eq!(got[99], "<13>m99");
    }

    #[test]
    fn module_lines_leave_out_debug() {
        let log = vec![
            "<87>pam_ldap_shell(sudo:account): skipped".to_string(),
            "<85>pam_ldap_shell(su:auth): refused".to_string(),
            "<85>pam_unix(su:auth): failure".to_string(),
        ];
        assert_eq!(module_lines(&log), vec![&log[1]]);
    }
}
