//! The rule registry: every rule lives in its own file with its code, severity,
//! documentation, check and tests. Codes are stable: PL0xx syntax, PL1xx
//! resolution, PL2xx control flow, PL3xx security, PL4xx portability, PL5xx
//! module arguments. Adding a rule: a file `plNNN.rs` here with its `INFO`,
//! `rule()` and tests; build.rs registers every such file.

use crate::model::{Finding, ParsedFile, ResolvedService};
use crate::resolve::ResolveContext;

pub mod flow;

pub use crate::model::RuleInfo;

/// What rules can look at besides the file or service.
pub struct LintEnv<'a> {
    pub ctx: &'a ResolveContext,
}

pub type FileCheck = fn(&ParsedFile, &LintEnv) -> Vec<Finding>;
pub type ServiceCheck = fn(&ResolvedService, &LintEnv) -> Vec<Finding>;

/// A registered rule. Syntax and resolution rules are found by the parser and the
/// resolver; their files hold the documentation and the tests.
pub struct Rule {
    pub info: &'static RuleInfo,
    pub file_check: Option<FileCheck>,
    pub service_check: Option<ServiceCheck>,
}

// Every `plNNN.rs` of this directory: `pub mod` lines and `registry()` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// The documentation of one code (case-insensitive), for codes a user types.
pub fn lookup(code: &str) -> Option<&'static RuleInfo> {
    registry()
        .into_iter()
        .map(|r| r.info)
        .find(|i| i.code.eq_ignore_ascii_case(code))
}

/// A rule that checks each parsed file.
pub const fn file_rule(info: &'static RuleInfo, check: FileCheck) -> Rule {
    Rule {
        info,
        file_check: Some(check),
        service_check: None,
    }
}

/// A rule that checks each service's resolved stacks.
pub const fn service_rule(info: &'static RuleInfo, check: ServiceCheck) -> Rule {
    Rule {
        info,
        file_check: None,
        service_check: Some(check),
    }
}

/// A rule with neither check (found by the parser or resolver).
pub const fn documented(info: &'static RuleInfo) -> Rule {
    Rule {
        info,
        file_check: None,
        service_check: None,
    }
}

#[cfg(test)]
mod registry_tests {
    use super::registry;

    /// A finding names its rule by a `RuleInfo` value; SARIF and `explain`
    /// find it in the registry, so every rule file must be registered once.
    #[test]
    fn every_rule_file_is_registered_once_in_code_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| Some(n.strip_prefix("pl")?.strip_suffix(".rs")?.to_string()))
            .map(|n| format!("PL{n}"))
            .collect();
        files.sort();
        let codes: Vec<String> = registry().iter().map(|r| r.info.code.to_string()).collect();
        assert_eq!(codes, files);
    }
}

#[cfg(test)]
pub mod testutil {
    //! Helpers for rule tests: lint a small tree built in a temp dir.
    use crate::check::{lint, CheckOptions};
    use crate::model::Finding;
    use crate::parse::parse_service_bytes;
    use std::path::Path;

    /// Write `files` (name, content) into a pam.d dir and lint it; modules are
    /// looked up in the host's module directories.
    pub fn lint_files(files: &[(&str, &str)]) -> Vec<Finding> {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in files {
            std::fs::write(dir.path().join(name), content).unwrap();
        }
        let opts = CheckOptions {
            root: Path::new("/").to_path_buf(),
            dir: Some(dir.path().to_path_buf()),
            ..CheckOptions::default()
        };
        lint(&opts).findings
    }

    /// Lines of the `code` findings the parser reports for `src` alone.
    pub fn lines_of(code: &str, src: &[u8]) -> Vec<usize> {
        codes_lines(&parse_service_bytes(Path::new("t"), src).findings, code)
    }

    /// Lines of the `code` findings when a pam.d holding only service `svc`
    /// with `content` is linted.
    pub fn service_lines(code: &str, content: &str) -> Vec<usize> {
        codes_lines(&lint_files(&[("svc", content)]), code)
    }

    pub fn codes_lines(findings: &[Finding], code: &str) -> Vec<usize> {
        findings
            .iter()
            .filter(|f| f.code() == code)
            .map(|f| f.span.line)
            .collect()
    }
}
