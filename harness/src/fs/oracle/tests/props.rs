//! Property tests: random operation sequences keep the invariants, a failed call changes
//! nothing, and the oracle is deterministic (a clone replaying the same calls ends equal).

use super::*;
use proptest::prelude::*;

const PATHS: &[&str] = &[
    "/a", "/b", "/a/x", "/a/y", "/b/z", "/a/x/q", "c", "a/../b", "..",
];
const MODES: &[&str] = &["rb", "wb", "ab", "r+b", "xb", "r"];
const SLOTS: usize = 3;

#[derive(Debug, Clone)]
enum Op {
    Open(usize, usize, usize, u64),
    Read(usize, Option<usize>),
    Write(usize, Vec<u8>),
    Seek(usize, u8, i64),
    Truncate(usize, Option<u64>),
    Close(usize),
    Mkdir(usize, bool),
    Remove(usize),
    Rmtree(usize),
    Rename(usize, usize),
    Move(usize, usize),
    Copy(usize, usize),
    CopyTree(usize, usize),
    Import(Vec<(usize, Vec<u8>)>),
    Tick,
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0..PATHS.len();
    let s = 0..SLOTS;
    let data = prop::collection::vec(any::<u8>(), 0..40);
    prop_oneof![
        4 => (s.clone(), p.clone(), 0..MODES.len(), prop_oneof![Just(0u64), 0..60u64]).prop_map(|(a, b, c, d)| Op::Open(a, b, c, d)),
        1 => (s.clone(), prop::option::of(0..20usize)).prop_map(|(a, b)| Op::Read(a, b)),
        5 => (s.clone(), data.clone()).prop_map(|(a, b)| Op::Write(a, b)),
        1 => (s.clone(), 0..3u8, -30..30i64).prop_map(|(a, b, c)| Op::Seek(a, b, c)),
        1 => (s.clone(), prop::option::of(0..60u64)).prop_map(|(a, b)| Op::Truncate(a, b)),
        2 => s.prop_map(Op::Close),
        2 => (p.clone(), any::<bool>()).prop_map(|(a, b)| Op::Mkdir(a, b)),
        1 => p.clone().prop_map(Op::Remove),
        1 => p.clone().prop_map(Op::Rmtree),
        1 => (p.clone(), p.clone()).prop_map(|(a, b)| Op::Rename(a, b)),
        1 => (p.clone(), p.clone()).prop_map(|(a, b)| Op::Move(a, b)),
        1 => (p.clone(), p.clone()).prop_map(|(a, b)| Op::Copy(a, b)),
        1 => (p.clone(), p.clone()).prop_map(|(a, b)| Op::CopyTree(a, b)),
        1 => prop::collection::vec((p, data), 0..3).prop_map(Op::Import),
        1 => Just(Op::Tick),
    ]
}

/// Runs one op; returns whether it failed (a failing call must be all or nothing).
fn apply(f: &mut NaiveFs, slots: &mut [Option<HandleId>], op: &Op) -> bool {
    let failed = |r: std::result::Result<(), OracleError>| r.is_err();
    let slot = |slots: &[Option<HandleId>], i: usize| slots[i].unwrap_or(HandleId(usize::MAX));
    match op {
        Op::Open(s, p, m, pre) => {
            if slots[*s].is_some_and(|h| !f.is_closed(h)) {
                return false;
            }
            match f.open(PATHS[*p], MODES[*m], *pre) {
                Ok(h) => {
                    slots[*s] = Some(h);
                    false
                }
                Err(_) => true,
            }
        }
        Op::Read(s, n) => failed(f.read(slot(slots, *s), *n).map(drop)),
        Op::Write(s, d) => failed(f.write(slot(slots, *s), d).map(drop)),
        Op::Seek(s, w, o) => {
            let w = [Whence::Start, Whence::Current, Whence::End][*w as usize];
            failed(f.seek(slot(slots, *s), w, *o).map(drop))
        }
        Op::Truncate(s, n) => failed(f.truncate(slot(slots, *s), *n).map(drop)),
        Op::Close(s) => {
            f.close(slot(slots, *s));
            false
        }
        Op::Mkdir(p, e) => failed(f.mkdir(PATHS[*p], *e)),
        Op::Remove(p) => failed(f.remove(PATHS[*p])),
        Op::Rmtree(p) => failed(f.rmtree(PATHS[*p])),
        Op::Rename(a, b) => failed(f.rename(PATHS[*a], PATHS[*b])),
        Op::Move(a, b) => failed(f.move_path(PATHS[*a], PATHS[*b])),
        Op::Copy(a, b) => failed(f.copy(PATHS[*a], PATHS[*b])),
        Op::CopyTree(a, b) => failed(f.copy_tree(PATHS[*a], PATHS[*b])),
        Op::Import(list) => {
            let e: Vec<(String, Vec<u8>)> = list
                .iter()
                .map(|(p, d)| (PATHS[*p].to_string(), d.clone()))
                .collect();
            failed(f.import_tree(&e))
        }
        Op::Tick => {
            f.set_now(f.now() + 1);
            false
        }
    }
}

fn config() -> impl Strategy<Value = OracleConfig> {
    (
        prop_oneof![Just(60u64), Just(150), Just(100_000)],
        prop_oneof![Just(0u64), Just(10)],
        prop_oneof![
            Just(StorageMode::Auto),
            Just(StorageMode::Sequential),
            Just(StorageMode::RandomAccess)
        ],
        prop_oneof![Just(None), Just(Some(6u64))],
    )
        .prop_map(|(quota, chunk_overhead, storage, max_nodes)| OracleConfig {
            quota,
            chunk_overhead,
            storage,
            promotion_hard_limit: 50,
            max_nodes,
            guard: Default::default(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_invariants_and_fail_cleanly(cfg in config(), ops in prop::collection::vec(op(), 1..60)) {
        // spec: TREE-1, TREE-3, TREE-4, TREE-5, QUOTA-11, QUOTA-12, LIMIT-1
        let mut f = NaiveFs::new(cfg);
        let start = f.clone();
        let mut slots = [None; SLOTS];
        for op in &ops {
            let before = f.observe(&slots);
            let failed = apply(&mut f, &mut slots, op);
            check_invariants(&f);
            if failed {
                prop_assert_eq!(f.observe(&slots), before, "failed {:?} changed the state", op);
            }
            if let Some(max) = cfg.max_nodes {
                prop_assert!(f.stats().file_count + f.stats().dir_count <= max);
            }
        }
        // Determinism: the clone taken at the start replays to the same state.
        let mut g = start;
        let mut slots2 = [None; SLOTS];
        for op in &ops {
            apply(&mut g, &mut slots2, op);
        }
        prop_assert_eq!(g.observe(&slots2), f.observe(&slots));
        prop_assert_eq!(g, f);
    }
}
