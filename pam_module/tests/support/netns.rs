//! Test-only: move the calling thread into a network namespace of its own
//! (loopback only), so a netfilter rule there touches nothing else. Children
//! spawned from this thread (slapd, bwrap, nft) inherit it.

#![allow(dead_code)]

use std::process::Command;

pub const NFT: (&str, &str) = ("/usr/sbin/nft", "nftables");
pub const IP: (&str, &str) = ("/usr/sbin/ip", "iproute2");

pub fn enter_private_netns() {
    // SAFETY: unshare(2) with CLONE_NEWNET only changes this thread's network
    // namespace; no memory is involved. Needs root (CAP_SYS_ADMIN).
    let rc = unsafe { libc::unshare(libc::CLONE_NEWNET) };
    assert_eq!(
        rc,
        0,
        "unshare(CLONE_NEWNET): {}",
        std::io::Error::last_os_error()
    );
    run(testkit::tools::require(IP), &["link", "set", "lo", "up"]);
}

/// Drops every TCP packet to `port` on loopback in this namespace.
pub fn drop_port(port: u16) {
    let nft = testkit::tools::require(NFT);
    run(nft, &["add", "table", "inet", "h6test"]);
    run(
        nft,
        &[
            "add",
            "chain",
            "inet",
            "h6test",
            "input",
            "{ type filter hook input priority 0 ; }",
        ],
    );
    let dport = port.to_string();
    run(
        nft,
        &[
            "add", "rule", "inet", "h6test", "input", "tcp", "dport", &dport, "drop",
        ],
    );
}

fn run(tool: &str, args: &[&str]) {
    let out = Command::new(tool).args(args).output().expect(tool);
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
