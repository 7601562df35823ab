//! Registers every rule file (`src/rules/plNNN.rs`) and every module file
//! (`src/modules/pam_*.rs`): adding a rule or a module is adding its file
//! (and its tests), nothing else. Generates `OUT_DIR/rules.rs` (the `mod`
//! lines and `registry()`) and `OUT_DIR/modules.rs` (the `mod` lines and
//! `CATALOGUE`), both in name order (the rules' codes, the modules' names).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

fn main() -> io::Result<()> {
    let src =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(io::Error::other)?).join("src");
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(io::Error::other)?);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/rules");
    println!("cargo:rerun-if-changed=src/modules");

    let rules = stems(&src.join("rules"), |s| {
        s.len() == 5 && s.starts_with("pl") && s[2..].bytes().all(|b| b.is_ascii_digit())
    })?;
    let entries: Vec<String> = rules
        .iter()
        .map(|r| format!("        {r}::rule(),\n"))
        .collect();
    let code = format!(
        "{}\n/// Every rule, ordered by code.\npub fn registry() -> Vec<Rule> {{\n    vec![\n{}    ]\n}}\n",
        mods(&src.join("rules"), &rules),
        entries.concat()
    );
    fs::write(out.join("rules.rs"), code)?;

    let modules = stems(&src.join("modules"), |s| s.starts_with("pam_"))?;
    let entries: Vec<String> = modules
        .iter()
        .map(|m| format!("    &{m}::MODULE,\n"))
        .collect();
    let code = format!(
        "{}\n/// Every module pamlint knows, by name.\npub const CATALOGUE: &[&Module] = &[\n{}];\n",
        mods(&src.join("modules"), &modules),
        entries.concat()
    );
    fs::write(out.join("modules.rs"), code)
}

/// The sorted file stems of `dir`'s `.rs` files that `keep` accepts.
fn stems(dir: &Path, keep: impl Fn(&str) -> bool) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                if keep(stem) {
                    found.push(stem.to_string());
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `pub mod NAME;` lines; the path is absolute because the code is
/// `include!`d from OUT_DIR.
fn mods(dir: &Path, names: &[String]) -> String {
    names
        .iter()
        .map(|n| {
            format!(
                "#[path = {:?}]\npub mod {n};\n",
                dir.join(format!("{n}.rs"))
            )
        })
        .collect()
}
