//! Shared by the simulate tests: write a pam.d directory, run one call through the
//! real libpam and through `pamlint simulate`, return both result names.

#![allow(dead_code)]

use std::path::Path;

use pamlint::model::PamCode;
use pamlint::resolve::{resolve_service, ResolveContext};
use pamlint::simulate::engine::Flavor;
use pamlint::simulate::ops::Operation;
use pamlint::simulate::{simulate, Options, Simulation};

use super::libpam::{self, Call};

pub const ALL_OPS: [Operation; 6] = [
    Operation::Auth,
    Operation::Setcred,
    Operation::Account,
    Operation::Password,
    Operation::Session,
    Operation::CloseSession,
];

pub fn call_of(op: Operation) -> Call {
    match op {
        Operation::Auth => Call::Authenticate,
        Operation::Setcred => Call::Setcred,
        Operation::Account => Call::AcctMgmt,
        Operation::Password => Call::Chauthtok,
        Operation::Session => Call::OpenSession,
        Operation::CloseSession => Call::CloseSession,
    }
}

/// libpam's name for a raw result code.
pub fn code_name(rc: i32) -> String {
    usize::try_from(rc)
        .ok()
        .and_then(PamCode::from_index)
        .map(|c| c.name().to_string())
        .unwrap_or_else(|| format!("code {rc}"))
}

/// The simulation of `op` for `service` in `dir` (modules looked up on this host).
pub fn simulated(dir: &Path, service: &str, op: Operation, flavor: Flavor) -> Simulation {
    let ctx = ResolveContext::for_dir(dir, Path::new("/"));
    let svc = resolve_service(&ctx, service);
    let opts = Options {
        flavor,
        ..Options::default()
    };
    simulate(&svc, op, &opts)
}

/// (real libpam, simulator) result names.
pub fn both(dir: &Path, service: &str, op: Operation) -> (String, String) {
    let real = code_name(libpam::run(dir, service, "h3user", call_of(op)));
    let sim = simulated(dir, service, op, Flavor::Debian)
        .result()
        .name()
        .to_string();
    (real, sim)
}

/// Write `files` (name, text) into a fresh temp dir; `@DIR@` in a text becomes the
/// directory's path (includes need absolute paths: Debian's libpam resolves a
/// relative include against /etc/pam.d, not the pam_start_confdir directory).
pub fn write_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().display().to_string();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text.replace("@DIR@", &base)).expect("write");
    }
    dir
}
