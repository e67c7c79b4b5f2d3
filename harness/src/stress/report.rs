//! Summaries of repeated suite runs (median wall time, ops/s, errors by kind) and the JSON
//! report `{suites: [{name, median_seconds, ops_per_sec, errors: {kind: n}}]}`.

use super::suites::SuiteRun;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// One suite over all its runs.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteSummary {
    pub name: String,
    pub runs: usize,
    pub median_seconds: f64,
    pub min_seconds: f64,
    pub max_seconds: f64,
    /// Operations of one run divided by the median wall time.
    pub ops_per_sec: f64,
    pub ops_per_run: u64,
    /// Errors by kind, summed over all runs (expected ones included).
    pub errors: BTreeMap<String, u64>,
    /// Runs whose verification failed.
    pub failed_runs: usize,
    /// Highest `used_bytes` the stats monitor saw, and how many samples it took.
    pub max_used_seen: u64,
    pub monitor_samples: u64,
}

/// Summarizes the completed runs of a suite (`None` if none completed).
pub fn summarize(name: &str, runs: &[SuiteRun]) -> Option<SuiteSummary> {
    if runs.is_empty() {
        return None;
    }
    let mut secs: Vec<f64> = runs.iter().map(|r| r.elapsed.as_secs_f64()).collect();
    secs.sort_by(f64::total_cmp);
    let median = if secs.len() % 2 == 1 {
        secs[secs.len() / 2]
    } else {
        (secs[secs.len() / 2 - 1] + secs[secs.len() / 2]) / 2.0
    };
    let ops = runs[0].ops;
    let mut errors = BTreeMap::new();
    for r in runs {
        for (k, n) in &r.errors {
            *errors.entry(k.clone()).or_default() += n;
        }
    }
    Some(SuiteSummary {
        name: name.to_string(),
        runs: runs.len(),
        median_seconds: median,
        min_seconds: secs[0],
        max_seconds: secs[secs.len() - 1],
        ops_per_sec: if median > 0.0 {
            ops as f64 / median
        } else {
            0.0
        },
        ops_per_run: ops,
        errors,
        failed_runs: runs.iter().filter(|r| !r.failures.is_empty()).count(),
        max_used_seen: runs.iter().map(|r| r.monitor.max_used).max().unwrap_or(0),
        monitor_samples: runs.iter().map(|r| r.monitor.samples).sum(),
    })
}

impl fmt::Display for SuiteSummary {
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

#[derive(Serialize)]
struct JsonReport<'a, L: Serialize> {
    suites: &'a [SuiteSummary],
    #[serde(skip_serializing_if = "Option::is_none")]
    linearizability: Option<&'a L>,
}

/// Writes the JSON report.
pub fn write_json<L: Serialize>(
    path: &Path,
    suites: &[SuiteSummary],
    lin: Option<&L>,
) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&JsonReport {
        suites,
        linearizability: lin,
    })
    .map_err(std::io::Error::other)?;
    std::fs::write(path, text + "\n")
}
