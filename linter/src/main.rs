//! The `pamlint` binary: see `pamlint --help`.

fn main() -> std::process::ExitCode {
    pamlint::cli::main()
}
