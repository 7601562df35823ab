//! Which `pam_sm_*` hooks a module implements: read from the module file's
//! exported symbols (ELF), with a built-in table for when the file is absent.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex};

use object::{Object, ObjectSymbol};

use crate::model::PamType;

/// Whether a resolved rule's module has the hook its type calls: from the module
/// file's symbols when it exists (read once per path), else from the built-in table.
/// None when unknown (no file and not a well-known module). libpam runs a missing
/// hook as PAM_MODULE_UNKNOWN.
pub fn implements_type(rule: &crate::model::ResolvedRule) -> Option<bool> {
    if let Some(hooks) = rule.module_file.as_deref().and_then(shared_hooks) {
        return Some(serves(&hooks, rule.pam_type));
    }
    let name = rule.module_name()?;
    builtin_types(&name).map(|ts| ts.contains(&rule.pam_type))
}

/// Hooks by module path, keyed by the path's bytes: hashing a `Path` walks its
/// components.
type HookCache = HashMap<OsString, Option<Arc<[String]>>>;

/// `exported_hooks`, memoised per path for the whole run, shared rather than
/// copied: PL106 and PL205 ask for every rule of every service (copying the
/// list was a third of PL205's cost).
pub fn shared_hooks(path: &Path) -> Option<Arc<[String]>> {
    static CACHE: Mutex<Option<HookCache>> = Mutex::new(None);
    let mut guard = CACHE.lock().ok()?;
    let cache = guard.get_or_insert_with(HashMap::new);
    if let Some(hit) = cache.get(path.as_os_str()) {
        return hit.clone();
    }
    let hooks: Option<Arc<[String]>> = exported_hooks(path).map(Arc::from);
    cache.insert(path.as_os_str().to_owned(), hooks.clone());
    hooks
}

/// The hooks exported by a module file, or None if it cannot be read as an object.
pub fn exported_hooks(path: &Path) -> Option<Vec<String>> {
    // Read only the headers, symbol tables and the names of defined globals, not
    // the whole file: pam_systemd.so alone is ~0.5 MB.
    let data = object::ReadCache::new(std::fs::File::open(path).ok()?);
    let file = object::File::parse(&data).ok()?;
    Some(hooks_in(&file))
}

/// The `pam_sm_*` symbols an object defines and exports, sorted.
fn hooks_in<'d, R: object::ReadRef<'d>>(file: &object::File<'d, R>) -> Vec<String> {
    let mut hooks: Vec<String> = file
        .dynamic_symbols()
        .chain(file.symbols())
        .filter(|s| s.is_definition() && s.is_global())
        .filter_map(|s| s.name().ok().map(str::to_string))
        .filter(|n| n.starts_with("pam_sm_"))
        .collect();
    hooks.sort();
    hooks.dedup();
    hooks
}

/// Whether a set of hooks serves a type (auth needs pam_sm_authenticate; libpam
/// calls a missing hook as PAM_MODULE_UNKNOWN).
pub fn serves(hooks: &[String], t: PamType) -> bool {
    let primary = t.hook_symbols()[0];
    hooks.iter().any(|h| h == primary)
}

/// Types implemented by well-known modules (Linux-PAM 1.5/1.6, sssd, nss-pam-ldapd).
pub fn builtin_types(module: &str) -> Option<&'static [PamType]> {
    use PamType::*;
    const ALL: &[PamType] = &[Auth, Account, Password, Session];
    let t: &'static [PamType] = match module {
        "pam_unix" | "pam_sss" | "pam_ldap" | "pam_krb5" | "pam_permit" | "pam_deny"
        | "pam_debug" | "pam_warn" | "pam_exec" | "pam_succeed_if" | "pam_stress"
        | "pam_listfile" | "pam_access" | "pam_userdb" | "pam_echo" | "pam_winbind"
        | "pam_systemd_home" | "pam_ldap_shell" => ALL,
        "pam_shells" | "pam_nologin" => &[Auth, Account],
        "pam_rootok" => &[Auth, Account, Password],
        "pam_wheel" => &[Auth, Account],
        "pam_securetty" => &[Auth, Account],
        "pam_faillock" => &[Auth, Account],
        "pam_faildelay" => &[Auth],
        "pam_env" => &[Auth, Session],
        "pam_group" => &[Auth],
        "pam_time" => &[Account],
        "pam_localuser" => &[Auth, Account, Password, Session],
        "pam_pwquality" | "pam_cracklib" | "pam_pwhistory" => &[Password],
        "pam_limits" | "pam_systemd" | "pam_loginuid" | "pam_keyinit" | "pam_mkhomedir"
        | "pam_motd" | "pam_lastlog" | "pam_umask" | "pam_mail" | "pam_xauth" | "pam_namespace"
        | "pam_tty_audit" | "pam_selinux" | "pam_lastlog2" => &[Session],
        "pam_mail_auth" => &[Auth],
        "pam_issue" | "pam_ftp" | "pam_rhosts" => &[Auth],
        _ => return None,
    };
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pam_sm_symbols_from_a_real_module() {
        let Some(path) = crate::target::module_dirs(Path::new("/"))
            .iter()
            .map(|d| d.join("pam_shells.so"))
            .find(|p| p.is_file())
        else {
            panic!("pam_shells.so not found: install the Debian package libpam-modules");
        };
        let hooks = exported_hooks(&path).unwrap();
        assert!(serves(&hooks, PamType::Auth));
        assert!(serves(&hooks, PamType::Account));
        assert!(!serves(&hooks, PamType::Session));
    }

    /// What reading the whole file into memory finds (the earlier way).
    fn whole_file_hooks(path: &Path) -> Option<Vec<String>> {
        let data = std::fs::read(path).unwrap();
        object::File::parse(&*data).ok().map(|f| hooks_in(&f))
    }

    /// This machine's module directory, found as libpam's lookup finds it
    /// (multiarch triplet included), not named.
    fn host_module_dir() -> std::path::PathBuf {
        crate::target::module_dirs(Path::new("/"))
            .into_iter()
            .find(|d| d.join("pam_unix.so").is_file())
            .expect("no PAM module directory: install the Debian package libpam-modules")
    }

    #[test]
    fn partial_reads_find_what_a_whole_file_read_finds() {
        let mut seen = 0;
        for e in std::fs::read_dir(host_module_dir()).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "so") && p.is_file() {
                assert_eq!(exported_hooks(&p), whole_file_hooks(&p), "{}", p.display());
                seen += 1;
            }
        }
        assert!(seen > 10, "only {seen} modules");
    }

    #[test]
    fn truncated_module_reads_the_same_both_ways() {
        let data = std::fs::read(host_module_dir().join("pam_unix.so")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for len in [0, 16, 64, 1000, data.len() / 2, data.len() - 1] {
            let p = dir.path().join(format!("cut{len}.so"));
            std::fs::write(&p, &data[..len]).unwrap();
            assert_eq!(exported_hooks(&p), whole_file_hooks(&p), "cut at {len}");
        }
    }

    #[test]
    fn non_elf_is_none() {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), b"not elf").unwrap();
        assert!(exported_hooks(f.path()).is_none());
    }
}
