//! What packaging/build-deb built, as packaging/test passes it on.

use std::path::PathBuf;

fn from_env(var: &str, what: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        panic!("{var} is not set: run packaging/test, which builds {what} with packaging/build-deb")
    });
    assert!(
        path.is_file(),
        "{var}={}: no such file; run packaging/test",
        path.display()
    );
    path
}

/// The .deb (libpam-ldap-shell_VERSION_ARCH.deb).
pub fn deb() -> PathBuf {
    from_env("PACKAGING_DEB", "the .deb")
}

/// The release pamlint binary that went into the package.
pub fn pamlint() -> PathBuf {
    from_env("PACKAGING_PAMLINT", "pamlint")
}

/// The release module (libpam_ldap_shell.so) that went into the package.
pub fn module() -> PathBuf {
    from_env("PACKAGING_MODULE", "the module")
}
