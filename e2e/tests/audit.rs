//! `pamlint audit` against the truth: a real slapd holding a few hundred
//! generated users of every case (e2e/src/population.rs) plus the story's
//! users, the e2e pam.d trees, and the real services. For a fixed sample of
//! users per case, every (user, service) verdict of the audit must equal what
//! the real service does with the user's right password: the vsftpd and sshd
//! daemons of the sandbox (where NSS resolves LDAP users through nslcd), and
//! pamtester with the service's name for any other service of the tree. The
//! summary must name each cause with exactly the services that refused it.
//!
//! pamlint runs inside the sandbox (as an administrator would on that host):
//! its / is the sandbox's, with the same /etc/pam.d, /etc/shells,
//! /etc/ftpusers and installed shells as the services see.

#[path = "audit/mirror.rs"]
mod mirror;
#[path = "audit/oracle.rs"]
mod oracle;

use e2e::population::{self, Category, Person, NOT_EXECUTABLE_SHELL};
use e2e::{artifacts, Stack, World};
use oracle::{real, verdict_name, Verdict};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;

/// Generated users: 30 of each category.
const POPULATION: usize = 30 * Category::ALL.len();
/// Users of each category checked against the real stacks (the first ones
/// in directory order).
const SAMPLE_PER_CATEGORY: usize = 3;
/// testdata/ldap/users.ldif's users with a case of their own.
const STORY_USERS: [&str; 7] = ["alice", "nora", "emma", "carol", "dave", "oscar", "low"];
/// The tests' authz_filter (oscar and the OutsideFilter users fail it).
const AUTHZ: &str = "authz_filter=(gidNumber=5000)";

/// The world, its directory and the audit's JSON.
struct Audited {
    _slapd: testkit::Slapd,
    world: World,
    json: Value,
    exit_code: i32,
    /// The sandbox's PAM module directory is its own (pam_ldap_shell added).
    own_modules: bool,
}

/// A world with `stack` over a slapd holding the population, /etc/shells
/// listing the non-executable shell, /etc/ftpusers listing the FtpUsers
/// users; then `pamlint audit --format json` run inside it.
fn audited(stack: Stack) -> Audited {
    let own_modules = !matches!(stack, Stack::Stock);
    let slapd = population::slapd(POPULATION);
    let world = World::start_with_server(stack, slapd.uri());
    world.append_etc("shells", &format!("{NOT_EXECUTABLE_SHELL}\n"));
    world.append_etc("ftpusers", &population::ftpusers(POPULATION));
    install_not_executable_shell(&world);
    let (exit_code, stdout) =
        world.pamlint(&["audit", "--format", "json", "--uri", &world.ldap_uri]);
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("pamlint audit --format json: {e}:\n{stdout}"));
    Audited {
        _slapd: slapd,
        world,
        json,
        exit_code,
        own_modules,
    }
}

/// NOT_EXECUTABLE_SHELL inside the sandbox: its /run is the world's run/.
fn install_not_executable_shell(w: &World) {
    let rel = NOT_EXECUTABLE_SHELL
        .strip_prefix("/run/")
        .expect("the shell lives under /run");
    let path = w.path().join("run").join(rel);
    let dir = path.parent().expect("the shell's directory");
    std::fs::create_dir_all(dir).expect("create the shell's directory");
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::write(&path, "#!/bin/sh\nexec /bin/sh \"$@\"\n").expect("write the shell");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
}

/// The sampled users: the first SAMPLE_PER_CATEGORY of each category, and
/// the story's users (category None).
fn sample() -> Vec<(String, Option<Category>)> {
    let generated = (0..SAMPLE_PER_CATEGORY * Category::ALL.len())
        .map(Person::nth)
        .map(|p| (p.uid, Some(p.category)));
    let story = STORY_USERS.iter().map(|u| (u.to_string(), None));
    generated.chain(story).collect()
}

/// The audit's entries for `user`: one per directory entry of that name
/// (two for the Ambiguous users); panics if there is none.
fn entries<'a>(json: &'a Value, user: &str) -> Vec<&'a Value> {
    let found: Vec<&Value> = json["users"]
        .as_array()
        .expect("\"users\" is an array")
        .iter()
        .filter(|u| u["user"] == user)
        .collect();
    assert!(!found.is_empty(), "the audit does not list {user}");
    found
}

fn services_of(entry: &Value) -> Vec<String> {
    entry["services"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The verdict string of `service` for the user's entry.
fn audit_verdict<'a>(entry: &'a Value, service: &str) -> &'a str {
    entry["services"][service]["verdict"]
        .as_str()
        .unwrap_or("<none>")
}

/// What the real service did with one sampled user.
struct Observed {
    user: String,
    category: Option<Category>,
    service: String,
    real: Verdict,
    how: String,
}

/// Every sampled user on every service the audit judged them for (sshd and
/// vsftpd at least), through the real services.
fn observe(a: &Audited) -> Vec<Observed> {
    let mut seen = Vec::new();
    for (user, category) in sample() {
        let first = entries(&a.json, &user)[0];
        let services = services_of(first);
        for required in ["sshd", "vsftpd"] {
            assert!(
                services.iter().any(|s| s == required),
                "{user}: no verdict for {required}: {first}"
            );
        }
        for service in services {
            let (real, how) = real(&a.world, &service, &user);
            seen.push(Observed {
                user: user.clone(),
                category,
                service,
                real,
                how,
            });
        }
    }
    seen
}

/// Services that admitted every sampled Good user: there, a refusal of
/// another category's user is that category's cause.
fn open_services(seen: &[Observed]) -> BTreeSet<String> {
    let good = |o: &&Observed| o.category == Some(Category::Good);
    let all: BTreeSet<String> = seen
        .iter()
        .filter(good)
        .map(|o| o.service.clone())
        .collect();
    all.into_iter()
        .filter(|s| {
            seen.iter()
                .filter(good)
                .filter(|o| &o.service == s)
                .all(|o| o.real == Verdict::Admitted)
        })
        .collect()
}

/// The audit's verdict against each observation; returns the mismatches
/// and which open services refused each cause.
fn compare(
    a: &Audited,
    seen: &[Observed],
) -> (Vec<String>, BTreeMap<&'static str, BTreeSet<String>>) {
    let open = open_services(seen);
    let mut mismatches = Vec::new();
    let mut refused_by: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for o in seen {
        for e in entries(&a.json, &o.user) {
            compare_one(o, e, &open, &mut mismatches, &mut refused_by);
        }
    }
    (mismatches, refused_by)
}

/// One audit entry's verdict against what the service did.
fn compare_one(
    o: &Observed,
    e: &Value,
    open: &BTreeSet<String>,
    mismatches: &mut Vec<String>,
    refused_by: &mut BTreeMap<&'static str, BTreeSet<String>>,
) {
    let (user, service, category) = (&o.user, &o.service, o.category);
    let said = &e["services"][service];
    let got = audit_verdict(e, service);
    eprintln!(
        "{service:>12} {user:<18} real {:<8} ({}) audit {got}",
        verdict_name(o.real),
        o.how
    );
    if got != verdict_name(o.real) {
        mismatches.push(format!(
            "{user} ({category:?}, {}) on {service}: the service says {} ({}), audit says {said}",
            e["dn"],
            verdict_name(o.real),
            o.how
        ));
        return;
    }
    let Some(cause) = category.and_then(Category::cause) else {
        return;
    };
    if o.real == Verdict::Refused && open.contains(service) {
        refused_by.entry(cause).or_default().insert(service.clone());
        if said["cause"] != cause {
            mismatches.push(format!(
                "{user} ({category:?}) on {service}: refused as expected, but the cause is {} instead of {cause:?}: {said}",
                said["cause"]
            ));
        }
    }
}

/// The summary names each cause the sample was refused for, with exactly
/// the services that refused it.
fn check_summary(
    json: &Value,
    refused_by: &BTreeMap<&'static str, BTreeSet<String>>,
) -> Vec<String> {
    let causes = json["summary"]["causes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut problems = Vec::new();
    for (cause, services) in refused_by {
        let Some(c) = causes.iter().find(|c| c["cause"] == *cause) else {
            problems.push(format!(
                "the summary does not name {cause}: {:#}",
                json["summary"]
            ));
            continue;
        };
        let named: BTreeSet<String> = c["refused_by"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if &named != services {
            problems.push(format!(
                "summary cause {cause}: refused_by {named:?}, the real services that refused it: {services:?}"
            ));
        }
        let category = Category::ALL.iter().find(|k| k.cause() == Some(cause));
        let generated = category.map_or(0, |k| {
            population::people(POPULATION)
                .filter(|p| p.category == *k)
                .count()
        });
        let counted = c["users"].as_u64().unwrap_or(0);
        if counted < generated as u64 {
            problems.push(format!(
                "summary cause {cause}: {counted} users, {generated} generated"
            ));
        }
    }
    problems
}

/// The facts the audit reports for the sampled generated users are their
/// entries': DN, uidNumber, loginShell (null when absent), source ldap.
fn check_facts(json: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for p in (0..SAMPLE_PER_CATEGORY * Category::ALL.len()).map(Person::nth) {
        let Some(e) = entries(json, &p.uid)
            .into_iter()
            .find(|e| e["dn"] == p.dn())
        else {
            problems.push(format!("the audit has no entry {}", p.dn()));
            continue;
        };
        let shell = p.shell.map_or(Value::Null, Value::from);
        let want = [
            ("dn", Value::from(p.dn())),
            ("uid", Value::from(p.uid_number)),
            ("shell", shell),
            ("source", Value::from("ldap")),
        ];
        for (key, value) in want {
            if e[key] != value {
                problems.push(format!(
                    "{}: {key} is {}, the entry says {value}",
                    p.uid, e[key]
                ));
            }
        }
    }
    problems
}

/// The human summary has a line per cause naming the services that
/// refused it (after "refused by", before "; admitted by").
fn check_human_summary(
    w: &World,
    refused_by: &BTreeMap<&'static str, BTreeSet<String>>,
) -> Vec<String> {
    let (code, out) = w.pamlint(&["audit", "--uri", &w.ldap_uri]);
    let mut problems = Vec::new();
    if code != 1 {
        problems.push(format!("human audit exited {code}, not 1"));
    }
    for (cause, services) in refused_by {
        let tag = format!("[{cause}]");
        let Some(line) = out.lines().find(|l| l.contains(&tag)) else {
            problems.push(format!("the human summary has no line for {cause}:\n{out}"));
            continue;
        };
        let refused = line
            .split_once("refused by ")
            .map_or("", |(_, r)| r.split("; admitted by").next().unwrap_or(""));
        for s in services {
            if !refused.contains(s.as_str()) {
                problems.push(format!(
                    "the human summary line for {cause} does not say {s} refuses: {line}"
                ));
            }
        }
    }
    problems
}

/// `pamlint --root` on the host, over a tree that mirrors the sandbox,
/// gives every entry the verdicts pamlint gives inside the sandbox.
fn check_host_root(a: &Audited) -> Vec<String> {
    let root = mirror::host_root(&a.world, a.own_modules);
    let out = std::process::Command::new(&artifacts::get().pamlint)
        .arg("--root")
        .arg(root.path())
        .args(["audit", "--format", "json", "--uri", &a.world.ldap_uri])
        .output()
        .expect("run pamlint on the host");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Ok(host) = serde_json::from_str::<Value>(&stdout) else {
        return vec![format!(
            "pamlint --root on the host: no JSON ({:?}): {stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )];
    };
    let key = |u: &Value| (u["user"].to_string(), u["dn"].to_string());
    let verdicts = |u: &Value| -> BTreeMap<String, Value> {
        u["services"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(s, v)| (s.clone(), v["verdict"].clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let inside: BTreeMap<_, _> = a.json["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| (key(u), verdicts(u)))
        .collect();
    let outside: BTreeMap<_, _> = host["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| (key(u), verdicts(u)))
        .collect();
    let mut problems = Vec::new();
    for (k, v) in &inside {
        match outside.get(k) {
            Some(h) if h == v => {}
            Some(h) => problems.push(format!(
                "--root on the host, {k:?}: {h:?}; inside the sandbox: {v:?}; host's entry: {}",
                host["users"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|u| key(u) == *k)
                    .map_or(Value::Null, |u| u["services"].clone())
            )),
            None => problems.push(format!("--root on the host does not list {k:?}")),
        }
    }
    if outside.len() != inside.len() {
        problems.push(format!(
            "--root on the host lists {} entries, inside the sandbox {}",
            outside.len(),
            inside.len()
        ));
    }
    problems
}

fn check_world(stack: Stack) {
    let a = audited(stack);
    let users = a.json["users"].as_array().map_or(0, Vec::len);
    assert!(
        users >= POPULATION,
        "{users} users audited, {POPULATION} generated"
    );
    assert_eq!(a.exit_code, 1, "someone is refused: exit 1");
    let seen = observe(&a);
    let (mut problems, refused_by) = compare(&a, &seen);
    problems.extend(check_facts(&a.json));
    problems.extend(check_summary(&a.json, &refused_by));
    problems.extend(check_human_summary(&a.world, &refused_by));
    problems.extend(check_host_root(&a));
    assert!(
        problems.is_empty(),
        "{} disagreement(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Debian 12's stacks: pam_ldap through nslcd, pam_shells and
/// pam_listfile in vsftpd.
#[test]
fn stock_stacks_verdicts_equal_the_real_services() {
    check_world(Stack::Stock);
}

/// pam_ldap_shell's stacks, with the tests' authz_filter on its account line.
#[test]
fn module_stacks_verdicts_equal_the_real_services() {
    check_world(Stack::Module(AUTHZ.to_string()));
}
