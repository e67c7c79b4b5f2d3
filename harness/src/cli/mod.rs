//! The `harness` command line (clap derive): the edge where arguments become library calls,
//! results become printed lines, and everything becomes one exit status. Each subcommand is a
//! variant of [`Command`] with its argument struct and a function in its own module returning
//! `Result<Exit, CliError>`; [`run`] is the one exit path.

pub mod explore;
pub mod report;
pub mod scenario;
pub mod stress;
pub mod trace;
pub mod walk;

use crate::fs::process::ClockMode;
use crate::fs::subject::{DriverOptions, LoadError, Subject};
use crate::results::io::{IoError, MergeError};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// `println!` that ignores a closed stdout (`harness ... | head` must not panic).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}
pub(crate) use out;

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

impl Exit {
    /// `Conform` if `ok`, else `Failure`.
    pub fn conform_if(ok: bool) -> Exit {
        if ok { Exit::Conform } else { Exit::Failure }
    }
}

/// Why a command could not do its work (as opposed to finding a failure): printed as
/// `harness <command>: <message>`, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A spec, a subject or a driver could not be loaded.
    #[error("{0}")]
    Load(#[from] LoadError),
    /// A result file could not be read or written.
    #[error("{0}")]
    Io(#[from] IoError),
    /// Shard results that do not merge.
    #[error("{0}")]
    Merge(#[from] MergeError),
    /// Regression files that cannot be listed or read.
    #[error("{0}")]
    Regression(#[from] crate::engine::regression::RegressionError),
    /// Bad usage the argument parser cannot see (an unknown suite, a missing run result).
    #[error("{0}")]
    Usage(String),
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
    Explore(explore::ExploreArgs),
    /// Replay regression files (or folders of them) and report PASS, FAIL or STALE.
    #[command(after_help = EXAMPLES)]
    Replay(explore::ReplayArgs),
    /// List the spec's actions or clauses.
    List(explore::ListArgs),
    /// Run the stress suites (seed workload, ST-01..ST-06, liveness ST-07, fairness ST-08) and optionally check linearizability.
    Stress(stress::StressArgs),
    /// Traceability gate: every clause referenced, every reference valid, every clause exercised.
    Trace(trace::TraceArgs),
    /// Write coverage and timing reports from explore results (or merge shard results).
    Report(report::ReportArgs),
    /// Run numbered use-case scenarios (`harness scenario 2.1`, `harness scenario --list`).
    Scenario(scenario::ScenarioArgs),
    /// Random walks over the spec's wider `walk:` domains (fixed by --seed), shrunk and saved.
    Walk(walk::WalkArgs),
}

/// Where the specs are and what is checked against them (every subcommand that reads them).
#[derive(Debug, Clone, Args)]
pub struct SpecArgs {
    /// Folder with the YAML specs.
    #[arg(long, value_name = "DIR", default_value = "specs")]
    pub specs: PathBuf,
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// Use the built-in toy system (single memcached key) instead of the specs (engine tests).
    #[arg(long, hide = true)]
    pub toy: Option<ToyChoice>,
}

/// Which implementation is checked, and how a process subject is driven.
#[derive(Debug, Clone, Args)]
pub struct SubjectArgs {
    /// The implementation under test: `core` (memfs-core, in process), `dmemfs` (D-MemFS
    /// 0.4.1 through adapters/dmemfs; install it with adapters/dmemfs/install), or
    /// `process:CMD ARGS` (any adapter speaking adapters/PROTOCOL.md).
    #[arg(long, value_name = "SUBJECT", default_value = "core")]
    pub subject: Subject,
    /// A process subject's per-request timeout, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub subject_timeout: f64,
    /// `settable`: a process subject's timestamps follow the harness's clock and are compared
    /// exactly (when it can); `system`: it keeps its own clock, timestamps compared by order.
    #[arg(long, value_name = "MODE", default_value = "settable")]
    pub subject_clock: ClockArg,
}

/// `--subject-clock` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockArg {
    Settable,
    System,
}

impl SubjectArgs {
    /// The driver options these arguments ask for.
    pub fn options(&self) -> Result<DriverOptions, CliError> {
        if !(self.subject_timeout > 0.0 && self.subject_timeout.is_finite()) {
            return Err(CliError::Usage(format!(
                "--subject-timeout {} must be a positive number of seconds",
                self.subject_timeout
            )));
        }
        Ok(DriverOptions {
            messages: false,
            timeout: Duration::from_secs_f64(self.subject_timeout.min(86_400.0)),
            clock: match self.subject_clock {
                ClockArg::Settable => ClockMode::Settable,
                ClockArg::System => ClockMode::System,
            },
            observe_calls: true,
        })
    }
}

/// The toy system's driver variants (hidden; for engine and CLI tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToyChoice {
    Correct,
    AddBug,
    IncrBug,
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

/// Runs the parsed command line: the one place a command's result becomes an exit status.
pub fn run(cli: Cli) -> Exit {
    let (name, result) = match cli.command {
        Command::Explore(a) => ("explore", explore::explore(&a)),
        Command::Replay(a) => ("replay", explore::replay(&a)),
        Command::List(a) => ("list", explore::list(&a)),
        Command::Stress(a) => ("stress", stress::stress(&a)),
        Command::Trace(a) => ("trace", trace::trace(&a)),
        Command::Report(a) => ("report", report::report(&a)),
        Command::Scenario(a) => ("scenario", scenario::scenario(&a)),
        Command::Walk(a) => ("walk", walk::walk(&a)),
    };
    match result {
        Ok(exit) => exit,
        // Spec errors are already one `file:line:col: message` per line.
        Err(CliError::Load(LoadError::Spec(e))) => {
            eprintln!("{e}");
            Exit::Usage
        }
        Err(e) => {
            eprintln!("harness {name}: {e}");
            Exit::Usage
        }
    }
}
