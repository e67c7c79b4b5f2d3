//! The mutation gate: the harness's own checking layers, in process and stopping at the first
//! failure, so that `cargo mutants` (see `.cargo/mutants.toml`) judges a mutant of memfs-core
//! by the harness alone, not by memfs-core's unit tests. Layers: depth-4 exploration of the
//! default spec and each variant under `specs/variants` (storage settings, a roomy quota, a
//! 5-byte promotion limit, the memory guard on simulated hosts; the default one with
//! `--verify-shortcuts`: a mutant that makes the core claim a changed state unchanged is
//! caught where it claims it),
//! every scenario, every committed regression, a seeded walk (`harness walk --seed 1`), and
//! the concurrency the one-threaded explorer never has: every stress suite (`harness stress`)
//! at a small scale, ST-07/ST-08's waits shortened to 1 s so that a wait no release ends
//! fails in seconds, not in the mutant's timeout, and a short linearizability history.

use harness::engine::explore::{ExploreConfig, NoProgress};
use harness::engine::regression::{self, ReplayStatus};
use harness::engine::run::Parties;
use harness::engine::session;
use harness::fs::linearize::record_and_check;
use harness::fs::subject::{FsRun, Subject};
use harness::scenario::{Runner, load_dir};
use harness::stress::{RunCfg, SUITES};
use harness::walk::{WalkConfig, walk};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Depth-4 exploration of `specs` on the core; the first failure group ends the run.
fn explore_layer(specs: &Path, verify_shortcuts: bool) -> Result<u64, String> {
    let run = FsRun::load(specs, &Subject::Core).map_err(|e| e.to_string())?;
    let cfg = ExploreConfig {
        depth: 4,
        max_groups: Some(1),
        ..Default::default()
    };
    let p = Parties {
        verify_shortcuts,
        ..run.parties()
    };
    let s = session::run(p, &cfg, None, &NoProgress);
    match s.result.failures.first() {
        None => Ok(s.result.sequences),
        Some(f) => Err(format!("explore {}: {f:?}", specs.display())),
    }
}

/// Every variant of the default spec: the folders under `specs/variants`, sorted.
fn variants(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join("specs/variants"))
        .expect("specs/variants")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn scenario_layer() -> Result<usize, String> {
    let all = load_dir(&root().join("scenarios")).map_err(|e| e.to_string())?;
    let runner = Runner::default();
    for s in &all {
        if let Some(f) = runner.run(s).failure {
            return Err(format!("scenario {} {}: {f}", s.number, s.title));
        }
    }
    Ok(all.len())
}

/// The default spec on the core with the walk alphabet (a superset of the explorer's).
fn walk_run() -> Result<FsRun, String> {
    FsRun::load_walk(
        &root().join("specs"),
        &Subject::Core,
        Default::default(),
        true,
    )
    .map_err(|e| e.to_string())
}

fn regression_layer() -> Result<usize, String> {
    // As `harness replay` resolves them: against the walk alphabet, a superset of the
    // explorer's, so the witnesses `harness walk` saved replay too.
    let run = walk_run()?;
    let files = regression::collect_files(&[root().join("scenarios/regressions")])
        .map_err(|e| e.to_string())?;
    for f in &files {
        match regression::replay_file(run.parties(), f) {
            ReplayStatus::Pass => {}
            other => return Err(format!("regression {}: {other:?}", f.display())),
        }
    }
    Ok(files.len())
}

/// The seeded random walk (`harness walk --seed 1`) on the default spec's walk alphabet.
fn walk_layer() -> Result<u32, String> {
    let run = walk_run()?;
    let cfg = WalkConfig {
        seed: 1,
        cases: 500,
        steps: 40,
        time: None,
        max_failures: 1,
    };
    let system = std::sync::Arc::new(run.system);
    let o = walk(system, &run.subject, &run.reference, &cfg)?;
    match o.groups.iter().next() {
        None => Ok(o.cases),
        Some(g) => Err(format!("walk: {}", g.key)),
    }
}

/// Every stress suite once at 5% of its published size (all threads, a tenth of a second
/// each on the real core), then a short linearizability history; the first failure ends it.
fn stress_layer() -> Result<usize, String> {
    let cfg = RunCfg {
        scale: 0.05,
        deadline: std::time::Duration::from_secs(30),
        long_wait: std::time::Duration::from_secs(1),
    };
    for s in SUITES.iter() {
        let run = (s.run)(&cfg).map_err(|e| format!("stress {}: {e}", s.name))?;
        if let Some(f) = run.failures.first() {
            return Err(format!("stress {}: {f}", s.name));
        }
    }
    let lin = record_and_check(3000, cfg.deadline).map_err(|e| format!("linearizability: {e}"))?;
    if !lin.linearizable {
        return Err(format!("linearizability: {lin}"));
    }
    Ok(SUITES.len())
}

#[test]
fn harness_layers_find_the_core_conforming() {
    let r = root();
    let mut specs = vec![r.join("specs")];
    specs.extend(variants(&r));
    for (i, s) in specs.iter().enumerate() {
        let n = explore_layer(s, i == 0).unwrap_or_else(|e| panic!("{e}"));
        assert!(n > 0, "{} explored nothing", s.display());
    }
    assert!(scenario_layer().unwrap_or_else(|e| panic!("{e}")) > 0);
    assert!(regression_layer().unwrap_or_else(|e| panic!("{e}")) > 0);
    assert!(walk_layer().unwrap_or_else(|e| panic!("{e}")) > 0);
    assert!(stress_layer().unwrap_or_else(|e| panic!("{e}")) > 0);
}
