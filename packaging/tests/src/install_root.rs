//! A root for dpkg inside bubblewrap: the host's / read-only, with private
//! copies of everything dpkg, pam-auth-update and debconf write. /etc and the
//! package state are real copies; /usr is a hard-link farm (dpkg only ever
//! creates, renames and unlinks there, which changes the farm's directories and
//! never the shared files). Debian 12's bubblewrap (0.8) has no overlay mounts.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;
use testkit::tools::{require, BWRAP};

/// (path inside, how it is copied): `-a` a real copy, `-al` hard links.
const COPIES: [(&str, &str); 5] = [
    ("/etc", "-a"),
    ("/usr", "-al"),
    ("/var/lib/dpkg", "-a"),
    ("/var/lib/pam", "-a"),
    ("/var/cache/debconf", "-a"),
];

/// Directories bound writable over the host's (their copies live in the root).
const BINDS: [&str; 6] = [
    "/etc",
    "/usr",
    "/var/lib/dpkg",
    "/var/lib/pam",
    "/var/cache",
    "/var/log",
];

const MAN_DB_STATE: &str = "/var/lib/man-db";

pub struct InstallRoot {
    dir: TempDir,
}

impl Default for InstallRoot {
    fn default() -> Self {
        Self::new()
    }
}

impl InstallRoot {
    pub fn new() -> InstallRoot {
        require(BWRAP);
        let dir = tempfile::Builder::new()
            .prefix("deb-root")
            .tempdir_in(dir_on_usr_device())
            .expect("temp dir for the install root");
        for (inside, how) in COPIES {
            let dest = dir.path().join(inside.trim_start_matches('/'));
            std::fs::create_dir_all(dest.parent().expect("copy has a parent"))
                .expect("create the copy's parent");
            let st = Command::new("cp")
                .arg(how)
                .arg(inside)
                .arg(&dest)
                .status()
                .expect("run cp");
            assert!(st.success(), "cp {how} {inside} {} failed", dest.display());
        }
        for empty in ["var/log", "var/lib/man-db"] {
            std::fs::create_dir_all(dir.path().join(empty)).expect("create empty dir");
        }
        InstallRoot { dir }
    }

    /// Where a path inside the root (under one of the copies) is on the host.
    pub fn host_path(&self, inside: &str) -> PathBuf {
        self.dir.path().join(inside.trim_start_matches('/'))
    }

    /// A file of the host, copied into the root (visible there at the same path).
    pub fn stage(&self, file: &Path) -> PathBuf {
        let name = file.file_name().expect("staged file has a name");
        let dest = self.dir.path().join(name);
        std::fs::copy(file, &dest).expect("stage file into the root");
        dest
    }

    /// Runs `argv` inside the root with `stdin`.
    pub fn run(&self, argv: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut cmd = Command::new(require(BWRAP));
        cmd.args(["--ro-bind", "/", "/"]);
        for inside in BINDS {
            cmd.arg("--bind").arg(self.host_path(inside)).arg(inside);
        }
        // man-db's trigger runs only when this directory holds `auto-update`;
        // an empty one skips a full mandb rebuild (minutes in the copy).
        if Path::new(MAN_DB_STATE).is_dir() {
            cmd.arg("--bind")
                .arg(self.host_path(MAN_DB_STATE))
                .arg(MAN_DB_STATE);
        }
        cmd.args(["--dev", "/dev", "--proc", "/proc", "--die-with-parent"])
            .args(["--setenv", "DEBIAN_FRONTEND", "noninteractive"])
            .args(["--setenv", "PATH", "/usr/sbin:/usr/bin:/sbin:/bin"])
            .arg("--")
            .args(argv)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn bwrap");
        if let Some(mut input) = child.stdin.take() {
            // The program may exit before reading its input: ignore EPIPE.
            let _ = input.write_all(stdin.as_bytes());
        }
        child.wait_with_output().expect("wait for bwrap")
    }

    /// Runs `argv` and returns its stdout; panics with its output when it fails.
    pub fn run_ok(&self, argv: &[&str]) -> String {
        let out = self.run(argv, "");
        assert!(
            out.status.success(),
            "{argv:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Appends `text` to a file inside the root.
    pub fn append(&self, inside: &str, text: &str) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(self.host_path(inside))
            .expect("open file in the root");
        f.write_all(text.as_bytes())
            .expect("append to file in the root");
    }
}

/// A writable directory on the same filesystem as /usr (hard links need it).
fn dir_on_usr_device() -> PathBuf {
    let usr = std::fs::metadata("/usr").expect("stat /usr").dev();
    let candidates = [std::env::temp_dir(), PathBuf::from("/var/tmp")];
    candidates
        .into_iter()
        .find(|d| std::fs::metadata(d).map(|m| m.dev() == usr).unwrap_or(false))
        .unwrap_or_else(|| {
            panic!("no temp dir on the filesystem of /usr (tried $TMPDIR and /var/tmp): set TMPDIR to one")
        })
}
