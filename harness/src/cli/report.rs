//! `harness report`: coverage and timing reports (Markdown + JSON) from one run result or the
//! merged shards of a sharded run, with the core's latency profile (measured now, or read from
//! a file) and stress times.

use super::{CliError, Exit, out};
use crate::report::{coverage, timing};
use crate::results::io::{load_run, merge_runs, read_json, write_json, write_text};
use crate::results::latency::LatencyReport;
use crate::results::stress::StressResult;
use crate::trace::scan::Scan;
use std::path::PathBuf;

/// Arguments of `harness report`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// A run result (`explore --json`).
    #[arg(long)]
    pub run: Option<PathBuf>,
    /// Shard results of one sharded exploration, merged into one report.
    #[arg(long, num_args = 1.., conflicts_with = "run")]
    pub merge: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "reports")]
    pub out: PathBuf,
    /// Spec directory, so actions and clauses the run never touched are listed too.
    #[arg(long, default_value = "specs")]
    pub specs: PathBuf,
    /// Stress result (`harness stress --json`) to include in the timing report.
    #[arg(long)]
    pub stress: Option<PathBuf>,
    /// A latency result (JSON) to use instead of measuring one now.
    #[arg(long, conflicts_with = "no_latency")]
    pub latency: Option<PathBuf>,
    /// Timed core calls of the instrumented latency run.
    #[arg(long, default_value_t = 20_000)]
    pub latency_ops: u64,
    /// Seed of the latency workload.
    #[arg(long, default_value_t = 42)]
    pub latency_seed: u64,
    /// Skip the latency run.
    #[arg(long)]
    pub no_latency: bool,
    /// Also write JUnit XML with one test case per conformance failure.
    #[arg(long)]
    pub junit: Option<PathBuf>,
}

/// `harness report`: 0 written (even with failures in the run: the report shows them), 2 bad
/// input.
pub fn report(args: &ReportArgs) -> Result<Exit, CliError> {
    let inputs: Vec<PathBuf> = args.run.iter().chain(&args.merge).cloned().collect();
    let runs = inputs
        .iter()
        .map(|p| load_run(p))
        .collect::<Result<Vec<_>, _>>()?;
    let run = if runs.is_empty() {
        None
    } else {
        Some(merge_runs(&runs)?)
    };
    if let (Some(r), true) = (&run, args.merge.len() > 1) {
        write_json(&args.out.join("run-merged.json"), r)?;
    }
    if let Some(r) = &run {
        let mut scan = Scan::default();
        if args.specs.is_dir() {
            scan.specs(&args.specs);
        }
        let cov = coverage::build(r, &coverage::Declared::from_scan(&scan));
        write_text(&args.out.join("coverage.md"), &coverage::markdown(&cov))?;
        write_json(&args.out.join("coverage.json"), &cov)?;
        out!(
            "coverage: {} actions ({} never ran), {} clauses ({} under-exercised), {} failures",
            cov.actions.len(),
            cov.never_run_actions.len(),
            cov.clauses.len(),
            cov.under_exercised_clauses.len(),
            cov.failures
        );
        if let Some(j) = &args.junit {
            crate::junit::from_run(r).write(j).map_err(|e| {
                CliError::Usage(format!("{}: cannot write JUnit XML: {e}", j.display()))
            })?;
        }
    }
    let stress: Option<StressResult> = match &args.stress {
        None => None,
        Some(p) => Some(read_json(
            p,
            "a stress result",
            "produce one with `harness stress --json FILE`",
        )?),
    };
    let latency: Option<LatencyReport> = match (&args.latency, args.no_latency) {
        (Some(p), _) => Some(read_json(
            p,
            "a latency result",
            "it is the `latency` part of a timing.json",
        )?),
        (None, true) => None,
        (None, false) => Some(
            crate::stress::latency::run_workload(args.latency_ops, args.latency_seed)
                .map_err(|e| CliError::Usage(format!("latency run: {e}")))?,
        ),
    };
    let t = timing::TimingReport {
        exploration: run.as_ref().map(timing::exploration),
        latency,
        stress,
    };
    write_text(&args.out.join("timing.md"), &timing::markdown(&t))?;
    write_json(&args.out.join("timing.json"), &t)?;
    out!("reports written to {}", args.out.display());
    Ok(Exit::Conform)
}
