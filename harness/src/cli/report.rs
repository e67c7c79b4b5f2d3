//! `harness report`: coverage and timing reports (Markdown + JSON) and the HTML page of both
//! (`index.html`) from one run result or the merged shards of a sharded run, with the core's
//! latency profile (measured now, or read from a file), stress times, the trace gate's verdict
//! per clause and other subjects' recorded disagreements.

use super::{CliError, Exit, out};
use crate::engine::regression::{self, RegressionFile};
use crate::report::html::{self, FailureView, HtmlInputs};
use crate::report::known::KnownReport;
use crate::report::{coverage, known, timing};
use crate::results::io::{load_run, merge_runs, read_json, write_json, write_text};
use crate::results::latency::LatencyReport;
use crate::results::stress::StressResult;
use crate::trace::scan::Scan;
use crate::trace::{Places, gate, scan_all, union_of_runs};
use std::path::{Path, PathBuf};

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
    /// A folder of another implementation's recorded disagreements (`scenarios/dmemfs`, one
    /// sub-folder per spec): writes `<out>/<subject>.md` and `.json` from them and stops.
    #[arg(long, value_name = "DIR")]
    pub known: Option<PathBuf>,
    /// With `--known`: run results of the subject's explorations, shown in the report (each
    /// labelled by its file stem).
    #[arg(long, value_name = "FILE", num_args = 1.., requires = "known")]
    pub known_run: Vec<PathBuf>,
    /// Another subject's run result (`explore --subject S --json FILE`), shown in the timing
    /// report beside the core's as LABEL (e.g. `--subject-run "dmemfs default=dm.json"`).
    #[arg(long, value_name = "LABEL=FILE", value_parser = parse_labelled)]
    pub subject_run: Vec<(String, PathBuf)>,
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
    /// Where to write the HTML page of the whole report [default: OUT/index.html].
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Do not write the HTML page.
    #[arg(long, conflicts_with = "html")]
    pub no_html: bool,
    /// Scenario directory the trace gate scans for clause references (for the page's per-clause
    /// verdict).
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Further run results the page's trace gate verdict counts (the storage variants reach
    /// clauses the default configuration cannot), as `harness trace --check --run` takes them.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub gate_run: Vec<PathBuf>,
    /// Another subject's disagreement report (`report --known` writes `OUT/SUBJECT.json`) to
    /// show on the page, e.g. `--known-report reports/dmemfs.json`.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub known_report: Vec<PathBuf>,
}

/// `harness report`: 0 written (even with failures in the run: the report shows them), 2 bad
/// input.
pub fn report(args: &ReportArgs) -> Result<Exit, CliError> {
    if let Some(dir) = &args.known {
        return known_report(dir, &args.known_run, &args.out);
    }
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
    let mut cov_report = None;
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
        cov_report = Some(cov);
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
    let exploration = run.as_ref().map(timing::exploration);
    let mut subjects = Vec::new();
    for (label, file) in &args.subject_run {
        subjects.push(timing::SubjectTiming::of(
            label,
            &load_run(file)?,
            exploration.as_ref(),
        ));
    }
    let t = timing::TimingReport {
        exploration,
        subjects,
        latency,
        stress,
    };
    write_text(&args.out.join("timing.md"), &timing::markdown(&t))?;
    write_json(&args.out.join("timing.json"), &t)?;
    if !args.no_html {
        let page = html_page(args, &inputs, run.as_ref(), cov_report.as_ref(), &t)?;
        let path = args
            .html
            .clone()
            .unwrap_or_else(|| args.out.join("index.html"));
        write_text(&path, &page)?;
        out!("HTML report: {}", path.display());
    }
    out!("reports written to {}", args.out.display());
    Ok(Exit::Conform)
}

/// The HTML page: the same results, the trace gate over the run (and `--gate-run`), each
/// failure's regression file when it can be read, and the `--known-report` files.
fn html_page(
    args: &ReportArgs,
    inputs: &[PathBuf],
    run: Option<&crate::results::RunResult>,
    cov: Option<&coverage::CoverageReport>,
    t: &timing::TimingReport,
) -> Result<String, CliError> {
    let mut sources: Vec<String> = inputs
        .iter()
        .map(|p| format!("run {}", p.display()))
        .collect();
    let verdict = match run {
        Some(r) if args.specs.is_dir() => {
            let mut runs = vec![r.clone()];
            for f in &args.gate_run {
                runs.push(load_run(f)?);
                sources.push(format!("gate run {}", f.display()));
            }
            // Test tags count as references, as in `harness trace`; the source trees are the
            // project's, looked up from where the report is made.
            let places = Places {
                specs: args.specs.clone(),
                scenarios: args.scenarios.clone(),
                sources: ["memfs-core", "harness"]
                    .iter()
                    .map(PathBuf::from)
                    .filter(|p| p.is_dir())
                    .collect(),
            };
            Some(gate::check(
                &scan_all(&places),
                Some(&union_of_runs(runs).coverage),
            ))
        }
        _ => None,
    };
    let failures = run.map_or_else(Vec::new, |r| {
        r.failures
            .iter()
            .map(|f| FailureView {
                summary: f.clone(),
                // A witness file that is gone or unreadable only loses its diff on the page.
                file: f
                    .file
                    .as_ref()
                    .and_then(|p| regression::read(Path::new(p)).ok()),
            })
            .collect()
    });
    let mut known: Vec<KnownReport> = Vec::new();
    for f in &args.known_report {
        known.push(read_json(
            f,
            "a disagreement report",
            "produce one with `harness report --known DIR` (it writes OUT/SUBJECT.json)",
        )?);
        sources.push(format!("disagreements {}", f.display()));
    }
    if let Some(p) = &args.stress {
        sources.push(format!("stress {}", p.display()));
    }
    for (label, f) in &args.subject_run {
        sources.push(format!("{label} {}", f.display()));
    }
    Ok(html::render(&HtmlInputs {
        sources,
        run,
        coverage: cov,
        gate: verdict.as_ref(),
        failures,
        timing: Some(t),
        known: known.iter().collect(),
    }))
}

/// `LABEL=FILE`.
fn parse_labelled(s: &str) -> Result<(String, PathBuf), String> {
    match s.split_once('=') {
        Some((l, f)) if !l.is_empty() && !f.is_empty() => Ok((l.to_string(), PathBuf::from(f))),
        _ => Err(format!(
            "`{s}` is not LABEL=FILE (e.g. `dmemfs default=target/ci/dmemfs-default.json`)"
        )),
    }
}

const KNOWN_INTRO: &str = "Generated by `harness report --known DIR` from the recorded witnesses \
under DIR (one folder per spec), which `harness explore --depth 4 --subject SUBJECT` found on the \
default spec and each variant the subject runs on and which CI replays both ways: each must still fail on the \
subject exactly as recorded (else it is STALE) and must pass on memfs-core. A *defect* is the \
subject breaking what it promises or failing outside the error vocabulary; a *deliberate* \
difference is a weak point of the subject that our semantics fix on purpose (marked [fixed] \
in `memfs-semantics.md`).\n";

/// `harness report --known DIR`.
fn known_report(dir: &Path, run_files: &[PathBuf], out: &Path) -> Result<Exit, CliError> {
    let mut runs = Vec::new();
    for f in run_files {
        let label = f
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        runs.push(known::RunLine::of(&label, &load_run(f)?));
    }
    let files = regression::collect_files(&[dir.to_path_buf()])?;
    let mut witnesses = Vec::new();
    for f in &files {
        let file: RegressionFile<serde_json::Value> = regression::read(f)?;
        let spec = f
            .strip_prefix(dir)
            .ok()
            .and_then(|r| r.components().next())
            .filter(|_| f.parent() != Some(dir))
            .map_or_else(
                || "default".to_string(),
                |c| c.as_os_str().to_string_lossy().into_owned(),
            );
        if let Some(w) = known::witness(&file, &f.display().to_string(), &spec) {
            witnesses.push(w);
        }
    }
    let Some(subject) = witnesses.first().map(|w| w.known.subject.clone()) else {
        return Err(CliError::Usage(format!(
            "no recorded disagreements (regression files with `known:`) under {}",
            dir.display()
        )));
    };
    if let Some(other) = witnesses.iter().find(|w| w.known.subject != subject) {
        return Err(CliError::Usage(format!(
            "{} records {}, {} records {subject}: one subject per folder",
            other.file, other.known.subject, witnesses[0].file
        )));
    }
    let r = known::build(&subject, witnesses, runs);
    write_text(
        &out.join(format!("{subject}.md")),
        &known::markdown(&r, KNOWN_INTRO),
    )?;
    write_json(&out.join(format!("{subject}.json")), &r)?;
    out!(
        "{subject}: {} distinct disagreements from {} witness files ({} unclassified); written to {}",
        r.causes.len(),
        files.len(),
        r.unclassified,
        out.display()
    );
    Ok(Exit::Conform)
}
