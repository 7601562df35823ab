//! A datagram socket standing in for /dev/log: what the sandboxed process
//! sends to syslog (glibc's syslog(3), used by pam_syslog) lands here.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

pub struct SyslogCapture {
    socket: UnixDatagram,
    path: PathBuf,
}

impl SyslogCapture {
    /// Binds a new socket at `path` (bind it over /dev/log in the sandbox).
    pub fn bind(path: &Path) -> SyslogCapture {
        let socket = UnixDatagram::bind(path)
            .unwrap_or_else(|e| panic!("cannot bind syslog socket {}: {e}", path.display()));
        SyslogCapture {
            socket,
            path: path.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `work` while reading the socket: a datagram socket holds only
    /// net.unix.max_dgram_qlen (10) messages, and a process that logs more than
    /// that with nobody reading blocks in syslog(3) for ever.
    pub fn collect_while<T>(&self, work: impl FnOnce() -> T) -> (T, Vec<String>) {
        use std::sync::atomic::{AtomicBool, Ordering};
        let done = AtomicBool::new(false);
        let timeout = Some(std::time::Duration::from_millis(20));
        std::thread::scope(|scope| {
            let reader = scope.spawn(|| {
                let mut out = Vec::new();
                let mut buf = vec![0u8; 64 * 1024];
                if self.socket.set_read_timeout(timeout).is_err() {
                    return out;
                }
                while !done.load(Ordering::Acquire) {
                    if let Ok(n) = self.socket.recv(&mut buf) {
                        out.push(strip_header(&String::from_utf8_lossy(&buf[..n])));
                    }
                }
                out
            });
            let result = work();
            done.store(true, Ordering::Release);
            let mut lines = reader.join().unwrap_or_default();
            lines.extend(self.drain());
            (result, lines)
        })
    }

    /// Every message received so far, without the `<PRI>` header and the
    /// timestamp/ident prefix glibc adds (the text after "ident[pid]: ").
    pub fn drain(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        if self.socket.set_nonblocking(true).is_err() {
            return out;
        }
        while let Ok(n) = self.socket.recv(&mut buf) {
            out.push(strip_header(&String::from_utf8_lossy(&buf[..n])));
        }
        out
    }
}

/// "<85>Nov 26 22:00:00 pamtester: text" -> "text"; the priority is kept
/// as a prefix "<85>" so tests can check the level if they want to.
pub fn strip_header(raw: &str) -> String {
    let raw = raw.trim_end_matches(['\n', '\0']);
    let (pri, rest) = match raw.strip_prefix('<').and_then(|r| r.split_once('>')) {
        Some((p, rest)) => (format!("<{p}>"), rest),
        None => (String::new(), raw),
    };
    // The timestamp is "Mmm dd hh:mm:ss " (16 bytes), then "ident[pid]: ".
    let after_time = rest.get(16..).unwrap_or(rest);
    let text = after_time
        .split_once(": ")
        .map(|(_, t)| t)
        .unwrap_or(after_time);
    format!("{pri}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_glibc_header() {
        assert_eq!(
            strip_header("<85>Nov 26 22:00:00 pamtester: pam_x(s:auth): hi: there\n"),
            "<85>pam_x(s:auth): hi: there"
        );
    }

    #[test]
    fn captures_datagrams() {
        let dir = tempfile::tempdir().unwrap();
        let cap = SyslogCapture::bind(&dir.path().join("log"));
        let tx = UnixDatagram::unbound().unwrap();
        tx.send_to(b"<13>Nov 26 22:00:00 t[1]: hello", cap.path())
            .unwrap();
        assert_eq!(cap.drain(), vec!["<13>hello"]);
    }
}
