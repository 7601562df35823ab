//! pam_ldap_shell: LDAP authentication that reports a missing or unusable login shell.
