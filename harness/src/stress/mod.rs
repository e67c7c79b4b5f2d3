//! `harness stress`: the seed workload and ST-01..ST-06 run several times each, with median
//! wall time, operations per second and errors by kind, optionally a JSON report, and
//! optionally a recorded history checked for linearizability.

pub mod io;
pub mod progress;
pub mod report;
pub mod runner;
pub mod suites;
pub mod tally;
pub mod verify;

pub use report::{SuiteSummary, summarize};
pub use suites::{RunCfg, SUITES, Suite, SuiteRun, find_suite};

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `harness stress`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Run only this suite (seed, st01 .. st06); default: all.
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
}

/// Runs `harness stress`; exit 0 if every run verified, 1 on any failure, 2 on bad usage.
pub fn run(args: Args) -> ExitCode {
    ExitCode::from(status(args))
}

/// `harness stress` as a status number (0 verified, 1 failure, 2 bad usage) for the CLI.
pub fn status(args: Args) -> u8 {
    let suites: Vec<&Suite> = match &args.suite {
        None => SUITES.iter().collect(),
        Some(name) => match find_suite(name) {
            Some(s) => vec![s],
            None => {
                let names: Vec<&str> = SUITES.iter().map(|s| s.name).collect();
                eprintln!(
                    "harness stress: unknown suite `{name}`; choose one of: {}",
                    names.join(", ")
                );
                return 2;
            }
        },
    };
    if args.runs == 0 || !(args.scale > 0.0 && args.scale.is_finite()) {
        eprintln!("harness stress: --runs must be at least 1 and --scale a positive number");
        return 2;
    }
    let cfg = RunCfg {
        scale: args.scale,
        deadline: Duration::from_secs(args.timeout_secs.max(1)),
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
            println!("{s}");
            summaries.push(s);
        }
    }
    let mut lin = None;
    if args.check_linearizability {
        match crate::linearize::fs::record_and_check(args.history_ops, cfg.deadline) {
            Ok(summary) => {
                println!("{summary}");
                ok &= summary.linearizable;
                lin = Some(summary);
            }
            Err(e) => {
                eprintln!("linearizability: {e}");
                ok = false;
            }
        }
    }
    if let Some(path) = &args.json
        && let Err(e) = report::write_json(path, &summaries, lin.as_ref())
    {
        eprintln!("harness stress: cannot write {}: {e}", path.display());
        return 2;
    }
    if ok { 0 } else { 1 }
}
