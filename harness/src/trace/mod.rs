//! `harness trace --check`: the traceability gate. Every clause is referenced by an action,
//! scenario or test; every referenced id exists; every clause was exercised by the CI-depth
//! exploration (or is marked `unreachable`). Writes `reports/trace.md`.

pub mod gate;
pub mod scan;
pub mod yaml;

use crate::outcome::RunResult;
use crate::report::merge::load_run;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `harness trace`.
#[derive(Debug, Clone, clap::Args)]
pub struct TraceArgs {
    /// Run the gate (exit 1 on any gap). Without it, only write the report.
    #[arg(long)]
    pub check: bool,
    /// Project root: the other paths default to places under it.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Spec directory (clause catalogue and action specs) [default: ROOT/specs].
    #[arg(long)]
    pub specs: Option<PathBuf>,
    /// Scenario directory [default: ROOT/scenarios].
    #[arg(long)]
    pub scenarios: Option<PathBuf>,
    /// Source directories scanned for `// spec:` tags [default: ROOT/memfs-core, ROOT/harness].
    #[arg(long = "src")]
    pub sources: Vec<PathBuf>,
    /// Run result(s) of the CI-depth exploration (`explore --json`); shards are merged.
    #[arg(long = "run")]
    pub runs: Vec<PathBuf>,
    /// Check references only, without exercise counts (when no run result exists yet).
    #[arg(long, conflicts_with = "runs")]
    pub refs_only: bool,
    /// Where to write trace.md [default: ROOT/reports/trace.md].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write JUnit XML (one test case per clause).
    #[arg(long)]
    pub junit: Option<PathBuf>,
}

/// Scans specs, scenarios and sources as the arguments say.
pub fn scan_all(args: &TraceArgs) -> scan::Scan {
    let root = &args.root;
    let mut s = scan::Scan::default();
    s.specs(&args.specs.clone().unwrap_or_else(|| root.join("specs")));
    s.scenarios(
        &args
            .scenarios
            .clone()
            .unwrap_or_else(|| root.join("scenarios")),
    );
    let sources = if args.sources.is_empty() {
        vec![root.join("memfs-core"), root.join("harness")]
    } else {
        args.sources.clone()
    };
    for d in &sources {
        s.rust_tags(d);
    }
    s
}

/// Runs `harness trace`: 0 no gaps, 1 gaps, 2 bad usage or unreadable input.
pub fn status(args: &TraceArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("harness trace: {e}");
            2
        }
    }
}

fn run_inner(args: &TraceArgs) -> Result<u8, String> {
    let specs = args
        .specs
        .clone()
        .unwrap_or_else(|| args.root.join("specs"));
    if !specs.is_dir() {
        return Err(format!(
            "spec directory {} not found (pass --specs DIR or --root DIR)",
            specs.display()
        ));
    }
    if args.check && args.runs.is_empty() && !args.refs_only {
        return Err("the gate needs the CI-depth run result: pass --run FILE.json (from `harness explore --depth 4 --json FILE`, one per shard), or --refs-only to check references alone".into());
    }
    let run = if args.runs.is_empty() {
        None
    } else {
        let runs = args
            .runs
            .iter()
            .map(|p| load_run(p))
            .collect::<Result<Vec<_>, _>>()?;
        Some(union_of_runs(runs))
    };
    let scan = scan_all(args);
    if scan.clauses.is_empty() {
        return Err(format!(
            "no clauses defined under {} (expected a top-level `clauses:` list of {{id, rule, source}})",
            specs.display()
        ));
    }
    let verdict = gate::check(&scan, run.as_ref().map(|r| &r.coverage));
    let label = run.as_ref().map(|r| {
        let files: Vec<String> = args.runs.iter().map(|p| p.display().to_string()).collect();
        format!(
            "exploration at depth {} ({} steps; {})",
            r.depth,
            r.steps,
            files.join(", ")
        )
    });
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.root.join("reports").join("trace.md"));
    write_file(&out, &gate::markdown(&verdict, label.as_deref()))?;
    if let Some(j) = &args.junit {
        gate::junit(&verdict)
            .write(j)
            .map_err(|e| format!("{}: cannot write JUnit XML: {e}", j.display()))?;
    }
    for g in &verdict.gaps {
        println!("GAP {g}");
    }
    if !verdict.notes.is_empty() {
        println!(
            "note: {} `// spec:` tags name no clause id (listed in {})",
            verdict.notes.len(),
            out.display()
        );
    }
    let unreachable = verdict.unreachable().count();
    if verdict.gaps.is_empty() {
        println!(
            "trace: {} clauses, all referenced{}; {unreachable} marked unreachable; report {}",
            verdict.rows.len(),
            if run.is_some() {
                " and exercised"
            } else {
                " (exercise not checked: --refs-only)"
            },
            out.display()
        );
        Ok(0)
    } else {
        println!(
            "trace: {} gaps over {} clauses; report {}",
            verdict.gaps.len(),
            verdict.rows.len(),
            out.display()
        );
        Ok(if args.check { 1 } else { 0 })
    }
}

/// Writes `text` to `path`, creating its directory.
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

/// [`status`] as the process exit code (for a `main` that returns `ExitCode`).
pub fn run(args: &TraceArgs) -> ExitCode {
    ExitCode::from(status(args))
}

/// The evidence of several runs taken together: shards of one exploration, or explorations of
/// different specs (the storage variants reach clauses the default configuration cannot). The
/// gate only asks whether a clause was exercised somewhere, so coverage and counts are summed;
/// checking that a shard set is complete is `report --merge`'s job.
fn union_of_runs(runs: Vec<RunResult>) -> RunResult {
    let mut it = runs.into_iter();
    let mut out = it.next().unwrap_or_default();
    for r in it {
        out.coverage.merge(&r.coverage);
        out.sequences += r.sequences;
        out.steps += r.steps;
        out.distinct_states += r.distinct_states;
        out.seconds += r.seconds;
        out.failures.extend(r.failures);
        out.shard = None;
    }
    out
}
