//! The `pamlint` binary: see `pamlint --help`.
#![deny(unsafe_code)]

fn main() -> std::process::ExitCode {
    pamlint::cli::main()
}
