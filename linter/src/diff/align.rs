//! Sequence alignment of two rule lists (longest common subsequence on a key), then
//! pairing of leftovers with the same key as moves.

/// One row of an alignment: indexes into the two sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Aligned: same key, same relative order.
    Both(usize, usize),
    OnlyA(usize),
    OnlyB(usize),
    /// Same key, found on both sides but out of order.
    Moved(usize, usize),
}

/// Align `a` and `b` by key: an LCS keeps the longest run in common order; what is
/// left over and shares a key with something on the other side becomes a move.
pub fn align<K: Eq + std::hash::Hash>(a: &[K], b: &[K]) -> Vec<Op> {
    align_rules(a, b, a, b)
}

/// [`align`] that pairs identical rules first: `ia`/`ib` identify each rule itself
/// (file, line, control, arguments). An alignment keeps as many identical pairs
/// as it can before counting pairs that only share a key (the module name), so a
/// rule both services include is paired with itself, not with another rule of
/// the same module; leftovers are paired as moves the same way.
pub fn align_rules<K, I>(a: &[K], b: &[K], ia: &[I], ib: &[I]) -> Vec<Op>
where
    K: Eq + std::hash::Hash,
    I: Eq + std::hash::Hash,
{
    let ops = lcs(a, b, ia, ib);
    pair_moves(ops, a, b, ia, ib)
}

/// Above this many table cells the middle part is not aligned (every rule there
/// is reported as only on its side): a pathological file must not exhaust memory.
const MAX_CELLS: usize = 4_000_000;

/// LCS after trimming the common prefix and suffix (identical rules).
fn lcs<K: Eq, I: Eq>(a: &[K], b: &[K], ia: &[I], ib: &[I]) -> Vec<Op> {
    let same = |i: usize, j: usize| a[i] == b[j] && ia[i] == ib[j];
    let prefix = (0..a.len().min(b.len()))
        .take_while(|&k| same(k, k))
        .count();
    let suffix = (0..(a.len() - prefix).min(b.len() - prefix))
        .take_while(|&k| same(a.len() - 1 - k, b.len() - 1 - k))
        .count();
    let (ea, eb) = (a.len() - suffix, b.len() - suffix);
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Both(i, i)).collect();
    let middle = if (ea - prefix).saturating_mul(eb - prefix) > MAX_CELLS {
        (0..ea - prefix)
            .map(Op::OnlyA)
            .chain((0..eb - prefix).map(Op::OnlyB))
            .collect()
    } else {
        lcs_table(
            &a[prefix..ea],
            &b[prefix..eb],
            &ia[prefix..ea],
            &ib[prefix..eb],
        )
    };
    ops.extend(middle.into_iter().map(|op| match op {
        Op::Both(i, j) => Op::Both(i + prefix, j + prefix),
        Op::OnlyA(i) => Op::OnlyA(i + prefix),
        Op::OnlyB(j) => Op::OnlyB(j + prefix),
        Op::Moved(i, j) => Op::Moved(i + prefix, j + prefix),
    }));
    ops.extend((0..suffix).map(|k| Op::Both(ea + k, eb + k)));
    ops
}

/// Weighted LCS: an identical pair outweighs every key-only pair together.
fn lcs_table<K: Eq, I: Eq>(a: &[K], b: &[K], ia: &[I], ib: &[I]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    let heavy = n + m + 1;
    let weight = |i: usize, j: usize| {
        if a[i] != b[j] {
            0
        } else if ia[i] == ib[j] {
            heavy
        } else {
            1
        }
    };
    // table[i][j]: best score of a[i..] and b[j..]
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let skip = table[i + 1][j].max(table[i][j + 1]);
            let w = weight(i, j);
            table[i][j] = if w > 0 {
                skip.max(table[i + 1][j + 1] + w)
            } else {
                skip
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n && j < m {
        let w = weight(i, j);
        if w > 0 && table[i][j] == table[i + 1][j + 1] + w {
            ops.push(Op::Both(i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            ops.push(Op::OnlyA(i));
            i += 1;
        } else {
            ops.push(Op::OnlyB(j));
            j += 1;
        }
    }
    ops.extend((i..n).map(Op::OnlyA));
    ops.extend((j..m).map(Op::OnlyB));
    ops
}

/// Turn an OnlyA/OnlyB pair with equal keys into one Moved row (at A's position),
/// identical rules first, then each key's leftovers in order.
fn pair_moves<K, I>(ops: Vec<Op>, a: &[K], b: &[K], ia: &[I], ib: &[I]) -> Vec<Op>
where
    K: Eq + std::hash::Hash,
    I: Eq + std::hash::Hash,
{
    use std::collections::{HashMap, VecDeque};
    let mut free_by_id: HashMap<(&K, &I), VecDeque<usize>> = HashMap::new();
    let mut free_by_key: HashMap<&K, VecDeque<usize>> = HashMap::new();
    for op in &ops {
        if let Op::OnlyB(j) = op {
            free_by_id
                .entry((&b[*j], &ib[*j]))
                .or_default()
                .push_back(*j);
            free_by_key.entry(&b[*j]).or_default().push_back(*j);
        }
    }
    // First decide every pairing, then emit: an OnlyB row may come before the
    // OnlyA row it pairs with.
    let mut pair_of_a = HashMap::new();
    let mut used_b = vec![false; b.len()];
    let only_a: Vec<usize> = ops
        .iter()
        .filter_map(|op| match op {
            Op::OnlyA(i) => Some(*i),
            _ => None,
        })
        .collect();
    for &i in &only_a {
        let found = free_by_id
            .get_mut(&(&a[i], &ia[i]))
            .and_then(|q| q.iter().position(|j| !used_b[*j]).and_then(|p| q.remove(p)));
        if let Some(j) = found {
            used_b[j] = true;
            pair_of_a.insert(i, j);
        }
    }
    for &i in &only_a {
        if pair_of_a.contains_key(&i) {
            continue;
        }
        let found = free_by_key
            .get_mut(&a[i])
            .and_then(|q| q.iter().position(|j| !used_b[*j]).and_then(|p| q.remove(p)));
        if let Some(j) = found {
            used_b[j] = true;
            pair_of_a.insert(i, j);
        }
    }
    ops.into_iter()
        .filter_map(|op| match op {
            Op::OnlyA(i) => Some(pair_of_a.get(&i).map_or(op, |j| Op::Moved(i, *j))),
            Op::OnlyB(j) if used_b[j] => None,
            other => Some(other),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertion_and_deletion() {
        let a = ["env", "unix", "deny"];
        let b = ["listfile", "shells", "env", "unix", "deny"];
        assert_eq!(
            align(&a, &b),
            vec![
                Op::OnlyB(0),
                Op::OnlyB(1),
                Op::Both(0, 2),
                Op::Both(1, 3),
                Op::Both(2, 4)
            ]
        );
    }

    #[test]
    fn reordering_is_a_move() {
        let a = ["shells", "unix", "deny"];
        let b = ["unix", "deny", "shells"];
        let ops = align(&a, &b);
        assert!(ops.contains(&Op::Moved(0, 2)), "{ops:?}");
        assert_eq!(ops.len(), 3);
    }

    #[test]
    fn a_move_whose_target_comes_first() {
        // found by the property below: the OnlyB row precedes its OnlyA partner
        let ops = align(&[0, 0, 3], &[3, 0, 0]);
        assert_eq!(ops.len(), 3, "{ops:?}");
        assert!(ops.contains(&Op::Moved(2, 0)), "{ops:?}");
    }

    #[test]
    fn huge_inputs_stay_bounded() {
        let a: Vec<u32> = (0..5000).collect();
        let b: Vec<u32> = (0..5000).rev().collect();
        let ops = align(&a, &b);
        // every key is on both sides: all pairs become moves or aligned rows
        assert!(ops
            .iter()
            .all(|o| matches!(o, Op::Both(..) | Op::Moved(..))));
        assert_eq!(ops.len(), 5000);
    }

    #[test]
    fn identical_rules_pair_before_rules_that_only_share_a_module() {
        // sshd: common-auth's pam_unix; vsftpd: its own pam_unix, then common-auth's
        let a = ["unix"];
        let ia = [("common-auth", 17)];
        let b = ["listfile", "unix", "unix"];
        let ib = [("vsftpd", 4), ("vsftpd", 6), ("common-auth", 17)];
        let ops = align_rules(&a, &b, &ia, &ib);
        assert!(ops.contains(&Op::Both(0, 2)), "{ops:?}");
        assert!(ops.contains(&Op::OnlyB(1)), "{ops:?}");
        // a move also prefers the identical rule
        let ops = align_rules(
            &["unix", "env"],
            &["env", "unix", "unix"],
            &[1, 2],
            &[2, 3, 1],
        );
        assert!(ops.contains(&Op::Moved(0, 2)), "{ops:?}");
    }

    #[test]
    fn identical_and_empty() {
        assert_eq!(
            align(&[1, 2], &[1, 2]),
            vec![Op::Both(0, 0), Op::Both(1, 1)]
        );
        assert_eq!(align::<u8>(&[], &[]), vec![]);
        assert_eq!(align(&[1], &[]), vec![Op::OnlyA(0)]);
    }

    proptest::proptest! {
        /// Every rule of each side appears exactly once, and paired rows share a key;
        /// aligned rows keep both sides' order.
        #[test]
        fn alignment_covers_both_sides(a in proptest::collection::vec(0u8..6, 0..40),
                                       b in proptest::collection::vec(0u8..6, 0..40)) {
            let ops = align(&a, &b);
            let mut seen_a = vec![0; a.len()];
            let mut seen_b = vec![0; b.len()];
            let mut last = (None, None);
            for op in &ops {
                match *op {
                    Op::Both(i, j) => {
                        proptest::prop_assert_eq!(a[i], b[j]);
                        proptest::prop_assert!(last.0.is_none_or(|x| x < i) && last.1.is_none_or(|y| y < j));
                        last = (Some(i), Some(j));
                        seen_a[i] += 1;
                        seen_b[j] += 1;
                    }
                    Op::Moved(i, j) => {
                        proptest::prop_assert_eq!(a[i], b[j]);
                        seen_a[i] += 1;
                        seen_b[j] += 1;
                    }
                    Op::OnlyA(i) => seen_a[i] += 1,
                    Op::OnlyB(j) => seen_b[j] += 1,
                }
            }
            proptest::prop_assert!(seen_a.iter().all(|c| *c == 1));
            proptest::prop_assert!(seen_b.iter().all(|c| *c == 1));
        }
    }
}
