//! `harness report`: coverage and timing reports (Markdown + JSON) from one run result or the
//! merged shards of a sharded run, plus a measured core latency profile and stress times.

pub mod coverage;
pub mod latency;
pub mod merge;
pub mod timing;

use crate::trace::write_file;
use std::path::PathBuf;
use std::process::ExitCode;

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

/// Runs `harness report`: 0 written (even with failures in the run: the report shows them),
/// 2 bad input.
pub fn status(args: &ReportArgs) -> u8 {
    match run_inner(args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("harness report: {e}");
            2
        }
    }
}

fn run_inner(args: &ReportArgs) -> Result<(), String> {
    let inputs: Vec<PathBuf> = args.run.iter().chain(&args.merge).cloned().collect();
    let runs = inputs
        .iter()
        .map(|p| merge::load_run(p))
        .collect::<Result<Vec<_>, _>>()?;
    let run = if runs.is_empty() {
        None
    } else {
        Some(merge::merge_runs(&runs)?)
    };
    if let (Some(r), true) = (&run, args.merge.len() > 1) {
        let text = serde_json::to_string_pretty(r)
            .map_err(|e| format!("cannot serialize the merged run: {e}"))?;
        write_file(&args.out.join("run-merged.json"), &text)?;
    }
    if let Some(r) = &run {
        let mut scan = crate::trace::scan::Scan::default();
        if args.specs.is_dir() {
            scan.specs(&args.specs);
        }
        let cov = coverage::build(r, &coverage::Declared::from_scan(&scan));
        write_file(&args.out.join("coverage.md"), &coverage::markdown(&cov))?;
        write_json(&args.out.join("coverage.json"), &cov)?;
        println!(
            "coverage: {} actions ({} never ran), {} clauses ({} under-exercised), {} failures",
            cov.actions.len(),
            cov.never_run_actions.len(),
            cov.clauses.len(),
            cov.under_exercised_clauses.len(),
            cov.failures
        );
        if let Some(j) = &args.junit {
            crate::junit::from_run(r)
                .write(j)
                .map_err(|e| format!("{}: cannot write JUnit XML: {e}", j.display()))?;
        }
    }
    let stress = match &args.stress {
        None => None,
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
            Some(serde_json::from_str::<timing::StressResult>(&text).map_err(|e| {
                format!(
                    "{}:{}:{}: not a stress result ({e}); expected {{\"suites\": [{{\"name\", \"median_seconds\", \"ops_per_sec\", \"errors\": {{kind: n}}}}]}}",
                    p.display(),
                    e.line(),
                    e.column()
                )
            })?)
        }
    };
    let latency = if args.no_latency {
        None
    } else {
        Some(latency::run_workload(args.latency_ops, args.latency_seed)?)
    };
    let t = timing::TimingReport {
        exploration: run.as_ref().map(timing::exploration),
        latency,
        stress,
    };
    write_file(&args.out.join("timing.md"), &timing::markdown(&t))?;
    write_json(&args.out.join("timing.json"), &t)?;
    println!("reports written to {}", args.out.display());
    Ok(())
}

fn write_json<T: serde::Serialize>(path: &std::path::Path, v: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| format!("cannot serialize {}: {e}", path.display()))?;
    write_file(path, &(text + "\n"))
}

/// [`status`] as the process exit code (for a `main` that returns `ExitCode`).
pub fn run(args: &ReportArgs) -> ExitCode {
    ExitCode::from(status(args))
}
