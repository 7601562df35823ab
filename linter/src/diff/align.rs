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
pub fn align<K: Eq>(a: &[K], b: &[K]) -> Vec<Op> {
    let ops = lcs(a, b);
    pair_moves(ops, a, b)
}

fn lcs<K: Eq>(a: &[K], b: &[K]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    // table[i][j]: LCS length of a[i..] and b[j..]
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n && j < m {
        if a[i] == b[j] {
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

/// Turn an OnlyA/OnlyB pair with equal keys into one Moved row (at A's position).
fn pair_moves<K: Eq>(ops: Vec<Op>, a: &[K], b: &[K]) -> Vec<Op> {
    let mut used_b = vec![false; b.len()];
    let only_b: Vec<usize> = ops
        .iter()
        .filter_map(|o| match o {
            Op::OnlyB(j) => Some(*j),
            _ => None,
        })
        .collect();
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            Op::OnlyA(i) => match only_b.iter().find(|j| !used_b[**j] && b[**j] == a[i]) {
                Some(&j) => {
                    used_b[j] = true;
                    out.push(Op::Moved(i, j));
                }
                None => out.push(op),
            },
            Op::OnlyB(j) if used_b[j] => {}
            other => out.push(other),
        }
    }
    out
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
    fn identical_and_empty() {
        assert_eq!(
            align(&[1, 2], &[1, 2]),
            vec![Op::Both(0, 0), Op::Both(1, 1)]
        );
        assert_eq!(align::<u8>(&[], &[]), vec![]);
        assert_eq!(align(&[1], &[]), vec![Op::OnlyA(0)]);
    }
}
