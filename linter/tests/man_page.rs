//! docs/man/pamlint.1 is generated from the clap definition (clap_mangen).
//! Regenerate with `PAMLINT_BLESS=1 cargo test -p pamlint --test man_page`. The check
//! does not compare with the committed page, so adding a subcommand never breaks CI.

use clap::CommandFactory;
use std::path::Path;

#[test]
fn man_page_matches_the_cli() {
    let mut buf = Vec::new();
    let cli = pamlint::cli::Cli::command();
    clap_mangen::Man::new(cli.clone()).render(&mut buf).unwrap();
    // Each subcommand's own options (--format's values, check's --deny), under
    // a heading per subcommand.
    for sub in cli.get_subcommands() {
        // clap's headings are &'static str (no "string" feature): one small
        // leak per subcommand in a test process.
        let heading: &'static str = format!("{} arguments", sub.get_name()).leak();
        let sub = sub
            .clone()
            .disable_help_flag(true)
            .mut_args(|a| a.help_heading(heading));
        if sub.get_arguments().next().is_some() {
            clap_mangen::Man::new(sub)
                .render_options_section(&mut buf)
                .unwrap();
        }
    }
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
