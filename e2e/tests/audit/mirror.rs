//! A tree on the host for `pamlint --root` that shows what the e2e sandbox
//! shows.

use e2e::World;
use std::os::unix::fs::symlink;

/// A tree on the host that shows what the sandbox shows (`--root`): the
/// sandbox's own files (pam.d, shells, ftpusers, ldap.conf, /run, module
/// directory) and, through symlinks, the host's programs, libraries,
/// /usr/lib/pam.d and dpkg status. Absolute symlinks are followed on the
/// host, as pamlint reads ROOT/PATH.
pub fn host_root(world: &World, own_modules: bool) -> tempfile::TempDir {
    let root = tempfile::Builder::new()
        .prefix("audit-root")
        .tempdir()
        .expect("temp dir for the root");
    let r = root.path();
    let w = world.path();
    let link = |target: &std::path::Path, at: &str| {
        let path = r.join(at);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
        symlink(target, &path).unwrap_or_else(|e| panic!("symlink {at}: {e}"));
    };
    // Copies, not links: modules check that their lists are regular files.
    let copy = |own: &std::path::Path, at: &str| {
        let path = r.join(at);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
        std::fs::copy(own, &path).unwrap_or_else(|e| panic!("copy {at}: {e}"));
    };
    for (own, at) in [
        ("shells", "etc/shells"),
        ("ftpusers", "etc/ftpusers"),
        ("ldap.conf", "etc/ldap/ldap.conf"),
    ] {
        copy(&w.join(own), at);
    }
    for entry in std::fs::read_dir(w.join("pam.d")).expect("read the sandbox's pam.d") {
        let entry = entry.expect("pam.d entry");
        copy(
            &entry.path(),
            &format!("etc/pam.d/{}", entry.file_name().to_string_lossy()),
        );
    }
    link(&w.join("run"), "run");
    for (host, at) in [
        ("usr/bin", "bin"),
        ("usr/sbin", "sbin"),
        ("usr/lib", "lib"),
        ("usr/lib64", "lib64"),
    ] {
        link(std::path::Path::new(host), at);
    }
    for at in [
        "usr/bin",
        "usr/sbin",
        "usr/share",
        "usr/lib/pam.d",
        "var",
        "opt",
    ] {
        link(&std::path::Path::new("/").join(at), at);
    }
    let arch = "usr/lib/x86_64-linux-gnu";
    for entry in std::fs::read_dir(format!("/{arch}")).expect("read the library dir") {
        let entry = entry.expect("library dir entry");
        let name = entry.file_name();
        if name != "security" {
            link(&entry.path(), &format!("{arch}/{}", name.to_string_lossy()));
        }
    }
    let modules = if own_modules {
        w.join("security")
    } else {
        std::path::Path::new("/").join(arch).join("security")
    };
    link(&modules, &format!("{arch}/security"));
    root
}
