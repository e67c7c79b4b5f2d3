//! Summaries of repeated suite runs: median wall time, ops/s, errors by kind
//! (`crate::results::stress::StressSuite`).

use super::suites::SuiteRun;
use crate::results::stress::StressSuite;
use std::collections::BTreeMap;

/// Summarizes the completed runs of a suite (`None` if none completed).
pub fn summarize(name: &str, runs: &[SuiteRun]) -> Option<StressSuite> {
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
    Some(StressSuite {
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
