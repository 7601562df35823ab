//! Property test: random bytes and mutated corpus files never make the parser or
//! the resolver panic or hang. Bounded to run in CI in seconds.

use std::path::Path;

use pamlint::parse::{parse_bytes, Format};
use pamlint::resolve::{resolve_service, ResolveContext};
use proptest::prelude::*;

fn corpus_samples() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv"))
        .unwrap_or_else(|_| panic!("corpus not found at {}", dir.display()));
    manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter_map(|p| std::fs::read(dir.join(p)).ok())
        .collect()
}

/// Bytes libpam treats specially, to make mutations interesting.
const SPECIAL: &[u8] = b"[]\\#\r\n\t =-@\0";

fn lint_bytes(bytes: &[u8]) {
    let _ = parse_bytes(Path::new("svc"), bytes, Format::PamD);
    let _ = parse_bytes(Path::new("pam.conf"), bytes, Format::PamConf);
}

fn resolve_bytes(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("svc"), bytes).unwrap();
    std::fs::write(
        dir.path().join("other"),
        b"auth include svc\nauth substack svc\n",
    )
    .unwrap();
    let ctx = ResolveContext::for_dir(dir.path(), Path::new("/"));
    let s = resolve_service(&ctx, "svc");
    for st in &s.stacks {
        let _ = st.flatten();
    }
    let _ = resolve_service(&ctx, "missing");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        lint_bytes(&bytes);
    }

    #[test]
    fn special_heavy_bytes_never_panic(bytes in proptest::collection::vec(prop_oneof![proptest::sample::select(SPECIAL.to_vec()), any::<u8>()], 0..300)) {
        lint_bytes(&bytes);
        resolve_bytes(&bytes);
    }

    #[test]
    fn mutated_corpus_never_panics(pick in any::<prop::sample::Index>(), edits in proptest::collection::vec((any::<prop::sample::Index>(), proptest::sample::select(SPECIAL.to_vec()), 0u8..3), 1..12)) {
        let samples = corpus_samples();
        let mut bytes = samples[pick.index(samples.len())].clone();
        for (at, b, op) in edits {
            if bytes.is_empty() { bytes.push(b); continue; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = b,
                1 => bytes.insert(i, b),
                _ => { bytes.remove(i); }
            }
        }
        lint_bytes(&bytes);
        resolve_bytes(&bytes);
    }
}
