//! Output formats of `pamlint check`, one file each.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::check::Report;

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// Render a report in a format (`color` only affects human output).
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
    }
}

/// The file path as shown to users.
pub fn display_path(p: &std::path::Path) -> String {
    p.display().to_string()
}

#[cfg(test)]
mod snapshot_tests {
    //! One snapshot per format, on a fixed report (insta).
    use super::*;
    use crate::check::Report;
    use crate::parse::parse_service_bytes;
    use std::path::Path;
    use std::sync::Arc;

    fn report() -> Report {
        let src = b"#%PAM-1.0\nauht required pam_unix.so\nauth [success=0 default=bad] pam_unix.so nullok\n";
        let parsed = parse_service_bytes(Path::new("pam.d/svc"), src);
        let mut findings = parsed.findings.clone();
        findings.push(crate::model::Finding::new(
            &crate::rules::pl302::INFO,
            parsed.rules().nth(1).unwrap().args[0].span.clone(),
            "`nullok` on pam_unix.so: accounts with an empty password log in without one".into(),
            "remove `nullok`".into(),
        ));
        let mut r = Report {
            findings,
            services: 1,
            ..Report::default()
        };
        r.files.insert("pam.d/svc".into(), Arc::new(parsed));
        r
    }

    #[test]
    fn human() {
        insta::assert_snapshot!(render(&report(), Format::Human, false));
    }

    #[test]
    fn json() {
        insta::assert_snapshot!(render(&report(), Format::Json, false));
    }

    #[test]
    fn github() {
        insta::assert_snapshot!(render(&report(), Format::Github, false));
    }

    #[test]
    fn sarif_results() {
        // the rules array is long and covered by the CLI test; snapshot the results
        let v: serde_json::Value =
            serde_json::from_str(&render(&report(), Format::Sarif, false)).unwrap();
        insta::assert_snapshot!(serde_json::to_string_pretty(&v["runs"][0]["results"]).unwrap());
    }
}
