//! `why` reads the directory when the service's auth or account stack has
//! pam_ldap_shell, as `pamlint audit` reads it for a listed user: the
//! module's configuration (its own loader, below --root), its lookup of the
//! user with its search identity (the service account or anonymous; never a
//! bind as the user, never a write), and the answers to its `authz_filter`s.
//! The module's prediction is then its own account phase on that entry
//! (`modules/ldap_shell_entry.rs`). A directory pamlint cannot reach leaves
//! the prediction to NSS's view, which says so.

use std::sync::Arc;

use ldap_shell_core::directory::{DirError, Directory};
use ldap_shell_core::pam_ops::printable;
use ldap_shell_core::scan::per_user_directory;

use crate::facts::builder::FactsBuilder;
use crate::facts::directory::in_directory;
use crate::facts::ldap_shell::{resolve_all, rule_arguments, scan_options, ModuleSettings};
use crate::facts::{Facts, Source};
use crate::model::ResolvedService;

/// `facts` with what pam_ldap_shell reads from the directory for their
/// user, when `service` runs the module; unchanged when it does not, or
/// when no configuration can search (each rule then predicts its own
/// configuration error).
pub fn read(facts: Facts, source: &Source, service: &ResolvedService) -> Facts {
    let rules = rule_arguments(std::slice::from_ref(service));
    if rules.is_empty() {
        return facts;
    }
    let settings = ModuleSettings {
        root: source.root().to_path_buf(),
        config: None,
        uri: None,
    };
    let Ok(opts) = scan_options(&settings, &rules) else {
        return facts;
    };
    let options = Arc::new(resolve_all(&settings, &rules));
    let mut dir = per_user_directory(&opts);
    // Any failure (no server, a service bind pamlint may not make: the
    // bindpw_file is root's) is pamlint's, not the user's: NSS's view then.
    let found = match in_directory(dir.lookup(&facts.user)) {
        Ok(found) => found,
        Err(e) => {
            return Facts {
                directory_unreachable: Some(printable(&directory_error(e))),
                ..facts
            }
        }
    };
    let user = facts.user.clone();
    let mut builder = FactsBuilder::new(facts, source.clone(), options);
    builder.named_user(&user, found, Some(&mut dir));
    builder.into_facts()
}

/// The text of a failed lookup (no server: the servers' reasons).
fn directory_error(e: DirError) -> String {
    match e {
        DirError::Unavailable(why) => why,
        failed => failed.to_string(),
    }
}
