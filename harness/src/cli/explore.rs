//! `harness explore`, `harness replay` and `harness list`: the commands that load a system
//! (the specs with the chosen subject, or the hidden toy) and hand its parties to the engine.

use super::{CliError, Exit, SpecArgs, ToyChoice, out, parse_shard};
use crate::engine::explore::{self, ExploreConfig, NoProgress, Progress};
use crate::engine::progress::StderrProgress;
use crate::engine::regression::{self, KnownRecord, ReplayStatus};
use crate::engine::run::{DriverFor, Parties};
use crate::engine::session;
use crate::engine::system::System;
use crate::engine::toy::{ToyBug, ToyDriver, ToySystem};
use crate::fs::process::stats;
use crate::fs::subject::FsRun;
use crate::results::io::write_json;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// The deepest `--depth` accepted: far past what any budget reaches, small enough that the
/// per-depth tables stay small.
pub const MAX_DEPTH: usize = 1000;

/// The most worker threads `--threads` accepts (each holds forks of the drivers).
pub const MAX_THREADS: usize = 1024;

/// `60s`, `1m30s`, `500ms` (humantime's syntax).
pub(crate) fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration ({e}); write it like 60s, 2m or 500ms"))?;
    if d.is_zero() {
        return Err("a zero --time explores nothing; give a budget like 60s".into());
    }
    Ok(d)
}

/// `explore` arguments.
#[derive(Debug, Clone, Args)]
pub struct ExploreArgs {
    /// Longest sequence length (1 to 1000; default 3, or 1000 with --time).
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
    /// Deepen level by level until this much time is spent (`60s`, `2m`, `1h30m`), then
    /// report the deepest depth explored completely; with --depth, stop there at the latest.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub time: Option<std::time::Duration>,
    /// At most K occurrences of one step in a sequence.
    #[arg(long, value_name = "K")]
    pub max_repeat: Option<u32>,
    /// Execute every prefix, even when it reaches an already explored state.
    #[arg(long)]
    pub no_dedup: bool,
    /// Observe every state even where a driver says it did not change, and fail where it did:
    /// proves the subject's `same_state_as` and digest claims the explorer trusts (slower).
    #[arg(long)]
    pub verify_shortcuts: bool,
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
    /// Stop once N distinct failure groups are found (0: keep going and find them all).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_failures: usize,
    /// Recorded known disagreements of the subject (regression files with a `known:` record,
    /// e.g. scenarios/dmemfs/default): groups found there are reported as KNOWN and do not
    /// fail the run; a new group fails it, and so does a record the run should have found but
    /// did not (STALE: the subject changed). Repeatable.
    #[arg(long, value_name = "PATH")]
    pub known: Vec<PathBuf>,
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

/// `harness explore`.
pub fn explore(a: &ExploreArgs) -> Result<Exit, CliError> {
    with_parties(&a.spec, Command::Explore(a))
}

/// `harness replay`.
pub fn replay(a: &ReplayArgs) -> Result<Exit, CliError> {
    with_parties(&a.spec, Command::Replay(a))
}

/// `harness list`.
pub fn list(a: &ListArgs) -> Result<Exit, CliError> {
    with_parties(&a.spec, Command::List(a.what))
}

/// What to do once the parties are built (the engine is generic over them, so the commands
/// run as one generic function per system).
enum Command<'a> {
    Explore(&'a ExploreArgs),
    Replay(&'a ReplayArgs),
    List(ListWhat),
}

impl Command<'_> {
    fn go<S, A, B>(&self, p: Parties<'_, S, A, B>, notes: &[String]) -> Result<Exit, CliError>
    where
        S: System,
        A: DriverFor<S>,
        B: DriverFor<S>,
    {
        match self {
            Command::Explore(a) => explore_parties(
                Parties {
                    verify_shortcuts: a.verify_shortcuts,
                    ..p
                },
                a,
                notes,
            ),
            Command::Replay(a) => {
                for n in notes {
                    out!("note: {n}");
                }
                replay_parties(p, a)
            }
            Command::List(w) => Ok(list_system(p.system, *w)),
        }
    }
}

fn with_parties(spec: &SpecArgs, c: Command<'_>) -> Result<Exit, CliError> {
    if let Some(t) = spec.toy {
        let sys = ToySystem::new();
        let subject = match t {
            ToyChoice::Correct => ToyDriver::correct(),
            ToyChoice::AddBug => ToyDriver::with_bug(ToyBug::AddOverwrites),
            ToyChoice::IncrBug => ToyDriver::with_bug(ToyBug::IncrWraps),
        };
        let reference = ToyDriver::correct();
        return c.go(
            Parties {
                system: &sys,
                subject: &subject,
                reference: &reference,
                verify_shortcuts: false,
            },
            &[],
        );
    }
    // Replay resolves files against the walk alphabet (a superset of the explorer's), so the
    // files `harness walk` saves replay too.
    let walk = matches!(c, Command::Replay(_));
    let run = FsRun::load_walk(
        &spec.specs,
        &spec.subject.subject,
        spec.subject.options()?,
        walk,
    )?;
    c.go(run.parties(), &run.notes)
}

fn explore_parties<S, A, B>(
    p: Parties<'_, S, A, B>,
    a: &ExploreArgs,
    notes: &[String],
) -> Result<Exit, CliError>
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let depth = a
        .depth
        .unwrap_or(if a.time.is_some() { MAX_DEPTH } else { 3 });
    if depth == 0 || depth > MAX_DEPTH {
        return Err(CliError::Usage(format!(
            "--depth {depth}: choose 1 to {MAX_DEPTH} (each level multiplies the sequences by the alphabet; use --time 60s to go as deep as a time budget allows)"
        )));
    }
    if a.time.is_some() && a.no_dedup {
        return Err(CliError::Usage(
            "--time deepens level by level, which needs deduplication: drop --no-dedup".into(),
        ));
    }
    let cfg = ExploreConfig {
        depth,
        deadline: a.time.map(|t| std::time::Instant::now() + t),
        max_repeat: a.max_repeat,
        dedup: !a.no_dedup,
        shard: a.shard,
        max_groups: (a.max_failures > 0).then_some(a.max_failures),
        // Failures of another implementation are recorded as its known disagreements.
        record_known: !notes.is_empty(),
        ..Default::default()
    };
    let threads = match a.threads {
        None => 0, // rayon: one per core
        Some(n @ 1..=MAX_THREADS) => n,
        Some(n) => {
            return Err(CliError::Usage(format!(
                "--threads {n}: choose 1 to {MAX_THREADS} (leave it out for one per core)"
            )));
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start {threads} worker threads: {e}")))?;
    let total = explore::progress_total(p.system.steps().len(), &cfg);
    let bar = (!a.quiet).then(|| StderrProgress::new(total));
    let progress: &dyn Progress = match &bar {
        Some(b) => b,
        None => &NoProgress,
    };
    let dir = (!a.no_save).then_some(a.regressions.as_path());
    let records = if a.known.is_empty() {
        Vec::new()
    } else {
        let r = regression::known_records::<S::Step>(&a.known, p.subject.name())?;
        if r.is_empty() {
            return Err(CliError::Usage(format!(
                "no known-disagreement records of subject `{}` under {}: record them with an explore run of that subject (its regression files carry `known:`), or drop --known",
                p.subject.name(),
                a.known
                    .iter()
                    .map(|k| k.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        r
    };
    let keys: Vec<_> = records.iter().map(|r| r.known.group.clone()).collect();
    let before = stats::snapshot();
    let mut s = pool.install(|| session::run_with_known(p, &cfg, dir, progress, &keys));
    if let Some(b) = &bar {
        b.finish();
    }
    s.result.notes.splice(0..0, notes.iter().cloned());
    let spent = stats::snapshot().since(&before);
    if spent.calls > 0 {
        s.result.notes.push(spent.describe(s.result.seconds));
    }
    out!("{}", session::summary_line(&s.result, s.failing_nodes));
    for n in &s.result.notes {
        out!("  note: {n}");
    }
    let triage = Triage::of(&s, &records, a);
    for (i, ((f, path), summary)) in s.regressions.iter().zip(&s.result.failures).enumerate() {
        let labels: Vec<&str> = f.steps.iter().map(|s| s.label.as_str()).collect();
        let hits = match summary.prefixes {
            1 => String::new(),
            n => format!(" ({n} failing prefixes)"),
        };
        if let Some(r) = triage.record_of[i].map(|r| &records[r]) {
            out!("KNOWN {}{hits}: {}", f.id, labels.join(" ; "));
            out!("  root cause: {}", summary.group);
            let class = match r.known.class.as_str() {
                "" => "unclassified".to_string(),
                c => format!("{c}: {}", r.known.cause),
            };
            out!("  recorded: {} ({class})", r.path.display());
            continue;
        }
        out!("FAIL {}{hits}: {}", f.id, labels.join(" ; "));
        out!("  root cause: {}", summary.group);
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
    for &r in &triage.stale {
        let r = &records[r];
        out!(
            "STALE {}: recorded disagreement not found by this run: {} ({}); the subject changed: update or delete the record",
            r.id,
            r.known.group,
            r.path.display()
        );
    }
    if !records.is_empty() {
        let line = triage.line(records.len());
        out!("{line}");
        s.result.notes.push(line);
    }
    for e in &s.write_errors {
        eprintln!("error: {e}");
    }
    if let Some(path) = &a.json {
        write_json(path, &s.result)?;
    }
    if let Some(path) = &a.junit {
        crate::junit::from_run(&s.result)
            .write(path)
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(Exit::conform_if(if records.is_empty() {
        s.result.failures.is_empty() && s.failing_nodes == 0
    } else {
        triage.new == 0 && triage.stale.is_empty()
    }))
}

/// The failure groups of a run sorted against recorded known disagreements.
struct Triage {
    /// Per failure group: the record it matches.
    record_of: Vec<Option<usize>>,
    /// Groups no record holds.
    new: usize,
    /// Records this run should have found (complete run, deep enough) but did not.
    stale: Vec<usize>,
    /// Records the run could not have found (shard, early stop, too shallow).
    out_of_reach: usize,
}

impl Triage {
    fn of<St>(s: &session::Session<St>, records: &[KnownRecord], a: &ExploreArgs) -> Triage {
        let record_of: Vec<Option<usize>> = s
            .keys
            .iter()
            .zip(&s.known)
            .map(|(key, &known)| {
                known
                    .then(|| records.iter().position(|r| r.known.group == *key))
                    .flatten()
            })
            .collect();
        let found: Vec<usize> = record_of.iter().flatten().copied().collect();
        let complete = a.shard.is_none() && a.max_failures == 0;
        let mut stale = Vec::new();
        let mut out_of_reach = 0;
        for (i, r) in records.iter().enumerate() {
            if found
                .iter()
                .any(|&f| records[f].known.group == r.known.group)
            {
                continue;
            }
            if complete && r.steps <= s.result.depth as usize {
                stale.push(i);
            } else {
                out_of_reach += 1;
            }
        }
        Triage {
            new: record_of.iter().filter(|r| r.is_none()).count(),
            record_of,
            stale,
            out_of_reach,
        }
    }

    fn line(&self, records: usize) -> String {
        let known = self.record_of.iter().flatten().count();
        let mut line = format!(
            "known disagreements: {known} of {} failure groups are recorded ({records} records), {} new, {} stale",
            self.record_of.len(),
            self.new,
            self.stale.len()
        );
        if self.out_of_reach > 0 {
            line.push_str(&format!(
                ", {} out of this run's reach (shard, --max-failures or deeper than --depth)",
                self.out_of_reach
            ));
        }
        line
    }
}

/// A file kept under a folder named like a spec variant (`scenarios/dmemfs/roomy/…` beside
/// `specs/variants/roomy`) was recorded against that variant: when it replays STALE against
/// another spec, say which `--specs` it needs, since its steps may exist only there.
fn variant_hint(file: &Path, specs: &Path) -> Option<String> {
    let dir = file.parent()?.file_name()?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    // The variants sit under the default spec (`specs/variants/NAME`); from inside a variant,
    // its siblings are the others.
    let wanted = [
        Some(specs.join("variants")),
        specs.parent().map(Path::to_path_buf),
    ]
    .into_iter()
    .flatten()
    .map(|v| v.join(dir))
    .find(|w| w.join("memfs.yaml").is_file() && !same(w, specs))?;
    Some(format!(
        "recorded under variant `{}`: replay it with --specs {}",
        dir.to_string_lossy(),
        wanted.display()
    ))
}

fn replay_parties<S, A, B>(p: Parties<'_, S, A, B>, a: &ReplayArgs) -> Result<Exit, CliError>
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let all = regression::collect_files(&a.paths)?;
    // Use-case scenarios (scenarios/*.yaml) live beside the regressions: recognise them and
    // say how to run them instead of calling them invalid regression files.
    let (scenarios, files): (Vec<PathBuf>, Vec<PathBuf>) = all
        .into_iter()
        .partition(|f| regression::read::<S::Step>(f).is_err() && crate::scenario::load(f).is_ok());
    for f in &scenarios {
        let number = crate::scenario::load(f)
            .map(|s| s.number)
            .unwrap_or_default();
        out!(
            "SKIP    {}: a use-case scenario, not a regression file: run it with `harness scenario {number}`",
            f.display()
        );
    }
    if files.is_empty() && !scenarios.is_empty() {
        return Err(CliError::Usage(format!(
            "{} scenario file(s) and no regression file given: scenarios run with `harness scenario` (all) or `harness scenario N`",
            scenarios.len()
        )));
    }
    let mut counts = [0usize; 5];
    let mut cases = Vec::new();
    for f in &files {
        let started = std::time::Instant::now();
        let st = regression::replay_file(p, f);
        cases.push(crate::junit::ReplayOutcome {
            file: f.display().to_string(),
            failure: match &st {
                ReplayStatus::Pass | ReplayStatus::Known(_) => None,
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
            ReplayStatus::Known(group) => {
                counts[4] += 1;
                out!("KNOWN   {}: fails as recorded ({group})", f.display());
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
                    // Why follows: steps the spec no longer has, or a recorded disagreement
                    // that now fails differently (or not at all).
                    "STALE   {}: no longer replays as written; update or delete the file",
                    f.display()
                );
                for w in why {
                    out!("        {w}");
                }
                if let Some(hint) = variant_hint(f, &a.spec.specs) {
                    out!("        {hint}");
                }
            }
            ReplayStatus::Invalid(e) => {
                counts[3] += 1;
                out!("INVALID {e}");
            }
        }
    }
    let known = if counts[4] > 0 {
        format!(", {} known disagreements reproduced", counts[4])
    } else {
        String::new()
    };
    let skipped = if scenarios.is_empty() {
        String::new()
    } else {
        format!(
            "; {} scenario files skipped (run them with `harness scenario`)",
            scenarios.len()
        )
    };
    out!(
        "replayed {} files: {} passed, {} failed, {} stale, {} invalid{known}{skipped}",
        files.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    );
    if let Some(path) = &a.junit {
        crate::junit::from_replays(&cases)
            .write(path)
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(if counts[3] > 0 {
        Exit::Usage
    } else {
        Exit::conform_if(counts[1] + counts[2] == 0)
    })
}

fn list_system<S: System>(sys: &S, what: ListWhat) -> Exit {
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
