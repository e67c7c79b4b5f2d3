//! `harness stress`: every stress suite several times (median wall time, ops/s, errors by
//! kind), optionally a recorded history checked for linearizability, optionally as JSON.

use super::{CliError, Exit, out};
use crate::fs::linearize::record_and_check;
use crate::results::io::write_json;
use crate::results::stress::StressResult;
use crate::stress::{RunCfg, SUITES, Suite, find_suite, summarize};
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `harness stress`.
#[derive(Debug, Clone, clap::Args)]
pub struct StressArgs {
    /// Run only this suite (seed, st01 .. st09); default: all.
    #[arg(long)]
    pub suite: Option<String>,
    /// Runs per suite; the median wall time is reported.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Record ST-02/03/05/06-style histories on a small key space and check them for
    /// linearizability against the naive oracle.
    #[arg(long)]
    pub check_linearizability: bool,
    /// Operations in the recorded linearizability history.
    #[arg(long, default_value_t = 50_000)]
    pub history_ops: usize,
    /// Fraction of the published iteration counts (1.0 = full size).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Watchdog: seconds every thread of a run has to finish.
    #[arg(long, default_value_t = 60)]
    pub timeout_secs: u64,
    /// Also time the seed workload on memfs-core and on D-MemFS 0.4.1 side by side (best of
    /// --runs each; needs adapters/dmemfs/install), for the timing report.
    #[arg(long)]
    pub seed_compare: bool,
}

/// `harness stress`: 0 every run verified, 1 a failure, 2 bad usage.
pub fn stress(args: &StressArgs) -> Result<Exit, CliError> {
    let suites: Vec<&Suite> = match &args.suite {
        None => SUITES.iter().collect(),
        Some(name) => match find_suite(name) {
            Some(s) => vec![s],
            None => {
                let names: Vec<&str> = SUITES.iter().map(|s| s.name).collect();
                return Err(CliError::Usage(format!(
                    "unknown suite `{name}`; choose one of: {}",
                    names.join(", ")
                )));
            }
        },
    };
    if args.runs == 0 || !(args.scale > 0.0 && args.scale.is_finite()) {
        return Err(CliError::Usage(
            "--runs must be at least 1 and --scale a positive number".into(),
        ));
    }
    let cfg = RunCfg {
        scale: args.scale,
        deadline: Duration::from_secs(args.timeout_secs.max(1)),
        ..RunCfg::default()
    };
    let mut ok = true;
    let mut summaries = Vec::new();
    for suite in suites {
        let mut runs = Vec::new();
        for r in 0..args.runs {
            match (suite.run)(&cfg) {
                Ok(run) => {
                    if !run.failures.is_empty() {
                        ok = false;
                        eprintln!(
                            "{} run {}: {} failure(s):",
                            suite.name,
                            r + 1,
                            run.failures.len()
                        );
                        for f in run.failures.iter().take(20) {
                            eprintln!("  {f}");
                        }
                    }
                    runs.push(run);
                }
                Err(fatal) => {
                    ok = false;
                    eprintln!("{} run {}: {fatal}", suite.name, r + 1);
                }
            }
        }
        if let Some(s) = summarize(suite.name, &runs) {
            out!("{s}");
            summaries.push(s);
        }
    }
    let mut lin = None;
    if args.check_linearizability {
        match record_and_check(args.history_ops, cfg.deadline) {
            Ok(summary) => {
                out!("{summary}");
                ok &= summary.linearizable;
                lin = Some(summary);
            }
            Err(e) => {
                eprintln!("linearizability: {e}");
                ok = false;
            }
        }
    }
    let mut seed_comparison = None;
    if args.seed_compare {
        let dir = std::path::Path::new("adapters/dmemfs");
        match crate::stress::seed_compare::compare(
            args.runs,
            &dir.join(".venv/bin/python"),
            &dir.join("seed_workload.py"),
        ) {
            Ok(c) => {
                out!(
                    "seed workload, best of {}: memfs-core {:.2} ms wall ({:.1} ms CPU, wall/CPU {:.2}; {} cores), D-MemFS 0.4.1 {:.1} ms: {:.0}x",
                    c.runs,
                    c.core_best_ms,
                    c.core_cpu_ms,
                    c.core_best_ms / c.core_cpu_ms.max(f64::MIN_POSITIVE),
                    c.cores,
                    c.dmemfs_best_ms,
                    c.ratio
                );
                seed_comparison = Some(c);
            }
            Err(e) => return Err(CliError::Usage(format!("--seed-compare: {e}"))),
        }
    }
    if let Some(path) = &args.json {
        let result = StressResult {
            suites: summaries,
            linearizability: lin,
            seed_comparison,
        };
        write_json(path, &result)?;
    }
    Ok(Exit::conform_if(ok))
}
