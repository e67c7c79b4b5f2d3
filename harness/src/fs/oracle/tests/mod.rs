//! Unit and property tests of the naive oracle, one file per concept. Each test names the
//! clauses it proves in a `// spec:` line.

mod guard;
mod handle;
mod misc;
mod namespace;
mod open;
mod paths_glob;
mod props;
mod quota;
mod transfer;

use super::*;
use crate::fs::observation::{NodeObs, Observation};
use std::fmt::Debug;

/// Quota 10_000, overhead 10, auto storage, promotion limit 1_000: small numbers that make
/// every charge visible.
pub(super) fn cfg() -> OracleConfig {
    OracleConfig {
        quota: 10_000,
        chunk_overhead: 10,
        storage: StorageMode::Auto,
        promotion_hard_limit: 1_000,
        max_nodes: None,
        guard: Default::default(),
    }
}

/// A fresh oracle with [`cfg`], its clock at 1.
pub(super) fn fs() -> NaiveFs {
    let mut f = NaiveFs::new(cfg());
    f.set_now(1);
    f
}

/// The error kind name of a failed call; fails the test if the call succeeded.
pub(super) fn kind<T: Debug>(r: Result<T>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e.kind.name(),
    }
}

/// The full error kind (with payload) of a failed call.
pub(super) fn full<T: Debug>(r: Result<T>) -> Kind {
    match r {
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
        Err(e) => e.kind,
    }
}

/// Creates (or replaces) a file through `wb` + one write + close.
pub(super) fn put(f: &mut NaiveFs, p: &str, data: &[u8]) {
    let h = f.open(p, "wb", 0).expect("open wb");
    f.write(h, data).expect("write");
    f.close(h);
}

/// Reads a whole file through `rb`.
pub(super) fn get(f: &mut NaiveFs, p: &str) -> Vec<u8> {
    let h = f.open(p, "rb", 0).expect("open rb");
    let d = f.read(h, None).expect("read");
    f.close(h);
    d
}

/// The observation with no handle slots.
pub(super) fn obs(f: &NaiveFs) -> Observation {
    f.observe(&[])
}

/// The invariants every state must keep: used <= quota, free = quota - used, counts and
/// usage equal what the tree holds, every listed child exists and every node is listed.
pub(super) fn check_invariants(f: &NaiveFs) {
    let o = obs(f);
    let s = o.stats;
    assert!(
        s.used_bytes <= s.quota_bytes,
        "used {} > quota {}",
        s.used_bytes,
        s.quota_bytes
    );
    assert_eq!(s.free_bytes, s.quota_bytes - s.used_bytes);
    let files = o
        .nodes
        .values()
        .filter(|n| matches!(n, NodeObs::File { .. }))
        .count() as u64;
    let dirs = o
        .nodes
        .values()
        .filter(|n| matches!(n, NodeObs::Dir { .. }))
        .count() as u64;
    assert_eq!((s.file_count, s.dir_count), (files, dirs));
    assert!(
        matches!(o.nodes.get("/"), Some(NodeObs::Dir { .. })),
        "root missing"
    );
    let mut listed = 1;
    for (p, n) in &o.nodes {
        if let NodeObs::Dir { children, .. } = n {
            for c in children {
                let child = path::join(p, c);
                assert!(o.nodes.contains_key(&child), "{child} listed but absent");
                listed += 1;
            }
        }
    }
    assert_eq!(
        listed,
        o.nodes.len(),
        "some node is not reachable from the root"
    );
    assert_eq!(s.used_bytes, f.used());
}
