//! One complete `explore` run: explore, shrink the failures, write their regression files, and
//! summarize everything as a `RunResult` (the JSON other tools merge and report on).

use super::explore::{self, Exploration, ExploreConfig, Progress};
use super::group::{Group, GroupKey};
use super::regression::{self, Known, RegressionFile};
use super::run::{DriverFor, Parties, StepFailure};
use super::shrink::{self, Shrunk};
use super::system::{CheckKind, Finding, StepId, System};
use crate::results::{DepthTiming, RunResult};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A finished run: the result, the shrunk failures with their files, and engine details.
#[derive(Debug)]
pub struct Session<St> {
    pub result: RunResult,
    /// One regression file per distinct shrunk failure, in deterministic order.
    pub regressions: Vec<(RegressionFile<St>, Option<PathBuf>)>,
    /// Failing nodes found while exploring (each a pruned subtree).
    pub failing_nodes: u64,
    /// Errors writing regression files.
    pub write_errors: Vec<regression::RegressionError>,
    /// Per entry of `regressions`: its failure group's key.
    pub keys: Vec<GroupKey>,
    /// Per entry of `regressions`: whether its group is one of the recorded known
    /// disagreements given to [`run_with_known`] (such files are not written again).
    pub known: Vec<bool>,
}

/// Explores, shrinks one witness per failure group and (with `regressions_dir`) writes a
/// regression file per group.
pub fn run<S, A, B>(
    p: Parties<'_, S, A, B>,
    cfg: &ExploreConfig,
    regressions_dir: Option<&Path>,
    progress: &dyn Progress,
) -> Session<S::Step>
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    run_with_known(p, cfg, regressions_dir, progress, &[])
}

/// [`run`], where groups whose key is in `known` (recorded disagreements of the subject) are
/// marked as such and their files are not written: the records already hold them.
pub fn run_with_known<S, A, B>(
    p: Parties<'_, S, A, B>,
    cfg: &ExploreConfig,
    regressions_dir: Option<&Path>,
    progress: &dyn Progress,
    known: &[GroupKey],
) -> Session<S::Step>
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let ex = explore::explore(p, cfg, progress);
    let groups = ex.groups.clone().into_sorted();
    let shrunk: Vec<(Shrunk, u64)> = groups
        .par_iter()
        .map(|g| (shrink_group(p, g), g.prefixes))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut regressions = Vec::new();
    let mut summaries = Vec::new();
    let mut write_errors = Vec::new();
    let mut known_flags = Vec::new();
    let mut keys = Vec::new();
    for (s, prefixes) in shrunk {
        let mut file = regression::regression_file(p.system, &s);
        file.prefixes = prefixes;
        let key = GroupKey::of(p.system, &s.steps, &s.failure);
        let is_known = known.contains(&key);
        if cfg.record_known {
            file.known = Some(Known {
                subject: p.subject.name().to_string(),
                group: key.clone(),
                observed: s.failure.observed.clone(),
                class: String::new(),
                cause: String::new(),
                semantics: String::new(),
                note: String::new(),
            });
        }
        if !seen.insert(file.id.clone()) {
            continue;
        }
        let path = match regressions_dir.filter(|_| !is_known) {
            Some(dir) => match regression::write(dir, &file) {
                Ok(p) => Some(p),
                Err(e) => {
                    write_errors.push(e);
                    None
                }
            },
            None => None,
        };
        let mut summary = regression::failure_summary(p.system, &s, path.as_deref());
        summary.prefixes = prefixes;
        summaries.push(summary);
        regressions.push((file, path));
        known_flags.push(is_known);
        keys.push(key);
    }
    let result = to_result(p.system, cfg, &ex, summaries);
    Session {
        result,
        regressions,
        failing_nodes: ex.failing_nodes,
        write_errors,
        keys,
        known: known_flags,
    }
}

/// Shrinks a group's witness without leaving the group; a witness that does not fail the
/// same way from scratch is kept as found, with a finding that says so.
fn shrink_group<S, A, B>(p: Parties<'_, S, A, B>, g: &Group) -> Shrunk
where
    S: System,
    A: DriverFor<S>,
    B: DriverFor<S>,
{
    let same = |steps: &[StepId], f: &StepFailure| GroupKey::of(p.system, steps, f) == g.key;
    shrink::shrink_while(p, &g.witness, same).unwrap_or_else(|| {
        let mut failure = g.failure.clone();
        failure.findings.push(Finding::new(
            CheckKind::Driver,
            "failure did not reproduce the same way when replayed from scratch",
        ));
        Shrunk {
            steps: g.witness.clone(),
            failure,
            attempts: 1,
        }
    })
}

fn to_result<S: System>(
    sys: &S,
    cfg: &ExploreConfig,
    ex: &Exploration,
    failures: Vec<crate::results::FailureSummary>,
) -> RunResult {
    let mut notes = Vec::new();
    if ex.stopped_early {
        notes.push(format!(
            "stopped early: {} failure groups found (--max-failures); the space was not covered",
            ex.groups.len()
        ));
    }
    let depth = match ex.stopped_by_time {
        Some(cut) => {
            let partial = ex.steps_per_depth.get(cut - 1).copied().unwrap_or(0);
            notes.push(format!(
                "stopped by --time: every sequence up to depth {} explored; depth {cut} partial ({partial} steps)",
                cut - 1
            ));
            cut - 1
        }
        None => cfg.depth,
    };
    RunResult {
        depth: u32::try_from(depth).unwrap_or(u32::MAX),
        shard: cfg.shard,
        alphabet: sys.steps().len() as u64,
        sequences: u64::try_from(ex.sequences).unwrap_or(u64::MAX),
        steps: ex.steps,
        distinct_states: ex.distinct_states,
        seconds: ex.wall.as_secs_f64(),
        per_depth: ex
            .steps_per_depth
            .iter()
            .zip(&ex.time_per_depth)
            .enumerate()
            .map(|(i, (n, t))| DepthTiming {
                depth: i as u32 + 1,
                steps: *n,
                seconds: t.as_secs_f64(),
            })
            .collect(),
        failures,
        coverage: ex
            .coverage
            .to_coverage(sys.action_names(), sys.clause_ids()),
        outcome_keys: sys.outcome_keys().iter().map(|k| k.to_string()).collect(),
        notes,
    }
}

/// The one-line summary printed after a run.
pub fn summary_line(r: &RunResult, failing_nodes: u64) -> String {
    let rate = if r.seconds > 0.0 {
        r.steps as f64 / r.seconds
    } else {
        0.0
    };
    let shard = r
        .shard
        .map(|(i, n)| format!(" shard {i}/{n}"))
        .unwrap_or_default();
    // The raw count saturates (a^n passes u64 from about depth 10 on with 90 letters).
    let sequences = if r.sequences == u64::MAX {
        "more than 1.8e19".to_string()
    } else {
        r.sequences.to_string()
    };
    format!(
        "depth {}{shard}: {sequences} sequences (alphabet {}), {} steps executed, {} distinct states, {:.2} s, {:.0} steps/s, {} failures ({} failing prefixes)",
        r.depth,
        r.alphabet,
        r.steps,
        r.distinct_states,
        r.seconds,
        rate,
        r.failures.len(),
        failing_nodes
    )
}
