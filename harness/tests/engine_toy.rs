//! Explorer, shrinker and regression files on the toy system (BreakDancer's single key) with
//! planted bugs: counts for a known alphabet, determinism across thread counts, sharding,
//! shrinking, and replay of saved files.

use harness::engine::explore::{CountingProgress, Exploration, ExploreConfig, NoProgress, explore};
use harness::engine::regression::{self, ReplayStatus};
use harness::engine::run::Parties;
use harness::engine::session;
use harness::engine::system::System;
use harness::engine::toy::{ToyBug, ToyDriver, ToySystem};
use std::path::PathBuf;
use std::sync::atomic::Ordering;

fn cfg(depth: usize, dedup: bool) -> ExploreConfig {
    ExploreConfig {
        depth,
        dedup,
        ..Default::default()
    }
}

fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .expect("thread pool")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("harness-engine-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Everything of an exploration that must not depend on scheduling.
fn fingerprint(e: &Exploration) -> String {
    format!(
        "{} {} {} {:?} {} {:?} {:?}",
        e.sequences,
        e.steps,
        e.distinct_states,
        e.steps_per_depth,
        e.failing_nodes,
        e.groups,
        e.coverage
    )
}

#[test]
fn without_dedup_every_sequence_is_one_executed_step() {
    let sys = ToySystem::new();
    let (s, r) = (ToyDriver::correct(), ToyDriver::correct());
    let p = Parties {
        system: &sys,
        subject: &s,
        reference: &r,
        verify_shortcuts: false,
    };
    let prog = CountingProgress::default();
    let e = explore(p, &cfg(3, false), &prog);
    // 7 + 49 + 343: each node of the prefix tree is executed exactly once.
    assert_eq!(e.sequences, 399);
    assert_eq!(e.steps, 399);
    assert_eq!(e.steps_per_depth, vec![7, 49, 343]);
    assert!(e.groups.is_empty());
    assert_eq!(
        prog.0.load(Ordering::Relaxed),
        399,
        "progress covers every sequence once"
    );
    // None, 0, 1, 2: the only values the key can hold.
    assert_eq!(e.distinct_states, 4);
}

#[test]
fn dedup_executes_fewer_steps_and_reaches_the_same_states() {
    let sys = ToySystem::new();
    let (s, r) = (ToyDriver::correct(), ToyDriver::correct());
    let p = Parties {
        system: &sys,
        subject: &s,
        reference: &r,
        verify_shortcuts: false,
    };
    let full = explore(p, &cfg(4, false), &NoProgress);
    assert_eq!(full.steps, 7 + 49 + 343 + 2401);
    for depth_first in [false, true] {
        let prog = CountingProgress::default();
        let c = ExploreConfig {
            depth_first,
            ..cfg(4, true)
        };
        let dd = explore(p, &c, &prog);
        assert_eq!(dd.sequences, full.sequences);
        assert!(
            dd.steps < full.steps / 10,
            "dedup executed {} of {}",
            dd.steps,
            full.steps
        );
        assert_eq!(dd.distinct_states, full.distinct_states);
        assert_eq!(
            prog.0.load(Ordering::Relaxed) as u128,
            full.sequences,
            "depth_first={depth_first}: skipped subtrees still count as covered"
        );
        // Every action x outcome pair seen without dedup is seen with it.
        let got = dd.coverage.to_coverage(sys.action_names(), &[]).actions;
        for (a, row) in full.coverage.to_coverage(sys.action_names(), &[]).actions {
            for k in row.keys() {
                assert!(got[&a].contains_key(k), "{a}/{k} lost by dedup");
            }
        }
    }
    // Level order merges globally: 4 states, each expanded once with all 7 steps, plus the
    // root's 7 children = at most 7 + 4 * 7 executed steps.
    let lv = explore(p, &cfg(4, true), &NoProgress);
    assert!(lv.steps <= 7 + 4 * 7, "level order executed {}", lv.steps);
}

#[test]
fn max_repeat_caps_the_space() {
    let sys = ToySystem::new();
    let (s, r) = (ToyDriver::correct(), ToyDriver::correct());
    let p = Parties {
        system: &sys,
        subject: &s,
        reference: &r,
        verify_shortcuts: false,
    };
    let c = ExploreConfig {
        depth: 3,
        dedup: false,
        max_repeat: Some(1),
        ..Default::default()
    };
    let e = explore(p, &c, &NoProgress);
    // 7 + 7*6 + 7*6*5 sequences without a repeated step.
    assert_eq!(e.sequences, 7 + 42 + 210);
    assert_eq!(e.steps, 7 + 42 + 210);
    let c2 = ExploreConfig { dedup: true, ..c };
    let e2 = explore(p, &c2, &NoProgress);
    assert_eq!(e2.sequences, e.sequences);
    assert!(e2.steps <= e.steps);
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let sys = ToySystem::new();
    let (s, r) = (ToyDriver::with_bug(ToyBug::IncrWraps), ToyDriver::correct());
    let p = Parties {
        system: &sys,
        subject: &s,
        reference: &r,
        verify_shortcuts: false,
    };
    for (dedup, depth_first) in [(true, false), (true, true), (false, true)] {
        let c = ExploreConfig {
            depth_first,
            ..cfg(4, dedup)
        };
        let one = pool(1).install(|| explore(p, &c, &NoProgress));
        assert!(!one.groups.is_empty(), "the planted bug is found");
        for n in [2, 3, 4] {
            let many = pool(n).install(|| explore(p, &c, &NoProgress));
            assert_eq!(
                fingerprint(&one),
                fingerprint(&many),
                "threads={n} dedup={dedup}"
            );
        }
    }
}

#[test]
fn shards_partition_the_space_exactly_once() {
    let sys = ToySystem::new();
    let (s, r) = (
        ToyDriver::with_bug(ToyBug::AddOverwrites),
        ToyDriver::correct(),
    );
    let p = Parties {
        system: &sys,
        subject: &s,
        reference: &r,
        verify_shortcuts: false,
    };
    let whole = explore(p, &cfg(3, false), &NoProgress);
    for n in 1..=8u32 {
        let mut seqs = 0u128;
        let mut steps = 0;
        let mut failing = 0;
        let mut firsts = Vec::new();
        for i in 1..=n {
            let c = ExploreConfig {
                shard: Some((i, n)),
                ..cfg(3, false)
            };
            let e = explore(p, &c, &NoProgress);
            seqs += e.sequences;
            steps += e.steps;
            failing += e.failing_nodes;
            firsts.extend((0..7).filter(|f| c.in_shard(*f)));
        }
        firsts.sort_unstable();
        assert_eq!(
            firsts,
            (0..7).collect::<Vec<_>>(),
            "n={n}: each first step in exactly one shard"
        );
        assert_eq!(seqs, whole.sequences, "n={n}");
        assert_eq!(steps, whole.steps, "n={n}");
        assert_eq!(failing, whole.failing_nodes, "n={n}");
    }
}

#[test]
fn planted_bug_is_shrunk_saved_and_replayed() {
    // Toy system clause TOY-INCR (not a memfs clause, so not a `spec:` tag).
    let sys = ToySystem::new();
    let (bad, good) = (ToyDriver::with_bug(ToyBug::IncrWraps), ToyDriver::correct());
    let p = Parties {
        system: &sys,
        subject: &bad,
        reference: &good,
        verify_shortcuts: false,
    };
    let dir = temp_dir("toy-incr");
    let run = session::run(p, &cfg(4, true), Some(&dir), &NoProgress);
    assert!(!run.result.failures.is_empty());
    // The minimal witnesses are exactly 3 steps: store 1, incr to 2, incr past the maximum.
    for (file, path) in &run.regressions {
        assert_eq!(file.steps.len(), 3, "{:?}", file.steps);
        assert_eq!(file.steps[2].label, "incr()");
        assert_eq!(file.failing_step, 3);
        assert_eq!(file.expected, "Err(Overflow)");
        assert_eq!(file.observed, "Ok(Some(0))");
        assert!(file.clauses.contains(&"TOY-INCR".to_string()));
        let path = path.as_ref().expect("file written");
        assert!(matches!(
            regression::replay_file(p, path),
            ReplayStatus::Fail(_)
        ));
        let fixed = Parties {
            system: &sys,
            subject: &good,
            reference: &good,
            verify_shortcuts: false,
        };
        assert_eq!(regression::replay_file(fixed, path), ReplayStatus::Pass);
    }
    let files = regression::collect_files(std::slice::from_ref(&dir)).expect("list");
    assert_eq!(files.len(), run.regressions.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shrinking_reaches_a_one_minimal_sequence() {
    let sys = ToySystem::new();
    let (bad, good) = (
        ToyDriver::with_bug(ToyBug::AddOverwrites),
        ToyDriver::correct(),
    );
    let p = Parties {
        system: &sys,
        subject: &bad,
        reference: &good,
        verify_shortcuts: false,
    };
    // get, set(1), del, set(0), get, add(1): fails at the add; minimal is set(0), add(1).
    let seq = [5, 3, 4, 2, 5, 1];
    let s = harness::engine::shrink::shrink(p, &seq).expect("fails");
    assert_eq!(s.steps, vec![2, 1]);
    assert_eq!(s.failure.position, 1);
    // 1-minimal: removing any step makes it pass.
    for i in 0..s.steps.len() {
        let mut c = s.steps.clone();
        c.remove(i);
        assert!(p.run_sequence(&c).is_none());
    }
}

#[test]
fn a_file_naming_a_missing_step_is_stale() {
    let sys = ToySystem::new();
    let (bad, good) = (
        ToyDriver::with_bug(ToyBug::AddOverwrites),
        ToyDriver::correct(),
    );
    let p = Parties {
        system: &sys,
        subject: &bad,
        reference: &good,
        verify_shortcuts: false,
    };
    let dir = temp_dir("toy-stale");
    let run = session::run(p, &cfg(2, true), Some(&dir), &NoProgress);
    let (file, path) = run.regressions.first().expect("found");
    let path = path.as_ref().expect("written");
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains("label: add(v="), "labels are saved:\n{text}");
    assert!(
        text.contains("op: add"),
        "structured steps are saved:\n{text}"
    );
    let renamed = text.replace("action: add", "action: insert");
    std::fs::write(path, renamed).expect("write");
    match regression::replay_file(p, path) {
        ReplayStatus::Stale(why) => assert!(why.iter().any(|w| w.contains("`insert`")), "{why:?}"),
        other => panic!("expected STALE, got {other:?} for {}", file.id),
    }
    std::fs::write(path, "steps: [").expect("write");
    assert!(matches!(
        regression::replay_file(p, path),
        ReplayStatus::Invalid(_)
    ));
    let _ = std::fs::remove_dir_all(&dir);
}
