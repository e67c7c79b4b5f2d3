//! Proof that exploration finds real faults: the core driver wrapped in deliberately faulty
//! drivers (faults live only in this test wrapper, never in memfs-core). Each fault must be
//! found, shrunk to at most 3 steps, saved, and the saved file must replay as failing against
//! the faulty driver and as passing against the real core.

use harness::engine::explore::{ExploreConfig, NoProgress};
use harness::engine::regression::{self, ReplayStatus};
use harness::engine::run::Parties;
use harness::engine::session;
use harness::engine::system::{Driver, DriverError};
use harness::fs::call::{Call, CallOutcome, ErrKind};
use harness::fs::drivers::core::CoreDriver;
use harness::fs::drivers::oracle::OracleDriver;
use harness::fs::observation::{Observation, StepValue};
use harness::fs::system::FsSystem;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A planted fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// `rename` closes the handles open below its source and renames anyway, instead of
    /// refusing with `WouldBlock(FileOpen)`.
    RenameSkipsOpenCheck,
    /// `stats()` (and the observed stats) report one byte more used than charged.
    QuotaOffByOne,
    /// `stat` of a file panics (an in-process subject's crash: the explorer once died with a
    /// backtrace on such a step and left no witness; it must be a failure like any other).
    StatOfAFilePanics,
}

/// The real core driver with one fault added on top.
#[derive(Debug)]
struct Faulty {
    inner: CoreDriver,
    fault: Fault,
}

fn under(p: &str, dir: &str) -> bool {
    p == dir || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
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
        if let (Fault::StatOfAFilePanics, Call::Stat { path }) = (self.fault, step)
            && self.inner.fs().is_file(path)
        {
            panic!("planted: stat {path} panics");
        }
        let out = self.inner.apply(step)?;
        match (self.fault, step, &out) {
            (
                Fault::RenameSkipsOpenCheck,
                Call::Rename { src, .. },
                CallOutcome::Err {
                    kind: ErrKind::WouldBlock,
                    ..
                },
            ) => {
                let src = self.inner.fs().stat(src).ok().map(|_| normalize(src));
                if let Some(src) = src {
                    for s in self.inner.slots_mut().iter_mut().flatten() {
                        if under(s.handle.path(), &src) && !s.handle.is_closed() {
                            s.closed_pos = s.handle.tell().unwrap_or(0);
                            s.handle.close();
                        }
                    }
                }
                self.inner.apply(step)
            }
            (Fault::QuotaOffByOne, Call::Stats, CallOutcome::Ok(StepValue::Stats(s))) => {
                let mut s = *s;
                s.used_bytes += 1;
                s.free_bytes = s.free_bytes.saturating_sub(1);
                Ok(CallOutcome::Ok(StepValue::Stats(s)))
            }
            _ => Ok(out),
        }
    }
    fn observe(&self) -> Result<Observation, DriverError> {
        let mut o = self.inner.observe()?;
        if self.fault == Fault::QuotaOffByOne && o.stats.used_bytes > 0 {
            o.stats.used_bytes += 1;
            o.stats.free_bytes = o.stats.free_bytes.saturating_sub(1);
        }
        Ok(o)
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

/// Collapses slashes the way the core normalizes simple absolute paths.
fn normalize(p: &str) -> String {
    let parts: Vec<&str> = p
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("harness-faults-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn find_fault(fault: Fault, depth: usize) {
    let sys = FsSystem::load(&specs_dir()).expect("default specs load");
    let core = CoreDriver::new(sys.fs_config()).expect("core");
    let oracle = OracleDriver::new(sys.fs_config());
    let cfg = ExploreConfig {
        depth,
        ..Default::default()
    };
    // Disagreements the real core already has (spec, core or oracle issues under review) are
    // the baseline; the fault must add failures of its own.
    let real = Parties {
        system: &sys,
        subject: &core,
        reference: &oracle,
        verify_shortcuts: false,
    };
    let baseline = session::run(real, &cfg, None, &NoProgress);
    let known: HashSet<String> = baseline
        .result
        .failures
        .iter()
        .map(|f| f.id.clone())
        .collect();

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
    let dir = temp_dir(&format!("{fault:?}"));
    let run = session::run(p, &cfg, Some(&dir), &NoProgress);
    assert!(run.write_errors.is_empty(), "{:?}", run.write_errors);
    let new: Vec<_> = run
        .regressions
        .iter()
        .filter(|(f, _)| !known.contains(&f.id))
        .collect();
    assert!(!new.is_empty(), "{fault:?} not found at depth {depth}");
    for (file, path) in new {
        assert!(
            file.steps.len() <= 3,
            "{fault:?} shrunk only to {} steps: {:?}",
            file.steps.len(),
            file.steps
        );
        let path = path.as_ref().expect("saved");
        assert!(path.exists());
        assert!(
            matches!(regression::replay_file(p, path), ReplayStatus::Fail(_)),
            "{} does not fail on replay against the faulty core",
            path.display()
        );
        assert_eq!(
            regression::replay_file(real, path),
            ReplayStatus::Pass,
            "{} fails against the real core too",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rename_that_skips_the_open_file_check_is_found() {
    // spec: RENAME-6
    find_fault(Fault::RenameSkipsOpenCheck, 2);
}

#[test]
fn quota_off_by_one_is_found() {
    // spec: QUOTA-1, TREE-5
    find_fault(Fault::QuotaOffByOne, 2);
}

#[test]
fn a_subject_that_panics_is_a_failure_with_a_witness() {
    // spec: STAT-1
    find_fault(Fault::StatOfAFilePanics, 2);
}
