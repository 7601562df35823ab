//! PL105 include-too-deep: includes nested deeper than 16. Found by the resolver; documented and tested here.

use super::{documented, Rule};

pub use crate::resolve::codes::PL105 as INFO;

pub fn rule() -> Rule {
    documented(&INFO)
}

#[cfg(test)]
mod tests {
    use crate::rules::testutil::{codes_lines, lint_files};

    #[test]
    fn fires_on_a_chain_of_17() {
        let names: Vec<String> = (0..18).map(|i| format!("f{i}")).collect();
        let contents: Vec<String> = (0..18)
            .map(|i| {
                if i < 17 {
                    format!("auth include f{}\n", i + 1)
                } else {
                    "auth required pam_permit.so\n".into()
                }
            })
            .collect();
        let files: Vec<(&str, &str)> = names
            .iter()
            .zip(&contents)
            .map(|(n, c)| (n.as_str(), c.as_str()))
            .collect();
        let f = lint_files(&files);
        assert!(!codes_lines(&f, super::INFO.code).is_empty());
    }

    #[test]
    fn quiet_on_a_short_chain() {
        let f = lint_files(&[
            ("a", "auth include b\n"),
            ("b", "auth required pam_permit.so\n"),
        ]);
        assert!(codes_lines(&f, super::INFO.code).is_empty());
    }
}
