//! The `harness` command line (clap derive). Each subcommand is one variant of [`Command`]
//! with its own argument struct and `run` function returning an [`Exit`] status, so adding a
//! subcommand (`stress`, `trace`, `report`, `scenario`) is one variant plus one match arm.

use crate::engine::explore::{self, ExploreConfig, NoProgress, Progress};
use crate::engine::progress::StderrProgress;
use crate::engine::regression::{self, ReplayStatus};
use crate::engine::run::{DriverFor, Parties};
use crate::engine::session;
use crate::engine::system::System;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// `println!` that ignores a closed stdout (`harness ... | head` must not panic).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

/// Exit statuses of the CLI contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything conforms.
    Conform = 0,
    /// A conformance failure (or a stale regression, or a gate gap).
    Failure = 1,
    /// Bad usage or a bad spec.
    Usage = 2,
}

const EXAMPLES: &str = "\
Examples:
  harness explore --depth 4                  every sequence of 1..4 steps over the default specs
  harness explore --depth 5 --max-repeat 2   cap how often one step repeats in a sequence
  harness explore --depth 4 --shard 2/4 --json shard2.json
                                             one quarter of the space (CI matrix), JSON result
  harness replay scenarios/regressions       replay every saved regression (PASS/FAIL/STALE)
  harness list actions                       the spec's actions and their step counts
  harness stress --runs 5 --json stress.json every stress suite, median of 5 runs
  harness trace --check --run explore.json   the traceability gate over an explore result
  harness report --merge s1.json s2.json     coverage and timing reports from shard results
  harness scenario 2.1                       one numbered use-case scenario (--list for all)

Exit status: 0 all conform, 1 conformance failure, 2 usage or spec error.";

/// Model-based conformance harness for memfs-core: explores every action sequence of the
/// YAML specs against the core and a naive oracle, shrinks and saves failures.
#[derive(Debug, Parser)]
#[command(name = "harness", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every sequence of 1..=depth steps and check each step three ways.
    #[command(after_help = EXAMPLES)]
    Explore(ExploreArgs),
    /// Replay regression files (or folders of them) and report PASS, FAIL or STALE.
    #[command(after_help = EXAMPLES)]
    Replay(ReplayArgs),
    /// List the spec's actions or clauses.
    List(ListArgs),
    /// Run the stress suites (seed workload, ST-01..ST-06) and optionally check linearizability.
    Stress(crate::stress::Args),
    /// Traceability gate: every clause referenced, every reference valid, every clause exercised.
    Trace(crate::trace::TraceArgs),
    /// Write coverage and timing reports from explore results (or merge shard results).
    Report(crate::report::ReportArgs),
    /// Run numbered use-case scenarios (`harness scenario 2.1`, `harness scenario --list`).
    Scenario(crate::scenario::ScenarioArgs),
}

/// Where the specs are (shared by every subcommand that reads them).
#[derive(Debug, Clone, Args)]
pub struct SpecArgs {
    /// Folder with the YAML specs.
    #[arg(long, value_name = "DIR", default_value = "specs")]
    pub specs: PathBuf,
    /// Use the built-in toy system (single memcached key) instead of the specs (engine tests).
    #[arg(long, hide = true)]
    pub toy: Option<ToyChoice>,
}

/// The toy system's driver variants (hidden; for engine and CLI tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToyChoice {
    Correct,
    AddBug,
    IncrBug,
}

/// `explore` arguments.
#[derive(Debug, Clone, Args)]
pub struct ExploreArgs {
    /// Longest sequence length.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub depth: usize,
    /// At most K occurrences of one step in a sequence.
    #[arg(long, value_name = "K")]
    pub max_repeat: Option<u32>,
    /// Execute every prefix, even when it reaches an already explored state.
    #[arg(long)]
    pub no_dedup: bool,
    /// Explore only shard I of N (1-based), split by first step.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Write the run result (RunResult JSON) to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write JUnit XML to FILE (one case per failure, so CI shows failures per clause).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Where shrunk failures are saved.
    #[arg(long, value_name = "DIR", default_value = "scenarios/regressions")]
    pub regressions: PathBuf,
    /// Do not save regression files.
    #[arg(long)]
    pub no_save: bool,
    /// No progress output.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub spec: SpecArgs,
}

/// `replay` arguments.
#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// Regression files or folders (searched recursively for .yaml files).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write JUnit XML to FILE (one case per replayed file).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    #[command(flatten)]
    pub spec: SpecArgs,
}

/// What `list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    Actions,
    Clauses,
}

/// `list` arguments.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// `actions` or `clauses`.
    pub what: ListWhat,
    #[command(flatten)]
    pub spec: SpecArgs,
}

/// Parses `I/N` with 1 <= I <= N.
pub fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not I/N (for example 2/4)"))?;
    let i: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("shard index `{i}` is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("shard count `{n}` is not a number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("shard {i}/{n}: need 1 <= I <= N"));
    }
    Ok((i, n))
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Explore(a) => with_system(&a.spec.clone(), Runner::Explore(&a)),
        Command::Replay(a) => with_system(&a.spec.clone(), Runner::Replay(&a)),
        Command::List(a) => with_system(&a.spec.clone(), Runner::List(a.what)),
        Command::Stress(a) => exit_of(crate::stress::status(a)),
        Command::Trace(a) => exit_of(crate::trace::status(&a)),
        Command::Report(a) => exit_of(crate::report::status(&a)),
        Command::Scenario(a) => exit_of(crate::scenario::status(&a)),
    }
}

/// Maps a module's 0/1/2 status onto the CLI contract.
fn exit_of(status: u8) -> Exit {
    match status {
        0 => Exit::Conform,
        1 => Exit::Failure,
        _ => Exit::Usage,
    }
}

/// What to do once the system and drivers are built.
enum Runner<'a> {
    Explore(&'a ExploreArgs),
    Replay(&'a ReplayArgs),
    List(ListWhat),
}

impl Runner<'_> {
    fn go<S, A, B>(&self, p: Parties<'_, S, A, B>) -> Exit
    where
        S: System,
        A: DriverFor<S>,
        B: DriverFor<S>,
    {
        match self {
            Runner::Explore(a) => explore_cmd(p, a),
            Runner::Replay(a) => replay_cmd(p, a),
            Runner::List(w) => list_cmd(p.system, *w),
        }
    }
}

fn with_system(spec: &SpecArgs, r: Runner<'_>) -> Exit {
    use crate::engine::toy::{ToyBug, ToyDriver, ToySystem};
    if let Some(t) = spec.toy {
        let sys = ToySystem::new();
        let subject = match t {
            ToyChoice::Correct => ToyDriver::correct(),
            ToyChoice::AddBug => ToyDriver::with_bug(ToyBug::AddOverwrites),
            ToyChoice::IncrBug => ToyDriver::with_bug(ToyBug::IncrWraps),
        };
        let reference = ToyDriver::correct();
        return r.go(Parties {
            system: &sys,
            subject: &subject,
            reference: &reference,
        });
    }
    match crate::drivers::fs_system::load(&spec.specs) {
        Ok((sys, core, oracle)) => r.go(Parties {
            system: &sys,
            subject: &core,
            reference: &oracle,
        }),
        Err(e) => {
            eprintln!("{e}");
            Exit::Usage
        }
    }
}

fn explore_cmd<S, A, B>(p: Parties<'_, S, A, B>, a: &ExploreArgs) -> Exit
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let cfg = ExploreConfig {
        depth: a.depth,
        max_repeat: a.max_repeat,
        dedup: !a.no_dedup,
        shard: a.shard,
        ..Default::default()
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "error: cannot start {} worker threads: {e}",
                a.threads.unwrap_or(0)
            );
            return Exit::Usage;
        }
    };
    let total = explore::progress_total(p.system.steps().len(), &cfg);
    let bar = (!a.quiet).then(|| StderrProgress::new(total));
    let progress: &dyn Progress = match &bar {
        Some(b) => b,
        None => &NoProgress,
    };
    let dir = (!a.no_save).then_some(a.regressions.as_path());
    let s = pool.install(|| session::run(p, &cfg, dir, progress));
    if let Some(b) = &bar {
        b.finish();
    }
    out!("{}", session::summary_line(&s.result, s.failing_nodes));
    for (f, path) in &s.regressions {
        let labels: Vec<&str> = f.steps.iter().map(|s| s.label.as_str()).collect();
        out!("FAIL {}: {}", f.id, labels.join(" ; "));
        out!(
            "  step {}: expected {}, observed {}: {}",
            f.failing_step,
            f.expected,
            f.observed,
            f.message
        );
        if !f.clauses.is_empty() {
            out!("  clauses: {}", f.clauses.join(", "));
        }
        if let Some(p) = path {
            out!("  saved: {}", p.display());
        }
    }
    for e in &s.write_errors {
        eprintln!("error: {e}");
    }
    if let Some(path) = &a.json
        && let Err(e) = write_json(path, &s.result)
    {
        eprintln!("error: {e}");
        return Exit::Usage;
    }
    if let Some(path) = &a.junit
        && let Err(e) = crate::junit::from_run(&s.result).write(path)
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return Exit::Usage;
    }
    if s.result.failures.is_empty() && s.failing_nodes == 0 {
        Exit::Conform
    } else {
        Exit::Failure
    }
}

fn write_json(path: &Path, r: &crate::outcome::RunResult) -> Result<(), String> {
    let text =
        serde_json::to_string_pretty(r).map_err(|e| format!("cannot serialize the result: {e}"))?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn replay_cmd<S, A, B>(p: Parties<'_, S, A, B>, a: &ReplayArgs) -> Exit
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let files = match regression::collect_files(&a.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let mut counts = [0usize; 4];
    let mut cases = Vec::new();
    for f in &files {
        let started = std::time::Instant::now();
        let st = regression::replay_file(p, f);
        cases.push(crate::junit::ReplayOutcome {
            file: f.display().to_string(),
            failure: match &st {
                ReplayStatus::Pass => None,
                ReplayStatus::Fail(fail) => Some(format!(
                    "step {}: {}; expected {}, observed {}",
                    fail.position + 1,
                    fail.message(),
                    fail.expected,
                    fail.observed
                )),
                ReplayStatus::Stale(why) => Some(format!("stale: {}", why.join("; "))),
                ReplayStatus::Invalid(e) => Some(format!("invalid: {e}")),
            },
            seconds: started.elapsed().as_secs_f64(),
        });
        match &st {
            ReplayStatus::Pass => {
                counts[0] += 1;
                out!("PASS    {}", f.display());
            }
            ReplayStatus::Fail(fail) => {
                counts[1] += 1;
                out!(
                    "FAIL    {}: step {}: {}",
                    f.display(),
                    fail.position + 1,
                    fail.message()
                );
                out!(
                    "        expected {}, observed {}",
                    fail.expected,
                    fail.observed
                );
            }
            ReplayStatus::Stale(why) => {
                counts[2] += 1;
                out!(
                    "STALE   {}: the spec no longer has these steps; update or delete the file",
                    f.display()
                );
                for w in why {
                    out!("        {w}");
                }
            }
            ReplayStatus::Invalid(e) => {
                counts[3] += 1;
                out!("INVALID {e}");
            }
        }
    }
    out!(
        "replayed {} files: {} passed, {} failed, {} stale, {} invalid",
        files.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
    if let Some(path) = &a.junit
        && let Err(e) = crate::junit::from_replays(&cases).write(path)
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return Exit::Usage;
    }
    if counts[3] > 0 {
        Exit::Usage
    } else if counts[1] + counts[2] > 0 {
        Exit::Failure
    } else {
        Exit::Conform
    }
}

fn list_cmd<S: System>(sys: &S, what: ListWhat) -> Exit {
    match what {
        ListWhat::Actions => {
            let mut n = vec![0usize; sys.action_names().len()];
            for id in 0..sys.steps().len() {
                if let Some(c) = n.get_mut(sys.action_of(id as u32)) {
                    *c += 1;
                }
            }
            for (a, c) in sys.action_names().iter().zip(n) {
                out!("{a}\t{c} steps");
            }
            out!(
                "{} actions, {} steps",
                sys.action_names().len(),
                sys.steps().len()
            );
        }
        ListWhat::Clauses => {
            for (i, c) in sys.clause_ids().iter().enumerate() {
                match sys.clause_text(i) {
                    Some(t) => out!("{c}\t{t}"),
                    None => out!("{c}"),
                }
            }
            out!("{} clauses", sys.clause_ids().len());
        }
    }
    Exit::Conform
}
