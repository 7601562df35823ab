//! The daemons and clients the suite runs, each with its Debian package
//! (`e2e/install-deps` installs them without touching the host's logins).

pub use testkit::tools::require;

pub const NSLCD: (&str, &str) = ("/usr/sbin/nslcd", "nslcd");
pub const VSFTPD: (&str, &str) = ("/usr/sbin/vsftpd", "vsftpd");
pub const SSHD: (&str, &str) = ("/usr/sbin/sshd", "openssh-server");
pub const SSH_KEYGEN: (&str, &str) = ("/usr/bin/ssh-keygen", "openssh-client");
pub const SSH: (&str, &str) = ("/usr/bin/ssh", "openssh-client");
pub const SSHPASS: (&str, &str) = ("/usr/bin/sshpass", "sshpass");
pub const LDAP_CONF: (&str, &str) = ("/etc/ldap/ldap.conf", "libldap-common");
pub const FTPUSERS: (&str, &str) = ("/etc/ftpusers", "vsftpd");

/// nss-pam-ldapd's NSS module, in this system's multiarch library directory.
pub fn nss_ldap() -> (&'static str, &'static str) {
    let path = format!("{}/libnss_ldap.so.2", testkit::system::lib_dir());
    (Box::leak(path.into_boxed_str()), "libnss-ldapd")
}

/// nss-pam-ldapd's PAM module, in this system's module directory.
pub fn pam_ldap() -> (&'static str, &'static str) {
    (testkit::system::pam_module("pam_ldap.so"), "libpam-ldapd")
}

/// The directory libpam loads modules from, found on this system.
pub fn pam_module_dir() -> &'static str {
    testkit::system::pam_module_dir()
}

/// Checks every daemon and file the sandbox needs; panics naming the package.
pub fn require_all() {
    for tool in [
        NSLCD,
        nss_ldap(),
        pam_ldap(),
        VSFTPD,
        SSHD,
        SSH_KEYGEN,
        LDAP_CONF,
        FTPUSERS,
    ] {
        require(tool);
    }
    require(testkit::tools::BWRAP);
}

/// Validates docker/compose.yaml offline (`docker-compose config`).
pub const DOCKER_COMPOSE: (&str, &str) = ("/usr/bin/docker-compose", "docker-compose");
pub const LDAPSEARCH: (&str, &str) = ("/usr/bin/ldapsearch", "ldap-utils");
pub const CURL: (&str, &str) = ("/usr/bin/curl", "curl");

/// The setuid sandbox (e2e/src/setuid.rs) and the programs run in it.
pub const UNSHARE: (&str, &str) = ("/usr/bin/unshare", "util-linux");
pub const NSENTER: (&str, &str) = ("/usr/bin/nsenter", "util-linux");
pub const SETPRIV: (&str, &str) = ("/usr/bin/setpriv", "util-linux");
pub const PYTHON3: (&str, &str) = ("/usr/bin/python3", "python3");
pub const SUDO: (&str, &str) = ("/usr/bin/sudo", "sudo");
pub const CRON: (&str, &str) = ("/usr/sbin/cron", "cron");
pub const SU: (&str, &str) = ("/usr/bin/su", "util-linux");
pub const LOGIN: (&str, &str) = ("/usr/bin/login", "login");
pub const PASSWD: (&str, &str) = ("/usr/bin/passwd", "passwd");
pub const CHSH: (&str, &str) = ("/usr/bin/chsh", "passwd");
pub const RUNUSER: (&str, &str) = ("/usr/sbin/runuser", "util-linux");
pub const SS: (&str, &str) = ("/usr/bin/ss", "iproute2");
