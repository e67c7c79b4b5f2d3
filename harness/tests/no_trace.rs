//! Proof of the `left_no_trace()` invariant (TREE-10): a step the model says changes nothing
//! must leave the subject exactly as it was, what no observation shows included. Planted in a
//! wrapper around the core driver (never in memfs-core): every call that fails while `/a` is
//! a file leaks a reader lock on `/a` (a handle outside every slot, as a failing copy that
//! forgot to give back its read lock would). No observation shows a lock, and a fork rebuilds
//! locks from the slots' handles, so the explorer, which runs each step on a fork of its
//! parent, never meets the leaked lock again: without the invariant it is green at every
//! depth; with it, the failing step is the witness's last.

// spec: TREE-10

use harness::engine::explore::{ExploreConfig, NoProgress};
use harness::engine::run::Parties;
use harness::engine::session;
use harness::engine::system::{Driver, DriverError};
use harness::fs::call::{Call, CallOutcome};
use harness::fs::drivers::core::CoreDriver;
use harness::fs::drivers::oracle::OracleDriver;
use harness::fs::observation::Observation;
use harness::fs::system::FsSystem;
use harness::results::RunResult;
use memfs_core::{FileHandle, OpenMode};
use std::path::{Path, PathBuf};

#[derive(Debug)]
struct Leaky {
    inner: CoreDriver,
    /// Reader handles the failed calls leaked (no slot names them).
    leaked: Vec<FileHandle>,
}

impl Driver for Leaky {
    type Step = Call;
    type Outcome = CallOutcome;
    type Obs = Observation;

    fn name(&self) -> &str {
        "leaky-core"
    }
    fn reset(&mut self) -> Result<(), DriverError> {
        self.leaked.clear();
        self.inner.reset()
    }
    fn set_time(&mut self, t: u64) {
        self.inner.set_time(t);
    }
    fn apply(&mut self, step: &Call) -> Result<CallOutcome, DriverError> {
        let out = self.inner.apply(step)?;
        if matches!(out, CallOutcome::Err { .. })
            && let Ok(h) = self.inner.fs().open("/a", OpenMode::Read)
        {
            // The bug: the failed call keeps a read lock on /a.
            self.leaked.push(h);
        }
        Ok(out)
    }
    fn observe(&self) -> Result<Observation, DriverError> {
        self.inner.observe()
    }
    fn fingerprint(&self) -> Result<u64, DriverError> {
        self.inner.fingerprint()
    }
    fn same_state_as(&self, earlier: &Self) -> Option<bool> {
        self.inner.same_state_as(&earlier.inner)
    }
    fn sees_internal_state(&self) -> bool {
        self.inner.sees_internal_state()
    }
    fn fork(&self) -> Result<Self, DriverError> {
        Ok(Leaky {
            inner: self.inner.fork()?,
            leaked: Vec::new(),
        })
    }
}

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// The default spec without the `left_no_trace()` invariant, in a scratch directory.
fn specs_without_invariant() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("no-trace-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for name in ["clauses.yaml", "memfs.yaml"] {
        let text = std::fs::read_to_string(specs().join(name)).expect("spec file");
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.contains("left_no_trace()"))
            .collect();
        std::fs::write(dir.join(name), kept.join("\n")).expect("write spec");
    }
    dir
}

fn explore(sys: &FsSystem, depth: usize) -> RunResult {
    let core = CoreDriver::new(sys.fs_config()).expect("core");
    let leaky = Leaky {
        inner: core,
        leaked: Vec::new(),
    };
    let oracle = OracleDriver::new(sys.fs_config());
    let p = Parties {
        system: sys,
        subject: &leaky,
        reference: &oracle,
        verify_shortcuts: false,
    };
    let cfg = ExploreConfig {
        depth,
        ..Default::default()
    };
    session::run(p, &cfg, None, &NoProgress).result
}

#[test]
fn a_lock_leaked_by_a_failed_call_is_found_only_by_the_invariant() {
    let without = FsSystem::load(&specs_without_invariant()).expect("spec without it loads");
    let blind = explore(&without, 3);
    assert!(
        blind.failures.is_empty(),
        "without left_no_trace the leaked lock should stay hidden: {:?}",
        blind.failures
    );
    let with = FsSystem::load(&specs()).expect("default spec loads");
    let found = explore(&with, 3);
    let f = found
        .failures
        .first()
        .expect("left_no_trace finds the leaked lock");
    assert_eq!(f.steps.len(), 2, "create /a, then any failing call: {f:?}");
    assert!(f.clauses.iter().any(|c| c == "TREE-10"), "{f:?}");
    assert!(f.message.contains("changes nothing"), "{}", f.message);
}

#[test]
fn the_real_core_leaves_no_trace() {
    let sys = FsSystem::load(&specs()).expect("default spec loads");
    let core = CoreDriver::new(sys.fs_config()).expect("core");
    let oracle = OracleDriver::new(sys.fs_config());
    let p = Parties {
        system: &sys,
        subject: &core,
        reference: &oracle,
        verify_shortcuts: false,
    };
    let r = session::run(
        p,
        &ExploreConfig {
            depth: 3,
            ..Default::default()
        },
        None,
        &NoProgress,
    );
    assert!(r.result.failures.is_empty(), "{:?}", r.result.failures);
    let trace_checks = r
        .result
        .coverage
        .clauses
        .get("TREE-10")
        .map_or(0, |c| c.checked);
    assert!(
        trace_checks > 0,
        "TREE-10 must be checked by the exploration"
    );
}
