//! pamlint: parse, resolve, lint, diff and simulate Linux-PAM configuration.
