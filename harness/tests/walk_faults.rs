//! Proof of the walk's power: faults planted in a wrapper around the core driver (never in
//! memfs-core) that exhaustive exploration at depth 4 cannot reach (a four-level tree, ignored
//! or panicking, a bounded read of 64 bytes or more, a file's fifth write) must be found by
//! `walk` at a fixed seed
//! within the CI budget, shrunk to a 1-minimal witness, saved in the regression format, and
//! the saved file must fail against the faulty driver and pass against the real core.

use harness::engine::explore::{ExploreConfig, NoProgress};
use harness::engine::group::GroupKey;
use harness::engine::regression::{self, ReplayStatus};
use harness::engine::run::Parties;
use harness::engine::session;
use harness::engine::system::{Driver, DriverError, System};
use harness::fs::call::{Call, CallOutcome};
use harness::fs::drivers::core::CoreDriver;
use harness::fs::drivers::oracle::OracleDriver;
use harness::fs::observation::{Observation, StepValue};
use harness::fs::system::FsSystem;
use harness::walk::{WalkConfig, walk};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A planted fault, each out of depth 4's reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// `mkdir` of a path four or more levels deep answers Ok and creates nothing (the
    /// explorer's deepest path is three levels).
    DeepMkdirIgnored,
    /// A read bounded at 64 bytes or more that fills its bound loses its last byte (the
    /// explorer reads everything or at most 2 bytes).
    BoundedReadLosesLastByte,
    /// A write to a file whose generation is already 4 or more answers Ok and writes nothing.
    FifthWriteLost,
    /// `mkdir` of a path four or more levels deep panics (an in-process subject's crash must be
    /// a failure at its step: proptest catches panics, and the walk once shrank such a case to
    /// nothing and reported a pass).
    DeepMkdirPanics,
}

#[derive(Debug)]
struct Faulty {
    inner: CoreDriver,
    fault: Fault,
}

fn depth(p: &str) -> usize {
    p.split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != ".")
        .count()
}

impl Faulty {
    fn generation_of(&mut self, slot: u8) -> Option<u64> {
        let path = self
            .inner
            .slots_mut()
            .get(usize::from(slot))?
            .as_ref()
            .filter(|s| !s.handle.is_closed())?
            .handle
            .path()
            .to_string();
        self.inner.fs().stat(&path).ok().map(|s| s.generation)
    }
}

impl Driver for Faulty {
    type Step = Call;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn name(&self) -> &str {
        "faulty-core"
    }
    fn reset(&mut self) -> Result<(), DriverError> {
        self.inner.reset()
    }
    fn set_time(&mut self, t: u64) {
        self.inner.set_time(t);
    }
    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        match (self.fault, step) {
            (Fault::DeepMkdirIgnored, Call::Mkdir { path, .. }) if depth(path) >= 4 => {
                return Ok(CallOutcome::Ok(StepValue::Unit));
            }
            (Fault::DeepMkdirPanics, Call::Mkdir { path, .. }) if depth(path) >= 4 => {
                panic!("planted: mkdir {path} panics");
            }
            (Fault::FifthWriteLost, Call::Write { slot, data })
                if !data.is_empty() && self.generation_of(*slot).is_some_and(|g| g >= 4) =>
            {
                return Ok(CallOutcome::Ok(StepValue::U64(data.len() as u64)));
            }
            _ => {}
        }
        let out = self.inner.apply(step)?;
        match (self.fault, step, out) {
            (
                Fault::BoundedReadLosesLastByte,
                Call::Read { max: Some(max), .. },
                CallOutcome::Ok(StepValue::Bytes(mut b)),
            ) if *max >= 64 && b.len() as u64 == *max => {
                b.pop();
                Ok(CallOutcome::Ok(StepValue::Bytes(b)))
            }
            (_, _, out) => Ok(out),
        }
    }
    fn observe(&self) -> Result<Observation, DriverError> {
        self.inner.observe()
    }
    fn fingerprint(&self) -> Result<u64, DriverError> {
        self.inner.fingerprint()
    }
    fn fork(&self) -> Result<Self, DriverError> {
        Ok(Faulty {
            inner: self.inner.fork()?,
            fault: self.fault,
        })
    }
}

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("harness-walk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The budget CI runs the walk with (`.ci/test-all`): the seed, cases and steps there.
fn ci_budget() -> WalkConfig {
    WalkConfig {
        seed: 1,
        cases: 2000,
        steps: 50,
        time: None,
        max_failures: 3,
    }
}

fn walk_finds(fault: Fault) {
    // Depth 4 of the explorer's own alphabet is green with the fault: only the walk can see it.
    let sys = FsSystem::load(&specs_dir()).expect("default specs load");
    let core = CoreDriver::new(sys.fs_config()).expect("core");
    let oracle = OracleDriver::new(sys.fs_config());
    let faulty = Faulty {
        inner: core.fork().expect("fork"),
        fault,
    };
    let p = Parties {
        system: &sys,
        subject: &faulty,
        reference: &oracle,
        verify_shortcuts: false,
    };
    let cfg = ExploreConfig {
        depth: 4,
        ..Default::default()
    };
    let explored = session::run(p, &cfg, None, &NoProgress);
    assert!(
        explored.result.failures.is_empty(),
        "{fault:?} is within depth 4's reach, so it proves nothing about the walk: {:?}",
        explored.result.failures.first().map(|f| &f.steps)
    );

    let wsys = Arc::new(FsSystem::load_walk(&specs_dir(), true).expect("walk alphabet loads"));
    let found = walk(Arc::clone(&wsys), &faulty, &oracle, &ci_budget()).expect("walk runs");
    assert!(
        !found.shrunk.is_empty(),
        "{fault:?} not found by the walk in {} cases ({} steps)",
        found.cases,
        found.steps
    );
    let wp = Parties {
        system: wsys.as_ref(),
        subject: &faulty,
        reference: &oracle,
        verify_shortcuts: false,
    };
    let real = Parties {
        system: wsys.as_ref(),
        subject: &core,
        reference: &oracle,
        verify_shortcuts: false,
    };
    let dir = temp_dir(&format!("{fault:?}"));
    for (key, s) in &found.shrunk {
        // 1-minimal: without any one of its steps the witness no longer shows this root cause.
        for i in 0..s.steps.len() {
            let mut less = s.steps.clone();
            less.remove(i);
            let same = wp
                .run_sequence(&less)
                .is_some_and(|f| GroupKey::of(wsys.as_ref(), &less, &f) == *key);
            assert!(
                !same,
                "{fault:?}: step {i} of the witness is not needed: {:?}",
                labels(&wsys, &s.steps)
            );
        }
        println!(
            "{fault:?}: {} cases, {} steps; witness {:?}",
            found.cases,
            found.steps,
            labels(&wsys, &s.steps)
        );
        let file = regression::regression_file(wsys.as_ref(), s);
        let path = regression::write(&dir, &file).expect("regression saved");
        assert!(
            matches!(regression::replay_file(wp, &path), ReplayStatus::Fail(_)),
            "{} does not fail on replay against the faulty core",
            path.display()
        );
        assert_eq!(
            regression::replay_file(real, &path),
            ReplayStatus::Pass,
            "{} fails against the real core too",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn labels(sys: &FsSystem, steps: &[u32]) -> Vec<String> {
    steps.iter().map(|s| sys.label(*s).to_string()).collect()
}

#[test]
fn a_four_level_mkdir_that_does_nothing_is_found() {
    // spec: TREE-1
    walk_finds(Fault::DeepMkdirIgnored);
}

#[test]
fn a_bounded_read_that_loses_a_byte_is_found() {
    // spec: HANDLE-1
    walk_finds(Fault::BoundedReadLosesLastByte);
}

#[test]
fn a_subject_that_panics_is_found_not_passed() {
    // spec: TREE-1
    walk_finds(Fault::DeepMkdirPanics);
}

#[test]
fn a_lost_fifth_write_is_found() {
    // spec: HANDLE-3
    walk_finds(Fault::FifthWriteLost);
}
