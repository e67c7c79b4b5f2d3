//! The stress layer: the seed workload, ST-01..ST-06, liveness and fairness (ST-07, ST-08) and
//! failed-open races (ST-09) on memfs-core with end-of-run verification ([`suites`]), summaries
//! over repeated runs ([`report`]), and the instrumented latency run ([`latency`]).
//! `harness stress` (`crate::cli::stress`) runs them.

pub mod io;
pub mod latency;
pub mod progress;
pub mod report;
pub mod runner;
pub mod seed_compare;
pub mod suites;
pub mod tally;
pub mod verify;

pub use report::summarize;

use std::time::Duration;

/// A stress run that could not complete (as opposed to one whose verification failed, which
/// is a `SuiteRun` with failures).
#[derive(Debug, thiserror::Error)]
pub enum StressError {
    /// The filesystem or the run's starting state could not be set up.
    #[error("setup: {0}")]
    Setup(#[from] memfs_core::MfsError),
    /// A worker thread could not be started.
    #[error("could not spawn worker thread {id}: {source}")]
    Spawn { id: usize, source: std::io::Error },
    /// Not every thread finished in time; `dump` says where each one was.
    #[error(
        "watchdog: not every thread finished within {deadline:?} (deadlock or livelock?)\n{dump}"
    )]
    Watchdog { deadline: Duration, dump: String },
    /// The `stats()` monitor did not come back.
    #[error("watchdog: the stats() monitor thread is stuck in stats()")]
    MonitorStuck,
    /// A worker (or the monitor) panicked.
    #[error("{0}")]
    Panicked(String),
}
pub use suites::{RunCfg, SUITES, Suite, SuiteRun, find_suite};
