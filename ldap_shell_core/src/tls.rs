//! TLS settings for ldap3 (rustls with the ring provider).

use crate::options::{ConfigError, Options, ReqCert};
use ldap3::LdapConnSettings;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use std::path::Path;
use std::sync::Arc;

/// Adds the TLS choices (StartTLS, CA file, verification) to `settings`.
pub fn apply(
    opts: &Options,
    url_is_ldaps: bool,
    settings: LdapConnSettings,
) -> Result<LdapConnSettings, String> {
    let settings = settings.set_starttls(opts.starttls && !url_is_ldaps);
    if !(url_is_ldaps || opts.starttls) {
        return Ok(settings);
    }
    if opts.tls_reqcert == ReqCert::Never {
        return Ok(settings.set_no_tls_verify(true));
    }
    let ca = trusted_cas(opts)?;
    Ok(settings.set_config(client_config(&ca)?))
}

/// The distributions' system CA bundles, at their fixed paths (Debian,
/// Ubuntu, Arch, Alpine, Gentoo; Fedora/RHEL; openSUSE/SLES; FreeBSD).
pub const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// Where the trusted CAs come from: `tls_cacert` (the module's settings or
/// ldap.conf's TLS_CACERT), else the first system bundle that exists.
/// Never from the environment: in su, passwd or chsh (setuid root) the
/// environment is the invoking user's, and SSL_CERT_FILE/SSL_CERT_DIR
/// would let them choose the CA the module trusts.
pub fn trusted_cas(opts: &Options) -> Result<std::path::PathBuf, String> {
    if let Some(path) = &opts.tls_cacert {
        return Ok(path.clone());
    }
    system_bundle(SYSTEM_BUNDLES).ok_or_else(|| {
        format!(
            "no tls_cacert configured and no system CA bundle found (looked for {})",
            SYSTEM_BUNDLES.join(", ")
        )
    })
}

/// The first of `candidates` that is a file.
fn system_bundle(candidates: &[&str]) -> Option<std::path::PathBuf> {
    candidates
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file())
}

/// Checks `tls_cacert` up front when TLS is used, so a broken CA file is a
/// configuration error (PAM_SERVICE_ERR), not an unreachable server.
pub fn check_config(opts: &Options) -> Result<(), ConfigError> {
    let uses_tls = opts.starttls
        || opts
            .uris
            .iter()
            .any(|u| u.starts_with("ldaps://") || u.to_ascii_lowercase().starts_with("dns+ldaps"));
    match &opts.tls_cacert {
        Some(path) if uses_tls && opts.tls_reqcert == ReqCert::Demand => client_config(path)
            .map(|_| ())
            .map_err(|reason| ConfigError {
                option: "tls_cacert".into(),
                origin: opts.origin_of("tls_cacert"),
                reason,
            }),
        _ => Ok(()),
    }
}

/// The PEM files to read: `path` itself, or a directory's regular files
/// (as OpenLDAP's TLS_CACERTDIR, without the hash-link requirement).
fn pem_files(path: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries =
        std::fs::read_dir(path).map_err(|e| format!("tls_cacert {}: {e}", path.display()))?;
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// A client config trusting exactly the CA certificates in `path` (a PEM
/// file, or a directory of them).
pub fn client_config(path: &Path) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    for file in pem_files(path)? {
        let pem =
            std::fs::read(&file).map_err(|e| format!("tls_cacert {}: {e}", file.display()))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| format!("tls_cacert {}: {e}", file.display()))?;
            roots
                .add(cert)
                .map_err(|e| format!("tls_cacert {}: {e}", file.display()))?;
        }
    }
    if roots.is_empty() {
        return Err(format!(
            "tls_cacert {}: no PEM certificate found",
            path.display()
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trust_store_comes_from_configuration_never_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("site-ca.pem");
        std::fs::write(&ca, "x").unwrap();
        let configured = crate::testing::options(&[&format!("tls_cacert={}", ca.display())]);
        assert_eq!(trusted_cas(&configured).unwrap(), ca);
        // Without tls_cacert: the first system bundle that exists, whatever
        // SSL_CERT_FILE says (this crate never reads it).
        let bundle = dir.path().join("bundle.crt");
        std::fs::write(&bundle, "x").unwrap();
        let missing = dir.path().join("none.crt");
        let list = [missing.to_str().unwrap(), bundle.to_str().unwrap()];
        assert_eq!(system_bundle(&list), Some(bundle.clone()));
        assert_eq!(system_bundle(&list[..1]), None);
    }

    #[test]
    fn bad_ca_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ca.pem");
        std::fs::write(&f, "not a certificate").unwrap();
        assert!(client_config(&f)
            .unwrap_err()
            .contains("no PEM certificate"));
        assert!(client_config(&dir.path().join("none")).is_err());
    }
}
