//! Facts about one user on one host (or a filesystem image), as the PAM modules
//! that `why` predicts would see them.
//!
//! On the live host the passwd entry and group memberships come from NSS
//! (getpwnam_r, getgrnam_r, getgrouplist), so users served by nslcd or sssd count.
//! With `--root DIR` NSS cannot be asked about the image, so ROOT/etc/passwd and
//! ROOT/etc/group are read instead.

pub mod directory;
#[allow(unsafe_code)]
pub mod ffi;
pub mod files;
pub mod logindefs;
pub mod passwd;
pub mod shells;
pub mod version;

use std::path::{Path, PathBuf};

pub use directory::{DirectoryFacts, ModuleOptions};
pub use files::FsView;
pub use passwd::{Group, Passwd, UserDb};
pub use version::{PamVersion, VersionInfo};

/// Everything `why` knows before walking a stack.
#[derive(Debug)]
pub struct Facts {
    pub service: String,
    pub user: String,
    /// `None` when the user is unknown (or the lookup failed, see `lookup_error`).
    pub passwd: Option<Passwd>,
    pub lookup_error: Option<String>,
    pub db: UserDb,
    pub fs: FsView,
    pub version: VersionInfo,
    /// pam_shells built with libeconf (reads /usr/etc/shells when /etc/shells is absent).
    pub shells_econf: bool,
    /// The user's shadow aging fields: NSS (getspnam, root only) on the
    /// host, the image's /etc/shadow under --root; None when unknown.
    pub shadow: Option<aging::Shadow>,
    /// What pam_ldap_shell reads from the directory for this user, when the
    /// facts come from a directory scan (`pamlint audit`); None for `why`,
    /// which predicts the module from NSS's view.
    pub directory: Option<DirectoryFacts>,
    /// The program was started by an ordinary user, not by root, so
    /// pam_rootok fails: `pamlint audit` asks whether users get in by
    /// themselves. False for `why`, which leaves pam_rootok unknown.
    pub ordinary_caller: bool,
}

/// Where facts come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The running system: NSS for users and groups, files under `/`.
    Host,
    /// A filesystem image: its own passwd/group files, files under the root.
    Root(PathBuf),
}

impl Facts {
    /// Gather the facts for `user` logging in to `service`.
    pub fn gather(
        source: &Source,
        service: &str,
        user: &str,
        version_override: Option<PamVersion>,
    ) -> Facts {
        let (db, fs) = match source {
            Source::Host => (UserDb::Nss, FsView::new(Path::new("/"))),
            Source::Root(root) => (UserDb::files(root), FsView::new(root)),
        };
        let (passwd, lookup_error) = match db.user(user) {
            Ok(p) => (p, None),
            Err(e) => (None, Some(e)),
        };
        let version = match version_override {
            Some(v) => VersionInfo::overridden(v),
            None => version::detect(&fs),
        };
        let shells_econf = version
            .version
            .is_some_and(|v| v >= PamVersion::new(1, 5, 3))
            && shells::built_with_econf(&fs);
        let shadow = match source {
            Source::Host => ffi::getspnam(user).and_then(|l| aging::parse_shadow_line(&l, user)),
            Source::Root(_) => fs
                .read("/etc/shadow")
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .and_then(|t| t.lines().find_map(|l| aging::parse_shadow_line(l, user))),
        };
        Facts {
            service: service.to_string(),
            user: user.to_string(),
            passwd,
            lookup_error,
            db,
            fs,
            version,
            shells_econf,
            shadow,
            directory: None,
            ordinary_caller: false,
        }
    }

    /// How the passwd entry was looked up, for messages.
    pub fn lookup_name(&self) -> String {
        match &self.db {
            UserDb::Nss => "NSS (getpwnam)".into(),
            UserDb::Files { passwd, .. } => passwd.display().to_string(),
        }
    }

    /// pam_modutil_user_in_group_nam_nam: primary gid, gr_mem, or getgrouplist.
    pub fn user_in_group(&self, group: &str) -> bool {
        match &self.passwd {
            Some(pw) => self.db.in_group(pw, group),
            None => false,
        }
    }

    /// The known Linux-PAM version, if any.
    pub fn pam_version(&self) -> Option<PamVersion> {
        self.version.version
    }
}
