//! Writes the generated directory population (e2e/src/population.rs) for
//! bench/audit_memory.sh: `population ldif N FILE` writes the LDIF of N
//! users; `population slapd-conf DIR` adds what the population needs
//! (the ppolicy overlay) to the slapd.conf that testdata/ldap/make-slapd-config
//! wrote in DIR.

use e2e::population;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let done = match argv[..] {
        ["ldif", n, file] => match n.parse::<usize>() {
            Ok(n) => population::write_ldif_file(Path::new(file), n).map_err(|e| e.to_string()),
            Err(e) => Err(format!("N: {e}")),
        },
        ["slapd-conf", dir] => testkit::slapd::add_config(
            Path::new(dir),
            population::SLAPD_GLOBAL,
            population::SLAPD_DATABASE,
        )
        .map_err(|e| e.to_string()),
        _ => Err("usage: population ldif N FILE | population slapd-conf DIR".into()),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("population: {e}");
            ExitCode::from(2)
        }
    }
}
