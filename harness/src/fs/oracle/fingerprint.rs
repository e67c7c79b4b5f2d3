//! Hashes of the complete oracle state, for explorers that merge equal states: two states
//! with equal fingerprints behave the same under every future call.

use super::NaiveFs;
use super::tree::Node;
use std::collections::BTreeSet;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

impl NaiveFs {
    /// Hash of everything that decides future behaviour and observations: the tree (order,
    /// names, kinds, bytes, storage layout, generations, timestamps) and every handle (path,
    /// mode, cursor, closed), and the memory-guard warnings. The stamp time is left out: the explorer sets it before each step.
    /// Deterministic within one build (`DefaultHasher::new` has fixed keys).
    pub fn fingerprint(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.cfg.quota.hash(&mut h);
        self.tree.hash(&mut h);
        self.handles.hash(&mut h);
        self.warnings.hash(&mut h);
        h.finish()
    }

    /// `fingerprint` with every timestamp replaced by its rank among the distinct timestamps
    /// present, so states that differ only by a monotone shift of time hash equal.
    pub fn fingerprint_relative_time(&self) -> u64 {
        let mut times = BTreeSet::new();
        for n in self.tree.nodes().values() {
            match n {
                Node::Dir(d) => {
                    times.insert(d.created);
                }
                Node::File(f) => {
                    times.insert(f.created);
                    times.insert(f.modified);
                }
            }
        }
        let rank = |t: u64| times.range(..t).count() as u64;
        let mut ranked = self.tree.clone();
        ranked.map_times(rank);
        let mut h = DefaultHasher::new();
        self.cfg.quota.hash(&mut h);
        ranked.hash(&mut h);
        self.handles.hash(&mut h);
        self.warnings.hash(&mut h);
        h.finish()
    }
}
