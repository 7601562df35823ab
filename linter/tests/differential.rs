//! Differential test of `pamlint simulate` against the real libpam.
//!
//! A seeded generator writes random pam.d directories: a service file plus
//! included files, with every simple control (in random case), bracket controls
//! drawing from every return value and `default` with every action (ignore, ok,
//! done, bad, die, reset, jumps, some past the end), `include` and `substack`
//! nested (and a missing target now and then), `-` lines, missing modules, and
//! pam_debug with random return codes for each of its hooks. Each directory runs
//! through libpam in-process (pam_authenticate, pam_setcred after it,
//! pam_acct_mgmt, pam_chauthtok, pam_open_session, pam_close_session after it)
//! and through the simulator; every result must be identical.
//!
//! PAMLINT_DIFF_SEED=N picks the seed (printed on failure), PAMLINT_DIFF_CASES=N
//! the number of directories (default 2000; 100000 for a long run).

mod support;

use std::fmt::Write as _;

use pamlint::model::PamCode;
use support::libpam::require_modules;
use support::stacks::{both, ALL_OPS};
use testkit::rng::{env_number, Rng};

const TYPES: [&str; 4] = ["auth", "account", "password", "session"];
const EVENTS: [&str; 7] = [
    "auth",
    "cred",
    "acct",
    "prechauthtok",
    "chauthtok",
    "open_session",
    "close_session",
];
/// Codes that matter most often, drawn more than the rest.
const COMMON: [PamCode; 6] = [
    PamCode::Success,
    PamCode::AuthErr,
    PamCode::Ignore,
    PamCode::PermDenied,
    PamCode::UserUnknown,
    PamCode::NewAuthtokReqd,
];

fn code(rng: &mut Rng) -> PamCode {
    if rng.chance(35) {
        PamCode::Success
    } else if rng.chance(45) {
        *rng.pick(&COMMON)
    } else {
        PamCode::ALL[rng.below(PamCode::ALL.len())]
    }
}

fn module(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => "pam_permit.so".into(),
        1 => "pam_deny.so".into(),
        2 => "pam_h3_missing.so".into(),
        _ => {
            let mut m = String::from("pam_debug.so");
            for e in EVENTS {
                // Incomplete is rare: it ends the call and hides the rest.
                let mut c = code(rng);
                if c == PamCode::Incomplete && rng.chance(70) {
                    c = PamCode::Success;
                }
                if rng.chance(85) {
                    let _ = write!(m, " {e}={}", c.token());
                }
            }
            m
        }
    }
}

fn action(rng: &mut Rng) -> String {
    let words = ["ignore", "ok", "done", "bad", "die", "reset"];
    if rng.chance(20) {
        // Mostly in range; 3 and 4 often run past the end ("bad jump").
        let n = if rng.chance(75) {
            1 + rng.below(2)
        } else {
            3 + rng.below(2)
        };
        n.to_string()
    } else {
        rng.pick(&words).to_string()
    }
}

fn control(rng: &mut Rng) -> String {
    let simple = ["required", "requisite", "sufficient", "optional"];
    if rng.chance(45) {
        let word = rng.pick(&simple).to_string();
        return if rng.chance(10) {
            word.to_uppercase()
        } else {
            word
        };
    }
    let n = 1 + rng.below(4);
    let pairs: Vec<String> = (0..n)
        .map(|_| {
            let value = if rng.chance(20) {
                "default".to_string()
            } else if rng.chance(50) {
                rng.pick(&COMMON).token().to_string()
            } else {
                PamCode::ALL[rng.below(PamCode::ALL.len())]
                    .token()
                    .to_string()
            };
            format!("{value}={}", action(rng))
        })
        .collect();
    format!("[{}]", pairs.join(" "))
}

/// The text of file number `index` of `count` (0 is the service); include and
/// substack lines point only at higher numbers, so there is no cycle. Every type
/// gets its own lines, interleaved (libpam picks each type's lines out).
fn file_text(rng: &mut Rng, base: &str, index: usize, count: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for ty in TYPES {
        let n = if index == 0 {
            1 + rng.below(6)
        } else {
            rng.below(4)
        };
        for _ in 0..n {
            lines.push(line(rng, base, ty, index, count));
        }
    }
    // Interleave the types at random.
    for i in (1..lines.len()).rev() {
        let j = rng.below(i + 1);
        lines.swap(i, j);
    }
    lines.concat()
}

/// Lines libpam reads its own way: bad controls make the whole line `bad`, a bad
/// type makes a must-fail line, a comment or a continuation changes nothing.
fn odd_line(rng: &mut Rng, ty: &str) -> String {
    match rng.below(9) {
        0 => format!("{ty} [success=frob default=ok] pam_permit.so\n"),
        1 => format!("{ty} [succes=ok] pam_permit.so\n"),
        2 => format!("{ty} [success=0 default=ok] pam_permit.so\n"),
        3 => format!("{ty} requird pam_permit.so\n"),
        4 => "bogus required pam_permit.so\n".to_string(),
        5 => format!("{ty} required\n"),
        6 => format!("# {ty} required pam_deny.so\n"),
        7 => format!("{ty} optional \\\n  pam_deny.so\n"),
        _ => format!("{ty} [default=ok success=done] pam_permit.so # trailing words are args\n"),
    }
}

fn line(rng: &mut Rng, base: &str, ty: &str, index: usize, count: usize) -> String {
    if rng.chance(3) {
        return odd_line(rng, ty);
    }
    if index + 1 < count && rng.chance(25) {
        let target = if rng.chance(5) {
            format!("{base}/missing")
        } else {
            format!("{base}/f{}", index + 1 + rng.below(count - index - 1))
        };
        let kind = if rng.chance(50) {
            "include"
        } else {
            "substack"
        };
        format!("{ty} {kind} {target}\n")
    } else {
        let dash = if rng.chance(10) { "-" } else { "" };
        format!("{dash}{ty} {} {}\n", control(rng), module(rng))
    }
}

/// One random directory: the service `svc`, files f1..fN, and sometimes `other`
/// (libpam's fallback for a type the service has no rule for).
fn generate(rng: &mut Rng, base: &str) -> Vec<(String, String)> {
    let count = 1 + rng.below(4);
    let mut files: Vec<(String, String)> = (0..count)
        .map(|i| {
            let name = if i == 0 {
                "svc".to_string()
            } else {
                format!("f{i}")
            };
            (name, file_text(rng, base, i, count))
        })
        .collect();
    if rng.chance(2) {
        // A trailing backslash at the end of a file.
        let k = rng.below(files.len());
        files[k].1.push_str("auth required \\");
    }
    if rng.chance(30) {
        let other = file_text(rng, base, 0, count);
        // Drop one type from the service so that the fallback is used.
        let dropped = *rng.pick(&TYPES);
        files[0].1 = files[0]
            .1
            .lines()
            .filter(|l| !l.trim_start_matches('-').starts_with(dropped))
            .map(|l| format!("{l}\n"))
            .collect();
        files.push(("other".to_string(), other));
    }
    files
}

#[test]
fn simulate_agrees_with_libpam_on_random_stacks() {
    require_modules();
    let seed = env_number("PAMLINT_DIFF_SEED", 0x5eed_2026_1126);
    let cases = env_number("PAMLINT_DIFF_CASES", 2000);
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().display().to_string();
    let mut compared = 0usize;
    let mut results = std::collections::BTreeMap::<String, usize>::new();
    for case in 0..cases {
        let files = generate(&mut rng, &base);
        for f in std::fs::read_dir(dir.path()).expect("read dir").flatten() {
            let _ = std::fs::remove_file(f.path());
        }
        for (name, text) in &files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        for op in ALL_OPS {
            let (real, sim) = both(dir.path(), "svc", op);
            if real != sim {
                let listing: String = files.iter().map(|(n, t)| format!("--- {n}\n{t}")).collect();
                panic!(
                    "PAMLINT_DIFF_SEED={seed} case {case}: {op:?}: libpam {real}, simulate {sim}\n{listing}"
                );
            }
            *results.entry(real).or_default() += 1;
            compared += 1;
        }
    }
    eprintln!("{compared} calls agreed (seed {seed}); results: {results:?}");
    // The generator must reach both outcomes, or the comparison proves little.
    assert!(results.get("PAM_SUCCESS").copied().unwrap_or(0) > compared / 20);
    assert!(results.len() > 10, "too few distinct results: {results:?}");
}
