//! `pamlint check`: parse every service file, resolve each service, run the rules,
//! apply `# pamlint: allow(...)` and return the sorted findings.

pub mod baseline;
mod files;
pub mod select;
mod unique;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{Finding, ParsedFile, Severity};
use crate::parse::{parse_pam_conf_file, parse_service_file};
use crate::resolve::{
    openpam_evidence, openpam_refusal, resolve_service, NameList, ResolveContext,
};
use crate::rules::{registry, LintEnv};
use crate::target as libpam_target;
use files::FileScope;
use unique::UniqueFindings;

/// What to lint.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Filesystem root whose modules and vendor dirs count (default `/`).
    pub root: PathBuf,
    /// A bare pam.d directory to lint instead of `<root>/etc/pam.d`.
    pub dir: Option<PathBuf>,
    /// Files or directories given on the command line.
    pub paths: Vec<PathBuf>,
    /// Extra module directories (`--module-path`).
    pub module_paths: Vec<PathBuf>,
    /// The libpam that reads the files (None: `host` judged by the module dirs).
    pub target: Option<Arc<libpam_target::Target>>,
}

impl CheckOptions {
    /// A context with the module paths and the target of these options.
    fn context(&self, ctx: ResolveContext) -> ResolveContext {
        let ctx = ctx.with_module_paths(&self.module_paths);
        match &self.target {
            Some(t) => ctx.with_target(t.clone()),
            None => ctx,
        }
    }
}

/// The result of a check run.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// The checked files that findings point into, by path (the renderers show
    /// their source lines; the others are not kept, to bound memory).
    pub files: BTreeMap<PathBuf, Arc<ParsedFile>>,
    /// How many files were checked (pam.d files and pam.conf).
    pub checked_files: usize,
    pub services: usize,
    /// Paths that could not be read at all (exit code 2).
    pub io_errors: Vec<String>,
    /// The built-in target checked against (`rhel9`); None for the host.
    pub target: Option<String>,
}

impl Report {
    /// Files checked; a report built by hand counts the files it holds.
    pub fn file_count(&self) -> usize {
        self.checked_files.max(self.files.len())
    }

    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity() == s).count()
    }

    /// Exit status (docs/pamlint.md): 1 when a finding is at or above `deny`.
    pub fn fails(&self, deny: Severity) -> bool {
        self.findings.iter().any(|f| f.severity() >= deny)
    }
}

/// One pam.d directory and the services in it to lint.
struct Target {
    ctx: ResolveContext,
    services: NameList,
    /// A directory given (every file in it counts as checked), not one file.
    whole_dir: bool,
}

/// `--root`, `/` when not given.
fn root_of(opts: &CheckOptions) -> PathBuf {
    if opts.root.as_os_str().is_empty() {
        PathBuf::from("/")
    } else {
        opts.root.clone()
    }
}

fn targets(opts: &CheckOptions, io_errors: &mut Vec<String>) -> (Vec<Target>, Vec<PathBuf>) {
    let root = root_of(opts);
    let make_dir_ctx = |dir: &Path| {
        let etc = root.join("etc/pam.d");
        opts.context(if dir == etc {
            ResolveContext::for_root(&root)
        } else {
            ResolveContext::for_dir(dir, &root)
        })
    };
    let mut out = Vec::new();
    let mut confs = Vec::new();
    let mut paths = opts.paths.clone();
    if let Some(d) = &opts.dir {
        paths.push(d.clone());
    }
    if paths.is_empty() {
        let pam_d = root.join("etc/pam.d");
        let conf = root.join("etc/pam.conf");
        let ctx = make_dir_ctx(&pam_d);
        if ctx.pam_dirs.iter().any(|d| d.is_dir()) {
            // /etc/pam.d or only a vendor dir (Alpine's /usr/lib/pam.d)
            out.push(Target {
                services: ctx.service_names(),
                ctx,
                whole_dir: true,
            });
        } else if !conf.is_file() {
            // a root with only pam.conf (libpam then reads it) is fine
            paths.push(pam_d);
        }
        if conf.is_file() {
            confs.push(conf);
        }
    }
    for p in paths {
        if p.is_dir() {
            let ctx = make_dir_ctx(&p);
            let services = ctx.service_names();
            out.push(Target {
                ctx,
                services,
                whole_dir: true,
            });
        } else if p.is_file() {
            if p.file_name().is_some_and(|n| n == "pam.conf") {
                confs.push(p);
                continue;
            }
            let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let ctx = opts.context(ResolveContext::for_dir(&dir, &root));
            out.push(Target {
                ctx,
                services: NameList::from_names([name]),
                whole_dir: false,
            });
        } else if p.exists() {
            // A device, FIFO or socket: reading it could block or never end.
            io_errors.push(format!("{}: not a regular file or directory", p.display()));
        } else {
            io_errors.push(format!("{}: no such file or directory", p.display()));
        }
    }
    (out, confs)
}

/// Run the check.
pub fn lint(opts: &CheckOptions) -> Report {
    let mut report = Report::default();
    let (targets, confs) = targets(opts, &mut report.io_errors);
    let rules = registry();
    let mut findings = UniqueFindings::default();
    // What the summary counts: whole directories, or just the files named.
    let mut scope = FileScope::default();
    // Service-rule findings wait until every service is resolved: a file that other
    // services include (common-auth, system-auth, base-auth) is a library, and
    // what its stacks look like read alone as a service is not what runs.
    let mut pending: Vec<(String, Vec<Finding>)> = Vec::new();
    let mut included: HashSet<String> = HashSet::new();
    for target in &targets {
        if let Some(why) = openpam_evidence(&target.ctx.pam_dirs) {
            report.io_errors.push(openpam_refusal(&why));
            continue;
        }
        let env = LintEnv { ctx: &target.ctx };
        for name in target.services.iter() {
            // pam_start lower-cases the service name: a file with capitals (a
            // README) is never read as a service, only if something includes it.
            if target.whole_dir && name.bytes().any(|b| b.is_ascii_uppercase()) {
                continue;
            }
            let Some(path) = target.ctx.find_config(name) else {
                continue;
            };
            if !target.whole_dir {
                scope.check_file(path.clone());
            }
            let parsed = target.ctx.parsed(&path);
            let (found, service_found) = lint_service(&parsed, name, &rules, &env, &mut included);
            if !service_found.is_empty() {
                pending.push((name.to_string(), service_found));
            }
            // The renderers need the lines of a file with findings: keep its parse
            // rather than reading and parsing it again at the end.
            let keep = found.iter().any(|f| *f.span.file == *path);
            findings.extend(found);
            report.services += 1;
            target.ctx.release_service(name, &path);
            if keep {
                report.files.entry(path).or_insert(parsed);
            }
        }
        if target.whole_dir {
            findings.extend(dangling_links(&target.ctx.pam_dirs));
        }
        for (name, found) in pending.drain(..) {
            if !included.contains(&name) {
                findings.extend(found);
            }
        }
        included.clear();
        scope.list(&target.ctx.pam_dirs);
        if target.whole_dir {
            scope.check_dirs(&target.ctx.pam_dirs);
        }
    }
    let root_ctx = opts.context(ResolveContext::for_root(&root_of(opts)));
    for conf in confs {
        let parsed = Arc::new(parse_pam_conf_file(&conf));
        findings.extend(lint_pam_conf(
            &parsed,
            &root_ctx,
            &rules,
            &mut report.services,
        ));
        scope.check_file(conf.clone());
        report.files.insert(conf, parsed);
    }
    report.checked_files = scope.checked_count();
    let findings = findings.into_vec();
    let contexts: Vec<&ResolveContext> = targets.iter().map(|t| &t.ctx).collect();
    keep_files_with_findings(&findings, &scope, &contexts, &mut report.files);
    report.findings = suppress(findings, &report.files);
    report.findings.sort_by(|a, b| {
        (&a.span.file, a.span.line, a.span.column, a.code()).cmp(&(
            &b.span.file,
            b.span.line,
            b.span.column,
            b.code(),
        ))
    });
    if opts.target.as_ref().is_some_and(|t| !t.uses_disk()) {
        report.findings = crate::rules::pl101::once_per_module(report.findings);
    }
    report.target = opts
        .target
        .as_ref()
        .filter(|t| t.name != "host")
        .map(|t| t.name.clone());
    report
}

/// The findings of one service: its file's syntax and file rules with its
/// resolution findings, and apart the service rules' findings over its resolved
/// stacks. The names of the files it includes are added to `included`.
fn lint_service(
    parsed: &ParsedFile,
    name: &str,
    rules: &[crate::rules::Rule],
    env: &LintEnv,
    included: &mut HashSet<String>,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut found = parsed.findings.clone();
    for rule in rules {
        if let Some(check) = rule.file_check {
            found.extend(check(parsed, env));
        }
    }
    let service = resolve_service(env.ctx, name);
    found.extend(service.findings.iter().cloned());
    note_included(&service, included);
    let mut service_found = Vec::new();
    for rule in rules {
        if let Some(check) = rule.service_check {
            service_found.extend(check(&service, env));
        }
    }
    (found, service_found)
}

/// The file names the service's stacks pulled in (include, substack, @include).
pub(crate) fn note_included(
    service: &crate::model::ResolvedService,
    included: &mut HashSet<String>,
) {
    for stack in &service.stacks {
        for h in stack.flatten() {
            let origin = match h {
                crate::model::FlatHandler::Rule { rule, .. } => &rule.origin,
                crate::model::FlatHandler::Substack { frame, .. } => {
                    included.insert(base_name(&frame.target));
                    &frame.origin
                }
            };
            for step in &origin.include_chain {
                if !included.contains(step.target.as_str()) {
                    included.insert(base_name(&step.target));
                }
            }
            // the file really read (a same-directory symlink's target)
            if !origin.include_chain.is_empty() {
                if let Some(n) = origin.file.file_name().and_then(|n| n.to_str()) {
                    if !included.contains(n) {
                        included.insert(n.to_string());
                    }
                }
            }
        }
    }
}

fn base_name(target: &str) -> String {
    target.rsplit('/').next().unwrap_or(target).to_string()
}

/// Service files that are symlinks to nothing: libpam cannot open them and
/// silently uses `other` for the service instead.
fn dangling_links(dirs: &[PathBuf]) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(d) else {
            continue;
        };
        for e in rd.filter_map(Result::ok) {
            let path = e.path();
            let is_link = e.file_type().is_ok_and(|t| t.is_symlink());
            if !is_link || path.exists() {
                continue;
            }
            let to = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            out.push(Finding::new(
                &crate::parse::codes::PL000,
                crate::model::Span::file_start(Arc::from(path.as_path())),
                format!(
                    "`{}` is a symlink to `{to}`, which does not exist: libpam cannot open it and uses `other` for this service",
                    e.file_name().to_string_lossy()
                ),
                "point the link at an existing file or remove it".into(),
            ));
        }
    }
    out
}

/// pam.conf: syntax, file rules, PL407, and, when libpam really reads it (no pam.d
/// directory), every service it names, resolved and checked.
fn lint_pam_conf(
    parsed: &ParsedFile,
    ctx: &ResolveContext,
    rules: &[crate::rules::Rule],
    services: &mut usize,
) -> Vec<Finding> {
    let env = LintEnv { ctx };
    let mut findings = parsed.findings.clone();
    findings.extend(crate::rules::pl407::check_conf(parsed, ctx));
    for rule in rules {
        if let Some(check) = rule.file_check {
            findings.extend(check(parsed, &env));
        }
    }
    let same_file = ctx.pam_conf.as_deref() == Some(parsed.path.as_ref());
    if !(ctx.uses_pam_conf() && same_file) {
        return findings;
    }
    let mut names: Vec<String> = parsed
        .rules()
        .filter_map(|r| r.service.as_ref().map(|s| s.text.to_ascii_lowercase()))
        .collect();
    names.sort();
    names.dedup();
    for name in names {
        let service = resolve_service(ctx, &name);
        findings.extend(service.findings.iter().cloned());
        for rule in rules {
            if let Some(check) = rule.service_check {
                findings.extend(check(&service, &env));
            }
        }
        *services += 1;
    }
    findings
}

/// The parses of the listed files that findings point into and that are not kept
/// yet (e.g. an included file): from a context's cache, else parsed again.
fn keep_files_with_findings(
    findings: &[Finding],
    scope: &FileScope,
    contexts: &[&ResolveContext],
    files: &mut BTreeMap<PathBuf, Arc<ParsedFile>>,
) {
    let mut not_listed = HashSet::new();
    for f in findings {
        let path: &Path = f.span.file.as_ref();
        if files.contains_key(path) || not_listed.contains(path) {
            continue;
        }
        if scope.is_listed(path) {
            let parsed = contexts.iter().find_map(|c| c.cached(path));
            let parsed = parsed.unwrap_or_else(|| Arc::new(parse_service_file(path)));
            files.insert(path.to_path_buf(), parsed);
        } else {
            not_listed.insert(path);
        }
    }
}

/// Drop findings allowed by `# pamlint: allow(CODE)` in their file.
fn suppress(findings: Vec<Finding>, files: &BTreeMap<PathBuf, Arc<ParsedFile>>) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| {
            files
                .get(f.span.file.as_ref())
                .is_none_or(|p| !p.allows.allows(f.code(), f.span.line))
        })
        .collect()
}
