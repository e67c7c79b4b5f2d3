//! Hand-written sequences through the model of the real spec: predicted outcomes, states,
//! precondition traces, and postconditions/abstraction checks that pass on a faithful
//! observation and fail on a tampered one.

use harness::fs::call::{CallOutcome, ErrKind};
use harness::fs::model::{self, ModelState, Node};
use harness::fs::observation::{NodeObs, StepValue};
use harness::fs::spec::{Spec, load_specs};
use std::path::Path;

fn spec() -> Spec {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    load_specs(&dir).unwrap_or_else(|e| panic!("specs/ does not load:\n{e}"))
}

/// The step of `action` whose label binds every `k=v` given, `;`-separated
/// (e.g. `open_wb`, "path=/a; slot=0").
fn step(s: &Spec, action: &str, binds: &str) -> usize {
    let want: Vec<&str> = binds
        .split(';')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    let hits: Vec<usize> = (0..s.steps.len())
        .filter(|&i| {
            let l = &s.steps[i].label;
            let Some(inner) = l
                .strip_prefix(action)
                .and_then(|r| r.strip_prefix('('))
                .and_then(|r| r.strip_suffix(')'))
            else {
                return false;
            };
            let inner = format!(", {inner},");
            want.iter().all(|w| inner.contains(&format!(" {w},")))
        })
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "`{action}` with {binds}: matches {:?}",
        hits.iter().map(|i| &s.steps[*i].label).collect::<Vec<_>>()
    );
    hits[0]
}

/// Runs `(action, binds, expected)` steps from `st`, asserting each predicted outcome.
fn run(s: &Spec, st: &mut ModelState, seq: &[(&str, &str, Result<(), ErrKind>)]) {
    for (a, b, want) in seq {
        let i = step(s, a, b);
        let before = st.clone();
        let v = s.predict_mut(st, i);
        assert_eq!(v.outcome, *want, "{}", s.steps[i].label);
        if want.is_err() {
            assert_eq!(
                *st, before,
                "a failed step must leave the state unchanged: {}",
                s.steps[i].label
            );
        }
    }
}

fn used(s: &Spec, st: &ModelState) -> u64 {
    st.used(&s.config)
}

const MID: &str = "data=<200 bytes>";
const HUGE: &str = "data=<500 bytes>";

#[test]
fn write_append_charges_chunks() {
    // spec: QUOTA-1, QUOTA-2, OPEN-8
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("open_wb", "path=/a; slot=0; prealloc=0", Ok(())),
            ("write", "slot=0; data=\"hello\"", Ok(())),
            ("write", "slot=0; data=\"hello\"", Ok(())),
        ],
    );
    let f = st.file("/a").expect("file /a");
    assert_eq!(&*f.data, b"hellohello");
    assert_eq!((f.chunks, f.random, f.generation), (2, false, 2));
    assert_eq!(used(&s, &st), 10 + 2 * 64);
    assert_eq!(st.handle(0).map(|h| h.pos), Some(10));
}

#[test]
fn promotion_needs_size_free_and_failed_write_restores_usage() {
    // spec: STORE-2, STORE-6, STORE-7, STORE-9, STORE-10
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("open_wb", "path=/a; slot=0; prealloc=0", Ok(())),
            ("write", &format!("slot=0; {MID}"), Ok(())),
            ("seek", "whence=start; offset=0", Ok(())),
            (
                "write",
                "slot=0; data=\"hello\"",
                Err(ErrKind::QuotaExceeded),
            ),
            ("write", "slot=0; data=\"\"", Ok(())),
        ],
    );
    assert!(
        !st.file("/a").map(|f| f.random).unwrap_or(true),
        "a zero-length write does not promote"
    );

    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("open_wb", "path=/a; slot=0; prealloc=0", Ok(())),
            ("write", "slot=0; data=\"hello\"", Ok(())),
            ("seek", "whence=start; offset=0", Ok(())),
            (
                "write",
                &format!("slot=0; {HUGE}"),
                Err(ErrKind::QuotaExceeded),
            ),
        ],
    );
    assert_eq!(used(&s, &st), 69, "usage restored exactly");
    run(&s, &mut st, &[("write", "slot=0; data=\"hello\"", Ok(()))]);
    let f = st.file("/a").expect("file");
    assert!(f.random);
    assert_eq!(used(&s, &st), 5, "a promoted file charges its size");
}

#[test]
fn seek_past_eof_then_write_zero_fills() {
    // spec: HANDLE-10, QUOTA-7
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("open_wb", "path=/a; slot=0; prealloc=0", Ok(())),
            ("seek", "whence=start; offset=10", Ok(())),
            ("write", "slot=0; data=\"hello\"", Ok(())),
            ("seek", "whence=end; offset=1", Err(ErrKind::InvalidInput)),
            ("seek", "whence=current; offset=-1", Ok(())),
        ],
    );
    let f = st.file("/a").expect("file");
    assert_eq!(&*f.data, b"\0\0\0\0\0\0\0\0\0\0hello");
    assert_eq!(used(&s, &st), 15);
    assert_eq!(st.handle(0).map(|h| h.pos), Some(14));
}

#[test]
fn locks_and_slot_reuse() {
    // spec: LOCK-1, LOCK-2, LOCK-7, OPEN-10, CONC-4
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            (
                "open_rb",
                "path=/a; slot=0; prealloc=0",
                Err(ErrKind::NotFound),
            ),
            ("open_wb", "path=/a; slot=0; prealloc=0", Ok(())),
            ("write", "slot=0; data=\"hello\"", Ok(())),
            ("open_rb", "path=/a; slot=1", Err(ErrKind::WouldBlock)),
            ("open_wb", "path=/a; slot=1", Err(ErrKind::WouldBlock)),
            ("open_xb", "path=/a; slot=0", Err(ErrKind::AlreadyExists)),
            ("remove", "path=/a", Err(ErrKind::WouldBlock)),
            ("close", "slot=0", Ok(())),
            ("open_rb", "path=/a; slot=1", Ok(())),
            ("open_rb", "path=/a; slot=0; prealloc=0", Ok(())),
            ("read", "slot=0; max=2", Ok(())),
            ("write", "slot=0; data=\"hello\"", Err(ErrKind::Unsupported)),
            (
                "open_rb",
                "path=/a; slot=0; prealloc=10",
                Err(ErrKind::InvalidInput),
            ),
        ],
    );
    assert_eq!(
        st.file("/a").map(|f| &*f.data),
        Some(&b"hello"[..]),
        "the failed wb did not truncate"
    );
    assert_eq!(st.handle(0).map(|h| (h.pos, h.closed)), Some((2, false)));
    // Reopening a slot replaces its handle only once the new open succeeded: the old
    // reader in the same slot still blocks a writer.
    run(
        &s,
        &mut st,
        &[
            ("close", "slot=1", Ok(())),
            (
                "open_wb",
                "path=/a; slot=0; prealloc=0",
                Err(ErrKind::WouldBlock),
            ),
            ("open_rpb", "path=/a; slot=1", Err(ErrKind::WouldBlock)),
            ("close", "slot=0", Ok(())),
            ("open_wb", "path=/a; slot=0; prealloc=0", Ok(())),
        ],
    );
    assert_eq!(
        st.file("/a").map(|f| (f.size(), f.generation)),
        Some((0, 2))
    );
}

#[test]
// spec: MKDIR-1, MKDIR-4, MKDIR-5, RENAME-3, RENAME-4, RENAME-6, RENAME-8, LIST-4, MOVE-1, MOVE-6, MOVE-7, LIMIT-2
fn namespace_sequences() {
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("mkdir", "path=/a/b", Ok(())),
            ("mkdir", "path=/c/d/e", Err(ErrKind::NodeLimitExceeded)),
            ("rename", "src=/a; dst=/a/b", Err(ErrKind::AlreadyExists)),
            ("rmtree", "path=/a", Ok(())),
            ("mkdir", "path=/a", Ok(())),
            ("rename", "src=/a; dst=/a/b", Err(ErrKind::InvalidInput)),
            ("open_xb", "path=/c; slot=1", Ok(())),
            ("rename", "src=/c; dst=/a/b", Err(ErrKind::WouldBlock)),
            ("close", "slot=1", Ok(())),
            ("rename", "src=/c; dst=/a/b", Ok(())),
            ("move", "src=/a; dst=/c/d", Ok(())),
        ],
    );
    assert!(st.is_dir("/c") && st.is_dir("/c/d"));
    assert_eq!(st.file("/c/d/b").map(|f| f.generation), Some(0));
    assert!(st.get("/a").is_none());
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("mkdir", "path=/a", Ok(())),
            ("open_xb", "path=/c; slot=1", Ok(())),
            ("close", "slot=1", Ok(())),
            ("rename", "src=/a; dst=/c", Err(ErrKind::AlreadyExists)),
            ("move", "src=/a; dst=/c/d", Err(ErrKind::AlreadyExists)),
            ("move", "src=/; dst=/c", Err(ErrKind::InvalidInput)),
            ("rename", "src=/c; dst=/a", Err(ErrKind::AlreadyExists)),
            ("rename", "src=/a; dst=/c", Err(ErrKind::AlreadyExists)),
            ("rmtree", "path=/a", Ok(())),
            ("rename", "src=/c; dst=/a", Ok(())),
            ("rmtree", "path=/a", Err(ErrKind::NotADirectory)),
            ("mkdir", "path=/c/d/e", Ok(())),
            ("mkdir_exist_ok", "path=/a", Err(ErrKind::AlreadyExists)),
            ("mkdir", "path=/a/b", Err(ErrKind::AlreadyExists)),
        ],
    );
    // A rename appends at the end of the destination's listing.
    let root: Vec<String> = st
        .children("/")
        .unwrap_or(&[])
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(root, ["a", "c"]);
    assert_eq!(st.node_count(), 5);
    run(
        &s,
        &mut st,
        &[("copy", "src=/a; dst=/c/d", Err(ErrKind::AlreadyExists))],
    );
}

#[test]
fn copies_and_imports() {
    // spec: COPY-5, COPY-7, COPYTREE-5, COPYTREE-8, IMPORT-2, IMPORT-3, IMPORT-5
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("import_tree", "entries={/a/b: <200 bytes>}", Ok(())),
            ("copy_tree", "src=/a; dst=/c", Err(ErrKind::QuotaExceeded)),
            (
                "import_tree",
                "entries={/c: <200 bytes>}",
                Err(ErrKind::QuotaExceeded),
            ),
            (
                "import_tree",
                "entries={/a: \"hello\"}",
                Err(ErrKind::IsADirectory),
            ),
            (
                "import_tree",
                "entries={/a: \"hello\", /a/b: \"hello\"}",
                Err(ErrKind::IsADirectory),
            ),
            ("rmtree", "path=/a", Ok(())),
            // /a is needed as a directory by /a/b: IsADirectory preempts "below a file of
            // the same import" (the core and the oracle agree).
            (
                "import_tree",
                "entries={/a: \"hello\", /a/b: \"hello\"}",
                Err(ErrKind::IsADirectory),
            ),
            (
                "import_tree",
                "entries={../x: \"hello\"}",
                Err(ErrKind::InvalidInput),
            ),
            ("import_tree", "entries={/a: \"hello\"}", Ok(())),
            ("copy", "src=/a; dst=/c", Ok(())),
        ],
    );
    let c = st.file("/c").expect("copy");
    assert_eq!((&*c.data, c.generation, c.chunks), (&b"hello"[..], 1, 1));
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("mkdir", "path=/a", Ok(())),
            ("open_xb", "path=/c; slot=1", Ok(())),
            ("copy_tree", "src=/a; dst=/a/b", Ok(())),
        ],
    );
    assert!(st.is_dir("/a/b"));
    assert!(
        st.get("/a/b/b").is_none(),
        "the copy is a snapshot taken before the copy"
    );
}

#[test]
fn preallocation_fills_quota_exactly() {
    // spec: QUOTA-10, PREALLOC-1, PREALLOC-5
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            (
                "open_wb",
                "path=/c; slot=1; prealloc=400",
                Err(ErrKind::QuotaExceeded),
            ),
            ("open_wb", "path=/a; slot=0; prealloc=336", Ok(())),
        ],
    );
    assert!(st.get("/c").is_none());
    assert_eq!(used(&s, &st), 400);
    assert_eq!(
        st.file("/a").map(|f| (f.size(), f.generation)),
        Some((336, 1))
    );
}

#[test]
fn wb_keeps_a_promoted_file_random_access_for_its_preallocation() {
    // spec: QUOTA-10, OPEN-9, PREALLOC-2, STORE-7
    // scenarios/regressions/0f205e40b2.yaml: `wb` truncates the promoted file (its 50 bytes
    // are released) and it stays random access, so preallocating 400 charges 400, not 464.
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("open_xb", "path=/a; slot=0", Ok(())),
            ("truncate", "size=50; slot=0", Ok(())),
            ("write", "slot=0; data=\"hello\"", Ok(())),
            ("close", "slot=0", Ok(())),
            ("rename", "src=/a; dst=/c", Ok(())),
            ("open_wb", "path=/c; slot=1; prealloc=400", Ok(())),
        ],
    );
    assert_eq!(used(&s, &st), 400);
    assert_eq!(
        st.file("/c").map(|f| (f.size(), f.random, f.generation)),
        Some((400, true, 4))
    );
}

#[test]
fn trace_names_the_failing_precondition() {
    let s = spec();
    let st = s.init_state();
    let i = step(&s, "remove", "path=/a");
    let p = s.predict(&st, i);
    assert_eq!(p.outcome(), Err(ErrKind::NotFound));
    let trace: Vec<(String, bool)> = p
        .verdict
        .pre_results(&s)
        .map(|(c, h)| (s.clauses[c as usize].id.clone(), h))
        .collect();
    assert_eq!(
        trace,
        [
            ("PATH-9".to_string(), true),
            ("REMOVE-1".to_string(), false)
        ]
    );
}

#[test]
fn checks_pass_on_a_faithful_observation_and_fail_on_a_tampered_one() {
    // spec: TREE-5, HANDLE-4
    let s = spec();
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[("open_wb", "path=/a; slot=0; prealloc=0", Ok(()))],
    );
    let i = step(&s, "write", "slot=0; data=\"hello\"");
    let p = s.predict(&st, i);
    let obs = model::observe(&p.next, &s.config);
    assert_eq!(s.model_matches(&p.next, &obs), Ok(()));
    let ok = CallOutcome::Ok(StepValue::U64(5));
    let res = s.check_post(i, &p.next, &ok, &obs);
    assert!(!res.is_empty());
    assert!(res.iter().all(|r| r.ok), "{res:?}");

    let mut bad = obs.clone();
    if let Some(NodeObs::File { data, .. }) = bad.nodes.get_mut("/a") {
        data[0] = b'j';
    }
    assert!(s.model_matches(&p.next, &bad).is_err());
    let res = s.check_post(i, &p.next, &ok, &bad);
    let failed: Vec<&str> = res
        .iter()
        .filter(|r| !r.ok)
        .map(|r| s.clauses[r.clause as usize].id.as_str())
        .collect();
    assert!(failed.contains(&"HANDLE-4"), "{failed:?}");

    let wrong_count = CallOutcome::Ok(StepValue::U64(4));
    assert!(
        s.check_post(i, &p.next, &wrong_count, &obs)
            .iter()
            .any(|r| !r.ok)
    );

    let mut over = obs.clone();
    over.stats.used_bytes = 500;
    let res = s.check_post(i, &p.next, &ok, &over);
    let failed: Vec<&str> = res
        .iter()
        .filter(|r| !r.ok)
        .map(|r| s.clauses[r.clause as usize].id.as_str())
        .collect();
    assert!(
        failed.contains(&"QUOTA-11") && failed.contains(&"TREE-5"),
        "{failed:?}"
    );
    assert!(matches!(p.next.get("/a"), Some(Node::File(_))));
}

fn variant(name: &str) -> Spec {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs/variants")
        .join(name);
    load_specs(&dir).unwrap_or_else(|e| panic!("{name} does not load:\n{e}"))
}

#[test]
fn guard_refuses_what_the_host_cannot_give_before_the_quota() {
    // spec: GUARD-4, GUARD-7, GUARD-8, GUARD-9, GUARD-10, GUARD-11, GUARD-13
    let s = variant("memory_guard");
    let mut st = s.init_state();
    let oom = Err(ErrKind::OutOfMemory);
    run(
        &s,
        &mut st,
        &[
            ("open_wb", "path=/a; slot=0; prealloc=0", Ok(())),
            ("write", "slot=0; data=\"\"", Ok(())),
            ("write", "slot=0; data=\"hello\"", Ok(())),
            // 200 > 9: refused by the guard, though the quota would take it.
            ("write", MID, oom),
            // 500 exceeds the quota too: the guard comes first.
            ("write", HUGE, oom),
            ("write_boundary", "data=\"123456789\"", Ok(())),
            ("write_boundary", "data=\"1234567890\"", oom),
            ("truncate", "size=50", oom),
            ("truncate", "size=2", Ok(())),
            // wb preallocating 336 on a held file: the lock first, then the guard.
            (
                "open_wb",
                "path=/a; slot=1; prealloc=0",
                Err(ErrKind::WouldBlock),
            ),
            ("close", "slot=0", Ok(())),
            ("open_wb", "path=/a; slot=0; prealloc=336", oom),
            ("import_tree", "entries={/c: <200 bytes>}", oom),
            // 10 bytes in all: refused before the IsADirectory check.
            (
                "import_tree",
                "entries={/a: \"hello\", /a/b: \"hello\"}",
                oom,
            ),
            // one path twice: 2 bytes (the last data), not 14.
            (
                "import_small",
                "entries={/a: \"hello world!\", /a: \"hi\"}",
                Ok(()),
            ),
            // 14 - 2 = 12 bytes to add: refused; to a 5-byte file, 9: allowed (equality).
            ("open_grow", "path=/a", oom),
            ("import_tree", "entries={/a: \"hello\"}", Ok(())),
            ("open_grow", "path=/a", Ok(())),
            ("close", "slot=1", Ok(())),
            // 14 bytes now: the copy is refused before its quota.
            ("copy", "src=/a; dst=/c", oom),
        ],
    );
    assert_eq!(st.file("/a").map(|f| f.size()), Some(14));
    assert_eq!(st.warnings(), 0, "action error never warns");
}

#[test]
fn warn_lets_through_and_counts_even_when_the_quota_then_fails() {
    // spec: GUARD-5, GUARD-12
    let s = variant("memory_guard_warn");
    let mut st = s.init_state();
    run(
        &s,
        &mut st,
        &[
            ("open_wb", "path=/a; slot=0; prealloc=0", Ok(())),
            ("write", "slot=0; data=\"hello\"", Ok(())),
            ("write", MID, Ok(())),
        ],
    );
    assert_eq!(st.warnings(), 1);
    assert_eq!(st.file("/a").map(|f| f.size()), Some(205));
    let i = step(&s, "write", HUGE);
    let before = st.clone();
    let v = s.predict_mut(&mut st, i);
    assert_eq!(v.outcome, Err(ErrKind::QuotaExceeded));
    assert_eq!(st.warnings(), 2, "the guard warned before the quota failed");
    assert_eq!(st.nodes(), before.nodes(), "the filesystem did not change");
    // The invariant compares the observed count with the model's.
    let mut obs = model::observe(&st, &s.config);
    let out = CallOutcome::err(ErrKind::QuotaExceeded, None);
    assert!(s.check_post(i, &st, &out, &obs).iter().all(|r| r.ok));
    obs.warnings = Some(1);
    let bad: Vec<_> = s
        .check_post(i, &st, &out, &obs)
        .into_iter()
        .filter(|r| !r.ok)
        .map(|r| s.clauses[r.clause as usize].id.clone())
        .collect();
    assert!(bad.contains(&"GUARD-5".to_string()), "{bad:?}");
    assert!(s.model_matches(&st, &obs).is_err());
    // A subject that cannot report warnings is not judged on them.
    obs.warnings = None;
    assert!(s.check_post(i, &st, &out, &obs).iter().all(|r| r.ok));
    assert!(s.model_matches(&st, &obs).is_ok());
}

#[test]
fn init_checks_the_quota_at_build_only() {
    // spec: GUARD-1, GUARD-2, GUARD-3, GUARD-13, GUARD-14
    let s = variant("memory_guard_init");
    let st = s.init_state();
    assert_eq!(
        st.warnings(),
        1,
        "quota 400 > 300 available: one warning at build"
    );
    let mut st2 = st.clone();
    run(
        &s,
        &mut st2,
        &[
            // 336 > 300, but init does not check allocations: the quota decides (it fits).
            ("open_wb", "path=/a; slot=0; prealloc=336", Ok(())),
            ("write", HUGE, Err(ErrKind::QuotaExceeded)),
        ],
    );
    assert_eq!(st2.warnings(), 1);
    let g = variant("memory_guard");
    let build = |b: &str| step(&g, "build", b);
    let mut st = g.init_state();
    for (binds, want, warns) in [
        (
            "quota=none; mode=init; action=error",
            Err(ErrKind::OutOfMemory),
            0,
        ),
        ("quota=9; mode=init; action=error", Ok(()), 0),
        ("quota=none; mode=init; action=warn", Ok(()), 1),
        ("quota=none; mode=per_write; action=error", Ok(()), 0),
        ("quota=none; mode=none; action=error", Ok(()), 0),
    ] {
        let i = build(binds);
        let v = g.predict_mut(&mut st, i);
        assert_eq!(v.outcome, want, "{binds}");
        if want.is_ok() {
            let obs = model::observe(&st, &g.config);
            let ok = |n| {
                g.check_post(i, &st, &CallOutcome::Ok(StepValue::U64(n)), &obs)
                    .iter()
                    .all(|r| r.ok)
            };
            assert!(ok(warns), "{binds}: {warns} warnings");
            assert!(!ok(1 - warns), "{binds}: not {}", 1 - warns);
        }
    }
    assert_eq!(
        st.warnings(),
        0,
        "build leaves the running filesystem alone"
    );
}
