//! P-compositionality: split a history into independent sub-histories whose operations touch
//! disjoint keys, so each is checked alone (a history is linearizable iff every partition is,
//! when operations on different keys commute). Global operations merge everything.

use super::spec::Footprint;
use std::collections::HashMap;

/// Groups op indices (given their footprints) into partitions; each partition keeps the
/// original op order. Ops with no key at all form singleton partitions.
pub fn partition(footprints: &[Footprint]) -> Vec<Vec<usize>> {
    if footprints.contains(&Footprint::Global) {
        return vec![(0..footprints.len()).collect()];
    }
    let mut key_ids: HashMap<&str, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut op_root: Vec<Option<usize>> = Vec::with_capacity(footprints.len());
    for f in footprints {
        let Footprint::Keys(keys) = f else {
            unreachable!("global handled above")
        };
        let mut first: Option<usize> = None;
        for k in keys {
            let id = *key_ids.entry(k.as_str()).or_insert_with(|| {
                parent.push(parent.len());
                parent.len() - 1
            });
            match first {
                None => first = Some(id),
                Some(a) => union(&mut parent, a, id),
            }
        }
        op_root.push(first);
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, r) in op_root.iter().enumerate() {
        match r {
            Some(k) => groups.entry(find(&mut parent, *k)).or_default().push(i),
            None => out.push(vec![i]),
        }
    }
    let mut grouped: Vec<Vec<usize>> = groups.into_values().collect();
    grouped.sort_by_key(|g| g[0]);
    out.extend(grouped);
    out
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[rb] = ra;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &[&str]) -> Footprint {
        Footprint::Keys(k.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn disjoint_keys_split_and_shared_keys_merge() {
        let f = vec![
            keys(&["a"]),
            keys(&["b"]),
            keys(&["c"]),
            keys(&["a", "c"]),
            keys(&[]),
        ];
        let p = partition(&f);
        assert!(p.contains(&vec![0, 2, 3]), "{p:?}");
        assert!(p.contains(&vec![1]), "{p:?}");
        assert!(p.contains(&vec![4]), "{p:?}");
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn a_global_op_merges_everything() {
        let f = vec![keys(&["a"]), Footprint::Global, keys(&["b"])];
        assert_eq!(partition(&f), vec![vec![0, 1, 2]]);
    }
}
