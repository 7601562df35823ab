//! Which findings a run reports: `--select`/`--ignore` (codes or prefixes: `PL3`
//! is every PL3xx rule, `ALL` every rule) and pamlint.toml's per-file ignores
//! (globs over file paths).

use std::path::{Path, PathBuf};

use crate::model::Finding;

/// What the user selected; built once, checked per finding.
#[derive(Debug, Default)]
pub struct Selection {
    /// None: every rule.
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    per_file: Vec<(glob::Pattern, Vec<String>)>,
    /// Per-file patterns also match paths relative to this directory (the config's).
    base: Option<PathBuf>,
}

impl Selection {
    /// Check every code and pattern: an unknown code or prefix, or a bad glob, is an
    /// error (a typo would silently select nothing or ignore nothing).
    pub fn new(
        select: Option<Vec<String>>,
        ignore: Vec<String>,
        per_file: &[(String, Vec<String>)],
        base: Option<PathBuf>,
    ) -> Result<Self, String> {
        let known: Vec<&'static str> = crate::rules::registry()
            .iter()
            .map(|r| r.info.code)
            .collect();
        let check = |codes: Vec<String>| -> Result<Vec<String>, String> {
            codes.into_iter().map(|c| normalise(&c, &known)).collect()
        };
        let select = select.map(check).transpose()?;
        let ignore = check(ignore)?;
        let per_file = per_file
            .iter()
            .map(|(pat, codes)| {
                let p = glob::Pattern::new(pat).map_err(|e| {
                    format!(
                        "per-file-ignores: bad pattern `{}`: {e}",
                        pat.escape_debug()
                    )
                })?;
                Ok((p, check(codes.clone())?))
            })
            .collect::<Result<_, String>>()?;
        Ok(Selection {
            select,
            ignore,
            per_file,
            base,
        })
    }

    /// Whether `f` is reported.
    pub fn keeps(&self, f: &Finding) -> bool {
        let hit = |prefixes: &[String]| prefixes.iter().any(|p| matches(p, f.code()));
        if self.select.as_deref().is_some_and(|s| !hit(s)) || hit(&self.ignore) {
            return false;
        }
        !self
            .per_file
            .iter()
            .any(|(pat, codes)| hit(codes) && self.path_matches(pat, &f.span.file))
    }

    /// The path as printed, relative to the config's directory, or the file name.
    fn path_matches(&self, pat: &glob::Pattern, path: &Path) -> bool {
        let opts = glob::MatchOptions {
            require_literal_separator: true,
            ..glob::MatchOptions::new()
        };
        let relative = self.base.as_ref().and_then(|b| relative_to(path, b));
        let name = path.file_name().map(Path::new);
        let found = [Some(path), relative.as_deref(), name]
            .into_iter()
            .flatten()
            .any(|p| pat.matches_path_with(p, opts));
        found
    }
}

/// `path` relative to `base`, both made absolute against the working directory.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let abs = |p: &Path| {
        let joined = cwd.join(p);
        joined.canonicalize().unwrap_or(joined)
    };
    abs(path)
        .strip_prefix(abs(base))
        .ok()
        .map(Path::to_path_buf)
}

/// Upper-case `code` and check it names at least one rule.
fn normalise(code: &str, known: &[&str]) -> Result<String, String> {
    let c = code.trim().to_ascii_uppercase();
    if c == "ALL" || (!c.is_empty() && known.iter().any(|k| k.starts_with(&c))) {
        Ok(c)
    } else {
        Err(format!(
            "`{}` is not a rule code or prefix (see `pamlint rules`)",
            code.escape_debug()
        ))
    }
}

fn matches(prefix: &str, code: &str) -> bool {
    prefix == "ALL" || code.starts_with(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;
    use std::sync::Arc;

    fn f(code: &'static str, file: &str) -> Finding {
        Finding::new(
            crate::rules::lookup(code).unwrap(),
            Span::file_start(Arc::from(Path::new(file))),
            String::new(),
            String::new(),
        )
    }

    #[test]
    fn prefixes_select_and_ignore_wins() {
        let s = Selection::new(Some(vec!["pl3".into()]), vec!["PL302".into()], &[], None).unwrap();
        assert!(s.keeps(&f("PL301", "a")));
        assert!(!s.keeps(&f("PL302", "a")));
        assert!(!s.keeps(&f("PL101", "a")));
        let all = Selection::new(Some(vec!["ALL".into()]), vec![], &[], None).unwrap();
        assert!(all.keeps(&f("PL101", "a")));
    }

    #[test]
    fn unknown_codes_are_errors() {
        let e = Selection::new(None, vec!["PL9".into()], &[], None).unwrap_err();
        assert!(e.contains("`PL9` is not a rule code"), "{e}");
        assert!(Selection::new(Some(vec![String::new()]), vec![], &[], None).is_err());
    }

    #[test]
    fn per_file_globs_match_path_or_name() {
        let pf = vec![
            ("etc/pam.d/common-*".to_string(), vec!["PL204".to_string()]),
            ("sshd".to_string(), vec!["PL3".to_string()]),
        ];
        let s = Selection::new(None, vec![], &pf, None).unwrap();
        assert!(!s.keeps(&f("PL204", "etc/pam.d/common-auth")));
        assert!(s.keeps(&f("PL204", "etc/pam.d/sub/common-auth")));
        assert!(!s.keeps(&f("PL302", "/somewhere/pam.d/sshd")));
        assert!(s.keeps(&f("PL101", "/somewhere/pam.d/sshd")));
        assert!(Selection::new(None, vec![], &[("[".into(), vec![])], None).is_err());
    }
}
