//! Stress results: each suite's summary over its runs, and the linearizability verdict of a
//! recorded history, as `harness stress --json` writes them and the reports read them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The stress result file: `{suites: [...], linearizability: {...}}` (the second optional).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StressResult {
    pub suites: Vec<StressSuite>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linearizability: Option<LinSummary>,
    /// The seed workload on memfs-core and on D-MemFS, side by side (`--seed-compare`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed_comparison: Option<SeedComparison>,
}

/// The seed workload (50 x 1000, timed from the first thread's start to the last one's join)
/// on memfs-core and on D-MemFS 0.4.1 in one run: best of `runs` each.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SeedComparison {
    pub runs: usize,
    pub core_best_ms: f64,
    /// The process's CPU time over the best core run (workers, spawning and joining them).
    pub core_cpu_ms: f64,
    pub core_runs_ms: Vec<f64>,
    pub dmemfs_best_ms: f64,
    pub dmemfs_runs_ms: Vec<f64>,
    /// D-MemFS's best divided by the core's best.
    pub ratio: f64,
    /// Cores the machine offers (wall/CPU cannot go below 1/cores).
    pub cores: usize,
}

/// One suite over all its runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StressSuite {
    pub name: String,
    #[serde(default)]
    pub runs: usize,
    pub median_seconds: f64,
    #[serde(default)]
    pub min_seconds: f64,
    #[serde(default)]
    pub max_seconds: f64,
    /// Operations of one run divided by the median wall time.
    pub ops_per_sec: f64,
    #[serde(default)]
    pub ops_per_run: u64,
    /// Errors by kind, summed over all runs (expected ones included).
    #[serde(default)]
    pub errors: BTreeMap<String, u64>,
    /// Runs whose verification failed.
    #[serde(default)]
    pub failed_runs: usize,
    /// Highest `used_bytes` the stats monitor saw, and how many samples it took.
    #[serde(default)]
    pub max_used_seen: u64,
    #[serde(default)]
    pub monitor_samples: u64,
}

impl fmt::Display for StressSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = if self.errors.is_empty() {
            "none".to_string()
        } else {
            self.errors
                .iter()
                .map(|(k, n)| format!("{k}={n}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(
            f,
            "{:<5} median {:>9.2} ms ({} runs, {:.2}..{:.2} ms)  {:>10.0} ops/s  errors: {}{}",
            self.name,
            self.median_seconds * 1e3,
            self.runs,
            self.min_seconds * 1e3,
            self.max_seconds * 1e3,
            self.ops_per_sec,
            errors,
            if self.failed_runs > 0 {
                format!("  FAILED RUNS: {}", self.failed_runs)
            } else {
                String::new()
            }
        )
    }
}

/// What `harness stress --check-linearizability` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinSummary {
    pub linearizable: bool,
    /// `linearizable`, `not linearizable` or `unknown`.
    pub verdict: String,
    pub ops: usize,
    pub threads: usize,
    pub partitions: usize,
    pub largest_partition: usize,
    pub record_seconds: f64,
    pub check_seconds: f64,
    /// The shrunk per-thread timeline when not linearizable.
    pub witness: Option<String>,
}

impl fmt::Display for LinSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "linearizability: {} ({} ops, {} threads, {} partitions, largest {}; recorded in {:.3} s, checked in {:.3} s)",
            self.verdict,
            self.ops,
            self.threads,
            self.partitions,
            self.largest_partition,
            self.record_seconds,
            self.check_seconds
        )?;
        if let Some(w) = &self.witness {
            write!(f, "\n{w}")?;
        }
        Ok(())
    }
}
