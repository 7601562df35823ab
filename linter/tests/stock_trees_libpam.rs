//! Whole-tree agreement with the real libpam: every service of every Linux stock
//! tree (testdata/stock-trees) is started by the host's libpam (pamtester in a
//! bwrap sandbox whose /etc/pam.d holds the tree's files, symlinks followed and
//! vendor files beside them; the host's modules) and linted by pamlint over the
//! very same directory. libpam's own complaints must be pamlint's findings:
//! - pam_start fails (pamtester's "Initialization failure") exactly for the
//!   services pamlint resolves as aborting;
//! - the modules libpam logs "unable to dlopen" for are the modules of pamlint's
//!   PL101 findings (dashed lines are silent on both sides);
//! - the words libpam logs as "illegal module type" are those of PL001.
//!
//! Needs bubblewrap and pamtester (scripts/test installs them).

#[path = "support/stock_trees.rs"]
mod stock;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use stock::LINUX_TREES;

use pamlint::check::{lint, CheckOptions};
use pamlint::resolve::{resolve_service, ResolveContext};
use testkit::sandbox::Sandbox;

fn tree_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/stock-trees")
        .join(name)
}

/// The tree's service files (etc/pam.d first, then usr/lib/pam.d), by name,
/// symlinks followed.
fn tree_files(name: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for sub in ["etc/pam.d", "usr/lib/pam.d"] {
        let Ok(rd) = std::fs::read_dir(tree_dir(name).join(sub)) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            if out.iter().any(|(n, _)| *n == file) {
                continue;
            }
            out.push((file, std::fs::read_to_string(&p).unwrap()));
        }
    }
    out
}

/// `pam_sss` from a path or file name.
fn module_name(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.strip_suffix(".so").unwrap_or(base).to_string()
}

/// The text after `marker` up to the next `(`, `:` or space.
fn word_after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &line[line.find(marker)? + marker.len()..];
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| c == '(' || c == ')' || c == ':' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// What libpam and pamlint said about one directory of service files.
#[derive(Debug, Default)]
struct Agreement {
    disagreements: Vec<String>,
    started: usize,
    aborted: usize,
    missing: BTreeSet<String>,
    types: BTreeSet<String>,
}

fn compare(label: &str, files: &[(String, String)]) -> Agreement {
    let mut out = Agreement::default();
    let mut sb = Sandbox::new();
    for (name, text) in files {
        sb.service(name, text);
    }
    let pam_d = sb.path().join("pam.d");
    let ctx = ResolveContext::for_dir(&pam_d, Path::new("/"));
    let report = lint(&CheckOptions {
        root: "/".into(),
        dir: Some(pam_d.clone()),
        ..CheckOptions::default()
    });
    let mut pamlint_missing = BTreeSet::new();
    let mut pamlint_types = BTreeSet::new();
    for f in &report.findings {
        let Ok(text) = std::fs::read_to_string(&*f.span.file) else {
            continue;
        };
        let line = text
            .lines()
            .nth(f.span.line.saturating_sub(1))
            .unwrap_or("");
        let token = line
            .get(f.span.column.saturating_sub(1)..)
            .unwrap_or("")
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        match f.code() {
            "PL101" => {
                pamlint_missing.insert(module_name(&token));
            }
            "PL001" => {
                pamlint_types.insert(token);
            }
            _ => {}
        }
    }
    for (name, _) in files {
        let r = sb.pamtester(name, "root", &["acct_mgmt"], "");
        out.started += 1;
        let aborted = r.stderr.contains("Initialization failure");
        out.aborted += usize::from(aborted);
        let pamlint_aborts = resolve_service(&ctx, name).aborts;
        if aborted != pamlint_aborts {
            out.disagreements.push(format!(
                "{label}/{name}: libpam pam_start failed: {aborted}, pamlint: aborts {pamlint_aborts}"
            ));
        }
        for l in &r.syslog {
            if let Some(m) = word_after(l, "unable to dlopen(") {
                out.missing.insert(module_name(m));
            }
            if let Some(w) = word_after(l, "illegal module type:") {
                out.types.insert(w.to_string());
            }
        }
    }
    if out.missing != pamlint_missing {
        out.disagreements.push(format!(
            "{label}: libpam could not dlopen {:?}, pamlint PL101 {pamlint_missing:?}",
            out.missing
        ));
    }
    if out.types != pamlint_types {
        out.disagreements.push(format!(
            "{label}: libpam illegal types {:?}, pamlint PL001 {pamlint_types:?}",
            out.types
        ));
    }
    out
}

#[test]
fn libpam_and_pamlint_agree_on_every_stock_service() {
    let mut disagreements = Vec::new();
    let mut started = 0;
    for tree in LINUX_TREES {
        let files = tree_files(tree);
        assert!(!files.is_empty(), "{tree}: no files");
        let a = compare(tree, &files);
        eprintln!(
            "{tree}: {} services, {} pam_start failures, modules libpam could not load: {:?}",
            a.started, a.aborted, a.missing
        );
        started += a.started;
        disagreements.extend(a.disagreements);
    }
    assert!(started > 80, "only {started} services started");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// The comparison itself catches each kind of complaint: a tree with a missing
/// module, a bad type word and a missing `@include` makes both sides speak.
#[test]
fn the_comparison_sees_each_kind_of_complaint() {
    let files = [
        ("svc", "auth required pam_nonexistent_xyz.so\nauht required pam_permit.so\naccount required pam_permit.so\n"),
        ("broken", "account required pam_permit.so\n@include no-such-common\n"),
    ]
    .map(|(n, t)| (n.to_string(), t.to_string()));
    let a = compare("self-check", &files);
    assert!(a.disagreements.is_empty(), "{:#?}", a.disagreements);
    assert_eq!(a.aborted, 1);
    assert!(a.missing.contains("pam_nonexistent_xyz"), "{:?}", a.missing);
    assert!(a.types.contains("auht"), "{:?}", a.types);
}
