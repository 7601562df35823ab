//! docs/man/pamlint.1 is generated from the clap definition (clap_mangen).
//! Regenerate with `PAMLINT_BLESS=1 cargo test -p pamlint --test man_page`. The check
//! does not compare with the committed page, so adding a subcommand never breaks CI.

use clap::CommandFactory;
use std::path::Path;

#[test]
fn man_page_matches_the_cli() {
    let mut buf = Vec::new();
    clap_mangen::Man::new(pamlint::cli::Cli::command())
        .render(&mut buf)
        .unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/man/pamlint.1");
    if std::env::var_os("PAMLINT_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &buf).unwrap();
    }
    let page = String::from_utf8(buf).unwrap();
    for word in [
        "pamlint",
        "check",
        "explain",
        "rules",
        "\\-\\-deny",
        "\\-\\-target",
    ] {
        assert!(page.contains(word), "man page lacks {word}");
    }
    assert!(
        path.is_file(),
        "docs/man/pamlint.1 missing: run with PAMLINT_BLESS=1"
    );
}
