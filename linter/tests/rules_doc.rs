//! docs/rules.md is generated from the rule registry (the same text as
//! `pamlint explain`). Regenerate with `PAMLINT_BLESS=1 cargo test -p pamlint --test rules_doc`.

use std::path::Path;

fn render() -> String {
    let mut out = String::from(
        "# pamlint rules\n\nGenerated from `linter/src/rules/` (`PAMLINT_BLESS=1 cargo test -p pamlint --test rules_doc`); the same text as `pamlint explain CODE`.\n",
    );
    for r in pamlint::rules::registry() {
        let i = r.info;
        out.push_str(&format!(
            "\n## {} {} ({})\n\n{}\n\n```text\n{}\n```\n",
            i.code,
            i.name,
            i.severity,
            i.title,
            i.explain.trim_end()
        ));
    }
    out
}

#[test]
fn rules_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let text = render();
    if std::env::var_os("PAMLINT_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let on_disk =
        std::fs::read_to_string(&path).expect("docs/rules.md missing: run with PAMLINT_BLESS=1");
    assert_eq!(
        on_disk, text,
        "docs/rules.md is stale: run with PAMLINT_BLESS=1"
    );
}
