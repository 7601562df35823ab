//! Names on more than one directory entry, found in bounded memory. The
//! module refuses such a name (its lookup finds several entries), but a
//! streaming scan meets the first entry before the second. A first pass over
//! the names alone fills two fixed-size bit sets (a counting Bloom filter
//! stopped at two): "seen" and "seen again". In the full pass a name whose
//! bits are all set in "seen again" may be a duplicate, and the module's own
//! lookup decides (a false positive costs one search, never a wrong verdict).

use std::hash::{DefaultHasher, Hash, Hasher};

/// Bits per set: 2^21 (256 KiB each, 512 KiB for both) keeps false positives rare up to
/// a few hundred thousand names, and only costs searches beyond.
const BITS: usize = 1 << 21;
const HASHES: u64 = 3;

pub struct Duplicates {
    seen: Vec<u64>,
    again: Vec<u64>,
}

impl Default for Duplicates {
    fn default() -> Self {
        Duplicates {
            seen: vec![0; BITS / 64],
            again: vec![0; BITS / 64],
        }
    }
}

impl Duplicates {
    /// Counts one occurrence of `name`.
    pub fn add(&mut self, name: &str) {
        let bits: Vec<usize> = positions(name).collect();
        let target = if bits.iter().all(|b| get(&self.seen, *b)) {
            &mut self.again
        } else {
            &mut self.seen
        };
        for b in bits {
            target[b / 64] |= 1 << (b % 64);
        }
    }

    /// Whether `name` may be on more than one entry.
    pub fn maybe(&self, name: &str) -> bool {
        positions(name).all(|b| get(&self.again, b))
    }
}

fn get(set: &[u64], bit: usize) -> bool {
    set[bit / 64] & (1 << (bit % 64)) != 0
}

/// Double hashing: h1 + i*h2 (Kirsch-Mitzenmacher).
fn positions(name: &str) -> impl Iterator<Item = usize> {
    let mut h = DefaultHasher::new();
    name.hash(&mut h);
    let h1 = h.finish();
    0x9e37_79b9_7f4a_7c15u64.hash(&mut h);
    let h2 = h.finish() | 1;
    (0..HASHES).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % BITS as u64) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_seen_twice_is_a_candidate_once_is_not() {
        let mut d = Duplicates::default();
        for i in 0..50_000 {
            d.add(&format!("user{i}"));
        }
        d.add("twin");
        assert!(!d.maybe("twin"));
        d.add("twin");
        assert!(d.maybe("twin"));
        // Case matters: the module compares names exactly.
        assert!(!d.maybe("Twin"));
        let false_positives = (0..50_000).filter(|i| d.maybe(&format!("user{i}"))).count();
        assert!(false_positives < 50, "{false_positives}");
    }
}
