//! The stress suites: the seed workload (50 x 1000) and D-MemFS's ST-01..ST-06 (seed 004
//! §22) at full size, with their gaps closed: barrier start, watchdog, real renames in ST-06,
//! per-operation checks, and an exact end-of-run verification of contents, counts and usage;
//! ST-07/ST-08, which check that waiters are served (liveness, fairness), not only safety; and
//! ST-09, which checks that an open failing inside the lock is never seen holding it.

mod files;
mod races;
mod tree;
mod waits;

use super::runner::{MonitorReport, RunOutput};
use super::verify::verify_tree;
use crate::stress::StressError;
use files::{seed, st01, st02, st03};
use memfs_core::{LockWait, MemoryFileSystem};
use races::st09;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tree::{st04, st05, st06};
use waits::{st07, st08};

pub use waits::LONG as LIVENESS_DEADLINE;

/// How a suite is run.
#[derive(Debug, Clone, Copy)]
pub struct RunCfg {
    /// Fraction of the full iteration count (1.0 = the published sizes; thread counts never
    /// change).
    pub scale: f64,
    /// Watchdog deadline for all threads to finish.
    pub deadline: Duration,
    /// How long the waiters of ST-07 and ST-08 wait: far longer than any hold (a few small
    /// writes), so a timeout, or a wait served only at this deadline, is a failure.
    /// Shorter in the mutation gate, where a wait that no release ends costs its full length.
    pub long_wait: Duration,
}

impl Default for RunCfg {
    fn default() -> Self {
        RunCfg {
            scale: 1.0,
            deadline: Duration::from_secs(60),
            long_wait: LIVENESS_DEADLINE,
        }
    }
}

impl RunCfg {
    fn iters(&self, full: u64) -> u64 {
        ((full as f64 * self.scale) as u64).max(1)
    }
}

/// The result of one run of one suite.
#[derive(Debug, Clone)]
pub struct SuiteRun {
    pub name: &'static str,
    pub elapsed: Duration,
    pub ops: u64,
    pub errors: BTreeMap<String, u64>,
    /// Everything that went wrong (empty = the run conforms).
    pub failures: Vec<String>,
    pub monitor: MonitorReport,
}

/// A named suite.
pub struct Suite {
    pub name: &'static str,
    pub about: &'static str,
    pub run: fn(&RunCfg) -> Result<SuiteRun, StressError>,
}

/// Every suite, in order.
pub const SUITES: [Suite; 10] = [
    Suite {
        name: "seed",
        about: "50 threads x 1000: mkdir, write own file, read back",
        run: seed,
    },
    Suite {
        name: "st01",
        about: "50 x 1000: rewrite a dedicated file, read back",
        run: st01,
    },
    Suite {
        name: "st02",
        about: "30 x 1000: create/write/delete cycle on one path",
        run: st02,
    },
    Suite {
        name: "st03",
        about: "20 writers + 20 readers x 500 on one file",
        run: st03,
    },
    Suite {
        name: "st04",
        about: "40 x 500: writes at the quota boundary",
        run: st04,
    },
    Suite {
        name: "st05",
        about: "20 x 500: mkdir/write/listdir/rmtree on a shared tree",
        run: st05,
    },
    Suite {
        name: "st06",
        about: "10 renamers + 10 stat-ers x 500, real renames",
        run: st06,
    },
    Suite {
        name: "st07",
        about: "liveness: 16 waiters x 400 with 5 s deadlines (any timeout fails) + 100 give-up rounds",
        run: st07,
    },
    Suite {
        name: "st08",
        about: "fairness: 300 rounds of a waiting writer vs 6 try-once openers (any overtake fails)",
        run: st08,
    },
    Suite {
        name: "st09",
        about: "no trace of a failed open: a try-once reader x 1,000,000 vs a wb open that fails inside the lock (any LockTimeout fails)",
        run: st09,
    },
];

/// The suite called `name`, if any.
pub fn find_suite(name: &str) -> Option<&'static Suite> {
    SUITES.iter().find(|s| s.name == name)
}

pub(super) fn build(quota: u64) -> Result<Arc<MemoryFileSystem>, StressError> {
    Ok(Arc::new(MemoryFileSystem::builder().quota(quota).build()?))
}

pub(super) fn labels(groups: &[(&str, usize)]) -> Vec<String> {
    groups
        .iter()
        .flat_map(|(l, n)| std::iter::repeat_n(l.to_string(), *n))
        .collect()
}

pub(super) fn wait_ms(ms: u64) -> Option<LockWait> {
    Some(LockWait::For(Duration::from_millis(ms)))
}

/// Combines a run with the end-of-run tree verification and the suite's own final checks.
pub(super) fn finish<T>(
    name: &'static str,
    fs: &MemoryFileSystem,
    out: RunOutput<T>,
    check: impl FnOnce(&[T], &BTreeMap<String, Vec<u8>>, &mut Vec<String>),
) -> SuiteRun {
    let mut failures = out.tally.failures.clone();
    failures.extend(out.monitor.violations.iter().cloned());
    let tree = verify_tree(fs, &mut failures);
    check(&out.results, &tree.files, &mut failures);
    SuiteRun {
        name,
        elapsed: out.elapsed,
        ops: out.ops,
        errors: out.tally.errors,
        failures,
        monitor: out.monitor,
    }
}

/// Checks `stats().used_bytes` against the accounting formula computed independently of the
/// core's own per-file layout.
pub(super) fn check_used(fs: &MemoryFileSystem, name: &str, fail: &mut Vec<String>, expected: u64) {
    let used = fs.stats().used_bytes;
    if used != expected {
        fail.push(format!(
            "{name}: used_bytes {used}, the accounting formula gives {expected}"
        ));
    }
}
