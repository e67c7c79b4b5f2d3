//! `harness trace`: the traceability gate over the specs, scenarios, sources and the
//! CI-depth run results; writes `reports/trace.md` (and JUnit XML on request).

use super::{CliError, Exit, out};
use crate::results::io::{load_run, write_text};
use crate::trace::{Places, gate, scan_all, union_of_runs};
use std::path::PathBuf;

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

/// `harness trace`: 0 no gaps, 1 gaps (with `--check`), 2 bad usage or unreadable input.
pub fn trace(args: &TraceArgs) -> Result<Exit, CliError> {
    let defaults = Places::under(&args.root);
    let places = Places {
        specs: args.specs.clone().unwrap_or(defaults.specs),
        scenarios: args.scenarios.clone().unwrap_or(defaults.scenarios),
        sources: if args.sources.is_empty() {
            defaults.sources
        } else {
            args.sources.clone()
        },
    };
    let specs = &places.specs;
    if !specs.is_dir() {
        return Err(CliError::Usage(format!(
            "spec directory {} not found (pass --specs DIR or --root DIR)",
            specs.display()
        )));
    }
    if args.check && args.runs.is_empty() && !args.refs_only {
        return Err(CliError::Usage("the gate needs the CI-depth run result: pass --run FILE.json (from `harness explore --depth 4 --json FILE`, one per shard), or --refs-only to check references alone".into()));
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
    let scan = scan_all(&places);
    if scan.clauses.is_empty() {
        return Err(CliError::Usage(format!(
            "no clauses defined under {} (expected a top-level `clauses:` list of {{id, rule, source}})",
            specs.display()
        )));
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
    write_text(&out, &gate::markdown(&verdict, label.as_deref()))?;
    if let Some(j) = &args.junit {
        gate::junit(&verdict).write(j).map_err(|e| {
            CliError::Usage(format!("{}: cannot write JUnit XML: {e}", j.display()))
        })?;
    }
    for g in &verdict.gaps {
        out!("GAP {g}");
    }
    if !verdict.notes.is_empty() {
        out!(
            "note: {} `// spec:` tags name no clause id (listed in {})",
            verdict.notes.len(),
            out.display()
        );
    }
    let unreachable = verdict.unreachable().count();
    if verdict.gaps.is_empty() {
        out!(
            "trace: {} clauses, all referenced{}; {unreachable} marked unreachable; report {}",
            verdict.rows.len(),
            if run.is_some() {
                " and exercised"
            } else {
                " (exercise not checked: --refs-only)"
            },
            out.display()
        );
        Ok(Exit::Conform)
    } else {
        out!(
            "trace: {} gaps over {} clauses; report {}",
            verdict.gaps.len(),
            verdict.rows.len(),
            out.display()
        );
        Ok(if args.check {
            Exit::Failure
        } else {
            Exit::Conform
        })
    }
}
