//! Resolve a service as libpam's `_pam_init_handlers` does: the service file from
//! the first pam.d directory that has it (/etc/pam.d, then the vendor dirs
//! /usr/lib/pam.d and /usr/etc/pam.d), `other` for every type the service leaves
//! empty, `include`/`substack`/`@include` expanded per type (at most 16 deep), and
//! module paths looked up in the root's module directories.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::model::{
    Entry, Finding, HandlerKind, IncludeKind, IncludeStep, Origin, PamType, ParsedFile,
    ResolvedRule, ResolvedService, Rule, Span, Stack, StackItem, SubstackFrame,
};
use crate::parse::{parse_pam_conf_file, parse_service_file};
use crate::target::{module_dirs, Target};

pub mod codes;
mod names;
mod openpam;
pub use names::{is_file_entry, NameList};
pub use openpam::{openpam_evidence, refusal as openpam_refusal};

/// `PAM_SUBSTACK_MAX_LEVEL`: libpam refuses includes nested this deep.
pub const MAX_INCLUDE_LEVEL: usize = 16;

/// The libpam default service.
pub const OTHER: &str = "other";

/// Where to look for configuration and modules.
#[derive(Debug)]
pub struct ResolveContext {
    /// The filesystem root being linted (`/` or an image).
    pub root: PathBuf,
    /// pam.d directories in libpam's order of precedence.
    pub pam_dirs: Vec<PathBuf>,
    /// pam.conf, used by libpam only when no pam.d directory exists.
    pub pam_conf: Option<PathBuf>,
    /// Directories searched for relative module paths.
    pub module_dirs: Vec<PathBuf>,
    /// `--module-path` directories (searched first, whatever the target).
    extra_module_dirs: Vec<PathBuf>,
    /// The libpam that reads the files: decides which modules are present.
    pub target: Arc<Target>,
    /// Whether module files under the root count (false for a built-in target on `/`).
    probe_root: bool,
    /// Parses by path. Keyed by the path's bytes: hashing a `Path` walks its
    /// components and was a tenth of a small run; a path spelled two ways is at
    /// worst parsed twice.
    cache: Mutex<HashMap<OsString, Arc<ParsedFile>>>,
    /// Files reached as include/substack/@include targets or as `other`: kept in
    /// `cache` by `release`, since later services read them again.
    shared: Mutex<HashSet<OsString>>,
    /// Lookups are memoised: every service includes the same common-* files and
    /// modules, and a stat per rule per service dominated the run time.
    module_cache: Mutex<HashMap<String, Option<PathBuf>>>,
    config_cache: Mutex<HashMap<String, Option<PathBuf>>>,
}

/// Look `key` up in a memo table, computing and storing it on a miss.
fn memo(
    table: &Mutex<HashMap<String, Option<PathBuf>>>,
    key: &str,
    compute: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    if let Some(hit) = table.lock().ok().and_then(|t| t.get(key).cloned()) {
        return hit;
    }
    let value = compute();
    if let Ok(mut t) = table.lock() {
        t.insert(key.to_string(), value.clone());
    }
    value
}

impl ResolveContext {
    /// A root directory (`/` or a chroot/image).
    pub fn for_root(root: &Path) -> Self {
        let pam_dirs = ["etc/pam.d", "usr/lib/pam.d", "usr/etc/pam.d"]
            .iter()
            .map(|d| root.join(d))
            .collect();
        let conf = root.join("etc/pam.conf");
        ResolveContext {
            root: root.to_path_buf(),
            pam_dirs,
            pam_conf: conf.is_file().then_some(conf),
            module_dirs: module_dirs(root),
            extra_module_dirs: Vec::new(),
            target: Arc::new(Target::default()),
            probe_root: true,
            cache: Mutex::new(HashMap::new()),
            shared: Mutex::new(HashSet::new()),
            module_cache: Mutex::new(HashMap::new()),
            config_cache: Mutex::new(HashMap::new()),
        }
    }

    /// A bare pam.d directory; modules are looked up under `root`.
    pub fn for_dir(dir: &Path, root: &Path) -> Self {
        let mut ctx = ResolveContext::for_root(root);
        ctx.pam_dirs = vec![dir.to_path_buf()];
        ctx.pam_conf = None;
        ctx
    }

    /// Add `--module-path` directories (searched first).
    pub fn with_module_paths(mut self, dirs: &[PathBuf]) -> Self {
        let mut all = dirs.to_vec();
        all.append(&mut self.module_dirs);
        self.module_dirs = all;
        self.extra_module_dirs.extend_from_slice(dirs);
        self
    }

    /// Judge module presence for `target`. A built-in target on `/` does not look at
    /// this machine's module directories (they say nothing about a RHEL host); on an
    /// image root they are that image's, so they still count.
    pub fn with_target(mut self, target: Arc<Target>) -> Self {
        self.probe_root = target.uses_disk() || self.root != Path::new("/");
        self.module_dirs = self.extra_module_dirs.clone();
        if self.probe_root {
            self.module_dirs.extend(module_dirs(&self.root));
        }
        self.target = target;
        if let Ok(mut c) = self.module_cache.lock() {
            c.clear();
        }
        self
    }

    /// Whether libpam would use pam.conf (no pam.d directory at all).
    pub fn uses_pam_conf(&self) -> bool {
        self.pam_conf.is_some() && !self.pam_dirs.iter().any(|d| d.is_dir())
    }

    /// The path of a pam.d file, as `_pam_open_config_file` finds it.
    pub fn find_config(&self, name: &str) -> Option<PathBuf> {
        memo(&self.config_cache, name, || self.lookup_config(name))
    }

    fn lookup_config(&self, name: &str) -> Option<PathBuf> {
        if name.starts_with('/') {
            let p = self.under_root(name);
            return p.is_file().then_some(p);
        }
        if name.is_empty() || name.contains('\0') {
            return None;
        }
        self.pam_dirs
            .iter()
            .map(|d| d.join(name))
            .find(|p| p.is_file())
            .map(|p| same_dir_link_target(&p).unwrap_or(p))
    }

    /// An absolute path inside the root.
    pub fn under_root(&self, abs: &str) -> PathBuf {
        self.root.join(abs.trim_start_matches('/'))
    }

    /// Find a module file: absolute paths inside the root, relative ones in the
    /// module directories. `$ISA` is tried as libpam does (replaced by `.`).
    pub fn find_module(&self, path: &str) -> Option<PathBuf> {
        memo(&self.module_cache, path, || self.lookup_module(path))
    }

    fn lookup_module(&self, path: &str) -> Option<PathBuf> {
        let candidates: Vec<String> = if path.contains("$ISA") {
            vec![path.to_string(), path.replace("$ISA", ".")]
        } else {
            vec![path.to_string()]
        };
        candidates.iter().find_map(|p| {
            if p.starts_with('/') {
                let f = self.under_root(p);
                (self.probe_root && f.is_file()).then_some(f)
            } else {
                self.module_dirs
                    .iter()
                    .map(|d| d.join(p))
                    .find(|f| f.is_file())
            }
        })
    }

    /// Parse a file once; later calls share the result.
    pub fn parsed(&self, path: &Path) -> Arc<ParsedFile> {
        if let Ok(cache) = self.cache.lock() {
            if let Some(p) = cache.get(path.as_os_str()) {
                return p.clone();
            }
        }
        let parsed = Arc::new(parse_service_file(path));
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(path.as_os_str().to_owned(), parsed.clone());
        }
        parsed
    }

    /// The parse of `path` if it is cached.
    pub fn cached(&self, path: &Path) -> Option<Arc<ParsedFile>> {
        self.cache.lock().ok()?.get(path.as_os_str()).cloned()
    }

    /// Keep `path` parsed for the whole run (it is reached from other files).
    fn share(&self, path: &Path) {
        if let Ok(mut shared) = self.shared.lock() {
            if !shared.contains(path.as_os_str()) {
                shared.insert(path.as_os_str().to_owned());
            }
        }
    }

    /// Forget service `name` (found at `path`) once it is linted, unless other
    /// files reach it: its cached parse and its config lookups. A service file is
    /// needed only while its own service is linted; keeping every parse held most
    /// of the memory of a large tree, and a lookup per service grew with it too.
    pub fn release_service(&self, name: &str, path: &Path) {
        let shared = self
            .shared
            .lock()
            .is_ok_and(|s| s.contains(path.as_os_str()));
        if shared {
            return;
        }
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(path.as_os_str());
        }
        if let Ok(mut lookups) = self.config_cache.lock() {
            lookups.remove(name);
            lookups.remove(pam_start_name(name).as_str());
        }
    }

    /// Every service name found in the pam.d directories (vendor dirs included),
    /// sorted.
    pub fn service_names(&self) -> NameList {
        let names = self
            .pam_dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flatten()
            .filter_map(Result::ok)
            .filter(is_file_entry)
            .filter_map(|e| e.file_name().into_string().ok());
        NameList::from_names(names)
    }
}

/// RHEL 7's `password-auth -> password-auth-ac`: a service file that is a symlink
/// to another file of the same directory is read as that file, so its findings
/// are reported once, at the file that holds the text.
fn same_dir_link_target(path: &Path) -> Option<PathBuf> {
    if !path.symlink_metadata().ok()?.file_type().is_symlink() {
        return None;
    }
    let dir = path.parent()?;
    let target = std::fs::canonicalize(path).ok()?;
    let same_dir = std::fs::canonicalize(dir).ok()? == target.parent()?;
    let name = target.file_name()?;
    same_dir.then(|| dir.join(name))
}

/// The name libpam looks a service up by: pam_start lower-cases it and keeps only
/// its last component.
pub fn pam_start_name(service: &str) -> String {
    service
        .rsplit('/')
        .next()
        .unwrap_or(service)
        .to_ascii_lowercase()
}

/// Resolve one service into its four effective stacks.
pub fn resolve_service(ctx: &ResolveContext, service: &str) -> ResolvedService {
    let name = pam_start_name(service);
    if ctx.uses_pam_conf() {
        return resolve_from_pam_conf(ctx, &name);
    }
    let mut r = Resolver {
        ctx,
        findings: Vec::new(),
        aborts: false,
    };
    let file = ctx.find_config(&name);
    let other = ctx.find_config(OTHER);
    let stacks = PamType::ALL.map(|t| {
        let own = file
            .as_ref()
            .map(|f| r.expand_file(f, t, true, 0, &[], &mut vec![]))
            .unwrap_or_default();
        if !own.is_empty() || name == OTHER {
            return Stack {
                pam_type: t,
                items: own,
                from_other: false,
            };
        }
        let items = other
            .as_ref()
            .map(|f| {
                ctx.share(f);
                r.expand_file(f, t, true, 0, &[], &mut vec![])
            })
            .unwrap_or_default();
        Stack {
            pam_type: t,
            items,
            from_other: true,
        }
    });
    if let Some(f) = &file {
        r.aborts |= ctx.parsed(f).aborts;
    }
    ResolvedService {
        name,
        uses_other: file.is_none(),
        file: file.or(other),
        aborts: r.aborts,
        stacks,
        findings: dedup(r.findings),
    }
}

fn resolve_from_pam_conf(ctx: &ResolveContext, name: &str) -> ResolvedService {
    let conf_path = ctx.pam_conf.clone().unwrap_or_default();
    let parsed = Arc::new(parse_pam_conf_file(&conf_path));
    let mut r = Resolver {
        ctx,
        findings: Vec::new(),
        aborts: parsed.aborts,
    };
    let service_of = |e: &Entry| match e {
        Entry::Rule(rule) => rule
            .service
            .as_ref()
            .map(|s| s.text.to_ascii_lowercase())
            .unwrap_or_default(),
        Entry::AtInclude { .. } => String::new(),
    };
    let has_own = parsed.entries.iter().any(|e| service_of(e) == name);
    let stacks = PamType::ALL.map(|t| {
        let pick = |svc: &str, r: &mut Resolver| {
            let entries: Vec<&Entry> = parsed
                .entries
                .iter()
                .filter(|e| service_of(e) == svc)
                .collect();
            r.expand_entries(&parsed, &entries, t, true, 0, &[], &mut vec![])
        };
        let own = pick(name, &mut r);
        if !own.is_empty() || name == OTHER {
            return Stack {
                pam_type: t,
                items: own,
                from_other: false,
            };
        }
        Stack {
            pam_type: t,
            items: pick(OTHER, &mut r),
            from_other: true,
        }
    });
    ResolvedService {
        name: name.to_string(),
        file: Some(conf_path),
        uses_other: !has_own,
        aborts: r.aborts,
        stacks,
        findings: dedup(r.findings),
    }
}

/// Drop repeated findings (the same include reached from several types).
pub fn dedup(mut findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.code(), f.span.clone(), f.message.clone())));
    findings
}

struct Resolver<'a> {
    ctx: &'a ResolveContext,
    findings: Vec<Finding>,
    aborts: bool,
}

impl Resolver<'_> {
    /// The rules of `file` that run under `t`. `top` is true for the service file
    /// itself (libpam's PAM_T_ANY), where a bad type lands under auth.
    fn expand_file(
        &mut self,
        file: &Path,
        t: PamType,
        top: bool,
        level: usize,
        chain: &[IncludeStep],
        visiting: &mut Vec<PathBuf>,
    ) -> Vec<StackItem> {
        let parsed = self.ctx.parsed(file);
        let entries: Vec<&Entry> = parsed.entries.iter().collect();
        visiting.push(file.to_path_buf());
        let items = self.expand_entries(&parsed, &entries, t, top, level, chain, visiting);
        visiting.pop();
        items
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_entries(
        &mut self,
        parsed: &ParsedFile,
        entries: &[&Entry],
        t: PamType,
        top: bool,
        level: usize,
        chain: &[IncludeStep],
        visiting: &mut Vec<PathBuf>,
    ) -> Vec<StackItem> {
        let mut items = Vec::new();
        for entry in entries {
            match entry {
                Entry::Rule(rule) => {
                    // libpam: a bad type runs under the requested type (auth at top).
                    let runs_under = rule.pam_type.unwrap_or(if top { PamType::Auth } else { t });
                    if runs_under != t {
                        continue;
                    }
                    let origin = Origin {
                        file: parsed.path.clone(),
                        line: rule.span.line,
                        include_chain: chain.to_vec(),
                    };
                    if rule.pam_type.is_some() && rule.is_include() {
                        items.extend(self.include(rule, t, level, chain, visiting, origin));
                    } else if rule.pam_type.is_some() && rule.is_substack() {
                        items.extend(self.substack(rule, t, level, chain, visiting, origin));
                    } else {
                        items.push(StackItem::Rule(self.module_rule(rule, t, origin)));
                    }
                }
                Entry::AtInclude { target, span } => {
                    let step = IncludeStep {
                        kind: IncludeKind::AtInclude,
                        span: span.clone(),
                        target: target.text.clone(),
                    };
                    if self.ctx.find_config(&target.text).is_none() {
                        // Debian's libpam fails the whole configuration: pam_start
                        // returns PAM_ABORT and no operation of the service runs.
                        self.aborts = true;
                        self.findings.push(Finding::new(
                            &codes::PL103,
                            target.span.clone(),
                            format!(
                                "`@include {}`: not found in {}; Debian's libpam then fails pam_start with PAM_ABORT, so every operation of the service fails",
                                target.text,
                                self.dirs_list()
                            ),
                            "create the file or fix the name".into(),
                        ));
                    } else if let Some(path) =
                        self.open_include(&target.text, &target.span, level, visiting)
                    {
                        let mut chain = chain.to_vec();
                        chain.push(step);
                        items.extend(self.expand_file(&path, t, top, level + 1, &chain, visiting));
                    }
                }
            }
        }
        items
    }

    fn module_rule(&mut self, rule: &Rule, t: PamType, origin: Origin) -> ResolvedRule {
        let handler = rule.handler_kind();
        let module_file = match (&handler, &rule.module) {
            (HandlerKind::MustFail, _) | (_, None) => None,
            (_, Some(m)) => self.ctx.find_module(&m.text),
        };
        let module_present = handler != HandlerKind::MustFail
            && (module_file.is_some()
                || rule
                    .module
                    .as_ref()
                    .is_some_and(|m| self.ctx.target.ships(&m.text)));
        ResolvedRule {
            rule: rule.clone(),
            pam_type: t,
            handler,
            actions: rule.action_table(),
            module_file,
            module_present,
            origin,
        }
    }

    /// A rule standing for a failed include: libpam installs a must-fail handler.
    fn failed_include(&self, rule: &Rule, t: PamType, origin: Origin) -> StackItem {
        let mut actions = crate::model::ActionTable::undefined();
        actions.set_default(crate::model::Action::Bad);
        StackItem::Rule(ResolvedRule {
            rule: rule.clone(),
            pam_type: t,
            handler: HandlerKind::MustFail,
            actions,
            module_file: None,
            module_present: false,
            origin,
        })
    }

    fn include(
        &mut self,
        rule: &Rule,
        t: PamType,
        level: usize,
        chain: &[IncludeStep],
        visiting: &mut Vec<PathBuf>,
        origin: Origin,
    ) -> Vec<StackItem> {
        let Some(target) = &rule.module else {
            return vec![self.failed_include(rule, t, origin)];
        };
        let Some(path) = self.open_include(&target.text, &target.span, level, visiting) else {
            return vec![self.failed_include(rule, t, origin)];
        };
        let mut chain = chain.to_vec();
        chain.push(IncludeStep {
            kind: IncludeKind::Include,
            span: rule.span.clone(),
            target: target.text.clone(),
        });
        let mut items = self.expand_file(&path, t, false, level + 1, &chain, visiting);
        if self.ctx.parsed(&path).aborts {
            items.push(self.failed_include(rule, t, origin));
        }
        items
    }

    fn substack(
        &mut self,
        rule: &Rule,
        t: PamType,
        level: usize,
        chain: &[IncludeStep],
        visiting: &mut Vec<PathBuf>,
        origin: Origin,
    ) -> Vec<StackItem> {
        let target = rule
            .module
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        let mut chain = chain.to_vec();
        chain.push(IncludeStep {
            kind: IncludeKind::Substack,
            span: rule.span.clone(),
            target: target.clone(),
        });
        let path = rule
            .module
            .as_ref()
            .and_then(|m| self.open_include(&m.text, &m.span, level, visiting));
        let items = match &path {
            Some(p) => self.expand_file(p, t, false, level + 1, &chain, visiting),
            None => Vec::new(),
        };
        // libpam adds the marker first and, when loading fails, a must-fail rule at
        // the substack line's own level (after the marker, not inside it).
        let failed = path.is_none() || path.as_ref().is_some_and(|p| self.ctx.parsed(p).aborts);
        let mut out = vec![StackItem::Substack(SubstackFrame {
            rule: rule.clone(),
            target,
            actions: rule.action_table(),
            origin: origin.clone(),
            items,
        })];
        if failed {
            out.push(self.failed_include(rule, t, origin));
        }
        out
    }

    /// `_pam_load_conf_file`: depth limit, then open; findings for each failure.
    fn open_include(
        &mut self,
        name: &str,
        span: &Span,
        level: usize,
        visiting: &[PathBuf],
    ) -> Option<PathBuf> {
        if level + 1 >= MAX_INCLUDE_LEVEL {
            self.aborts = true;
            self.findings.push(Finding::new(
                &codes::PL105,
                span.clone(),
                format!("include of `{name}` is nested {} deep: libpam stops at {MAX_INCLUDE_LEVEL} and fails the rule", level + 1),
                "flatten the include chain".into(),
            ));
            return None;
        }
        let Some(path) = self.ctx.find_config(name) else {
            self.findings.push(Finding::new(
                &codes::PL103,
                span.clone(),
                format!("include target `{name}` not found in {}", self.dirs_list()),
                "create the file or fix the name; libpam makes this line a rule that always fails"
                    .into(),
            ));
            return None;
        };
        if visiting.contains(&path) {
            self.findings.push(Finding::new(
                &codes::PL104,
                span.clone(),
                format!(
                    "include cycle: `{name}` includes itself (through {})",
                    cycle_text(visiting, &path)
                ),
                "break the cycle; libpam recurses until the 16-level limit and then fails".into(),
            ));
            return None;
        }
        self.ctx.share(&path);
        Some(path)
    }

    fn dirs_list(&self) -> String {
        self.ctx
            .pam_dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn cycle_text(visiting: &[PathBuf], path: &Path) -> String {
    let start = visiting.iter().position(|p| p == path).unwrap_or(0);
    visiting[start..]
        .iter()
        .chain(std::iter::once(&path.to_path_buf()))
        .map(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FlatHandler, HandlerKind};

    /// A root with etc/pam.d and usr/lib/pam.d holding the given files.
    fn root(etc: &[(&str, &str)], vendor: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (sub, files) in [("etc/pam.d", etc), ("usr/lib/pam.d", vendor)] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for (n, c) in files {
                std::fs::write(dir.path().join(sub).join(n), c).unwrap();
            }
        }
        dir
    }

    fn modules(s: &Stack) -> Vec<String> {
        s.rules().iter().filter_map(|r| r.module_name()).collect()
    }

    #[test]
    fn include_inlines_rules_with_origin_chain() {
        let r = root(
            &[
                ("svc", "auth include common\n"),
                (
                    "common",
                    "auth required pam_unix.so\naccount required pam_deny.so\n",
                ),
            ],
            &[],
        );
        let ctx = ResolveContext::for_root(r.path());
        let s = resolve_service(&ctx, "SVC");
        let auth = s.stack(PamType::Auth);
        assert_eq!(modules(auth), vec!["pam_unix"]);
        let rule = auth.rules()[0];
        assert_eq!(rule.origin.line, 1);
        assert!(rule.origin.file.ends_with("common"));
        assert_eq!(rule.origin.include_chain.len(), 1);
        assert_eq!(rule.origin.include_chain[0].target, "common");
        assert!(s.stack(PamType::Account).items.is_empty());
    }

    #[test]
    fn other_fills_types_the_service_leaves_empty() {
        let r = root(
            &[
                ("svc", "auth required pam_unix.so\n"),
                (
                    "other",
                    "auth required pam_deny.so\naccount required pam_deny.so\n",
                ),
            ],
            &[],
        );
        let s = resolve_service(&ResolveContext::for_root(r.path()), "svc");
        assert!(!s.stack(PamType::Auth).from_other);
        assert_eq!(modules(s.stack(PamType::Auth)), vec!["pam_unix"]);
        assert!(s.stack(PamType::Account).from_other);
        assert_eq!(modules(s.stack(PamType::Account)), vec!["pam_deny"]);
        let missing = resolve_service(&ResolveContext::for_root(r.path()), "nosuch");
        assert!(missing.uses_other);
    }

    #[test]
    fn etc_wins_over_vendor_dir() {
        let r = root(
            &[("svc", "auth required pam_unix.so\n")],
            &[
                ("svc", "auth required pam_deny.so\n"),
                ("only", "auth required pam_permit.so\n"),
            ],
        );
        let ctx = ResolveContext::for_root(r.path());
        assert_eq!(
            modules(resolve_service(&ctx, "svc").stack(PamType::Auth)),
            vec!["pam_unix"]
        );
        assert_eq!(
            modules(resolve_service(&ctx, "only").stack(PamType::Auth)),
            vec!["pam_permit"]
        );
    }

    #[test]
    fn substack_is_a_nested_frame_and_flattens_with_levels() {
        let r = root(
            &[
                ("svc", "auth substack sub\nauth required pam_permit.so\n"),
                ("sub", "auth requisite pam_unix.so\n"),
            ],
            &[],
        );
        let s = resolve_service(&ResolveContext::for_root(r.path()), "svc");
        let flat = s.stack(PamType::Auth).flatten();
        let levels: Vec<usize> = flat
            .iter()
            .map(|h| match h {
                FlatHandler::Rule { stack_level, .. }
                | FlatHandler::Substack { stack_level, .. } => *stack_level,
            })
            .collect();
        assert_eq!(levels, vec![0, 1, 0]);
    }

    #[test]
    fn failed_substack_adds_a_must_fail_rule_at_its_own_level() {
        let r = root(&[("svc", "auth substack nosuch\n")], &[]);
        let s = resolve_service(&ResolveContext::for_root(r.path()), "svc");
        let items = &s.stack(PamType::Auth).items;
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[1], StackItem::Rule(r) if r.handler == HandlerKind::MustFail));
        assert!(s.findings.iter().any(|f| f.code() == "PL103"));
    }

    #[test]
    fn bad_type_in_included_file_lands_in_every_including_type() {
        let r = root(
            &[
                ("svc", "auth include inc\naccount include inc\n"),
                ("inc", "auht required pam_unix.so\n"),
            ],
            &[],
        );
        let s = resolve_service(&ResolveContext::for_root(r.path()), "svc");
        for t in [PamType::Auth, PamType::Account] {
            let rules = s.stack(t).rules();
            assert_eq!(rules.len(), 1, "{t}");
            assert_eq!(rules[0].handler, HandlerKind::MustFail);
        }
        // in the service file itself, a bad type goes under auth only
        let r = root(&[("svc", "auht required pam_unix.so\n")], &[]);
        let s = resolve_service(&ResolveContext::for_root(r.path()), "svc");
        assert_eq!(s.stack(PamType::Auth).rules().len(), 1);
        assert!(s.stack(PamType::Account).items.is_empty());
    }

    #[test]
    fn cycle_is_reported_not_looped() {
        let r = root(&[("a", "auth include b\n"), ("b", "auth include a\n")], &[]);
        let s = resolve_service(&ResolveContext::for_root(r.path()), "a");
        assert!(s.findings.iter().any(|f| f.code() == "PL104"));
    }

    #[test]
    fn pam_conf_is_used_without_pam_d() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("etc")).unwrap();
        std::fs::write(
            dir.path().join("etc/pam.conf"),
            "login auth required pam_unix.so\nother account required pam_deny.so\n",
        )
        .unwrap();
        let ctx = ResolveContext::for_root(dir.path());
        assert!(ctx.uses_pam_conf());
        let s = resolve_service(&ctx, "LOGIN");
        assert_eq!(modules(s.stack(PamType::Auth)), vec!["pam_unix"]);
        assert!(s.stack(PamType::Account).from_other);
    }
}
