//! dnsmasq for the SRV tests: a real DNS server on a loopback address of
//! the test run's own, answering only the records given.

use std::process::{Child, Command, Stdio};

/// dnsmasq answering for example.test on `addr`:53 only; killed on drop
/// (and by `timeout` should this process die first).
pub struct Dns(Child);

impl Dns {
    pub fn start(addr: &str, records: &[String]) -> Dns {
        let dnsmasq = testkit::tools::require(("/usr/sbin/dnsmasq", "dnsmasq-base"));
        let mut cmd = Command::new("/usr/bin/timeout");
        cmd.args(["300", dnsmasq])
            .args([
                "--keep-in-foreground",
                "--conf-file=/dev/null",
                "--pid-file=",
            ])
            .args([
                "--no-resolv",
                "--no-hosts",
                "--bind-interfaces",
                "--port=53",
            ])
            .arg(format!("--listen-address={addr}"))
            .args(records)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let child = cmd.spawn().expect("start dnsmasq");
        // Ready when it answers: poll with a query of our own.
        let dns = Dns(child);
        for _ in 0..100 {
            if std::net::UdpSocket::bind("127.0.0.1:0")
                .and_then(|s| {
                    s.set_read_timeout(Some(std::time::Duration::from_millis(50)))?;
                    // A minimal query for "test." type A.
                    let q = [
                        0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, b't', b'e', b's', b't', 0, 0,
                        1, 0, 1,
                    ];
                    s.send_to(&q, (addr, 53))?;
                    let mut buf = [0u8; 512];
                    s.recv_from(&mut buf).map(|_| ())
                })
                .is_ok()
            {
                return dns;
            }
        }
        panic!("dnsmasq did not answer on {addr}:53");
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        // SIGTERM, which `timeout` passes on to dnsmasq (a SIGKILL would
        // only end `timeout` and leave dnsmasq answering on the address).
        let pid = self.0.id() as libc::pid_t;
        // SAFETY: kill(2) on our own child's pid; no memory is involved.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

/// A loopback address of this test run's own (127.53.X.Y), so a server
/// of another run cannot answer in its place.
pub fn own_address() -> String {
    let n = std::process::id();
    format!("127.53.{}.{}", (n >> 8) % 250 + 1, n % 250 + 1)
}
