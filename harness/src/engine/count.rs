//! Counting the raw sequence space (BreakDancer's a^n, optionally with a cap on how often one
//! step may repeat in a sequence), so a run can report how many sequences it covered without
//! enumerating the ones deduplication skipped.

/// Number of sequences of each length `0..=max_len` over letters whose individual repeat
/// limits are `caps` (`None` = unlimited). Saturates at `u128::MAX`.
///
/// Exponential generating functions: the count of length `m` is
/// `m! [x^m] prod_i (sum_{j <= cap_i} x^j / j!)`, computed exactly with binomial sums.
pub fn sequences_by_length(caps: &[Option<u32>], max_len: usize) -> Vec<u128> {
    // Letters with the same cap behave alike: group them to keep this O(groups * len^2).
    let unlimited = caps.iter().filter(|c| c.is_none()).count() as u128;
    let mut capped: Vec<u32> = caps.iter().filter_map(|c| *c).collect();
    capped.sort_unstable();

    // f[m] = sequences of length m over the unlimited letters = unlimited^m.
    let mut f = vec![0u128; max_len + 1];
    f[0] = 1;
    for m in 1..=max_len {
        f[m] = f[m - 1].saturating_mul(unlimited);
    }
    if capped.is_empty() {
        return f;
    }
    let binom = binomials(max_len);
    for cap in capped {
        let mut g = vec![0u128; max_len + 1];
        for (m, gm) in g.iter_mut().enumerate() {
            let mut acc = 0u128;
            for j in 0..=m.min(cap as usize) {
                acc = acc.saturating_add(binom[m][j].saturating_mul(f[m - j]));
            }
            *gm = acc;
        }
        f = g;
    }
    f
}

/// Raw sequences of length `1..=depth` starting with `first`, given `alphabet` letters and an
/// optional repeat cap per letter.
pub fn sequences_starting_with(
    alphabet: usize,
    depth: usize,
    cap: Option<u32>,
    first: usize,
) -> u128 {
    if depth == 0 || first >= alphabet || cap == Some(0) {
        return 0;
    }
    let caps = remaining_caps(alphabet, cap, &[first as u32]);
    sequences_by_length(&caps, depth - 1)
        .iter()
        .fold(0u128, |a, b| a.saturating_add(*b))
}

/// Sequences of length `0..=remaining` that may follow a prefix with the given steps already
/// used (the subtree size below a node, the node itself counted as the length-0 one).
pub fn subtree_sequences(
    alphabet: usize,
    remaining: usize,
    cap: Option<u32>,
    used: &[u32],
) -> u128 {
    let caps = remaining_caps(alphabet, cap, used);
    sequences_by_length(&caps, remaining)
        .iter()
        .fold(0u128, |a, b| a.saturating_add(*b))
}

fn remaining_caps(alphabet: usize, cap: Option<u32>, used: &[u32]) -> Vec<Option<u32>> {
    let mut caps = vec![cap; alphabet];
    if let Some(k) = cap {
        for &s in used {
            if let Some(c) = caps.get_mut(s as usize) {
                *c = Some(c.unwrap_or(k).saturating_sub(1));
            }
        }
    }
    caps
}

fn binomials(n: usize) -> Vec<Vec<u128>> {
    let mut b = vec![vec![0u128; n + 1]; n + 1];
    for i in 0..=n {
        b[i][0] = 1;
        for j in 1..=i {
            b[i][j] = b[i - 1][j - 1].saturating_add(if j < i { b[i - 1][j] } else { 0 });
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: enumerate every sequence and filter by the caps.
    fn brute(a: usize, len: usize, cap: Option<u32>) -> u128 {
        let mut n = 0;
        let total = a.pow(len as u32);
        for mut code in 0..total {
            let mut counts = vec![0u32; a];
            for _ in 0..len {
                counts[code % a] += 1;
                code /= a;
            }
            if cap.is_none_or(|k| counts.iter().all(|c| *c <= k)) {
                n += 1;
            }
        }
        n
    }

    #[test]
    fn uncapped_is_a_to_the_n() {
        let v = sequences_by_length(&[None; 7], 4);
        assert_eq!(v, vec![1, 7, 49, 343, 2401]);
    }

    #[test]
    fn capped_matches_brute_force() {
        for a in 1..5 {
            for cap in 0..4u32 {
                let v = sequences_by_length(&vec![Some(cap); a], 5);
                for (len, n) in v.iter().enumerate() {
                    assert_eq!(*n, brute(a, len, Some(cap)), "a={a} cap={cap} len={len}");
                }
            }
        }
    }

    #[test]
    fn starting_with_partitions_the_space() {
        for cap in [None, Some(1), Some(2)] {
            let total: u128 = sequences_by_length(&[cap; 4], 4)[1..].iter().sum();
            let split: u128 = (0..4).map(|s| sequences_starting_with(4, 4, cap, s)).sum();
            assert_eq!(total, split, "cap={cap:?}");
        }
    }
}
