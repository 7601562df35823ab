//! `why`'s control-flow walk against the real libpam: random auth and account
//! stacks of pam_debug (every return code), pam_permit and pam_deny under random controls
//! (the four keywords, brackets with every action including jumps and reset, a
//! substack), run through pamtester in a bwrap sandbox (testkit) and through
//! `why`; the results must be identical.
//!
//! PAMLINT_WHY_SEED=N picks the seed, PAMLINT_WHY_STACKS=N the number of stacks.

use pamlint::facts::{Facts, Source};
use pamlint::model::{PamCode, PamType};
use pamlint::resolve::{resolve_service, ResolveContext};
use pamlint::why::{explain, WhyOptions};
use testkit::rng::{env_number, Rng};

/// The return values that matter most, drawn more often than the rest.
const COMMON: [&str; 6] = [
    "success",
    "auth_err",
    "ignore",
    "perm_denied",
    "user_unknown",
    "new_authtok_reqd",
];

fn module(rng: &mut Rng, event: &str) -> String {
    match rng.below(6) {
        0 => "pam_permit.so".into(),
        1 => "pam_deny.so".into(),
        _ => {
            // mostly success/failures that matter, sometimes any code
            let token = if rng.below(4) == 0 {
                PamCode::ALL[rng.below(PamCode::ALL.len())].token()
            } else {
                rng.pick(&COMMON)
            };
            format!("pam_debug.so {event}={token}")
        }
    }
}

fn control(rng: &mut Rng) -> String {
    let simple = ["required", "requisite", "sufficient", "optional"];
    if rng.below(2) == 0 {
        return rng.pick(&simple).to_string();
    }
    let values: Vec<&str> = COMMON.iter().copied().chain(["default"]).collect();
    let actions = ["ignore", "ok", "done", "bad", "die", "reset", "1", "2", "3"];
    let n = 1 + rng.below(3);
    let pairs: Vec<String> = (0..n)
        .map(|_| format!("{}={}", rng.pick(&values), rng.pick(&actions)))
        .collect();
    format!("[{}]", pairs.join(" "))
}

/// `t` is the type word (auth, account), `event` pam_debug's argument name.
fn stack(rng: &mut Rng, len: usize, substack: bool, t: &str, event: &str) -> String {
    let mut out = String::new();
    for _ in 0..len {
        if substack && rng.below(6) == 0 {
            out.push_str(&format!("{t} substack sub\n"));
        } else {
            out.push_str(&format!("{t} {} {}\n", control(rng), module(rng, event)));
        }
    }
    out
}

#[test]
fn random_stacks_agree_with_libpam() {
    let seed = env_number("PAMLINT_WHY_SEED", 0x0005_eed0_fa11);
    let count = env_number("PAMLINT_WHY_STACKS", 300);
    let mut rng = Rng(seed.max(1));
    let facts = Facts::gather(&Source::Host, "t", "root", None);
    let mut results = std::collections::HashSet::new();
    for n in 0..count {
        let mut sb = testkit::Sandbox::new();
        let (main_len, sub_len) = (1 + rng.below(6), 1 + rng.below(4));
        // even stacks: auth (pam_authenticate), odd: account (pam_acct_mgmt)
        let (t, event, op, pam_type) = if n % 2 == 0 {
            ("auth", "auth", "authenticate", PamType::Auth)
        } else {
            ("account", "acct", "acct_mgmt", PamType::Account)
        };
        let main = stack(&mut rng, main_len, true, t, event);
        let sub = stack(&mut rng, sub_len, false, t, event);
        sb.service("t", &main).service("sub", &sub);
        let real = sb.pamtester("t", "root", &[op], "");
        let ctx = ResolveContext::for_dir(&sb.path().join("pam.d"), std::path::Path::new("/"));
        let svc = resolve_service(&ctx, "t");
        let opts = WhyOptions {
            assume_modules_present: false,
        };
        let report = explain(&svc, &[pam_type], &facts, opts);
        let predicted = &report.types[0].result;
        assert_eq!(
            predicted,
            &real.result(),
            "seed {seed}, stack {n}:\n--- t\n{main}--- sub\n{sub}why: {:#?}",
            report.types[0].trace
        );
        results.insert(real.result());
    }
    // The generator reaches success and several failures, so agreement is not trivial.
    assert!(
        results.contains("PAM_SUCCESS") && results.len() >= 4,
        "{results:?}"
    );
}
